import type { KubeApi } from '../kube/api.js'
import { releaseObjects } from '../kube/helm.js'
import { FIELD_MANAGER, type Kube, type KubeObject } from '../kube/kubectl.js'
import { schemaFromCrds } from '../kube/validate.js'
import type { Decision } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { HelmReleaseResource, type HelmReleaseActual, type HelmReleaseSpec } from './helm-release.js'

export const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const

/** The CRDs of Karpenter v1 charts (1.14 adds capacitybuffers, which the CRD chart ships too). */
export const KARPENTER_CRDS = [
  'nodepools.karpenter.sh',
  'nodeclaims.karpenter.sh',
  'nodeoverlays.karpenter.sh',
  'ec2nodeclasses.karpenter.k8s.aws',
  'capacitybuffers.autoscaling.x-k8s.io',
]
/** CRDs of the v1alpha5 API (Karpenter before 0.32). */
export const V1ALPHA5_CRDS = [
  'provisioners.karpenter.sh',
  'machines.karpenter.sh',
  'awsnodetemplates.karpenter.k8s.aws',
]
/** CRDs whose objects Karpenter stored in pre-v1 versions. */
const STORED_VERSION_CRDS = ['nodepools.karpenter.sh', 'nodeclaims.karpenter.sh', 'ec2nodeclasses.karpenter.k8s.aws']

export const HELM_RELEASE_NAME = 'meta.helm.sh/release-name'
export const HELM_RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace'
export const HELM_MANAGED_BY = { label: 'app.kubernetes.io/managed-by', value: 'Helm' }

/** Karpenter's CRDs as they are in the cluster, by name (missing ones absent). */
export async function readKarpenterCrds(api: KubeApi): Promise<Map<string, KubeObject>> {
  const names = [...KARPENTER_CRDS, ...V1ALPHA5_CRDS]
  const found = await Promise.all(names.map((name) => api.get({ ...CRD, name })))
  return new Map(found.filter((c): c is KubeObject => Boolean(c)).map((c) => [c.metadata.name, c]))
}

/**
 * Refuses an upgrade from a pre-v1 Karpenter: v1alpha5 CRDs still installed, or v1beta1/v1alpha5 still
 * among a CRD's stored versions (the v1 CRDs drop those versions, and the API server refuses a CRD update
 * that removes a version objects may still be stored in). Undefined when the cluster is fine.
 */
export function preV1Problem(crds: Map<string, KubeObject>): string | undefined {
  const legacy = V1ALPHA5_CRDS.filter((n) => crds.has(n))
  if (legacy.length) {
    return (
      `the cluster still has Karpenter's v1alpha5 CRDs (${legacy.join(', ')}): Provisioners and AWSNodeTemplates predate v1. ` +
      'Fix: migrate them to v1beta1 NodePools/EC2NodeClasses with Karpenter 0.32-0.37 and delete the old CRDs, then upgrade to 1.0.x ' +
      '(https://karpenter.sh/docs/upgrading/v1-migration/) before this action takes over.'
    )
  }
  const stale: string[] = []
  for (const name of STORED_VERSION_CRDS) {
    const stored = ((crds.get(name)?.status as { storedVersions?: string[] } | undefined)?.storedVersions ?? []).filter(
      (v) => v !== 'v1',
    )
    if (stored.length) stale.push(`${name} (${stored.join(', ')})`)
  }
  if (!stale.length) return undefined
  return (
    `Karpenter's CRDs still list pre-v1 stored versions: ${stale.join('; ')}. Objects may still be stored in those versions, ` +
    'and the v1 CRDs of this chart no longer define them, so the CRD upgrade would fail half-way. ' +
    'Fix: upgrade through Karpenter 1.0.x first (https://karpenter.sh/docs/upgrading/v1-migration/); once every object is ' +
    'stored as v1 (e.g. rewritten with `kubectl get nodepools,nodeclaims,ec2nodeclasses -o json | kubectl replace -f -`), ' +
    'remove the old versions from status.storedVersions (`kubectl patch crd <name> --subresource=status --type=merge -p \'{"status":{"storedVersions":["v1"]}}\'`), then run again.'
  )
}

