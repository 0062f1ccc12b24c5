/**
 * The desired-state graph: every resource the configuration asks for, across AWS and Kubernetes, with what each
 * depends on. Dependencies are the resources themselves (their typed ids), never names looked up by string.
 *
 *   node role ─► instance profile ─────────────────────────────┐
 *   controller policies ─► controller role ─► pod identity ──┐   │
 *   (irsa) OIDC provider ─┘                                  │   │
 *   interruption queue ─► event rules                        │   │
 *   node role ─► access entry | aws-auth mapping ────────────┼───┤
 *   namespace ─► CRD release ─► Karpenter release ◄──────────┘   │
 *                                 └─► EC2NodeClass ◄─────────────┘ ─► NodePool;  extra manifests after the release
 */
import { iamPath, iamPolicyArn, iamRoleArn, iamRoleArnWithoutPath, oidcProviderArn } from './aws/arns.js'
import type { AwsSession } from './aws/clients.js'
import type { ClusterFacts } from './aws/cluster.js'
import {
  INTERRUPTION_QUEUE_ATTRIBUTES,
  INTERRUPTION_RULE_TARGET_ID,
  buildControllerPolicies,
  interruptionQueuePolicy,
  interruptionRulePrefix,
  interruptionRules,
  irsaTrustPolicy,
  nodeRoleManagedPolicyArns,
  nodeRoleTrustPolicy,
  oidcIssuerHostPath,
  podIdentityTrustPolicy,
  queueArn,
} from './aws/karpenter-policy.js'
import type { PolicyDocument } from './aws/policy-document.js'
import type { Config, NodeAccess } from './config/types.js'
import type { KubeClient } from './kube/client.js'
import { chartSource, mergeValues } from './kube/helm.js'
import { EC2NODECLASS, isOwned, MANAGED_BY_LABEL, MANAGED_BY_VALUE, NODECLAIM, NODEPOOL, refOf } from './kube/types.js'
import type { KubeObject } from './kube/types.js'
import { Validator } from './kube/validate.js'
import { ActionFailure } from './outcome.js'
import { resourceId, type Resource, type ResourceId } from './plan/resource.js'
import type { Mode } from './plan/types.js'
import { AccessEntry } from './resources/access-entry.js'
import { AwsAuthMapping } from './resources/aws-auth.js'
import { CrdRelease } from './resources/crds.js'
import { EventRule, EventRuleReader } from './resources/event-rule.js'
import { ChartRenderings, HelmReleaseResource } from './resources/helm-release.js'
import { IamPolicy, policyListing } from './resources/iam-policy.js'
import { IamRole } from './resources/iam-role.js'
import { InstanceProfile } from './resources/instance-profile.js'
import { KubeObjectResource, waitUntil } from './resources/kube-object.js'
import { FOUNDATION_KINDS, loadExtraManifests } from './resources/manifests.js'
import { Namespace } from './resources/namespace.js'
import { ec2NodeClassObject, nodePoolObject } from './resources/nodepool.js'
import { OidcProvider } from './resources/oidc-provider.js'
import { refuseOtherKarpenter } from './resources/other-karpenter.js'
import { PodIdentityAssociation } from './resources/pod-identity.js'
import { SqsQueue } from './resources/sqs-queue.js'
import { managedTags } from './resources/tags.js'

/** What the graph is built from: the configuration and the facts read about the account and the cluster. */
export interface Context {
  config: Config
  aws: AwsSession
  accountId: string
  cluster: ClusterFacts
  kube: KubeClient
}

/** The service account the Karpenter chart creates (and the controller role trusts), unless karpenter.values names one. */
export const KARPENTER_SERVICE_ACCOUNT = 'karpenter'

/**
 * The name of the controller's service account: the one `karpenter.values.serviceAccount.name` gives, else
 * `karpenter`. The chart is always given this name (its own default is the release's full name, `<release>-karpenter`
 * for a release not containing "karpenter"), and the controller role's trust (IRSA) or the Pod Identity association
 * names the same account: the two can never disagree.
 */
