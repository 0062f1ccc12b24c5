import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import * as core from '../runner.js'
import { parse as parseYaml } from 'yaml'
import { deepEqual } from '../json.js'
import { ActionFailure } from '../outcome.js'
import { KubeApiError, isRefusal, type KubeClient } from './client.js'
import { durationMs, isHelmHook, objectKey, parseRendered } from './objects.js'
import { RolloutError, waitForRollout } from './rollout.js'
import type { KubeObject } from './types.js'

/** What Helm stores about one revision of a release (the parts this action reads). */
export interface HelmRelease {
  name: string
  namespace: string
  revision: number
  /** The resourceVersion of the Secret it was read from (absent when decoded from elsewhere). */
  resourceVersion?: string
  /** deployed, failed, superseded, pending-install, pending-upgrade, pending-rollback, uninstalling ... */
  status: string
  chart: { name: string; version: string; appVersion?: string }
  /** The values given by the user (`-f`/`--set`), not merged with the chart's defaults. */
  values: Record<string, unknown>
  /** The rendered objects (hooks excluded), as Helm applied them. */
  manifest: string
  /** The chart's own files as stored with the release: templates by path, and its values.yaml. */
  chartTemplates: Record<string, string>
  chartValues: Record<string, unknown>
}

interface StoredRelease {
  name: string
  namespace: string
  version: number
  info?: { status?: string }
  chart?: {
    metadata?: { name?: string; version?: string; appVersion?: string }
    templates?: { name: string; data: string }[]
    values?: Record<string, unknown>
  }
  config?: Record<string, unknown>
  manifest?: string
}

/**
 * Decodes a release Secret (`sh.helm.release.v1.<name>.v<N>`): its `data.release` is base64 (the Secret's
 * own encoding) of base64 of gzip of JSON (Helm's). Reading the Secret through the API replaces a
 * `helm get` process per release.
 */
export function decodeReleaseSecret(secret: KubeObject): HelmRelease {
  const data = (secret.data as Record<string, string> | undefined)?.release
  if (!data) throw new Error(`Secret ${secret.metadata.name} holds no Helm release`)
  const helmEncoded = Buffer.from(data, 'base64').toString('utf8')
  let bytes = Buffer.from(helmEncoded, 'base64')
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  const r = JSON.parse(bytes.toString('utf8')) as StoredRelease
  const templates: Record<string, string> = {}
  for (const t of r.chart?.templates ?? []) templates[t.name] = Buffer.from(t.data, 'base64').toString('utf8')
  return {
    name: r.name,
    namespace: r.namespace,
    revision: r.version,
    ...(secret.metadata.resourceVersion ? { resourceVersion: String(secret.metadata.resourceVersion) } : {}),
    status: r.info?.status ?? 'unknown',
    chart: {
      name: r.chart?.metadata?.name ?? '',
      version: r.chart?.metadata?.version ?? '',
      appVersion: r.chart?.metadata?.appVersion,
    },
    values: r.config ?? {},
    manifest: r.manifest ?? '',
    chartTemplates: templates,
    chartValues: r.chart?.values ?? {},
  }
}

/** The latest revision of a release, or undefined when Helm has no record of it. Two requests, no process. */
export async function readRelease(kube: KubeClient, namespace: string, name: string): Promise<HelmRelease | undefined> {
  const latest = await latestRevision(kube, namespace, name)
  if (!latest) return undefined
  const secret = await kube.getPath(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${latest.secret}`)
  return secret ? decodeReleaseSecret(secret) : undefined
}

/** The latest revision's number and Secret (name, resourceVersion) by one request of metadata only. */
export async function latestRevision(
  kube: KubeClient,
  namespace: string,
  name: string,
): Promise<{ revision: number; secret: string; resourceVersion?: string } | undefined> {
  const list = await kube.getPath<{
    items: { metadata: { name: string; resourceVersion?: string; labels?: Record<string, string> } }[]
  }>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`, {
    query: { labelSelector: `owner=helm,name=${name}` },
    // Only names and labels: the revisions' payloads are large, and only the latest is needed.
    accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
  })
  return (list?.items ?? [])
    .map((s) => ({
      revision: Number(s.metadata.labels?.version ?? NaN),
      secret: s.metadata.name,
      resourceVersion: s.metadata.resourceVersion,
    }))
    .filter((s) => Number.isFinite(s.revision))
    .sort((a, b) => b.revision - a.revision)[0]
}

