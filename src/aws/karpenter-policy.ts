/**
 * The IAM and interruption-handling resources Karpenter needs, as data.
 *
 * The controller permissions, node role, queue policy and EventBridge rules encode the facts of the
 * official getting-started CloudFormation template of Karpenter (the test compares them with
 * `../shared/fixtures/karpenter-cloudformation-1.14.1.yaml` so that drift fails). Nothing here calls AWS.
 */
import { createHash } from 'node:crypto'

import { POLICY_VERSION, policySize, type PolicyDocument, type Statement } from './policy-document.js'
import { dnsSuffixOf } from './regions.js'

/** IAM's limit for one managed policy, in characters, whitespace not counted. */
export const MANAGED_POLICY_SIZE_LIMIT = 6144

/** IAM's limit for a policy name. */
const POLICY_NAME_LIMIT = 128

/** EventBridge's limit for a rule name. */
export const EVENT_RULE_NAME_LIMIT = 64

/**
 * Karpenter versions whose controller permissions are encoded here. The official template is
 * byte-identical at the upstream tags v1.13.0, v1.13.1, v1.14.0 and v1.14.1 (checked against the
 * aws/karpenter-provider-aws repository); the fixture the tests read is 1.14.1. Later patch releases
 * of these lines are assumed to keep the same permissions. v1.12 differs (zonal shift, instance status).
 */
export const SUPPORTED_POLICY_VERSIONS = ['1.13.x', '1.14.x'] as const

export interface KarpenterPolicyContext {
  partition: string
  accountId: string
  region: string
  clusterName: string
  /** Name of the role Karpenter's nodes run as (the controller may pass it to EC2). */
  nodeRoleName: string
  /** IAM path of the node role; `/` when absent. */
  nodeRolePath?: string
  /** The interruption queue; `null`/`undefined` when interruption handling is disabled. */
  queueName?: string | null
  karpenterVersion: string
}

export interface ManagedPolicy {
  name: string
  document: PolicyDocument
}

export function isSupportedPolicyVersion(version: string): boolean {
  const match = /^v?(\d+)\.(\d+)\.\d+(?:[-+].*)?$/.exec(version.trim())
  if (!match) return false
  const line = `${Number(match[1])}.${Number(match[2])}.x`
  return (SUPPORTED_POLICY_VERSIONS as readonly string[]).includes(line)
}

export function assertSupportedPolicyVersion(version: string): void {
  if (isSupportedPolicyVersion(version)) return
  throw new Error(
    `karpenter.version "${version}" is not supported: the controller IAM permissions are known for ` +
      `Karpenter ${SUPPORTED_POLICY_VERSIONS.join(', ')}. Set karpenter.version to one of these versions.`,
  )
}

export function nodeRoleArn(
  ctx: Pick<KarpenterPolicyContext, 'partition' | 'accountId' | 'nodeRoleName' | 'nodeRolePath'>,
): string {
  return `arn:${ctx.partition}:iam::${ctx.accountId}:role${normalizeIamPath(ctx.nodeRolePath)}${ctx.nodeRoleName}`
}

export function queueArn(
  ctx: Pick<KarpenterPolicyContext, 'partition' | 'accountId' | 'region'>,
  queueName: string,
): string {
  return `arn:${ctx.partition}:sqs:${ctx.region}:${ctx.accountId}:${queueName}`
}

function normalizeIamPath(path: string | undefined): string {
  if (!path || path === '/') return '/'
  return `/${path.replace(/^\/+|\/+$/g, '')}/`
}

/**
 * Every permission the Karpenter controller needs, in the template's order (node lifecycle, IAM
 * integration, EKS integration, interruption, zonal shift, resource discovery), with its Sids.
 * Interruption statements are left out when `ctx.queueName` is empty.
 */