export function karpenterServiceAccount(config: Config): string {
  const sa = (config.karpenter.values as { serviceAccount?: { name?: unknown } }).serviceAccount
  return typeof sa?.name === 'string' && sa.name.trim() ? sa.name : KARPENTER_SERVICE_ACCOUNT
}

/**
 * How many controller policies are looked for, at most: the ones the permissions need now are managed,
 * the others up to this number are deleted if this action made them (the set shrank). IAM attaches at
 * most 10 managed policies to a role by default.
 */
export const MAX_CONTROLLER_POLICIES = 8

/** Every resource id of the graph. */
export const ids = {
  nodeRole: resourceId('iam-role', 'node'),
  instanceProfile: resourceId('iam-instance-profile', 'node'),
  controllerPolicy: (index: number) => resourceId('iam-policy', index === 0 ? 'controller' : `controller-${index + 1}`),
  oidcProvider: resourceId('iam-oidc-provider', 'cluster'),
  controllerRole: resourceId('iam-role', 'controller'),
  podIdentity: resourceId('eks-pod-identity', 'controller'),
  queue: resourceId('sqs-queue', 'interruption'),
  rule: (kind: string) => resourceId('event-rule', kind),
  accessEntry: resourceId('eks-access-entry', 'node'),
  awsAuth: resourceId('aws-auth', 'node'),
  namespace: (ns: string) => resourceId('namespace', ns),
  crdRelease: (release: string) => resourceId('helm-release', `${release}-crd`),
  release: (release: string) => resourceId('helm-release', release),
  nodeClass: (name: string) => resourceId('ec2nodeclass', name),
  nodePool: (name: string) => resourceId('nodepool', name),
  manifest: (o: KubeObject) =>
    resourceId(
      'manifest',
      `${o.kind.toLowerCase()}.${o.metadata.namespace ? `${o.metadata.namespace}.` : ''}${o.metadata.name}`,
    ),
}

export interface GraphOptions {
  /** `destroy`: nothing will be installed, so nothing is rendered or dry-run. */
  mode?: Mode
  /**
   * Which part: everything (default); the account's side (`aws`: IAM, interruption handling, node access); or the
   * cluster's side alone (`cluster`: the Karpenter installation and node pools, depending on no AWS resource).
   */
  scope?: 'all' | 'aws' | 'cluster'
  /** NodePools and EC2NodeClasses in the cluster (observe()): the action's that left the config are deleted. */
  found?: KubeObject[]
  /** The objects of karpenter.extraManifests (observe()). */
  extraManifests?: KubeObject[]
  /** Size limit of one controller policy (tests lower it to force a split); IAM's 6,144 by default. */
  policySizeLimit?: number
}

/** The resources the configuration asks for. */
export function desiredResources(ctx: Context, options: GraphOptions = {}): Resource[] {
  const { resources, addFound } = configuredResources(ctx, options)
  return [...resources, ...addFound(options.found ?? [])]
}

/**
 * The resources the configuration names, and a way to add those of the cluster's objects that left it (what
 * observe() found): everything but the latter can be read before the cluster has been looked at.
 */
function configuredResources(
  ctx: Context,
  options: GraphOptions,
): { resources: Resource[]; addFound: (found: KubeObject[]) => Resource[] } {
  const scope = options.scope ?? 'all'
  const aws = scope === 'cluster' ? undefined : accountSide(ctx, options)
  const cluster = scope === 'aws' ? { resources: [], addFound: () => [] } : clusterSide(ctx, aws, options)
  return { resources: [...(aws?.resources ?? []), ...cluster.resources], addFound: cluster.addFound }
}

/** The objects of karpenter.extraManifests (none without the folder). */
function loadManifests(ctx: Context): KubeObject[] {
  const folder = ctx.config.karpenter.extraManifests
  return folder ? loadExtraManifests(folder) : []
}

/**
 * Every NodePool (the action's are deleted when they leave the config; the others tell which EC2NodeClasses are
 * still in use) and the EC2NodeClasses carrying the action's label. No process; empty before the CRDs exist.
 */
async function observe(ctx: Context): Promise<KubeObject[]> {
  const [pools, classes] = await Promise.all([
    ctx.kube.list(NODEPOOL),
    ctx.kube.list(EC2NODECLASS, `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`),
  ])
  return [...classes, ...pools]
}

