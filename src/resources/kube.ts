import * as core from '@actions/core'
import { roleArn, type Context } from '../context.js'
import type { KubeApi } from '../kube/api.js'
import { chartSource, mergeValues } from '../kube/helm.js'
import { FIELD_MANAGER, MANAGED_BY_LABEL, MANAGED_BY_VALUE, type KubeObject } from '../kube/kubectl.js'
import { Validator } from '../kube/validate.js'
import { verify, verifyLines, type VerifyReport } from '../kube/verify.js'
import type { Resource } from '../plan/resource.js'
import type { Mode } from '../plan/types.js'
import { awsIds } from './aws.js'
import { CrdRelease } from './crds.js'
import { HelmReleaseResource } from './helm-release.js'
import { KubeObjectResource, waitUntil } from './kube-object.js'
import { FOUNDATION_KINDS, loadExtraManifests } from './manifests.js'
import { Namespace } from './namespace.js'
import { EC2NODECLASS, ec2NodeClassObject, NODECLAIM, NODEPOOL, nodePoolObject } from './nodepool.js'

export const kubeIds = {
  namespace: (ns: string) => `namespace.${ns}`,
  crdRelease: (release: string) => `helm-release.${release}-crd`,
  release: (release: string) => `helm-release.${release}`,
  nodeClass: (name: string) => `ec2nodeclass.${name}`,
  nodePool: (name: string) => `nodepool.${name}`,
  manifest: (o: KubeObject) =>
    `manifest.${o.kind.toLowerCase()}.${o.metadata.namespace ? `${o.metadata.namespace}.` : ''}${o.metadata.name}`,
}

export interface KubeOptions {
  /** `destroy`: nothing will be installed, so nothing is rendered or dry-run. */
  mode?: Mode
  /** NodePools and EC2NodeClasses in the cluster (findManagedObjects): the action's that left the config are deleted. */
  found?: KubeObject[]
  /** The objects of karpenter.extraManifests (loadExtraManifests). */
  extraManifests?: KubeObject[]
  /**
   * Ids of the other resources of this plan (the AWS side): the Kubernetes resources depend on those of
   * them they need (the controller on its role and queue, EC2NodeClasses on the instance profile and node
   * access). Left out, the Kubernetes side is planned alone.
   */
  otherIds?: string[]
}

/** The Helm values of the Karpenter chart: the action's own, then karpenter.values merged over them. */
export function karpenterValues(ctx: Context): Record<string, unknown> {
  const { config } = ctx
  const settings: Record<string, unknown> = { clusterName: config.cluster.name }
  if (ctx.cluster.endpoint) settings.clusterEndpoint = ctx.cluster.endpoint
  if (config.interruption.enabled) settings.interruptionQueue = config.interruption.queue
  const values: Record<string, unknown> = { settings }
  if (config.karpenter.auth === 'irsa') {
    values.serviceAccount = { annotations: { 'eks.amazonaws.com/role-arn': roleArn(ctx, config.iam.controllerRole) } }
  }
  if (config.karpenter.resources) values.controller = { resources: config.karpenter.resources }
  return mergeValues(values, config.karpenter.values)
}

/** The ids of src/resources/aws.ts named by `keys` that are in this plan (ordering only). */
function awsDependencies(others: Set<string>, ...keys: string[]): string[] {
  return keys
    .map((key) => (awsIds as Record<string, unknown>)[key])
    .filter((id): id is string => typeof id === 'string' && others.has(id))
}