/** Where a chart comes from: an OCI reference (helm pulls it) or a folder on disk. */
export interface ChartSource {
  /** What helm is given. */
  ref: string
  local: boolean
  /** The version asked for (`--version`, remote charts only: helm ignores it for folders). */
  version?: string
  /** The config key it came from, for messages. */
  key: string
}

export function chartSource(ref: string, version: string, key: string, cwd = process.cwd()): ChartSource {
  if (/^oci:\/\//.test(ref)) return { ref, local: false, version, key }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    throw new ActionFailure(
      'config',
      `${key}: "${ref}" is neither an oci:// reference nor a folder. Fix: use oci://... or a chart folder.`,
    )
  }
  return { ref: isAbsolute(ref) ? ref : resolve(cwd, ref), local: true, key }
}

export interface ChartMetadata {
  name: string
  version: string
  appVersion?: string
}

/** The chart a source will give, known without helm: Chart.yaml of a folder, the name and version asked for otherwise. */
export function chartMetadata(src: ChartSource): ChartMetadata {
  if (!src.local) return { name: src.ref.replace(/\/+$/, '').split('/').pop() ?? src.ref, version: src.version ?? '' }
  const file = join(src.ref, 'Chart.yaml')
  if (!existsSync(file)) {
    throw new ActionFailure(
      'config',
      `${src.key}: ${src.ref} is not a chart folder (no Chart.yaml). Fix: point ${src.key} at the folder holding Chart.yaml, or at an oci:// reference.`,
    )
  }
  const meta = parseYaml(readFileSync(file, 'utf8')) as { name?: string; version?: string; appVersion?: string }
  return { name: String(meta.name ?? ''), version: String(meta.version ?? ''), appVersion: meta.appVersion }
}

/**
 * True when a chart folder holds exactly the templates and values.yaml stored with the release: then the
 * rendered manifest cannot differ (given equal values) and no `helm template` is needed. Folders with
 * sub-charts are never assumed equal.
 */
export function localChartMatches(src: ChartSource, release: HelmRelease): boolean {
  if (!src.local) return false
  if (existsSync(join(src.ref, 'charts')) && readdirSync(join(src.ref, 'charts')).length > 0) return false
  const templatesDir = join(src.ref, 'templates')
  const files: Record<string, string> = {}
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry)
      if (statSync(full).isDirectory()) walk(full)
      else files[relative(src.ref, full).split('\\').join('/')] = readFileSync(full, 'utf8')
    }
  }
  if (existsSync(templatesDir)) walk(templatesDir)
  if (!deepEqual(files, release.chartTemplates)) return false
  const valuesFile = join(src.ref, 'values.yaml')
  const values = existsSync(valuesFile) ? ((parseYaml(readFileSync(valuesFile, 'utf8')) ?? {}) as object) : {}
  return deepEqual(values, release.chartValues)
}

export interface RenderOptions {
  release: string
  namespace: string
  values: Record<string, unknown>
  /** The cluster's version, for `.Capabilities.KubeVersion` (helm template otherwise assumes its own). */
  kubeVersion?: string
  /** The group versions the cluster serves, for `.Capabilities.APIVersions` (helm template otherwise knows only its own list). */
  apiVersions?: string[]
}

/** `helm template`: the objects an install or upgrade would apply (hooks and tests left out, as in a release manifest). */
export async function renderChart(kube: KubeClient, src: ChartSource, opts: RenderOptions): Promise<KubeObject[]> {
  const args = ['template', opts.release, src.ref, '--namespace', opts.namespace, '--values', '-', '--skip-tests']
  if (!src.local && src.version) args.push('--version', src.version)
  if (opts.kubeVersion) args.push('--kube-version', opts.kubeVersion)
  if (opts.apiVersions?.length) args.push('--api-versions', opts.apiVersions.join(','))
  const out = await kube.helm(args, { input: JSON.stringify(opts.values) }).catch((e: unknown) => {
    throw (
      chartError(src, helmMessage(e)) ?? new Error(`${src.key}: helm could not render ${src.ref}: ${helmMessage(e)}`)
    )
  })
  const all = parseRendered(out.stdout, `helm template ${src.ref}`)
  const objects = all.filter((o) => !isHelmHook(o))
  if (objects.length !== all.length) withHooks.add(objects)
  return objects
}