/**
 * observe(), then desiredResources(): the graph, nothing read yet (what carries out a reviewed plan's steps). The
 * pipeline plans with readingGraph(), which starts the reads while the cluster is looked at.
 */
export async function desiredGraph(ctx: Context, options: GraphOptions = {}): Promise<Resource[]> {
  const extraManifests = loadManifests(ctx)
  return desiredResources(ctx, { found: await lookAtCluster(ctx, options), extraManifests, ...options })
}

/**
 * observe(), and the check for another Karpenter: one per cluster, so another one installed stops an install
 * or upgrade (a destroy stays possible: it removes only what the config names).
 */
async function lookAtCluster(ctx: Context, options: GraphOptions): Promise<KubeObject[]> {
  const { namespace, release } = ctx.config.karpenter
  const installs = options.mode !== 'destroy' && options.scope !== 'aws'
  const [found] = await Promise.all([
    observe(ctx),
    installs ? refuseOtherKarpenter(ctx.kube, { namespace, release }) : undefined,
  ])
  return found
}

/** The graph, and the reads of it already under way (by resource id): what the engine's plan() takes. */
export interface ReadingGraph {
  resources: Resource[]
  started: ReadonlyMap<ResourceId, Promise<unknown>>
}

/**
 * The graph the pipeline plans, its reads started early: the resources the configuration names are read while the
 * cluster is looked at (observe(), and the check for another Karpenter); those of the objects that left it follow.
 * A destroy reads nothing early: what its CRD release's read checks depends on what observe() finds.
 */
export async function readingGraph(ctx: Context, options: GraphOptions = {}): Promise<ReadingGraph> {
  const extraManifests = options.extraManifests ?? loadManifests(ctx)
  const { resources, addFound } = configuredResources(ctx, { ...options, extraManifests })
  const started = new Map<ResourceId, Promise<unknown>>()
  if (options.mode !== 'destroy') {
    for (const r of resources) {
      const reading = r.read()
      // Settled here, so that a read failing while the cluster is looked at is no unhandled rejection; the engine
      // awaits it (and reports it) when nothing before stops the run.
      reading.catch(() => undefined)
      started.set(r.id, reading)
    }
  }
  // Another Karpenter stops the run here, whatever the reads found.
  const found = await lookAtCluster(ctx, options)
  return { resources: [...resources, ...addFound(found)], started }
}

/**
 * How nodes get into the cluster: an access entry when asked, or on `auto` when the cluster's
 * authentication mode includes the access API; otherwise the aws-auth ConfigMap. A cluster that does not
 * report its mode predates access entries (CONFIG_MAP).
 */
export function nodeAccessMethod(
  setting: NodeAccess,
  authenticationMode: string | undefined,
): 'access-entry' | 'aws-auth' {
  if (setting !== 'auto') return setting
  return authenticationMode === 'API' || authenticationMode === 'API_AND_CONFIG_MAP' ? 'access-entry' : 'aws-auth'
}

/** The resources of the account's side the cluster's side depends on. */
interface AccountSide {
  resources: Resource[]
  instanceProfile: InstanceProfile
  controllerRole: IamRole
  podIdentity?: PodIdentityAssociation
  queue: SqsQueue
  nodeAccess: AccessEntry | AwsAuthMapping
}

/** What the account's resources share: their tags, IAM path and the account's ARN scope. */
interface Common {
  tags: Record<string, string>
  path: string
  scope: { partition: string; accountId: string }
}

