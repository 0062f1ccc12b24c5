import { canonicalJson, deepEqual } from '../json.js'
import type { KubeClient } from '../kube/client.js'
import {
  chartMetadata,
  checkRendering,
  latestRevision,
  localChartMatches,
  readRelease,
  releaseObjects,
  renderChart,
  renderedHooks,
  uninstallRelease,
  upgradeRelease,
  type ChartSource,
  type HelmRelease,
} from '../kube/helm.js'
import { objectKey, redact } from '../kube/objects.js'
import type { KubeObject } from '../kube/types.js'
import { creationFields, diffValues } from '../plan/fields.js'
import type { Decision, ResourceId } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { ManagedResource } from './base.js'

export interface HelmReleaseSpec {
  id: ResourceId
  release: string
  namespace: string
  chart: ChartSource
  /** The values the action gives helm (its own, with karpenter.values merged last). */
  values: Record<string, unknown>
  /** Bound of install, upgrade, rollback and uninstall (karpenter.timeout). */
  timeout: string
  /** `--skip-crds`: the main chart's crds/ folder is left to the CRD chart. */
  skipCrds: boolean
  dependsOn: readonly ResourceId[]
  keepOnDestroy?: boolean
  /** false when nothing will be installed (destroy): no rendering then. */
  render: boolean
  /** The configured Karpenter version, to point out a chart folder of another version. */
  expectedVersion?: string
}

/** Where a release lives. */
export interface HelmTarget {
  release: string
  namespace: string
}

export interface HelmReleaseRead {
  /** The latest revision (absent: no release, or one uninstalled with its history kept). */
  release?: HelmRelease
  /** What the chart renders to, when the release might change; not rendered when nothing could. */
  rendered?: KubeObject[]
}

/** `helm upgrade --install` of `chart` with `values` at `release` in `namespace`, waited for and undone on failure. */
export type HelmUpgradeOp = { op: 'upgrade' } & HelmTarget &
  Pick<HelmReleaseSpec, 'chart' | 'values' | 'timeout' | 'skipCrds'> & {
    /** false: helm does not wait; the resource checks readiness itself (the CRD release). */
    wait?: false
    /** The rendering the plan showed, dry-run by the API server before helm installs it (checkRendering()). */
    checked?: KubeObject[]
    /** The CRD release: the CRDs of the plan's rendering, looked at while helm installs them (establishedMeanwhile()). */
    crds?: string[]
  }

/**
 * `helm template` of charts, each chart, values and target rendered at most once: shared by the resources of one
 * desired-state graph (the plan-time check of NodePools against the CRD chart's schemas reuses its rendering).
 */
export class ChartRenderings {
  private readonly made = new Map<string, Promise<KubeObject[]>>()
  private kubeVersion?: Promise<string | undefined>
  private apiVersions?: Promise<string[] | undefined>

  constructor(private readonly kube: KubeClient) {}

  /**
   * Asks for the server's version now, for a rendering that may follow: a release's read calls this before it
   * reads the release, so that the version is in hand when the release turns out to need rendering.
   */
  prepare(): Promise<string | undefined> {
    return (this.kubeVersion ??= this.kube.serverVersion().catch(() => undefined))
  }

  render(chart: ChartSource, at: HelmTarget, values: Record<string, unknown>): Promise<KubeObject[]> {
    const key = canonicalJson({ chart, at, values })
    let rendering = this.made.get(key)
    if (!rendering) {
      // As helm install sees the cluster: its version and the API versions it serves (a chart may render an object
      // only where its kind is served, e.g. a ServiceMonitor), so that the plan shows what the install will create.
      this.apiVersions ??= this.kube.apiVersions().catch(() => undefined)
      rendering = Promise.all([this.prepare(), this.apiVersions]).then(([kubeVersion, apiVersions]) =>
        renderChart(this.kube, chart, { ...at, values, kubeVersion, apiVersions }),
      )
      this.made.set(key, rendering)
    }
    return rendering
  }
}