/** The Kubernetes resources the configuration asks for, with what they depend on. */
export function kubeResources(ctx: Context, opts: KubeOptions = {}): Resource[] {
  const { config, kube } = ctx
  const k = config.karpenter
  const others = new Set(opts.otherIds ?? [])
  const planning = opts.mode !== 'destroy'
  // The CRD chart's release record lives in the namespace: kept CRDs keep it.
  const namespace = new Namespace(kube, k.namespace, k.timeout, k.installCrds && !k.destroyCrds)
  const out: Resource[] = [namespace]

  let crds: CrdRelease | undefined
  if (k.installCrds) {
    crds = new CrdRelease(kube, {
      id: kubeIds.crdRelease(k.release),
      release: `${k.release}-crd`,
      namespace: k.namespace,
      chart: chartSource(k.crdChart, k.version, 'karpenter.crdChart'),
      values: {},
      timeout: k.timeout,
      skipCrds: false,
      dependsOn: [namespace.id],
      keepOnDestroy: !k.destroyCrds,
      render: planning,
      expectedVersion: k.version,
    })
    out.push(crds)
  }
  const base = crds ? [crds.id] : []

  const release = new HelmReleaseResource(kube, {
    id: kubeIds.release(k.release),
    release: k.release,
    namespace: k.namespace,
    chart: chartSource(k.chart, k.version, 'karpenter.chart'),
    values: karpenterValues(ctx),
    timeout: k.timeout,
    skipCrds: true,
    dependsOn: [
      namespace.id,
      ...base,
      // The controller's IAM role (IRSA or Pod Identity) and its queue exist before it starts.
      ...awsDependencies(others, 'controllerRole', 'podIdentity', 'queue'),
    ],
    render: planning,
    expectedVersion: k.version,
  })
  out.push(release)
  // NodePools and EC2NodeClasses come after the controller: created once it runs, deleted before it goes.
  const afterRelease = [...base, release.id]

  const validator = planning
    ? new Validator(kube.api, FIELD_MANAGER, crds ? (v, kind) => crds.schemaFor(v, kind) : undefined)
    : undefined
  const object = (o: KubeObject, id: string, kind: string, dependsOn: string[], wanted = true) =>
    new KubeObjectResource(kube.api, {
      id,
      kind,
      object: o,
      dependsOn,
      wanted,
      validator,
      timeout: k.timeout,
      afterDelete: o.kind === NODEPOOL.kind ? nodeClaimsGone(o.metadata.name, k.timeout) : undefined,
    })

  const ids = new Set<string>()
  for (const np of config.nodePools) {
    const nodeClass = object(ec2NodeClassObject(np, config), kubeIds.nodeClass(np.name), 'ec2nodeclass', [
      ...afterRelease,
      // Nodes it launches need their instance profile and access to the cluster.
      ...awsDependencies(others, 'instanceProfile', 'accessEntry', 'awsAuth'),
    ])
    const pool = object(nodePoolObject(np), kubeIds.nodePool(np.name), 'nodepool', [...afterRelease, nodeClass.id])
    out.push(nodeClass, pool)
    ids.add(nodeClass.id).add(pool.id)
  }

  const extras = opts.extraManifests ?? []
  const foundation = extras.filter((o) => FOUNDATION_KINDS.has(o.kind)).map(kubeIds.manifest)
  for (const o of extras) {
    const id = kubeIds.manifest(o)
    const deps = [...afterRelease, ...(FOUNDATION_KINDS.has(o.kind) ? [] : foundation)]
    out.push(object(o, id, o.kind.toLowerCase(), deps))
    ids.add(id)
  }

  for (const left of leftovers(opts.found ?? [], extras, ids)) {
    const deps = left.nodeClassId && ids.has(left.nodeClassId) ? [left.nodeClassId] : []
    out.push(object(ref(left.object), left.id, left.kind, [...afterRelease, ...deps], false))
    ids.add(left.id)
  }
  return out
}

/**
 * What the action created before and the configuration no longer has (by its label, never anything else),
 * EC2NodeClasses first so that a NodePool can depend on its own. An EC2NodeClass still used by a NodePool
 * that stays (someone else's, or one of the extra manifests) stays too.
 */