function accountSide(ctx: Context, options: GraphOptions): AccountSide {
  const { config, aws } = ctx
  const common: Common = {
    tags: managedTags(config.cluster.name, config.tags),
    path: iamPath(config.iam.path),
    scope: { partition: aws.partition, accountId: ctx.accountId },
  }
  const { tags, path, scope } = common
  const destroyAdopted = config.destroyAdopted
  const nodeRole = new IamRole(aws, {
    id: ids.nodeRole,
    name: config.iam.nodeRole,
    path,
    description: `Nodes launched by Karpenter in ${config.cluster.name}`,
    trustPolicy: nodeRoleTrustPolicy(aws.partition),
    managedPolicyArns: nodeRoleManagedPolicyArns(aws.partition),
    permissionsBoundary: config.iam.permissionsBoundary,
    tags,
    destroyAdopted,
  })
  const instanceProfile = new InstanceProfile(aws, {
    id: ids.instanceProfile,
    name: config.iam.instanceProfile,
    path,
    roleName: config.iam.nodeRole,
    tags,
    destroyAdopted,
    dependsOn: [nodeRole.id],
  })
  const policies = controllerPolicies(ctx, common, options)
  const { oidc, trustPolicy } = controllerTrust(ctx, common)
  const controllerRole = new IamRole(aws, {
    id: ids.controllerRole,
    name: config.iam.controllerRole,
    path,
    description: `Karpenter controller of ${config.cluster.name}`,
    trustPolicy,
    managedPolicyArns: policies.filter((p) => p.wanted).map((p) => p.spec.arn),
    ownedPolicyArns: policies.map((p) => p.spec.arn),
    permissionsBoundary: config.iam.permissionsBoundary,
    tags,
    destroyAdopted,
    dependsOn: [...policies.map((p) => p.id), ...idsOf(oidc)],
  })
  const podIdentity =
    config.karpenter.auth === 'pod-identity'
      ? new PodIdentityAssociation(aws, {
          id: ids.podIdentity,
          clusterName: config.cluster.name,
          namespace: config.karpenter.namespace,
          serviceAccount: karpenterServiceAccount(config),
          roleArn: iamRoleArn(scope, config.iam.controllerRole, path),
          tags,
          destroyAdopted,
          dependsOn: [controllerRole.id],
        })
      : undefined
  const { queue, rules } = interruption(ctx, common)
  const nodeAccess = nodeAccessFor(ctx, common, nodeRole)
  const resources: (Resource | undefined)[] = [
    nodeRole,
    instanceProfile,
    ...policies,
    oidc,
    controllerRole,
    podIdentity,
    queue,
    ...rules,
    nodeAccess,
  ]
  return {
    resources: resources.filter((r): r is Resource => r !== undefined),
    instanceProfile,
    controllerRole,
    podIdentity,
    queue,
    nodeAccess,
  }
}

/**
 * The controller's permissions: as many managed policies as the size limit needs, plus the names a larger set
 * used to have, unwanted (deleted when this action made them).
 */
function controllerPolicies(ctx: Context, { tags, path, scope }: Common, options: GraphOptions): IamPolicy[] {
  const { config, aws } = ctx
  const policies = buildControllerPolicies(
    {
      partition: aws.partition,
      accountId: ctx.accountId,
      region: config.cluster.region,
      clusterName: config.cluster.name,
      nodeRoleName: config.iam.nodeRole,
      nodeRolePath: path,
      queueName: config.interruption.enabled ? config.interruption.queue : null,
      karpenterVersion: config.karpenter.version,
    },
    config.iam.controllerPolicy,
    options.policySizeLimit,
  )
  const listing = policyListing(aws, path)
  const base = config.iam.controllerPolicy
  return Array.from({ length: Math.max(MAX_CONTROLLER_POLICIES, policies.length) }, (_, i) => {
    const name = policies[i]?.name ?? (i === 0 ? base : `${base}-${i + 1}`)
    const spec = {
      id: ids.controllerPolicy(i),
      name,
      path,
      arn: iamPolicyArn(scope, name, path),
      description: `Karpenter controller permissions for ${config.cluster.name}`,
      document: policies[i]?.document,
      tags,
      destroyAdopted: config.destroyAdopted,
    }
    // The wanted policies are looked up directly; the leftovers only when the listing shows them.
    return new IamPolicy(aws, spec, spec.document ? undefined : listing)
  })
}

