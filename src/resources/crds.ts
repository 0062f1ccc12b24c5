import { deepEqual } from '../json.js'
import type { KubeClient } from '../kube/client.js'
import { CRD, FIELD_MANAGER, type KubeObject } from '../kube/types.js'
import { manifestCrdNames, readRelease, type HelmRelease } from '../kube/helm.js'
import { durationMs, objectKey } from '../kube/objects.js'
import { schemaFromCrds } from '../kube/validate.js'
import type { Decision } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import {
  HelmReleaseResource,
  type ChartRenderings,
  type HelmReleaseRead,
  type HelmReleaseSpec,
  type HelmTarget,
  type HelmUpgradeOp,
} from './helm-release.js'

export { CRD }

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
export async function readKarpenterCrds(kube: KubeClient): Promise<Record<string, KubeObject>> {
  const names = [...KARPENTER_CRDS, ...V1ALPHA5_CRDS]
  const found = await Promise.all(names.map((name) => kube.get({ ...CRD, name })))
  return Object.fromEntries(found.filter((c): c is KubeObject => Boolean(c)).map((c) => [c.metadata.name, c]))
}

/**
 * Refuses an upgrade from a pre-v1 Karpenter: v1alpha5 CRDs still installed, or v1beta1/v1alpha5 still
 * among a CRD's stored versions (the v1 CRDs drop those versions, and the API server refuses a CRD update
 * that removes a version objects may still be stored in). Undefined when the cluster is fine.
 */