export function leftovers(
  found: KubeObject[],
  extras: KubeObject[],
  taken: Set<string>,
): { object: KubeObject; id: string; kind: string; nodeClassId?: string }[] {
  const extraKeys = new Set(extras.map((o) => `${o.kind}/${o.metadata.name}`))
  const ours = found.filter(
    (o) => o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && !extraKeys.has(`${o.kind}/${o.metadata.name}`),
  )
  const pools = ours.filter((o) => o.kind === NODEPOOL.kind && !taken.has(kubeIds.nodePool(o.metadata.name)))
  const leaving = new Set(pools.map((o) => o.metadata.name))
  const inUse = new Set(
    [...found, ...extras].filter((o) => o.kind === NODEPOOL.kind && !leaving.has(o.metadata.name)).map(nodeClassOf),
  )
  const classes = ours.filter(
    (o) =>
      o.kind === EC2NODECLASS.kind && !taken.has(kubeIds.nodeClass(o.metadata.name)) && !inUse.has(o.metadata.name),
  )
  return [
    ...classes.map((o) => ({ object: o, id: kubeIds.nodeClass(o.metadata.name), kind: 'ec2nodeclass' })),
    ...pools.map((o) => {
      const nodeClass = nodeClassOf(o)
      return {
        object: o,
        id: kubeIds.nodePool(o.metadata.name),
        kind: 'nodepool',
        nodeClassId: nodeClass ? kubeIds.nodeClass(nodeClass) : undefined,
      }
    }),
  ]
}

/** The EC2NodeClass a NodePool uses. */
function nodeClassOf(pool: KubeObject): string | undefined {
  return (pool.spec as { template?: { spec?: { nodeClassRef?: { name?: string } } } } | undefined)?.template?.spec
    ?.nodeClassRef?.name
}

/** Just enough of a found object to find it again. */
function ref(o: KubeObject): KubeObject {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) },
  }
}

/**
 * After a NodePool's delete: waits, bounded by karpenter.timeout, until none of its NodeClaims remain, so
 * no instance it launched is still running when its EC2NodeClass (and then the controller) goes.
 */
function nodeClaimsGone(pool: string, timeout: string) {
  return async (api: KubeApi, deadline: number) => {
    let left: string[] = []
    await waitUntil(
      deadline,
      async () => {
        left = (await api.list(NODECLAIM, `karpenter.sh/nodepool=${pool}`)).map((c) => c.metadata.name)
        return left.length === 0
      },
      () =>
        `NodeClaims of NodePool ${pool} still exist after karpenter.timeout (${timeout}): ${left.join(', ')}. ` +
        'Their instances may still run: check the Karpenter controller logs (draining can be blocked by PodDisruptionBudgets), then run destroy again.',
    )
  }
}

/**
 * The EC2NodeClasses that carry the action's label, and every NodePool (the action's are deleted when they
 * leave the config; the others tell which EC2NodeClasses are still in use). No process; empty before the
 * CRDs exist.
 */
export async function findManagedObjects(ctx: Context): Promise<KubeObject[]> {
  const [pools, classes] = await Promise.all([
    ctx.kube.api.list(NODEPOOL),
    ctx.kube.api.list(EC2NODECLASS, `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`),
  ])
  return [...classes, ...pools]
}

/** Everything kubeResources needs that must be read first; the one call the pipeline makes. */
export async function kubeResourcesFor(
  ctx: Context,
  mode: Mode,
  extra: Partial<KubeOptions> = {},
): Promise<Resource[]> {
  const folder = ctx.config.karpenter.extraManifests
  const extraManifests = folder ? loadExtraManifests(folder) : []
  const found = await findManagedObjects(ctx)
  return kubeResources(ctx, { mode, found, extraManifests, ...extra })
}

/**
 * After an apply: the Karpenter Deployment is Available, the desired NodePools, EC2NodeClasses and extra
 * objects exist with the desired spec; status conditions are logged. Throws when something is wrong.
 */
export async function verifyKarpenter(ctx: Context, resources: Resource[]): Promise<VerifyReport> {
  const k = ctx.config.karpenter
  const desired = resources
    .filter((r): r is KubeObjectResource => r instanceof KubeObjectResource && r.wanted)
    .map((r) => r.spec.object)
  const report = await verify(ctx.kube.api, { namespace: k.namespace, release: k.release, desired, timeout: k.timeout })
  for (const line of verifyLines(report)) core.info(line)
  if (report.problems.length) {
    throw new Error(`verification after apply failed: ${report.problems.join('; ')}`)
  }
  return report
}