/** Who may assume the controller role: IRSA (through the cluster's OIDC provider) or EKS Pod Identity. */
function controllerTrust(ctx: Context, { tags, scope }: Common): { oidc?: OidcProvider; trustPolicy: PolicyDocument } {
  const { config, aws } = ctx
  if (config.karpenter.auth !== 'irsa') return { trustPolicy: podIdentityTrustPolicy() }
  const issuer = ctx.cluster.oidcIssuer
  if (!issuer) {
    throw new ActionFailure(
      'config',
      `karpenter.auth: irsa needs the cluster's OIDC issuer, and EKS reports none for ${config.cluster.name}. ` +
        'Fix: enable the OIDC issuer of the cluster, or set karpenter.auth: pod-identity.',
    )
  }
  const issuerHostPath = oidcIssuerHostPath(issuer)
  const arn = oidcProviderArn(scope, issuerHostPath)
  return {
    oidc: new OidcProvider(aws, {
      id: ids.oidcProvider,
      issuerHostPath,
      arn,
      tags,
      destroyAdopted: config.destroyAdopted,
    }),
    trustPolicy: irsaTrustPolicy({
      partition: aws.partition,
      accountId: ctx.accountId,
      issuerUrl: issuer,
      namespace: config.karpenter.namespace,
      serviceAccount: karpenterServiceAccount(config),
    }),
  }
}

/**
 * The interruption queue and the EventBridge rules feeding it. With interruption handling off they are still
 * listed, unwanted: what this action made earlier is deleted, anything else of those names is left.
 */
function interruption(ctx: Context, { tags }: Common): { queue: SqsQueue; rules: EventRule[] } {
  const { config, aws } = ctx
  const wanted = config.interruption.enabled
  const name = config.interruption.queue
  const arn = queueArn({ partition: aws.partition, accountId: ctx.accountId, region: config.cluster.region }, name)
  const queue = new SqsQueue(aws, {
    id: ids.queue,
    name,
    attributes: { ...INTERRUPTION_QUEUE_ATTRIBUTES },
    policy: interruptionQueuePolicy({ queueArn: arn }),
    tags,
    wanted,
    destroyAdopted: config.destroyAdopted,
  })
  const prefix = interruptionRulePrefix(name)
  const reader = new EventRuleReader(aws, prefix, arn)
  const rules = interruptionRules(config.cluster.name, name).map(
    (rule) =>
      new EventRule(
        aws,
        {
          id: ids.rule(rule.name.slice(prefix.length + 1)),
          name: rule.name,
          description: rule.description,
          eventPattern: rule.eventPattern,
          targetArn: arn,
          targetId: INTERRUPTION_RULE_TARGET_ID,
          tags,
          wanted,
          destroyAdopted: config.destroyAdopted,
          dependsOn: [queue.id],
        },
        reader,
      ),
  )
  return { queue, rules }
}

/** How the nodes of the node role join the cluster: an EKS access entry, or their mapping in aws-auth. */
function nodeAccessFor(ctx: Context, { tags, path, scope }: Common, nodeRole: IamRole): AccessEntry | AwsAuthMapping {
  const { config, aws } = ctx
  const roleArn = iamRoleArn(scope, config.iam.nodeRole, path)
  if (nodeAccessMethod(config.iam.nodeAccess, ctx.cluster.authenticationMode) === 'access-entry') {
    return new AccessEntry(aws, {
      id: ids.accessEntry,
      clusterName: config.cluster.name,
      principalArn: roleArn,
      roleName: config.iam.nodeRole,
      tags,
      destroyAdopted: config.destroyAdopted,
      dependsOn: [nodeRole.id],
    })
  }
  const withoutPath = iamRoleArnWithoutPath(scope, config.iam.nodeRole)
  return new AwsAuthMapping(ctx.kube, {
    id: ids.awsAuth,
    roleName: config.iam.nodeRole,
    roleArn: withoutPath,
    aliases: roleArn === withoutPath ? [] : [roleArn],
    dependsOn: [nodeRole.id],
  })
}