/**
 * A Helm release, installed and upgraded with `helm upgrade --install`, its workloads waited for and a failure
 * rolled back as `--wait --atomic` would (upgradeRelease() in src/kube/helm.ts).
 *
 * read() takes the latest revision from its Secret (no helm process). The chart is rendered with
 * `helm template` only when the release might change: when the chart version, the values or (for a chart
 * folder) the chart's own files differ from the release's record, or it is not deployed. So a plan with
 * nothing to do spawns no helm at all, and an apply with nothing to do creates no new revision.
 */
export class HelmReleaseResource<
  R extends HelmReleaseRead = HelmReleaseRead,
  Op = HelmUpgradeOp,
> extends ManagedResource<R, Op | HelmUpgradeOp> {
  readonly kind: string = 'helm release'

  constructor(
    protected readonly kube: KubeClient,
    readonly spec: HelmReleaseSpec,
    protected readonly renderings: ChartRenderings,
  ) {
    super({
      id: spec.id,
      name: `${spec.namespace}/${spec.release}`,
      dependsOn: spec.dependsOn,
      keepOnDestroy: spec.keepOnDestroy,
    })
  }

  protected get configured(): HelmTarget {
    return { release: this.spec.release, namespace: this.spec.namespace }
  }

  /** Where the read found (or will put) the release. */
  protected targetOf(_read: R): HelmTarget {
    return this.configured
  }

  override exists(read: R): boolean {
    return read.release !== undefined
  }

  read(): Promise<R> {
    return this.readAt(this.configured) as Promise<R>
  }

  /** The release's latest revision is the one read (or there is still none): one request of Secret metadata. */
  async unchanged(read: R): Promise<boolean> {
    const { namespace, release } = this.targetOf(read)
    const latest = await latestRevision(this.kube, namespace, release)
    // A release uninstalled with its history kept reads as absent: confirmed only by reading it again.
    if (!read.release) return latest === undefined
    return latest?.revision === read.release.revision && latest.resourceVersion === read.release.resourceVersion
  }

  /** The release at `target`, rendered when it might change. */
  protected async readAt(target: HelmTarget): Promise<HelmReleaseRead> {
    if (this.spec.render) void this.renderings.prepare()
    let release = await readRelease(this.kube, target.namespace, target.release)
    // `helm uninstall --keep-history` leaves records; helm installs afresh over them.
    if (release?.status === 'uninstalled') release = undefined
    if (release && /^(pending-|uninstalling)/.test(release.status)) {
      throw new Error(
        `helm release ${target.namespace}/${target.release} is stuck in ${release.status} (revision ${release.revision}): an earlier helm run was interrupted. ` +
          `Fix: \`helm rollback ${target.release} -n ${target.namespace}\` (or \`helm uninstall\` if it was never deployed), then run again.`,
      )
    }
    const rendered = this.spec.render && !this.upToDate(release) ? await this.render(target) : undefined
    return { ...(release ? { release } : {}), ...(rendered ? { rendered } : {}) }
  }

  protected render(target: HelmTarget): Promise<KubeObject[]> {
    return this.renderings.render(this.spec.chart, target, this.spec.values)
  }

  /** True when the release already has this chart and these values, deployed: nothing could change. */
  private upToDate(release: HelmRelease | undefined): boolean {
    if (!release || release.status !== 'deployed') return false
    const meta = chartMetadata(this.spec.chart)
    if (meta.name !== release.chart.name || meta.version !== release.chart.version) return false
    if (!deepEqual(this.spec.values, release.values)) return false
    // An OCI chart of one version is immutable; a folder can change under the same version.
    return this.spec.chart.local ? localChartMatches(this.spec.chart, release) : true
  }

  diff(read: R): Decision<Op | HelmUpgradeOp> {
    const meta = chartMetadata(this.spec.chart)
    const chart = `${meta.name}-${meta.version}`
    const { release: r, rendered } = read
    const fields: FieldChange[] = []
    const ops = [this.upgrade(this.targetOf(read), rendered)]
    if (!r) {
      fields.push({ path: 'chart', after: chart })
      if (Object.keys(this.spec.values).length) fields.push(...creationFields(this.spec.values, 'values'))
      if (rendered) fields.push({ path: 'manifest', after: rendered.map(objectKey) })
      return { action: 'create', fields, ops, ...this.versionNote(meta.version) }
    }
    if (!rendered) return { action: 'noop', fields: [], ops: [] }
    const before = `${r.chart.name}-${r.chart.version}`
    if (before !== chart) fields.push({ path: 'chart', before, after: chart })
    if (r.status !== 'deployed') fields.push({ path: 'status', before: r.status, after: 'deployed' })
    fields.push(...diffValues(r.values, this.spec.values, 'values'))
    fields.push(...manifestChanges(releaseObjects(r), rendered))
    if (fields.length === 0) return { action: 'noop', fields: [], ops: [] }
    return { action: 'update', fields, ops, ...this.versionNote(meta.version) }
  }

  /**
   * The upgrade of the release at `target`; with the plan's rendering (when it rendered no hooks, which it leaves
   * out) to be dry-run by the API server first.
   */
  protected upgrade(target: HelmTarget, rendered?: KubeObject[]): HelmUpgradeOp {
    const { chart, values, timeout, skipCrds } = this.spec
    const checked = rendered && !renderedHooks(rendered) ? { checked: rendered } : {}
    return { op: 'upgrade', ...target, chart, values, timeout, skipCrds, ...checked }
  }

  private versionNote(chartVersion: string): { note?: string } {
    const want = this.spec.expectedVersion
    if (!this.spec.chart.local || !want || want === chartVersion) return {}
    return { note: `the chart folder's Chart.yaml says ${chartVersion}; karpenter.version is ${want}` }
  }

  async apply(ops: readonly (Op | HelmUpgradeOp)[]): Promise<void> {
    for (const op of ops) {
      const { op: _, chart, checked, ...upgrade } = op as HelmUpgradeOp
      if (checked) await checkRendering(this.kube, checked, upgrade.namespace, `helm release ${this.name}`)
      await upgradeRelease(this.kube, chart, { ...upgrade, checked })
    }
  }

  async destroy(read: R): Promise<void> {
    const { namespace, release } = this.targetOf(read)
    await uninstallRelease(this.kube, namespace, release, this.spec.timeout)
  }
}