export interface CrdReleaseActual extends HelmReleaseActual {
  crds: Map<string, KubeObject>
}

/**
 * The CRD chart's release (karpenter.crdChart), installed before the main chart, which gets `--skip-crds`:
 * Helm never upgrades CRDs from a chart's crds/ folder, so the CRD chart is how they stay current.
 *
 * Karpenter CRDs that Helm does not own (left by an earlier install of the main chart, or applied with
 * kubectl) are adopted: the labels and annotations Helm checks are added before the install, instead of
 * failing with "invalid ownership metadata". CRDs already owned by a CRD release elsewhere (the Karpenter
 * docs install `karpenter-crd` into kube-system) are followed: that release is the one upgraded.
 */
export class CrdRelease extends HelmReleaseResource {
  override readonly kind = 'helm release (CRDs)'
  private crds = new Map<string, KubeObject>()
  private followed?: string
  /** A release the CRDs name as owner that no longer exists. */
  private gone?: { release: string; namespace: string }

  constructor(kube: Kube, spec: HelmReleaseSpec) {
    super(kube, spec)
  }

  override async read(): Promise<CrdReleaseActual | undefined> {
    this.crds = await readKarpenterCrds(this.kube.api)
    // Only an install or upgrade is at risk; a destroy must stay possible.
    const problem = this.spec.render ? preV1Problem(this.crds) : undefined
    if (problem) throw new Error(problem)
    const configured = this.target
    this.follow()
    let base = await super.read()
    if (this.followed && !base) {
      // The owner the CRDs name is gone (uninstalled, its CRDs kept): they are adopted into the configured release.
      this.gone = this.target
      this.target = configured
      this.followed = undefined
      base = await super.read()
    }
    // Adoption and missing CRDs need the chart's own list of CRDs: render (once) to know it.
    if (this.spec.render && !this.rendered && (this.needsAdoption().length || (base && this.missing(base).length))) {
      await this.render()
    }
    const foreign = this.spec.render ? this.ownedElsewhere() : []
    if (foreign.length) {
      const list = foreign.map(
        (c) =>
          `${c.metadata.name} (helm release ${c.metadata.annotations?.[HELM_RELEASE_NAMESPACE]}/${c.metadata.annotations?.[HELM_RELEASE_NAME]})`,
      )
      throw new Error(
        `the CRD chart (karpenter.crdChart) ships CRDs that another Helm release owns: ${list.join(', ')}. ` +
          'Helm will not take them over, and taking them would let that release delete them. Fix: uninstall that release ' +
          'keeping its CRDs (annotate them helm.sh/resource-policy=keep first), or set karpenter.installCrds: false and keep managing the CRDs there.',
      )
    }
    return base ? { ...base, crds: this.crds } : undefined
  }

  /** Shipped CRDs that name another release as their owner (after following the owner of the NodePool CRD). */
  private ownedElsewhere(): KubeObject[] {
    return this.shipped().filter((c) => {
      const a = c.metadata.annotations ?? {}
      const owner = { release: a[HELM_RELEASE_NAME], namespace: a[HELM_RELEASE_NAMESPACE] }
      if (!owner.release) return false
      const is = (r?: { release: string; namespace: string }) =>
        r?.release === owner.release && r?.namespace === owner.namespace
      return !is(this.target) && !is(this.gone)
    })
  }

  /** The CRDs in the cluster that the chart ships (the known Karpenter ones until it is rendered). */
  private shipped(): KubeObject[] {
    const names = this.rendered ? new Set(this.rendered.map((o) => o.metadata.name)) : new Set(KARPENTER_CRDS)
    return [...this.crds.values()].filter((c) => names.has(c.metadata.name))
  }