export function preV1Problem(crds: Record<string, KubeObject>): string | undefined {
  const legacy = V1ALPHA5_CRDS.filter((n) => n in crds)
  if (legacy.length) {
    return (
      `the cluster still has Karpenter's v1alpha5 CRDs (${legacy.join(', ')}): Provisioners and AWSNodeTemplates predate v1. ` +
      'Fix: migrate them to v1beta1 NodePools/EC2NodeClasses with Karpenter 0.32-0.37 and delete the old CRDs, then upgrade to 1.0.x ' +
      '(https://karpenter.sh/docs/upgrading/v1-migration/) before this action takes over.'
    )
  }
  const stale: string[] = []
  for (const name of STORED_VERSION_CRDS) {
    const stored = ((crds[name]?.status as { storedVersions?: string[] } | undefined)?.storedVersions ?? []).filter(
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

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'

function conditionsOf(crd: KubeObject | undefined): Condition[] {
  return ((crd?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).filter(
    (c) => c.type === 'Established' || c.type === 'NamesAccepted',
  )
}

const isEstablished = (crd: KubeObject | undefined) =>
  conditionsOf(crd).some((c) => c.type === 'Established' && c.status === 'True')

/**
 * While helm installs the CRD chart: looks every `intervalMs` at the CRDs the plan rendered, and keeps the names of
 * those seen Established (a CRD stays Established once it is). What helm then recorded is still read and waited for
 * (waitForEstablished); this only spares it the CRDs already served by the time helm exits. Failed looks (a CRD not
 * created yet, a request that failed) are looked at again; stop() ends it.
 */
export function establishedMeanwhile(
  kube: KubeClient,
  names: readonly string[],
  intervalMs = 100,
): { seen: Set<string>; stop: () => Promise<void> } {
  const seen = new Set<string>()
  let stopped = false
  let wake: (() => void) | undefined
  const looking = (async () => {
    while (!stopped && seen.size < names.length) {
      const pending = names.filter((n) => !seen.has(n))
      const found = await Promise.all(
        pending.map((n) => kube.getPath(`${CRD_PATH}/${encodeURIComponent(n)}`).catch(() => undefined)),
      )
      pending.forEach((n, i) => isEstablished(found[i]) && seen.add(n))
      if (stopped || seen.size === names.length) break
      await new Promise<void>((r) => {
        wake = r
        setTimeout(r, intervalMs)
      })
    }
  })()
  return {
    seen,
    stop: async () => {
      stopped = true
      wake?.()
      await looking
    },
  }
}

/**
 * Waits until every CRD in `names` is Established (the API server serves its kind), polling them through the API
 * every `intervalMs` (a few requests each, through the one proxy). Fails at once when the API server refuses a CRD's
 * names, and after `timeoutMs` naming the CRDs still not served and their conditions.
 */
export async function waitForEstablished(
  kube: KubeClient,
  names: readonly string[],
  timeoutMs: number,
  of: string,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let pending = [...names]
  const last = new Map<string, string>()
  for (;;) {
    const seen = await Promise.all(pending.map((n) => kube.getPath(`${CRD_PATH}/${encodeURIComponent(n)}`)))
    pending = pending.filter((name, i) => {
      const conditions = conditionsOf(seen[i])
      const refused = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False')
      if (refused) {
        throw new Error(
          `${of}: the API server refused CRD ${name}: ${refused.reason ?? ''} ${refused.message ?? ''}`.trim(),
        )
      }
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false
      last.set(
        name,
        seen[i]
          ? conditions.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`).join(', ') ||
              'no conditions yet'
          : 'not found',
      )
      return true
    })
    if (!pending.length) return
    if (Date.now() >= deadline) {
      throw new Error(
        `${of}: CRDs not Established within karpenter.timeout (${Math.round(timeoutMs / 1000)}s): ` +
          pending.map((n) => `${n}: ${last.get(n)}`).join('; ') +
          '. Fix: see `kubectl get crd -o yaml` for why, then run again (the release is installed; the next run waits again).',
      )
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))))
  }
}

/**
 * The objects of Karpenter's CRDs in the cluster that a destroy would delete with the CRDs although it does not
 * delete them itself first: `deletedFirst` are the NodePools and EC2NodeClasses the destroy deletes before the
 * release goes (their NodeClaims go with their NodePool). Listed once per CRD (the served storage version).
 */
export async function leftWithCrds(
  kube: KubeClient,
  crds: Record<string, KubeObject>,
  deletedFirst: readonly KubeObject[],
): Promise<KubeObject[]> {
  const first = new Set(deletedFirst.map(objectKey))
  const pools = new Set(deletedFirst.filter((o) => o.kind === 'NodePool').map((o) => o.metadata.name))
  const lists = await Promise.all(
    KARPENTER_CRDS.filter((n) => n in crds).map(async (name) => {
      const spec = crds[name].spec as {
        group: string
        names: { plural: string; kind: string }
        versions: { name: string; served: boolean; storage: boolean }[]
      }
      const version = spec.versions.find((v) => v.storage && v.served) ?? spec.versions.find((v) => v.served)
      if (!version) return []
      const list = await kube.getPath<{ items: KubeObject[] }>(
        `/apis/${spec.group}/${version.name}/${spec.names.plural}`,
      )
      return (list?.items ?? []).map((o) => ({
        ...o,
        apiVersion: `${spec.group}/${version.name}`,
        kind: spec.names.kind,
      }))
    }),
  )
  return lists
    .flat()
    .filter((o) => !first.has(objectKey(o)))
    .filter((o) => !(o.kind === 'NodeClaim' && pools.has(o.metadata.labels?.['karpenter.sh/nodepool'] ?? '')))
}

/** Up to ten objects by kind, name and finalizers, and how many more. */
function describeObjects(objects: readonly KubeObject[]): string {
  const shown = objects.slice(0, 10).map((o) => {
    const finalizers = (o.metadata.finalizers as string[] | undefined) ?? []
    return `${objectKey(o)}${finalizers.length ? ` (finalizers: ${finalizers.join(', ')})` : ''}`
  })
  const more = objects.length > shown.length ? ` and ${objects.length - shown.length} more` : ''
  return `${shown.join('; ')}${more}`
}

/** Why a destroy refuses to delete the CRDs while `left` exist. */
export function crdsStillHold(left: readonly KubeObject[]): string {
  const first = left[0]
  return (
    `karpenter.destroyCrds: deleting Karpenter's CRDs would also delete ${left.length} object(s) this destroy does not ` +
    `own: ${describeObjects(left)}. The action deletes only its own NodePools and EC2NodeClasses; with the controller ` +
    'uninstalled first, nothing would remove the finalizers of the others, and the CRDs would hang half-deleted. ' +
    `Fix: delete them while their controller still runs (\`kubectl delete ${first.kind.toLowerCase()} ` +
    `${first.metadata.namespace ? `-n ${first.metadata.namespace} ` : ''}${first.metadata.name}\`), or set ` +
    'karpenter.destroyCrds: false to keep the CRDs. Nothing was changed.'
  )
}

interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
}

export interface CrdReleaseRead extends HelmReleaseRead {
  /** Karpenter's CRDs in the cluster, by name. */
  crds: Record<string, KubeObject>
  /** The release that is upgraded: the configured one, or the one the CRDs name as their owner. */
  target: HelmTarget
  /** Why the target is not the configured release. */
  followed?: string
  /** A release the CRDs name as owner that no longer exists. */
  gone?: HelmTarget
}

/** Labels and annotations that make Helm see a CRD as the target release's. */
export type AdoptCrdOp = { op: 'adopt-crd'; name: string; owner: HelmTarget }

const same = (a: HelmTarget | undefined, b: HelmTarget | undefined) =>
  !!a && !!b && a.release === b.release && a.namespace === b.namespace

function ownerOf(crd: KubeObject | undefined): HelmTarget | undefined {
  const a = crd?.metadata.annotations
  const release = a?.[HELM_RELEASE_NAME]
  const namespace = a?.[HELM_RELEASE_NAMESPACE]
  return release && namespace ? { release, namespace } : undefined
}

/** The CRDs in the cluster that the chart ships (the known Karpenter ones until it is rendered). */
function shipped(read: CrdReleaseRead): KubeObject[] {
  const names = new Set(read.rendered ? read.rendered.map((o) => o.metadata.name) : KARPENTER_CRDS)
  return Object.values(read.crds).filter((c) => names.has(c.metadata.name))
}

/** Shipped CRDs that name another release as their owner (after following the owner of the NodePool CRD). */
function ownedElsewhere(read: CrdReleaseRead): KubeObject[] {
  return shipped(read).filter((c) => {
    const a = c.metadata.annotations ?? {}
    if (!a[HELM_RELEASE_NAME]) return false
    const owner = { release: a[HELM_RELEASE_NAME], namespace: a[HELM_RELEASE_NAMESPACE] }
    return !same(owner, read.target) && !same(owner, read.gone)
  })
}

/** Existing CRDs the chart ships that lack the target release's ownership labels and annotations (and name no other owner). */
function needsAdoption(read: CrdReleaseRead): KubeObject[] {
  const foreign = ownedElsewhere(read)
  return shipped(read).filter(
    (c) =>
      !(same(ownerOf(c), read.target) && c.metadata.labels?.[HELM_MANAGED_BY.label] === HELM_MANAGED_BY.value) &&
      !foreign.includes(c),
  )
}

/** CRDs the release says it installed that are gone from the cluster (deleted by hand). */
function missing(release: HelmRelease, crds: Record<string, KubeObject>): string[] {
  return manifestCrdNames(release.manifest).filter((n) => KARPENTER_CRDS.includes(n) && !(n in crds))
}

export interface CrdReleaseSpec extends HelmReleaseSpec {
  /**
   * Destroy with karpenter.destroyCrds: the NodePools and EC2NodeClasses the destroy deletes before the CRDs (asked
   * at read time, once the whole graph is known). Anything else in the CRDs refuses the destroy.
   */
  deletedFirst?: () => readonly KubeObject[]
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
export class CrdRelease extends HelmReleaseResource<CrdReleaseRead, AdoptCrdOp> {
  override readonly kind = 'helm release (CRDs)'

  constructor(
    kube: KubeClient,
    override readonly spec: CrdReleaseSpec,
    renderings: ChartRenderings,
  ) {
    super(kube, spec, renderings)
  }

  protected override targetOf(read: CrdReleaseRead): HelmTarget {
    return read.target
  }

  override async read(): Promise<CrdReleaseRead> {
    const crds = await readKarpenterCrds(this.kube)
    // Only an install or upgrade is at risk; a destroy must stay possible.
    const problem = this.spec.render ? preV1Problem(crds) : undefined
    if (problem) throw new Error(problem)
    // Point the release at the one that already owns Karpenter's CRDs, if any.
    const owner = ownerOf(crds['nodepools.karpenter.sh'])
    const follow = owner && !same(owner, this.configured) ? owner : undefined
    let read: CrdReleaseRead = {
      ...(await this.readAt(follow ?? this.configured)),
      crds,
      target: follow ?? this.configured,
      ...(follow
        ? {
            followed: `the CRDs belong to helm release ${follow.namespace}/${follow.release}: that release is upgraded`,
          }
        : {}),
    }
    if (follow && !read.release) {
      // The owner the CRDs name is gone (uninstalled, its CRDs kept): they are adopted into the configured release.
      read = { ...(await this.readAt(this.configured)), crds, target: this.configured, gone: follow }
    }
    // Adoption and missing CRDs need the chart's own list of CRDs: render (once) to know it.
    if (
      this.spec.render &&
      !read.rendered &&
      (needsAdoption(read).length || (read.release && missing(read.release, crds).length))
    ) {
      read = { ...read, rendered: await this.render(read.target) }
    }
    // A destroy that deletes the CRDs: nothing in them but what it deletes itself first.
    if (!this.spec.render && !this.spec.keepOnDestroy && read.release && this.spec.deletedFirst) {
      const left = await leftWithCrds(this.kube, crds, this.spec.deletedFirst())
      if (left.length) throw new Error(crdsStillHold(left))
    }
    const foreign = this.spec.render ? ownedElsewhere(read) : []
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
    return read
  }

  override diff(read: CrdReleaseRead): Decision<AdoptCrdOp | HelmUpgradeOp> {
    const base = super.diff(read)
    const name = `${read.target.namespace}/${read.target.release}`
    const extra: FieldChange[] = []
    const adopt = needsAdoption(read)
    for (const c of adopt) {
      const a = c.metadata.annotations ?? {}
      const named = a[HELM_RELEASE_NAME] ? `${a[HELM_RELEASE_NAMESPACE]}/${a[HELM_RELEASE_NAME]}` : undefined
      const gone = named && read.gone && named === `${read.gone.namespace}/${read.gone.release}`
      const owner = !named ? 'none' : gone ? `${named} (release gone)` : `${named} (not labelled for Helm)`
      extra.push({ path: `crds[${JSON.stringify(c.metadata.name)}].owner`, before: owner, after: name })
    }
    if (read.release) {
      for (const n of missing(read.release, read.crds)) {
        extra.push({ path: `crds[${JSON.stringify(n)}]`, before: 'missing', after: 'present' })
      }
    }
    const notes = [
      base.note,
      read.followed,
      adopt.length ? `adopting ${adopt.length} CRD(s) that Helm did not own` : undefined,
    ]
    const note = notes.filter(Boolean).join('; ') || undefined
    if (!extra.length) {
      const { note: _, ...decided } = base
      return { ...decided, name, ...(base.action !== 'noop' && note ? { note } : {}) }
    }
    const ops = [
      ...adopt.map((c) => ({ op: 'adopt-crd' as const, name: c.metadata.name, owner: read.target })),
      this.upgrade(read.target, read.rendered),
    ]
    return {
      action: base.action === 'noop' ? 'update' : base.action,
      fields: [...base.fields, ...extra],
      ops,
      name,
      ...(note ? { note } : {}),
    }
  }

  /** The release's revision and every Karpenter CRD's resourceVersion are those read. */
  override async unchanged(read: CrdReleaseRead): Promise<boolean> {
    const [release, crds] = await Promise.all([super.unchanged(read), readKarpenterCrds(this.kube)])
    const versions = (c: Record<string, KubeObject>) =>
      Object.fromEntries(Object.entries(c).map(([n, o]) => [n, o.metadata.resourceVersion]))
    return release && deepEqual(versions(crds), versions(read.crds))
  }

  /**
   * Installed without any waiting in upgradeRelease(): apply() waits for Established itself, looking at the CRDs of
   * the plan's rendering (when it rendered) while helm still runs.
   */
  protected override upgrade(target: HelmTarget, rendered?: KubeObject[]): HelmUpgradeOp {
    const crds = rendered?.filter((o) => o.kind === CRD.kind).map((o) => o.metadata.name)
    return { ...super.upgrade(target), wait: false, ...(crds?.length ? { crds } : {}) }
  }

  override async apply(ops: readonly (AdoptCrdOp | HelmUpgradeOp)[]): Promise<void> {
    const adopt = ops.filter((o): o is AdoptCrdOp => o.op === 'adopt-crd')
    await Promise.all(
      adopt.map(({ name, owner }) =>
        this.kube.mergePatch(
          { ...CRD, name },
          {
            metadata: {
              labels: { [HELM_MANAGED_BY.label]: HELM_MANAGED_BY.value },
              annotations: { [HELM_RELEASE_NAME]: owner.release, [HELM_RELEASE_NAMESPACE]: owner.namespace },
            },
          },
          FIELD_MANAGER,
        ),
      ),
    )
    const upgrades = ops.filter((o): o is HelmUpgradeOp => o.op === 'upgrade')
    const meanwhile = establishedMeanwhile(this.kube, [...new Set(upgrades.flatMap((u) => u.crds ?? []))])
    try {
      await super.apply(upgrades)
    } finally {
      await meanwhile.stop()
    }
    for (const u of upgrades) {
      if (u.wait !== false) continue
      // What the release now holds, scanned for its CRDs: every one must be served before NodePools are applied.
      const release = await readRelease(this.kube, u.namespace, u.release)
      const names = (release ? manifestCrdNames(release.manifest) : []).filter((n) => !meanwhile.seen.has(n))
      await waitForEstablished(this.kube, names, durationMs(u.timeout), `helm release ${u.namespace}/${u.release}`)
    }
    this.kube.forgetDiscovery()
  }

  /**
   * The uninstall, and when it fails (helm's own message is "context deadline exceeded"), what held it: the CRDs
   * still there, their conditions, and the objects left in them with their finalizers.
   */
  override async destroy(read: CrdReleaseRead): Promise<void> {
    try {
      await super.destroy(read)
    } catch (e) {
      const crds = await readKarpenterCrds(this.kube).catch(() => ({}) as Record<string, KubeObject>)
      const left = await leftWithCrds(this.kube, crds, []).catch(() => [])
      const held = Object.values(crds).map((c) => {
        const terminating = ((c.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
          (x) => x.type === 'Terminating' && x.status === 'True',
        )
        return `${c.metadata.name}${terminating ? ` (terminating: ${terminating.message ?? terminating.reason ?? ''})` : ''}`
      })
      if (!held.length) throw e
      const objects = left.length ? `; objects left in them: ${describeObjects(left)}` : ''
      throw new Error(
        `${(e as Error).message}. CRDs still present: ${held.join(', ')}${objects}. Fix: remove what holds them ` +
          '(an object whose finalizer no controller removes any more: `kubectl patch <kind> <name> --type=merge -p ' +
          '\'{"metadata":{"finalizers":null}}\'` once its instance is known to be gone), then run destroy again.',
        { cause: e },
      )
    }
  }

  /** The OpenAPI schema the chart gives `kind` (for plan-time checks while the CRDs are not installed yet). */
  async schemaFor(apiVersion: string, kind: string): Promise<object | undefined> {
    return schemaFromCrds(await this.render(this.configured), apiVersion, kind)
  }
}