export function controllerPolicyStatements(ctx: KarpenterPolicyContext): Statement[] {
  assertSupportedPolicyVersion(ctx.karpenterVersion)
  const names = new TemplateNames(ctx)
  return [
    ...nodeLifecycleStatements(names),
    ...iamIntegrationStatements(names),
    ...eksIntegrationStatements(names),
    ...(ctx.queueName ? interruptionStatements(queueArn(ctx, ctx.queueName)) : []),
    ...zonalShiftStatements(names),
    ...resourceDiscoveryStatements(names),
  ]
}

/** The ARNs and condition keys the template builds from its parameters. */
class TemplateNames {
  constructor(readonly ctx: KarpenterPolicyContext) {}

  /** A regional EC2 resource in any account, e.g. `subnet`. */
  ec2(type: string): string {
    return `arn:${this.ctx.partition}:ec2:${this.ctx.region}:*:${type}/*`
  }

  /** Public EC2 resources (images, snapshots) have no account in their ARN. */
  ec2Public(type: string): string {
    return `arn:${this.ctx.partition}:ec2:${this.ctx.region}::${type}/*`
  }

  get instanceProfiles(): string {
    return `arn:${this.ctx.partition}:iam::${this.ctx.accountId}:instance-profile/*`
  }

  get cluster(): string {
    return `arn:${this.ctx.partition}:eks:${this.ctx.region}:${this.ctx.accountId}:cluster/${this.ctx.clusterName}`
  }

  get ssmPublicParameters(): string {
    return `arn:${this.ctx.partition}:ssm:${this.ctx.region}::parameter/aws/service/*`
  }

  /** `aws:ResourceTag/kubernetes.io/cluster/<name>` or its `RequestTag` twin. */
  clusterTag(kind: 'ResourceTag' | 'RequestTag'): string {
    return `aws:${kind}/kubernetes.io/cluster/${this.ctx.clusterName}`
  }
}

const RUN_AND_FLEET = ['ec2:RunInstances', 'ec2:CreateFleet']

const LAUNCHED_RESOURCE_TYPES = [
  'fleet',
  'instance',
  'volume',
  'network-interface',
  'launch-template',
  'spot-instances-request',
]