/** The Helm values of the Karpenter chart: the action's own, then karpenter.values merged over them. */
export function karpenterValues(ctx: Context): Record<string, unknown> {
  const { config } = ctx
  const settings: Record<string, unknown> = { clusterName: config.cluster.name }
  if (ctx.cluster.endpoint) settings.clusterEndpoint = ctx.cluster.endpoint
  if (config.interruption.enabled) settings.interruptionQueue = config.interruption.queue
  // The service account the controller role trusts, by name: never the chart's default (its release's full name).
  const serviceAccount: Record<string, unknown> = { name: karpenterServiceAccount(config) }
  const values: Record<string, unknown> = { settings, serviceAccount }
  if (config.karpenter.auth === 'irsa') {
    const arn = iamRoleArn(
      { partition: ctx.aws.partition, accountId: ctx.accountId },
      config.iam.controllerRole,
      config.iam.path,
    )
    serviceAccount.annotations = { 'eks.amazonaws.com/role-arn': arn }
  }
  if (config.karpenter.resources) values.controller = { resources: config.karpenter.resources }
  return mergeValues(values, config.karpenter.values)
}

function clusterSide(
  ctx: Context,
  aws: AccountSide | undefined,
  options: GraphOptions,
): { resources: Resource[]; addFound: (found: KubeObject[]) => Resource[] } {
  const { config, kube } = ctx
  const k = config.karpenter
  const planning = options.mode !== 'destroy'
  const renderings = new ChartRenderings(kube)
  // The CRD chart's release record lives in the namespace: kept CRDs keep it.
  const namespace = new Namespace(kube, {
    id: ids.namespace(k.namespace),
    name: k.namespace,
    timeout: k.timeout,
    keepOnDestroy: k.installCrds && !k.destroyCrds,
    destroyAdopted: config.destroyAdopted,
  })
  const out: Resource[] = [namespace]
  // What a destroy deletes before the CRDs (filled in below, asked when the CRD release is read).
  const deletedFirst: KubeObject[] = []

  const crds = k.installCrds
    ? new CrdRelease(
        kube,
        {
          id: ids.crdRelease(k.release),
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
          deletedFirst: () => deletedFirst,
        },
        renderings,
      )
    : undefined
  if (crds) out.push(crds)
  const base = crds ? [crds.id] : []

  const release = new HelmReleaseResource(
    kube,
    {
      id: ids.release(k.release),
      release: k.release,
      namespace: k.namespace,
      chart: chartSource(k.chart, k.version, 'karpenter.chart'),
      values: karpenterValues(ctx),
      timeout: k.timeout,
      skipCrds: true,
      // The controller's IAM role (IRSA or Pod Identity) and its queue exist before it starts.
      dependsOn: [namespace.id, ...base, ...idsOf(aws?.controllerRole, aws?.podIdentity, aws?.queue)],
      render: planning,
      expectedVersion: k.version,
    },
    renderings,
  )
  out.push(release)
  // NodePools and EC2NodeClasses come after the controller: created once it runs, deleted before it goes.
  const afterRelease = [...base, release.id]

  const validator = planning ? new Validator(kube, crds ? (v, kind) => crds.schemaFor(v, kind) : undefined) : undefined
  const object = (o: KubeObject, id: ResourceId, kind: string, dependsOn: ResourceId[], wanted = true) => {
    deletedFirst.push(o)
    return new KubeObjectResource(kube, {
      id,
      kind,
      object: o,
      dependsOn,
      wanted,
      validator,
      timeout: k.timeout,
      afterDelete: o.kind === NODEPOOL.kind ? nodeClaimsGone(o.metadata.name, k.timeout) : undefined,
    })
  }

  const taken = new Set<ResourceId>()
  for (const np of config.nodePools) {
    const nodeClass = object(ec2NodeClassObject(np, config), ids.nodeClass(np.name), 'ec2nodeclass', [
      ...afterRelease,
      // Nodes it launches need their instance profile and access to the cluster.
      ...idsOf(aws?.instanceProfile, aws?.nodeAccess),
    ])
    const pool = object(nodePoolObject(np), ids.nodePool(np.name), 'nodepool', [...afterRelease, nodeClass.id])
    out.push(nodeClass, pool)
    taken.add(nodeClass.id).add(pool.id)
  }

  const extras = options.extraManifests ?? []
  const foundation = extras.filter((o) => FOUNDATION_KINDS.has(o.kind)).map(ids.manifest)
  for (const o of extras) {
    const id = ids.manifest(o)
    out.push(
      object(o, id, o.kind.toLowerCase(), [...afterRelease, ...(FOUNDATION_KINDS.has(o.kind) ? [] : foundation)]),
    )
    taken.add(id)
  }

  // The action's objects that left the config: deleted (and, for a destroy, before the CRDs: deletedFirst).
  const addFound = (found: KubeObject[]): Resource[] => {
    const added: Resource[] = []
    for (const left of leftovers(found, extras, taken)) {
      const deps = left.nodeClassId && taken.has(left.nodeClassId) ? [left.nodeClassId] : []
      added.push(object(refObject(left.object), left.id, left.kind, [...afterRelease, ...deps], false))
      taken.add(left.id)
    }
    return added
  }
  return { resources: out, addFound }
}

