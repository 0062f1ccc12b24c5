import {
  chartMetadata,
  localChartMatches,
  readRelease,
  releaseObjects,
  renderChart,
  uninstallRelease,
  upgradeRelease,
  type ChartSource,
  type HelmRelease,
} from '../kube/helm.js'
import type { Kube, KubeObject } from '../kube/kubectl.js'
import { deepEqual, diffValues, leaves, objectKey, redact } from '../kube/objects.js'
import type { Decision, Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'

export interface HelmReleaseSpec {
  id: string
  release: string
  namespace: string
  chart: ChartSource
  /** The values the action gives helm (its own, with karpenter.values merged last). */
  values: Record<string, unknown>
  /** Bound of install, upgrade, rollback and uninstall (karpenter.timeout). */
  timeout: string
  /** `--skip-crds`: the main chart's crds/ folder is left to the CRD chart. */
  skipCrds: boolean
  dependsOn: string[]
  keepOnDestroy?: boolean
  /** false when nothing will be installed (destroy): no rendering then. */
  render: boolean
  /** The configured Karpenter version, to point out a chart folder of another version. */
  expectedVersion?: string
}

export interface HelmReleaseActual {
  release: HelmRelease
}

/**
 * A Helm release, installed and upgraded with `helm upgrade --install --atomic --wait`.
 *
 * read() takes the latest revision from its Secret (no helm process). The chart is rendered with
 * `helm template` only when the release might change: when the chart version, the values or (for a chart
 * folder) the chart's own files differ from the release's record, or it is not deployed. So a plan with
 * nothing to do spawns no helm at all, and an apply with nothing to do creates no new revision.
 */
export class HelmReleaseResource implements Resource<HelmReleaseActual> {
  readonly kind: string = 'helm release'
  readonly wanted = true
  readonly id: string
  readonly dependsOn: string[]
  readonly keepOnDestroy?: boolean
  /** Where the release lives; a subclass may point it elsewhere while reading (see CrdRelease). */
  protected target: { release: string; namespace: string }
  /** The objects the chart renders to, when this plan rendered it. */
  rendered?: KubeObject[]
  private rendering?: Promise<KubeObject[]>

  constructor(
    protected readonly kube: Kube,
    readonly spec: HelmReleaseSpec,
  ) {
    this.id = spec.id
    this.dependsOn = spec.dependsOn
    this.keepOnDestroy = spec.keepOnDestroy
    this.target = { release: spec.release, namespace: spec.namespace }
  }

  get name(): string {
    return `${this.target.namespace}/${this.target.release}`
  }

  async read(): Promise<HelmReleaseActual | undefined> {
    let release = await readRelease(this.kube.api, this.target.namespace, this.target.release)
    // `helm uninstall --keep-history` leaves records; helm installs afresh over them.
    if (release?.status === 'uninstalled') release = undefined
    if (release && /^(pending-|uninstalling)/.test(release.status)) {
      throw new Error(
        `helm release ${this.name} is stuck in ${release.status} (revision ${release.revision}): an earlier helm run was interrupted. ` +
          `Fix: \`helm rollback ${this.target.release} -n ${this.target.namespace}\` (or \`helm uninstall\` if it was never deployed), then run again.`,
      )
    }
    if (this.spec.render && !this.upToDate(release)) await this.render()
    return release ? { release } : undefined
  }

  /** True when the release already has this chart and these values, deployed: nothing could change. */
  protected upToDate(release: HelmRelease | undefined): boolean {
    if (!release || release.status !== 'deployed') return false
    const meta = chartMetadata(this.spec.chart)
    if (meta.name !== release.chart.name || meta.version !== release.chart.version) return false
    if (!deepEqual(this.spec.values, release.values)) return false
    // An OCI chart of one version is immutable; a folder can change under the same version.
    return this.spec.chart.local ? localChartMatches(this.spec.chart, release) : true
  }

  /** `helm template` of the desired chart and values, at most once per plan. */
  render(): Promise<KubeObject[]> {
    this.rendering ??= (async () => {
      const kubeVersion = await this.kube.api.serverVersion().catch(() => undefined)
      this.rendered = await renderChart(this.kube, this.spec.chart, {
        release: this.target.release,
        namespace: this.target.namespace,
        values: this.spec.values,
        kubeVersion,
      })
      return this.rendered
    })()
    return this.rendering
  }

  diff(actual: HelmReleaseActual | undefined): Decision {
    const meta = chartMetadata(this.spec.chart)
    const chart = `${meta.name}-${meta.version}`
    const fields: FieldChange[] = []
    if (!actual) {
      fields.push({ path: 'chart', after: chart })
      if (Object.keys(this.spec.values).length) {
        for (const [path, after] of leaves(this.spec.values, 'values')) fields.push({ path, after })
      }
      if (this.rendered) fields.push({ path: 'manifest', after: this.rendered.map(objectKey) })
      return { action: 'create', fields, note: this.versionNote(meta.version) }
    }
    const r = actual.release
    if (!this.rendered) return { action: 'noop', fields: [] }
    const before = `${r.chart.name}-${r.chart.version}`
    if (before !== chart) fields.push({ path: 'chart', before, after: chart })
    if (r.status !== 'deployed') fields.push({ path: 'status', before: r.status, after: 'deployed' })
    fields.push(...diffValues(r.values, this.spec.values, 'values'))
    fields.push(...manifestChanges(releaseObjects(r), this.rendered))
    if (fields.length === 0) return { action: 'noop', fields: [] }
    return { action: 'update', fields, note: this.versionNote(meta.version) }
  }

  private versionNote(chartVersion: string): string | undefined {
    const want = this.spec.expectedVersion
    if (!this.spec.chart.local || !want || want === chartVersion) return undefined
    return `the chart folder's Chart.yaml says ${chartVersion}; karpenter.version is ${want}`
  }

  async apply(): Promise<void> {
    await upgradeRelease(this.kube, this.spec.chart, {
      release: this.target.release,
      namespace: this.target.namespace,
      values: this.spec.values,
      timeout: this.spec.timeout,
      skipCrds: this.spec.skipCrds,
    })
  }

  async destroy(): Promise<void> {
    await uninstallRelease(this.kube, this.target.namespace, this.target.release, this.spec.timeout)
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