/**
 * The rendered objects that change between two manifests: created and deleted objects by name, changed ones
 * field by field. Secret data shows as digests, flagged sensitive.
 */
export function manifestChanges(before: KubeObject[], after: KubeObject[]): FieldChange[] {
  const byKey = (objs: KubeObject[]) => new Map(objs.map((o) => [objectKey(o), o]))
  const old = byKey(before)
  const now = byKey(after)
  const out: FieldChange[] = []
  const chartLabels = new Map<string, FieldChange & { objects: string[] }>()
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const a = old.get(key)
    const b = now.get(key)
    const path = `manifest[${JSON.stringify(key)}]`
    // A whole object created or deleted shows as its apiVersion: `+ manifest["Role ns/x"] = "rbac.authorization.k8s.io/v1"`.
    if (!a) out.push({ path, after: b!.apiVersion })
    else if (!b) out.push({ path, before: a.apiVersion })
    else {
      const secret = a.kind === 'Secret'
      for (const f of diffValues(redact(a), redact(b), path)) {
        const label = CHART_LABEL.exec(f.path.slice(path.length))
        if (label) {
          // The labels every object carries for the chart version: one line for all objects.
          const group = `${label[0]}|${JSON.stringify([f.before, f.after])}`
          const seen = chartLabels.get(group)
          if (seen) seen.objects.push(key)
          else
            chartLabels.set(group, { path: `manifest[*]${label[0]}`, before: f.before, after: f.after, objects: [key] })
        } else out.push(secret ? { ...f, sensitive: true } : f)
      }
    }
  }
  for (const { objects, ...f } of chartLabels.values()) out.push({ ...f, detail: [`on ${objects.join(', ')}`] })
  return out
}

/** The labels a chart stamps with its own version (on the object and on a pod template). */
const CHART_LABEL = /^(?:\.spec\.template)?\.metadata\.labels\["(?:helm\.sh\/chart|app\.kubernetes\.io\/version)"\]$/