/** The ids of the resources given (those present). */
function idsOf(...resources: (Resource | undefined)[]): ResourceId[] {
  return resources.filter((r): r is Resource => r !== undefined).map((r) => r.id)
}

/**
 * What the action created before and the configuration no longer has (by its label, never anything else),
 * EC2NodeClasses first so that a NodePool can depend on its own. An EC2NodeClass still used by a NodePool
 * that stays (someone else's, or one of the extra manifests) stays too.
 */
export function leftovers(
  found: KubeObject[],
  extras: KubeObject[],
  taken: Set<ResourceId>,
): { object: KubeObject; id: ResourceId; kind: string; nodeClassId?: ResourceId }[] {
  const extraKeys = new Set(extras.map((o) => `${o.kind}/${o.metadata.name}`))
  const ours = found.filter((o) => isOwned(o) && !extraKeys.has(`${o.kind}/${o.metadata.name}`))
  const pools = ours.filter((o) => o.kind === NODEPOOL.kind && !taken.has(ids.nodePool(o.metadata.name)))
  const leaving = new Set(pools.map((o) => o.metadata.name))
  const inUse = new Set(
    [...found, ...extras].filter((o) => o.kind === NODEPOOL.kind && !leaving.has(o.metadata.name)).map(nodeClassOf),
  )
  const classes = ours.filter(
    (o) => o.kind === EC2NODECLASS.kind && !taken.has(ids.nodeClass(o.metadata.name)) && !inUse.has(o.metadata.name),
  )
  return [
    ...classes.map((o) => ({ object: o, id: ids.nodeClass(o.metadata.name), kind: 'ec2nodeclass' })),
    ...pools.map((o) => {
      const nodeClass = nodeClassOf(o)
      return {
        object: o,
        id: ids.nodePool(o.metadata.name),
        kind: 'nodepool',
        nodeClassId: nodeClass ? ids.nodeClass(nodeClass) : undefined,
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
function refObject(o: KubeObject): KubeObject {
  const { apiVersion, kind, name, namespace } = refOf(o)
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }
}

/**
 * After a NodePool's delete: waits, bounded by karpenter.timeout, until none of its NodeClaims remain, so
 * no instance it launched is still running when its EC2NodeClass (and then the controller) goes.
 */
function nodeClaimsGone(pool: string, timeout: string) {
  return async (kube: KubeClient, deadline: number) => {
    let left: string[] = []
    await waitUntil(
      deadline,
      async () => {
        left = (await kube.list(NODECLAIM, `karpenter.sh/nodepool=${pool}`)).map((c) => c.metadata.name)
        return left.length === 0
      },
      () =>
        `NodeClaims of NodePool ${pool} still exist after karpenter.timeout (${timeout}): ${left.join(', ')}. ` +
        'Their instances may still run: check the Karpenter controller logs (draining can be blocked by PodDisruptionBudgets), then run destroy again.',
    )
  }
}

/** The action's outputs that the plan already knows (names and ARNs are deterministic). */
export function planOutputs(ctx: Context): Record<string, string> {
  const { config } = ctx
  const scope = { partition: ctx.aws.partition, accountId: ctx.accountId }
  return {
    'node-role-arn': iamRoleArn(scope, config.iam.nodeRole, config.iam.path),
    'controller-role-arn': iamRoleArn(scope, config.iam.controllerRole, config.iam.path),
    'instance-profile': config.iam.instanceProfile,
    'interruption-queue': config.interruption.enabled ? config.interruption.queue : '',
  }
}