  /** Points the release at the one that already owns Karpenter's CRDs, if any. */
  private follow(): void {
    const owner = this.crds.get('nodepools.karpenter.sh')?.metadata.annotations
    const release = owner?.[HELM_RELEASE_NAME]
    const namespace = owner?.[HELM_RELEASE_NAMESPACE]
    if (!release || !namespace) return
    if (release === this.target.release && namespace === this.target.namespace) return
    this.target = { release, namespace }
    this.followed = `the CRDs belong to helm release ${namespace}/${release}: that release is upgraded`
  }

  /** Existing CRDs the chart ships that lack this release's ownership labels and annotations (and name no other owner). */
  private needsAdoption(): KubeObject[] {
    return this.shipped().filter((c) => !this.ownedByTarget(c) && !this.ownedElsewhere().includes(c))
  }

  private ownedByTarget(c: KubeObject): boolean {
    const a = c.metadata.annotations ?? {}
    return (
      a[HELM_RELEASE_NAME] === this.target.release &&
      a[HELM_RELEASE_NAMESPACE] === this.target.namespace &&
      c.metadata.labels?.[HELM_MANAGED_BY.label] === HELM_MANAGED_BY.value
    )
  }

  /** CRDs the release says it installed that are gone from the cluster (deleted by hand). */
  private missing(actual: HelmReleaseActual): string[] {
    return releaseObjects(actual.release)
      .filter((o) => o.kind === 'CustomResourceDefinition' && KARPENTER_CRDS.includes(o.metadata.name))
      .map((o) => o.metadata.name)
      .filter((n) => !this.crds.has(n))
  }

  override diff(actual: CrdReleaseActual | undefined): Decision {
    const base = super.diff(actual)
    const extra: FieldChange[] = []
    const adopt = this.needsAdoption()
    for (const c of adopt) {
      const a = c.metadata.annotations ?? {}
      const named = a[HELM_RELEASE_NAME] ? `${a[HELM_RELEASE_NAMESPACE]}/${a[HELM_RELEASE_NAME]}` : undefined
      const gone = named && named === (this.gone && `${this.gone.namespace}/${this.gone.release}`)
      const owner = !named ? 'none' : gone ? `${named} (release gone)` : `${named} (not labelled for Helm)`
      extra.push({ path: `crds[${JSON.stringify(c.metadata.name)}].owner`, before: owner, after: this.name })
    }
    if (actual) {
      for (const n of this.missing(actual))
        extra.push({ path: `crds[${JSON.stringify(n)}]`, before: 'missing', after: 'present' })
    }
    const notes = [
      base.note,
      this.followed,
      adopt.length ? `adopting ${adopt.length} CRD(s) that Helm did not own` : undefined,
    ]
    const note = notes.filter(Boolean).join('; ') || undefined
    if (!extra.length) return { ...base, note: base.action === 'noop' ? undefined : note }
    return { action: base.action === 'noop' ? 'update' : base.action, fields: [...base.fields, ...extra], note }
  }

  override async apply(): Promise<void> {
    await Promise.all(
      this.needsAdoption().map((c) =>
        this.kube.api.mergePatch(
          { ...CRD, name: c.metadata.name },
          {
            metadata: {
              labels: { [HELM_MANAGED_BY.label]: HELM_MANAGED_BY.value },
              annotations: {
                [HELM_RELEASE_NAME]: this.target.release,
                [HELM_RELEASE_NAMESPACE]: this.target.namespace,
              },
            },
          },
          FIELD_MANAGER,
        ),
      ),
    )
    await super.apply()
    this.kube.api.forgetDiscovery()
  }

  /** The OpenAPI schema the chart gives `kind` (for plan-time checks while the CRDs are not installed yet). */
  async schemaFor(apiVersion: string, kind: string): Promise<object | undefined> {
    return schemaFromCrds(await this.render(), apiVersion, kind)
  }
}