function nodeLifecycleStatements(n: TemplateNames): Statement[] {
  const cluster = n.ctx.clusterName
  const ownedByCluster = { [n.clusterTag('ResourceTag')]: 'owned' }
  const anyNodePool = { 'aws:ResourceTag/karpenter.sh/nodepool': '*' }
  const requestTags = {
    [n.clusterTag('RequestTag')]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': cluster,
  }
  const requestedNodePool = { 'aws:RequestTag/karpenter.sh/nodepool': '*' }
  const launched = LAUNCHED_RESOURCE_TYPES.map((type) => n.ec2(type))
  return [
    {
      Sid: 'AllowScopedEC2InstanceAccessActions',
      Effect: 'Allow',
      Resource: [
        n.ec2Public('image'),
        n.ec2Public('snapshot'),
        ...['security-group', 'subnet', 'capacity-reservation', 'placement-group'].map((type) => n.ec2(type)),
      ],
      Action: RUN_AND_FLEET,
    },
    {
      Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      Effect: 'Allow',
      Resource: n.ec2('launch-template'),
      Action: RUN_AND_FLEET,
      Condition: { StringEquals: ownedByCluster, StringLike: anyNodePool },
    },
    {
      Sid: 'AllowScopedEC2InstanceActionsWithTags',
      Effect: 'Allow',
      Resource: launched,
      Action: [...RUN_AND_FLEET, 'ec2:CreateLaunchTemplate'],
      Condition: { StringEquals: requestTags, StringLike: requestedNodePool },
    },
    {
      Sid: 'AllowScopedResourceCreationTagging',
      Effect: 'Allow',
      Resource: launched,
      Action: 'ec2:CreateTags',
      Condition: {
        StringEquals: { ...requestTags, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
        StringLike: requestedNodePool,
      },
    },
    {
      Sid: 'AllowScopedResourceTagging',
      Effect: 'Allow',
      Resource: n.ec2('instance'),
      Action: 'ec2:CreateTags',
      Condition: {
        StringEquals: ownedByCluster,
        StringLike: anyNodePool,
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': cluster },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    },
    {
      Sid: 'AllowScopedDeletion',
      Effect: 'Allow',
      Resource: [n.ec2('instance'), n.ec2('launch-template')],
      Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      Condition: { StringEquals: ownedByCluster, StringLike: anyNodePool },
    },
  ]
}

function iamIntegrationStatements(n: TemplateNames): Statement[] {
  const { clusterName, region } = n.ctx
  const resourceScope = {
    [n.clusterTag('ResourceTag')]: 'owned',
    'aws:ResourceTag/topology.kubernetes.io/region': region,
  }
  const requestScope = {
    [n.clusterTag('RequestTag')]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': clusterName,
    'aws:RequestTag/topology.kubernetes.io/region': region,
  }
  const resourceNodeClass = { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' }
  const requestNodeClass = { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' }
  return [
    {
      Sid: 'AllowPassingInstanceRole',
      Effect: 'Allow',
      Resource: nodeRoleArn(n.ctx),
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    },
    {
      Sid: 'AllowScopedInstanceProfileCreationActions',
      Effect: 'Allow',
      Resource: n.instanceProfiles,
      Action: ['iam:CreateInstanceProfile'],
      Condition: { StringEquals: requestScope, StringLike: requestNodeClass },
    },
    {
      Sid: 'AllowScopedInstanceProfileTagActions',
      Effect: 'Allow',
      Resource: n.instanceProfiles,
      Action: ['iam:TagInstanceProfile'],
      Condition: {
        StringEquals: { ...resourceScope, ...requestScope },
        StringLike: { ...resourceNodeClass, ...requestNodeClass },
      },
    },
    {
      Sid: 'AllowScopedInstanceProfileActions',
      Effect: 'Allow',
      Resource: n.instanceProfiles,
      Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      Condition: { StringEquals: resourceScope, StringLike: resourceNodeClass },
    },
  ]
}

function eksIntegrationStatements(n: TemplateNames): Statement[] {
  return [
    { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Resource: n.cluster, Action: 'eks:DescribeCluster' },
  ]
}

function interruptionStatements(queue: string): Statement[] {
  return [
    {
      Sid: 'AllowInterruptionQueueActions',
      Effect: 'Allow',
      Resource: queue,
      Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
    },
  ]
}

function zonalShiftStatements(n: TemplateNames): Statement[] {
  return [
    {
      Sid: 'AllowZonalShiftStatusReadOnly',
      Effect: 'Allow',
      Resource: '*',
      Action: ['arc-zonal-shift:GetManagedResource'],
      Condition: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': n.cluster } },
    },
  ]
}

const REGIONAL_READ_ACTIONS = [
  'ec2:DescribeCapacityReservations',
  'ec2:DescribeImages',
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceStatus',
  'ec2:DescribeInstanceTypeOfferings',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeLaunchTemplates',
  'ec2:DescribePlacementGroups',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSpotPriceHistory',
  'ec2:DescribeSubnets',
]

function resourceDiscoveryStatements(n: TemplateNames): Statement[] {
  return [
    {
      Sid: 'AllowRegionalReadActions',
      Effect: 'Allow',
      Resource: '*',
      Action: REGIONAL_READ_ACTIONS,
      Condition: { StringEquals: { 'aws:RequestedRegion': n.ctx.region } },
    },
    { Sid: 'AllowSSMReadActions', Effect: 'Allow', Resource: n.ssmPublicParameters, Action: 'ssm:GetParameter' },
    { Sid: 'AllowPricingReadActions', Effect: 'Allow', Resource: '*', Action: 'pricing:GetProducts' },
    {
      Sid: 'AllowUnscopedInstanceProfileListAction',
      Effect: 'Allow',
      Resource: '*',
      Action: 'iam:ListInstanceProfiles',
    },
    {
      Sid: 'AllowInstanceProfileReadActions',
      Effect: 'Allow',
      Resource: n.instanceProfiles,
      Action: 'iam:GetInstanceProfile',
    },
  ]
}

function policyDocument(statements: Statement[]): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: statements }
}

/**
 * The controller permissions as managed policies: one named `baseName` when it fits the limit,
 * otherwise `baseName`, `baseName-2`, ... (see `packStatements`).
 */
export function buildControllerPolicies(
  ctx: KarpenterPolicyContext,
  baseName: string,
  limit = MANAGED_POLICY_SIZE_LIMIT,
): ManagedPolicy[] {
  return packStatements(controllerPolicyStatements(ctx), baseName, limit)
}

/**
 * Packs whole statements into as few documents of at most `limit` characters as first-fit allows:
 * each statement, in the given order, joins the first document it fits in, else starts a new one.
 * The result depends only on the input, so the same statements always produce the same policies.
 */
export function packStatements(
  statements: Statement[],
  baseName: string,
  limit = MANAGED_POLICY_SIZE_LIMIT,
): ManagedPolicy[] {
  const groups: Statement[][] = []
  for (const statement of statements) {
    const alone = policySize(policyDocument([statement]))
    if (alone > limit) {
      throw new Error(
        `IAM statement ${statement.Sid ?? '(without Sid)'} is ${alone} characters: more than a managed policy holds (${limit})`,
      )
    }
    const group = groups.find((g) => policySize(policyDocument([...g, statement])) <= limit)
    if (group) group.push(statement)
    else groups.push([statement])
  }
  return groups.map((group, i) => ({ name: packedPolicyName(baseName, i), document: policyDocument(group) }))
}

function packedPolicyName(baseName: string, index: number): string {
  const name = index === 0 ? baseName : `${baseName}-${index + 1}`
  if (name.length > POLICY_NAME_LIMIT) {
    throw new Error(
      `IAM policy name "${name}" is longer than ${POLICY_NAME_LIMIT} characters: shorten iam.controllerPolicy`,
    )
  }
  return name
}

// ---- Node role -------------------------------------------------------------------------------

/** The AWS managed policies the template attaches to the node role. */
export const NODE_ROLE_MANAGED_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryPullOnly',
  'AmazonSSMManagedInstanceCore',
] as const

export function nodeRoleManagedPolicyArns(partition: string): string[] {
  return NODE_ROLE_MANAGED_POLICIES.map((name) => `arn:${partition}:iam::aws:policy/${name}`)
}

/** Lets EC2 instances (Karpenter's nodes) assume the node role. */
export function nodeRoleTrustPolicy(partition = 'aws'): PolicyDocument {
  return policyDocument([
    { Effect: 'Allow', Principal: { Service: `ec2.${dnsSuffixOf(partition)}` }, Action: ['sts:AssumeRole'] },
  ])
}

// ---- Controller role trust -------------------------------------------------------------------

export interface IrsaTrustOptions {
  partition: string
  accountId: string
  /** The cluster's OIDC issuer, e.g. `https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE`. */
  issuerUrl: string
  namespace: string
  serviceAccount: string
}

/** The issuer as IAM names it: host and path, without scheme or trailing slash. */
export function oidcIssuerHostPath(issuerUrl: string): string {
  const hostPath = issuerUrl
    .trim()
    .replace(/^https:\/\//i, '')
    .replace(/\/+$/, '')
  if (!hostPath || /^[a-z][a-z0-9+.-]*:\/\//i.test(hostPath)) {
    throw new Error(`OIDC issuer "${issuerUrl}" must be an https:// URL (the cluster's identity.oidc.issuer)`)
  }
  return hostPath
}

/** Lets the Karpenter service account assume the controller role through IRSA (web identity). */
export function irsaTrustPolicy(opts: IrsaTrustOptions): PolicyDocument {
  const issuer = oidcIssuerHostPath(opts.issuerUrl)
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:${opts.partition}:iam::${opts.accountId}:oidc-provider/${issuer}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${issuer}:sub`]: `system:serviceaccount:${opts.namespace}:${opts.serviceAccount}`,
          [`${issuer}:aud`]: 'sts.amazonaws.com',
        },
      },
    },
  ])
}

/** Lets EKS Pod Identity hand the controller role to the Karpenter pod. */
export function podIdentityTrustPolicy(): PolicyDocument {
  return policyDocument([
    { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
  ])
}

// ---- Interruption queue ----------------------------------------------------------------------

/** Queue attributes the template sets (as SQS SetQueueAttributes strings). */
export const INTERRUPTION_QUEUE_ATTRIBUTES = { MessageRetentionPeriod: '300', SqsManagedSseEnabled: 'true' } as const

/**
 * The queue's resource policy: EventBridge (and SQS itself) may send messages; any request over
 * plain HTTP is denied. The template leaves Version out; we set the current one, which changes
 * nothing here since the policy uses no variables.
 */
export function interruptionQueuePolicy(opts: { queueArn: string }): PolicyDocument {
  return {
    Version: POLICY_VERSION,
    Id: 'EC2InterruptionPolicy',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] },
        Action: 'sqs:SendMessage',
        Resource: opts.queueArn,
      },
      {
        Sid: 'DenyHTTP',
        Effect: 'Deny',
        Action: 'sqs:*',
        Resource: opts.queueArn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Principal: '*',
      },
    ],
  }
}

export interface InterruptionRule {
  name: string
  description: string
  eventPattern: { source: string[]; 'detail-type': string[] }
}

/** The target id the template gives the queue on every rule. */
export const INTERRUPTION_RULE_TARGET_ID = 'KarpenterInterruptionQueueTarget'

const INTERRUPTION_EVENTS = [
  { kind: 'scheduled-change', source: 'aws.health', detailType: 'AWS Health Event' },
  { kind: 'spot-interruption', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { kind: 'rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { kind: 'instance-state-change', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  {
    kind: 'capacity-reservation',
    source: 'aws.ec2',
    detailType: 'EC2 Capacity Reservation Instance Interruption Warning',
  },
] as const

/**
 * The EventBridge rules that feed the interruption queue, in the template's order. Their names start
 * from `nameBase`: the cluster name by default; the action passes the queue's name, so that the rules of
 * two queues (two installations, or two test runs in one account) never collide.
 */
export function interruptionRules(clusterName: string, nameBase = clusterName): InterruptionRule[] {
  const prefix = interruptionRulePrefix(nameBase)
  return INTERRUPTION_EVENTS.map((event) => ({
    name: `${prefix}-${event.kind}`,
    description: `Karpenter interruption handling for cluster ${clusterName}: ${event.detailType}`,
    eventPattern: { source: [event.source], 'detail-type': [event.detailType] },
  }))
}

/**
 * What every interruption rule name of a cluster starts with: `karpenter-<cluster>`, or, when that
 * would push a rule name past EventBridge's 64 characters, the cluster name shortened and followed
 * by a hash of the full name (so that different clusters keep different names).
 */
export function interruptionRulePrefix(clusterName: string): string {
  const longestKind = Math.max(...INTERRUPTION_EVENTS.map((e) => e.kind.length))
  const room = EVENT_RULE_NAME_LIMIT - longestKind - 1
  const prefix = `karpenter-${clusterName}`
  if (prefix.length <= room) return prefix
  const hash = createHash('sha256').update(clusterName).digest('hex').slice(0, 8)
  const kept = clusterName.slice(0, room - `karpenter--${hash}`.length).replace(/[-_]+$/, '')
  return `karpenter-${kept}-${hash}`
}