/** Renderings that left hooks out: checkRendering() does not see those, so helm keeps checking them itself. */
const withHooks = new WeakSet<KubeObject[]>()

/** True when the chart rendered hooks besides these objects. */
export function renderedHooks(objects: KubeObject[]): boolean {
  return withHooks.has(objects)
}

/**
 * The planned rendering of a chart, dry-run by the API server (server-side apply with Strict field validation, all
 * at once) before helm installs it: unknown or duplicate fields, wrong types, CEL rules and admission refuse it here,
 * before helm records a revision, every refusal in one error. Objects without a namespace get the release's, as helm
 * gives them. helm's own client-side check of the same objects (it downloads and parses the server's OpenAPI
 * documents: ~150 ms per install) is then turned off with `--disable-openapi-validation` (UpgradeOptions.checked).
 */
export async function checkRendering(
  kube: KubeClient,
  objects: KubeObject[],
  namespace: string,
  what: string,
): Promise<void> {
  const refused: string[] = []
  await Promise.all(
    objects.map(async (o) => {
      const served = await kube.resource(o.apiVersion, o.kind)
      if (!served) {
        refused.push(`${objectKey(o)}: ${o.kind} (${o.apiVersion}) is not served by this cluster`)
        return
      }
      const obj = served.namespaced && !o.metadata.namespace ? { ...o, metadata: { ...o.metadata, namespace } } : o
      try {
        await kube.dryRunApply(obj)
      } catch (e) {
        if (!isRefusal(e) && !(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e
        refused.push(`${objectKey(obj)}: ${(e as KubeApiError).apiMessage}`)
      }
    }),
  )
  if (refused.length) {
    throw new Error(
      `${what}: the API server refused the chart's objects in a dry run, so helm was not run and nothing of it was installed:\n` +
        refused
          .sort()
          .map((r) => `  - ${r}`)
          .join('\n') +
        '\nFix: correct the values (karpenter.values) or the chart that render these objects.',
    )
  }
}

/** The config key that holds the chart's version. */
const VERSION_KEY = 'karpenter.version'

/**
 * What helm's failure to fetch an OCI chart means, as an error of reason `chart` naming the config keys and the fix:
 * the chart or its version is not in the registry, the registry cannot be reached or is not trusted, or it refuses
 * the pull. Undefined for anything else (a chart that fetched but does not render).
 */
export function chartError(src: ChartSource, helm: string): ActionFailure | undefined {
  if (src.local) return undefined
  const version = src.version ? ` ${src.version}` : ''
  const where = `${src.key} (${src.ref}${src.version ? `, ${VERSION_KEY} ${src.version}` : ''})`
  const cause = helm.replace(/^failed to perform "FetchReference" on source:\s*/, '')
  if (/: not found$|manifest unknown|name unknown|not found: .*manifest/i.test(helm)) {
    return new ActionFailure(
      'chart',
      `${where}: the registry has no chart version${version} (${cause}). ` +
        `Fix: set ${VERSION_KEY} to a version the registry serves, or point ${src.key} at a registry that has it ` +
        `(\`helm show chart ${src.ref} --version <version>\` tells). Nothing was changed.`,
    )
  }
  if (/unauthorized|denied|forbidden|401|403/i.test(helm)) {
    return new ActionFailure(
      'chart',
      `${where}: the registry refused the pull (${cause}). ` +
        `Fix: make the chart public, or log the runner in first (\`helm registry login\`). Nothing was changed.`,
    )
  }
  if (
    /dial tcp|connection refused|no such host|i\/o timeout|network is unreachable|TLS handshake|x509|tls:|EOF$/i.test(
      helm,
    )
  ) {
    return new ActionFailure(
      'chart',
      `${where}: the registry cannot be reached (${cause}). ` +
        `Fix: check the registry address in ${src.key}, and that the runner reaches it (network, proxy, a CA it trusts). Nothing was changed.`,
    )
  }
  return undefined
}

export interface UpgradeOptions extends RenderOptions {
  timeout: string
  skipCrds: boolean
  /**
   * false: no waiting here, for a release whose readiness the caller checks itself (the CRD chart: a new CRD is
   * never Established at helm's first look). Otherwise its workloads are waited for and a failure is undone, as
   * `--wait --atomic` does: see upgradeRelease().
   */
  wait?: boolean
  /**
   * The objects the plan rendered, dry-run by the API server already (checkRendering()): helm's OpenAPI check of the
   * same objects is skipped, and anything helm installs beyond them is pointed out.
   */
  checked?: KubeObject[]
}

/**
 * `helm upgrade --install`, then what `--wait --atomic` would do, sooner: the release's Deployments, StatefulSets
 * and DaemonSets are waited for through the API (src/kube/rollout.ts: every 100 ms, where helm looks every 2 s),
 * bounded by `timeout` from the start; when helm fails after recording a new revision, or the workloads do not roll
 * out, the release goes back to the revision that ran before (`helm rollback --wait`), or, when there was none, the
 * new one is uninstalled. Either way what ran before still runs.
 */
export async function upgradeRelease(kube: KubeClient, src: ChartSource, opts: UpgradeOptions): Promise<void> {
  const own = opts.wait !== false
  const deadline = Date.now() + durationMs(opts.timeout)
  const before = own ? await latestRevision(kube, opts.namespace, opts.release) : undefined
  const args = ['upgrade', '--install', opts.release, src.ref, '--namespace', opts.namespace, '--values', '-']
  args.push('--timeout', opts.timeout, '--history-max', '10')
  if (opts.skipCrds) args.push('--skip-crds')
  if (opts.checked) args.push('--disable-openapi-validation')
  if (!src.local && src.version) args.push('--version', src.version)
  let helmDone = false
  try {
    await kube.helm(args, { input: JSON.stringify(opts.values) })
    helmDone = true
    if (own) {
      const release = await readRelease(kube, opts.namespace, opts.release)
      if (release && opts.checked) beyondChecked(release, opts.checked)
      await waitForRollout(kube, release ? releaseObjects(release) : [], opts.namespace, deadline)
    }
  } catch (e) {
    const msg = e instanceof RolloutError ? e.message : helmMessage(e)
    const chart = helmDone ? undefined : chartError(src, msg)
    if (chart) throw chart
    const hints: string[] = []
    if (own) {
      const undone = await undo(kube, opts, before)
      if (undone) hints.push(undone)
    }
    const timedOut = e instanceof RolloutError ? e.timedOut : /context deadline exceeded|timed out/i.test(msg)
    if (timedOut) {
      hints.push(
        `it did not become ready within karpenter.timeout (${opts.timeout}): see \`kubectl -n ${opts.namespace} get pods,events\` for why, fix the cause (often a value in karpenter.values) or raise karpenter.timeout`,
      )
    }
    throw new Error(
      `helm upgrade of ${opts.namespace}/${opts.release} failed: ${msg}${hints.length ? `. ${hints.join('; ')}` : ''}`,
    )
  }
}

/**
 * Helm renders the chart again when it installs it, with the same values and (as the plan's rendering) the cluster's
 * version and API versions; a chart that reads the cluster (`lookup`) could still make more objects than the plan
 * showed and the dry run checked. Says so, naming them: the API server then judged them only as helm sent them.
 */
function beyondChecked(release: HelmRelease, checked: KubeObject[]): void {
  const planned = new Set(checked.map(objectKey))
  const more = releaseObjects(release)
    .map(objectKey)
    .filter((k) => !planned.has(k))
  if (more.length) {
    core.warning(
      `helm release ${release.namespace}/${release.name}: helm installed objects the plan did not show (the chart rendered differently against the cluster): ${more.join(', ')}`,
    )
  }
}

/**
 * After a failed upgrade: back to the revision `before` (the latest before it), or, when there was none, the new
 * release uninstalled. Nothing when the failure recorded no new revision. Says what it did (or that it could not).
 */
async function undo(
  kube: KubeClient,
  opts: UpgradeOptions,
  before: { revision: number } | undefined,
): Promise<string | undefined> {
  const { namespace, release, timeout } = opts
  const now = await latestRevision(kube, namespace, release).catch(() => undefined)
  if (!now || now.revision === before?.revision) return undefined
  const args = before
    ? ['rollback', release, String(before.revision), '--namespace', namespace, '--wait', '--timeout', timeout]
    : ['uninstall', release, '--namespace', namespace, '--wait', '--timeout', timeout]
  try {
    await kube.helm(args)
  } catch (e) {
    return `undoing it failed too (\`helm ${args.slice(0, 3).join(' ')}\`: ${helmMessage(e)}): see \`helm history ${release} -n ${namespace}\``
  }
  return before
    ? `the release was rolled back to revision ${before.revision}, so what ran before still runs`
    : 'the new release was uninstalled again (nothing ran before it)'
}

/** `helm uninstall --wait`; a release that is already gone is fine. */
export async function uninstallRelease(
  kube: KubeClient,
  namespace: string,
  release: string,
  timeout: string,
): Promise<void> {
  const out = await kube.helm(['uninstall', release, '--namespace', namespace, '--wait', '--timeout', timeout], {
    allowFailure: true,
  })
  if (out.exitCode !== 0 && !/not found/i.test(out.stderr)) {
    throw new Error(`helm uninstall of ${namespace}/${release} failed: ${out.stderr.trim()}`)
  }
}

/** The objects of a release's manifest (hooks excluded). */
export function releaseObjects(release: HelmRelease): KubeObject[] {
  return parseRendered(release.manifest, `release ${release.namespace}/${release.name}`).filter((o) => !isHelmHook(o))
}

const crdNameScans = new Map<string, string[]>()

/**
 * The names of the CustomResourceDefinitions in a release manifest, by a scan of its documents' top-level `kind:`
 * and `metadata.name` lines instead of a YAML parse (a CRD chart's manifest is ~140 KB of schemas; this takes a
 * millisecond). Helm writes manifests itself (`---` between documents, `# Source:` comments, block style), which is
 * all the scan needs. Hooks are left out, as releaseObjects() does. Once per manifest per run, by digest.
 */
export function manifestCrdNames(manifest: string): string[] {
  const digest = createHash('sha256').update(manifest).digest('hex')
  let names = crdNameScans.get(digest)
  if (!names) {
    names = []
    for (const doc of manifest.split(/^---[^\S\n]*(?:\n|$)/m)) {
      if (!/^kind:[^\S\n]*["']?CustomResourceDefinition["']?[^\S\n]*$/m.test(doc)) continue
      const meta = /^metadata:[^\S\n]*\n((?:[ \t]+.*\n?|[^\S\n]*\n)*)/m.exec(doc)?.[1] ?? ''
      if (/^[ \t]+["']?helm\.sh\/hook["']?:/m.test(meta)) continue
      const indent = /^([ \t]+)\S/m.exec(meta)?.[1]
      const name = indent
        ? new RegExp(`^${indent}name:[^\\S\\n]*["']?([^"'\\s#]+)["']?`, 'm').exec(meta)?.[1]
        : undefined
      if (name) names.push(name)
    }
    crdNameScans.set(digest, names)
  }
  return [...names]
}

/** helm's stderr without the `Error: ` prefix. */
function helmMessage(e: unknown): string {
  const text = (e as { stderr?: string }).stderr?.trim() || (e instanceof Error ? e.message : String(e))
  return text.replace(/^Error:\s*/m, '').trim()
}

/** Deep merge for Helm values: objects merge key by key, anything else (lists included) is replaced. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] =
      isMap(v) && isMap(b)
        ? mergeValues(b as Record<string, unknown>, v as Record<string, unknown>)
        : structuredClone(v)
  }
  return out
}

function isMap(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
