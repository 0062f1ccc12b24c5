import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from '@jest/globals'
import { parse, type Tags } from 'yaml'

import {
  authorizationsFor,
  checkRequests,
  evaluate,
  launchTemplateFacts,
  operationName,
  withRecordedFacts,
  type Authorization,
  type AuthorizeContext,
  type Denial,
  type PolicyDocument,
  type PolicyStatement,
  type RecordedRequest,
} from '../support/iam-authorize.js'

// ---- The controller policies of the official template, resolved for the example cluster -----------------------

const PARTITION = 'aws'
const REGION = 'eu-west-1'
const ACCOUNT = '123456789012'
const CLUSTER = 'opsfleet-dev-cluster'
const NODE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/karpenter-role`
const QUEUE = 'opsfleet-dev-cluster-karpenter'
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${QUEUE}`
const CLUSTER_ARN = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`

const ctx: AuthorizeContext = { partition: PARTITION, region: REGION, accountId: ACCOUNT, nodeRoleArn: NODE_ROLE_ARN }

const TEMPLATE = fileURLToPath(
  new URL('../../../shared/fixtures/karpenter-cloudformation-1.14.1.yaml', import.meta.url),
)

const templateValues: Record<string, string> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  ClusterName: CLUSTER,
  'KarpenterNodeRole.Arn': NODE_ROLE_ARN,
  'KarpenterInterruptionQueue.Arn': QUEUE_ARN,
}

/** The template's short-form intrinsics, kept as `{ "Fn::Sub": ... }` so that the test resolves them itself. */
const intrinsicTags: Tags = ['Sub', 'GetAtt', 'Ref'].map((fn) => ({
  tag: `!${fn}`,
  resolve: (value: string) => ({ [fn === 'Ref' ? 'Ref' : `Fn::${fn}`]: value }),
}))

function sub(text: string): string {
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    const value = templateValues[name]
    if (value === undefined) throw new Error(`the test has no value for \${${name}}`)
    return value
  })
}

/** The six managed policies of the controller, by logical id. */
function templatePolicies(): Record<string, PolicyDocument> {
  const template = parse(readFileSync(TEMPLATE, 'utf8'), { customTags: intrinsicTags }) as {
    Resources: Record<string, { Type: string; Properties: { PolicyDocument?: unknown } }>
  }
  const out: Record<string, PolicyDocument> = {}
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::ManagedPolicy') continue
    const doc = resource.Properties.PolicyDocument as { 'Fn::Sub'?: string }
    if (typeof doc['Fn::Sub'] !== 'string') throw new Error(`${id}: PolicyDocument is not a !Sub string`)
    out[id] = JSON.parse(sub(doc['Fn::Sub'])) as PolicyDocument
  }
  return out
}

const POLICIES = templatePolicies()
const FULL = Object.values(POLICIES)
const ALL_SIDS = FULL.flatMap((d) => (d.Statement as PolicyStatement[]).map((s) => s.Sid as string))

/** The controller policies without the statements named. */
function without(...sids: string[]): PolicyDocument[] {
  for (const sid of sids) if (!ALL_SIDS.includes(sid)) throw new Error(`no statement ${sid} in the template`)
  return FULL.map((d) => ({
    ...d,
    Statement: (d.Statement as PolicyStatement[]).filter((s) => !sids.includes(s.Sid!)),
  }))
}

const policy = (...statements: PolicyStatement[]): PolicyDocument[] => [
  { Version: '2012-10-17', Statement: statements },
]

// ---- Recorded requests shaped like the controller's -------------------------------------------------------------

let clock = 1796151064
function recorded(
  service: string,
  operation: string,
  params: Record<string, unknown>,
  extra: Partial<RecordedRequest> = {},
): RecordedRequest {
  return {
    time: (clock += 0.25),
    service,
    region: service === 'iam' || service === 'pricing' ? 'us-east-1' : REGION,
    accessKeyId: 'ASIAEXAMPLEKARPENTER',
    method: 'POST',
    path: '/',
    operation,
    params,
    status: 200,
    ...extra,
  }
}

/** EC2's query form of `TagSpecification.N` (or `LaunchTemplateData.TagSpecification.N`). */
function tagSpec(prefix: string, index: number, type: string, tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { [`${prefix}TagSpecification.${index}.ResourceType`]: type }
  Object.entries(tags).forEach(([k, v], i) => {
    out[`${prefix}TagSpecification.${index}.Tag.${i + 1}.Key`] = k
    out[`${prefix}TagSpecification.${index}.Tag.${i + 1}.Value`] = v
  })
  return out
}

const LAUNCH_TAGS: Record<string, string> = {
  'eks:eks-cluster-name': CLUSTER,
  [`kubernetes.io/cluster/${CLUSTER}`]: 'owned',
  'karpenter.sh/nodepool': 'default',
  'karpenter.k8s.aws/ec2nodeclass': 'default',
}

const LT_NAME = 'karpenter.k8s.aws/15949964056112399691'
const AMI = 'ami-0a1b2c3d4e5f60718'
const PROFILE = 'opsfleet-dev-cluster_16358292071367012347'
const PROFILE_PATH = `/karpenter/${REGION}/${CLUSTER}/5a2f1c1e-9f7b-4c55-a9c3-2b8f5d0c1e2a/`

function createLaunchTemplate(dataTags: Record<string, Record<string, string>> = { 'network-interface': LAUNCH_TAGS }) {
  return recorded('ec2', 'CreateLaunchTemplate', {
    LaunchTemplateName: LT_NAME,
    'LaunchTemplateData.ImageId': AMI,
    'LaunchTemplateData.IamInstanceProfile.Name': PROFILE,
    'LaunchTemplateData.SecurityGroupId.1': 'sg-0c1d2e3f405162738',
    'LaunchTemplateData.MetadataOptions.HttpTokens': 'required',
    'LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit': '1',
    'LaunchTemplateData.BlockDeviceMapping.1.DeviceName': '/dev/xvda',
    'LaunchTemplateData.BlockDeviceMapping.1.Ebs.VolumeSize': '20',
    'LaunchTemplateData.UserData': 'IyEvYmluL2Jhc2gK',
    ...Object.entries(dataTags).reduce(
      (acc, [type, tags], i) => ({ ...acc, ...tagSpec('LaunchTemplateData.', i + 1, type, tags) }),
      {},
    ),
    ...tagSpec('', 1, 'launch-template', LAUNCH_TAGS),
  })
}

function createFleet(instanceTags = LAUNCH_TAGS, capacity = 'on-demand') {
  return recorded('ec2', 'CreateFleet', {
    'LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName': LT_NAME,
    'LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version': '$Latest',
    'LaunchTemplateConfigs.1.Overrides.1.InstanceType': 'm5.large',
    'LaunchTemplateConfigs.1.Overrides.1.SubnetId': 'subnet-0a1b2c3d4e5f60718',
    'LaunchTemplateConfigs.1.Overrides.1.AvailabilityZone': 'eu-west-1a',
    'LaunchTemplateConfigs.1.Overrides.1.ImageId': AMI,
    'LaunchTemplateConfigs.1.Overrides.2.InstanceType': 'm5.large',
    'LaunchTemplateConfigs.1.Overrides.2.SubnetId': 'subnet-0b2c3d4e5f6071829',
    'LaunchTemplateConfigs.1.Overrides.2.AvailabilityZone': 'eu-west-1b',
    'LaunchTemplateConfigs.1.Overrides.2.ImageId': AMI,
    'OnDemandOptions.AllocationStrategy': 'lowest-price',
    'TargetCapacitySpecification.DefaultTargetCapacityType': capacity,
    'TargetCapacitySpecification.TotalTargetCapacity': '1',
    Type: 'instant',
    ...tagSpec('', 1, 'instance', instanceTags),
    ...tagSpec('', 2, 'volume', LAUNCH_TAGS),
    ...tagSpec('', 3, 'fleet', LAUNCH_TAGS),
  })
}

const INSTANCE = 'i-0123456789abcdef0'

const tagInstance = (tags: Record<string, string>) =>
  recorded('ec2', 'CreateTags', {
    'ResourceId.1': INSTANCE,
    ...Object.entries(tags).reduce(
      (acc, [k, v], i) => ({ ...acc, [`Tag.${i + 1}.Key`]: k, [`Tag.${i + 1}.Value`]: v }),
      {} as Record<string, string>,
    ),
  })

const iamTags = (tags: Record<string, string>): Record<string, string> =>
  Object.entries(tags).reduce(
    (acc, [k, v], i) => ({ ...acc, [`Tags.member.${i + 1}.Key`]: k, [`Tags.member.${i + 1}.Value`]: v }),
    {} as Record<string, string>,
  )

const PROFILE_TAGS = {
  [`kubernetes.io/cluster/${CLUSTER}`]: 'owned',
  'eks:eks-cluster-name': CLUSTER,
  'topology.kubernetes.io/region': REGION,
  'karpenter.k8s.aws/ec2nodeclass': 'default',
}

const QUEUE_URL = `http://127.0.0.1:4566/${ACCOUNT}/${QUEUE}`
const AMI_PARAMETER = '/aws/service/eks/optimized-ami/1.32/amazon-linux-2023/x86_64/standard/recommended/image_id'

const requests = {
  assumeRole: recorded('', 'AssumeRoleWithWebIdentity', { RoleArn: `arn:aws:iam::${ACCOUNT}:role/karpenter` }),
  callerIdentity: recorded('sts', 'GetCallerIdentity', {}),
  describeCluster: recorded('eks', '', {}, { method: 'GET', path: `/clusters/${CLUSTER}` }),
  zonalShift: recorded('arc-zonal-shift', '', {}, { method: 'GET', path: `/managedresources/${CLUSTER_ARN}` }),
  describeInstances: recorded('ec2', 'DescribeInstances', {
    'Filter.1.Name': 'tag-key',
    'Filter.1.Value.1': 'karpenter.sh/nodepool',
    'Filter.2.Name': `tag:kubernetes.io/cluster/${CLUSTER}`,
    'Filter.2.Value.1': 'owned',
    'Filter.3.Name': 'instance-state-name',
    'Filter.3.Value.1': 'pending',
    'Filter.3.Value.2': 'running',
    MaxResults: '500',
  }),
  describeSubnets: recorded('ec2', 'DescribeSubnets', { 'Filter.1.Name': 'tag:karpenter.sh/discovery' }),
  getParameter: recorded('ssm', 'GetParameter', { Name: AMI_PARAMETER }),
  getProducts: recorded('pricing', 'GetProducts', {
    ServiceCode: 'AmazonEC2',
    Filters: [{ Field: 'regionCode', Type: 'TERM_MATCH', Value: REGION }],
  }),
  createInstanceProfile: recorded('iam', 'CreateInstanceProfile', {
    InstanceProfileName: PROFILE,
    Path: PROFILE_PATH,
    ...iamTags(PROFILE_TAGS),
  }),
  tagInstanceProfile: recorded('iam', 'TagInstanceProfile', { InstanceProfileName: PROFILE, ...iamTags(PROFILE_TAGS) }),
  addRole: recorded('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: PROFILE, RoleName: 'karpenter-role' }),
  getInstanceProfile: recorded('iam', 'GetInstanceProfile', { InstanceProfileName: PROFILE }),
  listInstanceProfiles: recorded('iam', 'ListInstanceProfiles', { PathPrefix: `/karpenter/${REGION}/${CLUSTER}/` }),
  createLaunchTemplate: createLaunchTemplate(),
  createFleet: createFleet(),
  tagInstance: tagInstance({
    Name: 'ip-10-0-1-23.eu-west-1.compute.internal',
    'karpenter.sh/nodeclaim': 'default-x7k2p',
    'eks:eks-cluster-name': CLUSTER,
  }),
  receiveMessage: recorded('sqs', 'ReceiveMessage', {
    QueueUrl: QUEUE_URL,
    MaxNumberOfMessages: 10,
    VisibilityTimeout: 20,
    WaitTimeSeconds: 20,
    MessageSystemAttributeNames: ['SentTimestamp'],
  }),
  deleteMessage: recorded('sqs', 'DeleteMessage', { QueueUrl: QUEUE_URL, ReceiptHandle: 'AQEB...' }),
  getQueueUrl: recorded('sqs', 'GetQueueUrl', { QueueName: QUEUE }),
  terminate: recorded('ec2', 'TerminateInstances', { 'InstanceId.1': INSTANCE }),
  deleteLaunchTemplate: recorded('ec2', 'DeleteLaunchTemplate', { LaunchTemplateName: LT_NAME }),
}
const ALL = Object.values(requests)

/** A request as the proxy records it now: with the tags the resources it acts on had just before it ran. */
const withResourceTags = (request: RecordedRequest, resourceTags: Record<string, Record<string, string>>) => ({
  ...request,
  resourceTags,
})

const LT_ID = 'lt-0a1b2c3d4e5f60718'
const OTHER_LT_NAME = 'karpenter.k8s.aws/7301551266186389433'
const OTHER_LT_ID = 'lt-0f9e8d7c6b5a40312'

/** The tags Karpenter gives its own instances and launch templates (LAUNCH_TAGS) without one key. */
function launchTagsWithout(key: string): Record<string, string> {
  const { [key]: _dropped, ...rest } = LAUNCH_TAGS
  return rest
}

/** The action's own instance profile, which moto's ListInstanceProfiles (ignoring PathPrefix) handed the controller. */
const ACTION_PROFILE = 'opsfleet_dev_karpenter_profile'
const ACTION_PROFILE_TAGS = { 'karpenter.sh/managed-by': CLUSTER }
const actionProfileRequests = (tags: Record<string, string> = ACTION_PROFILE_TAGS) => [
  withResourceTags(
    recorded('iam', 'RemoveRoleFromInstanceProfile', {
      InstanceProfileName: ACTION_PROFILE,
      RoleName: 'karpenter-role',
    }),
    { [`instance-profile/${ACTION_PROFILE}`]: tags },
  ),
  withResourceTags(recorded('iam', 'DeleteInstanceProfile', { InstanceProfileName: ACTION_PROFILE }), {
    [`instance-profile/${ACTION_PROFILE}`]: tags,
  }),
]

/** `operation action resource-tails` of a denial, e.g. `ec2:CreateFleet ec2:RunInstances instance/*`. */
function summary(d: Denial): string {
  const tail = (arn: string): string => (arn === '*' ? '*' : arn.split(':').slice(5).join(':'))
  return `${operationName(d.request)} ${d.authorization.action} ${d.authorization.resources.map(tail).join(',')}`
}

function only(list: Authorization[], action: string, resourceTail?: string): Authorization {
  const found = list.filter(
    (a) => a.action === action && (resourceTail === undefined || a.resources.some((r) => r.endsWith(resourceTail))),
  )
  if (found.length !== 1) throw new Error(`${found.length} authorizations ${action} ${resourceTail ?? ''}`)
  return found[0]
}

// ---- authorizationsFor -------------------------------------------------------------------------------------------

describe('authorizationsFor', () => {
  const known = withRecordedFacts([requests.createLaunchTemplate, requests.createInstanceProfile], ctx)
  const fleet = authorizationsFor(requests.createFleet, known)
  const ec2 = (type: string, id: string) => `arn:aws:ec2:${REGION}:${type === 'image' ? '' : ACCOUNT}:${type}/${id}`
  const tagContext = (tags: Record<string, string>) => ({
    'aws:RequestedRegion': REGION,
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    'aws:TagKeys': Object.keys(tags),
  })

  it('CreateFleet: ec2:CreateFleet on the fleet it creates and on the template, subnets and images it uses', () => {
    expect(only(fleet, 'ec2:CreateFleet', 'fleet/*')).toEqual({
      action: 'ec2:CreateFleet',
      resources: [ec2('fleet', '*')],
      context: tagContext(LAUNCH_TAGS),
      // the fleet it creates: its resource tags are the ones it is created with
      resourceTags: { [ec2('fleet', '*')]: LAUNCH_TAGS },
    })
    expect(only(fleet, 'ec2:CreateFleet', 'launch-template/*')).toEqual({
      action: 'ec2:CreateFleet',
      resources: [
        ec2('launch-template', '*'),
        ec2('subnet', 'subnet-0a1b2c3d4e5f60718'),
        ec2('subnet', 'subnet-0b2c3d4e5f6071829'),
        ec2('image', AMI),
      ],
      context: { 'aws:RequestedRegion': REGION },
    })
  })

  it('CreateFleet: ec2:RunInstances on what it launches, with the tags each resource gets', () => {
    const existing = only(fleet, 'ec2:RunInstances', 'security-group/sg-0c1d2e3f405162738')
    expect(existing.resources.sort()).toEqual(
      [
        ec2('image', AMI),
        ec2('subnet', 'subnet-0a1b2c3d4e5f60718'),
        ec2('subnet', 'subnet-0b2c3d4e5f6071829'),
        ec2('security-group', 'sg-0c1d2e3f405162738'),
        ec2('launch-template', '*'),
      ].sort(),
    )
    expect(existing.context).toEqual({ 'aws:RequestedRegion': REGION })
    for (const type of ['instance', 'volume', 'network-interface']) {
      expect(only(fleet, 'ec2:RunInstances', `${type}/*`)).toEqual({
        action: 'ec2:RunInstances',
        resources: [ec2(type, '*')],
        context: tagContext(LAUNCH_TAGS),
        resourceTags: { [ec2(type, '*')]: LAUNCH_TAGS },
      })
    }
    // on-demand: no spot request
    expect(fleet.filter((a) => a.resources.some((r) => r.includes('spot-instances-request')))).toEqual([])
  })

  it('CreateFleet: ec2:CreateTags with ec2:CreateAction=CreateFleet on each resource type it tags', () => {
    const tagging = fleet.filter((a) => a.action === 'ec2:CreateTags')
    expect(tagging.map((a) => a.resources[0]).sort()).toEqual(
      ['fleet', 'instance', 'network-interface', 'volume'].map((t) => ec2(t, '*')),
    )
    for (const a of tagging) {
      expect(a.context).toEqual({ ...tagContext(LAUNCH_TAGS), 'ec2:CreateAction': 'CreateFleet' })
      expect(a.resourceTags).toEqual({ [a.resources[0]]: LAUNCH_TAGS })
    }
  })

  it('CreateFleet: iam:PassRole on the node role, to ec2.amazonaws.com', () => {
    expect(only(fleet, 'iam:PassRole')).toEqual({
      action: 'iam:PassRole',
      resources: [NODE_ROLE_ARN],
      context: {
        'aws:RequestedRegion': REGION,
        'iam:PassedToService': 'ec2.amazonaws.com',
        'iam:AssociatedResourceArn': `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`,
      },
    })
    expect(fleet).toHaveLength(11)
  })

  it('CreateFleet with a launch template it has not seen: the template’s tags are unknown, not absent', () => {
    const blind = authorizationsFor(requests.createFleet, ctx)
    const eni = only(blind, 'ec2:RunInstances', 'network-interface/*')
    expect(eni.context).toEqual({ 'aws:RequestedRegion': REGION })
    expect(eni.unknownKeys).toEqual(['aws:RequestTag/*', 'aws:TagKeys'])
    expect(eni.resourceTags).toBeUndefined() // nor the tags the new interfaces get
    // the request's own tags stay known; the security groups are some the template names
    expect(only(blind, 'ec2:RunInstances', 'instance/*').unknownKeys).toBeUndefined()
    expect(only(blind, 'ec2:RunInstances', 'security-group/*').resources).toContain(ec2('security-group', '*'))
    expect(blind.filter((a) => a.action === 'ec2:CreateTags').map((a) => a.resources[0].split(':')[5])).toEqual([
      'instance/*',
      'volume/*',
      'fleet/*',
    ])
  })

  it('a spot CreateFleet also launches a spot-instances-request', () => {
    const spot = authorizationsFor(createFleet(LAUNCH_TAGS, 'spot'), ctx)
    expect(only(spot, 'ec2:RunInstances', 'spot-instances-request/*').unknownKeys).toEqual([
      'aws:RequestTag/*',
      'aws:TagKeys',
    ])
  })

  it('CreateLaunchTemplate: the template, and tagging it on creation', () => {
    expect(authorizationsFor(requests.createLaunchTemplate, ctx)).toEqual([
      {
        action: 'ec2:CreateLaunchTemplate',
        resources: [ec2('launch-template', '*')],
        context: tagContext(LAUNCH_TAGS),
        resourceTags: { [ec2('launch-template', '*')]: LAUNCH_TAGS },
      },
      {
        action: 'ec2:CreateTags',
        resources: [ec2('launch-template', '*')],
        context: { ...tagContext(LAUNCH_TAGS), 'ec2:CreateAction': 'CreateLaunchTemplate' },
        resourceTags: { [ec2('launch-template', '*')]: LAUNCH_TAGS },
      },
    ])
    const facts = launchTemplateFacts(requests.createLaunchTemplate)
    expect(facts?.name).toBe(LT_NAME)
    expect(facts?.facts).toMatchObject({
      imageIds: [AMI],
      securityGroupIds: ['sg-0c1d2e3f405162738'],
      instanceProfile: PROFILE,
      tags: { 'network-interface': LAUNCH_TAGS },
    })
  })

  it('CreateTags on an instance, TerminateInstances, DeleteLaunchTemplate', () => {
    expect(authorizationsFor(requests.tagInstance, ctx)).toEqual([
      {
        action: 'ec2:CreateTags',
        resources: [ec2('instance', INSTANCE)],
        context: {
          'aws:RequestedRegion': REGION,
          'aws:RequestTag/Name': 'ip-10-0-1-23.eu-west-1.compute.internal',
          'aws:RequestTag/karpenter.sh/nodeclaim': 'default-x7k2p',
          'aws:RequestTag/eks:eks-cluster-name': CLUSTER,
          'aws:TagKeys': ['Name', 'karpenter.sh/nodeclaim', 'eks:eks-cluster-name'],
        },
      },
    ])
    expect(authorizationsFor(requests.terminate, ctx)).toEqual([
      {
        action: 'ec2:TerminateInstances',
        resources: [ec2('instance', INSTANCE)],
        context: { 'aws:RequestedRegion': REGION },
      },
    ])
    expect(authorizationsFor(requests.deleteLaunchTemplate, ctx)).toEqual([
      {
        action: 'ec2:DeleteLaunchTemplate',
        resources: [ec2('launch-template', '*')],
        context: { 'aws:RequestedRegion': REGION },
      },
    ])
  })

  it('Describe*, pricing and an unknown operation: the action on "*"', () => {
    expect(authorizationsFor(requests.describeInstances, ctx)).toEqual([
      { action: 'ec2:DescribeInstances', resources: ['*'], context: { 'aws:RequestedRegion': REGION } },
    ])
    expect(authorizationsFor(requests.getProducts, ctx)).toEqual([
      { action: 'pricing:GetProducts', resources: ['*'], context: { 'aws:RequestedRegion': 'us-east-1' } },
    ])
    expect(authorizationsFor(recorded('ec2', 'DescribeAvailabilityZones', {}), ctx)).toEqual([
      { action: 'ec2:DescribeAvailabilityZones', resources: ['*'], context: { 'aws:RequestedRegion': REGION } },
    ])
  })

  it('ssm:GetParameter on the public parameter ARN (no account)', () => {
    expect(authorizationsFor(requests.getParameter, ctx)).toEqual([
      {
        action: 'ssm:GetParameter',
        resources: [`arn:aws:ssm:${REGION}::parameter${AMI_PARAMETER}`],
        context: { 'aws:RequestedRegion': REGION },
      },
    ])
    expect(authorizationsFor(recorded('ssm', 'GetParameter', { Name: 'team/ami' }), ctx)[0].resources).toEqual([
      `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/team/ami`,
    ])
  })

  it('SQS: the queue ARN from QueueUrl or QueueName; batch deletes authorize as sqs:DeleteMessage', () => {
    expect(authorizationsFor(requests.receiveMessage, ctx)).toEqual([
      { action: 'sqs:ReceiveMessage', resources: [QUEUE_ARN], context: { 'aws:RequestedRegion': REGION } },
    ])
    expect(authorizationsFor(requests.getQueueUrl, ctx)[0]).toMatchObject({
      action: 'sqs:GetQueueUrl',
      resources: [QUEUE_ARN],
    })
    const batch = recorded('sqs', 'DeleteMessageBatch', { QueueUrl: QUEUE_URL, Entries: [] })
    expect(authorizationsFor(batch, ctx)[0]).toMatchObject({ action: 'sqs:DeleteMessage', resources: [QUEUE_ARN] })
    expect(authorizationsFor(recorded('sqs', 'GetQueueAttributes', { QueueUrl: QUEUE_URL }), ctx)[0]).toMatchObject({
      action: 'sqs:GetQueueAttributes',
      resources: [QUEUE_ARN],
    })
  })

  it('IAM: the instance profile ARN (with the path CreateInstanceProfile gave it), PassRole for AddRoleToInstanceProfile', () => {
    const profileArn = `arn:aws:iam::${ACCOUNT}:instance-profile${PROFILE_PATH}${PROFILE}`
    expect(authorizationsFor(requests.createInstanceProfile, ctx)).toEqual([
      {
        action: 'iam:CreateInstanceProfile',
        resources: [profileArn],
        context: { ...tagContext(PROFILE_TAGS), 'aws:RequestedRegion': 'us-east-1' },
        resourceTags: { [profileArn]: PROFILE_TAGS },
      },
    ])
    expect(authorizationsFor(requests.getInstanceProfile, known)[0].resources).toEqual([profileArn])
    expect(authorizationsFor(requests.getInstanceProfile, ctx)[0].resources).toEqual([
      `arn:aws:iam::${ACCOUNT}:instance-profile/${PROFILE}`,
    ])
    expect(authorizationsFor(requests.addRole, known)).toEqual([
      {
        action: 'iam:AddRoleToInstanceProfile',
        resources: [profileArn],
        context: { 'aws:RequestedRegion': 'us-east-1' },
      },
      {
        action: 'iam:PassRole',
        resources: [NODE_ROLE_ARN],
        context: {
          'aws:RequestedRegion': 'us-east-1',
          'iam:PassedToService': 'ec2.amazonaws.com',
          'iam:AssociatedResourceArn': `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
        },
      },
    ])
    expect(authorizationsFor(requests.listInstanceProfiles, ctx)).toEqual([
      { action: 'iam:ListInstanceProfiles', resources: ['*'], context: { 'aws:RequestedRegion': 'us-east-1' } },
    ])
  })

  it('EKS and zonal shift REST calls', () => {
    expect(operationName(requests.describeCluster)).toBe('eks:DescribeCluster')
    expect(authorizationsFor(requests.describeCluster, ctx)).toEqual([
      { action: 'eks:DescribeCluster', resources: [CLUSTER_ARN], context: { 'aws:RequestedRegion': REGION } },
    ])
    const encoded = { ...requests.zonalShift, path: `/managedresources/${encodeURIComponent(CLUSTER_ARN)}` }
    for (const r of [requests.zonalShift, encoded]) {
      expect(authorizationsFor(r, ctx)).toEqual([
        {
          action: 'arc-zonal-shift:GetManagedResource',
          resources: [CLUSTER_ARN],
          context: { 'aws:RequestedRegion': REGION, 'arc-zonal-shift:ResourceIdentifier': CLUSTER_ARN },
        },
      ])
    }
    expect(operationName(recorded('eks', '', {}, { method: 'GET', path: `/clusters/${CLUSTER}/addons` }))).toBe(
      `eks:GET /clusters/${CLUSTER}/addons`,
    )
  })

  it('IAM policies and OIDC providers, EventBridge rules and S3 objects: the resource each acts on', () => {
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/karpenter-policy-1`
    const at = (r: RecordedRequest) => authorizationsFor(r, ctx).map((a) => `${a.action} ${a.resources.join(',')}`)
    expect(at(recorded('iam', 'CreatePolicy', { PolicyName: 'karpenter-policy-1', PolicyDocument: '{}' }))).toEqual([
      `iam:CreatePolicy ${policyArn}`,
    ])
    expect(at(recorded('iam', 'CreatePolicy', { PolicyName: 'p', Path: '/team/' }))).toEqual([
      `iam:CreatePolicy arn:aws:iam::${ACCOUNT}:policy/team/p`,
    ])
    expect(at(recorded('iam', 'DeletePolicyVersion', { PolicyArn: policyArn, VersionId: 'v1' }))).toEqual([
      `iam:DeletePolicyVersion ${policyArn}`,
    ])
    // Attaching a policy acts on the role, whose permissions it changes.
    expect(at(recorded('iam', 'AttachRolePolicy', { RoleName: 'karpenter-controller', PolicyArn: policyArn }))).toEqual(
      [`iam:AttachRolePolicy arn:aws:iam::${ACCOUNT}:role/karpenter-controller`],
    )
    const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.${REGION}.amazonaws.com/id/ABC`
    expect(
      at(recorded('iam', 'CreateOpenIDConnectProvider', { Url: `https://oidc.eks.${REGION}.amazonaws.com/id/ABC` })),
    ).toEqual([`iam:CreateOpenIDConnectProvider ${provider}`])
    expect(at(recorded('iam', 'TagOpenIDConnectProvider', { OpenIDConnectProviderArn: provider }))).toEqual([
      `iam:TagOpenIDConnectProvider ${provider}`,
    ])
    const rule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/karpenter-x-spot`
    expect(at(recorded('events', 'PutRule', { Name: 'karpenter-x-spot', Tags: [{ Key: 'a', Value: 'b' }] }))).toEqual([
      `events:PutRule ${rule}`,
    ])
    expect(
      authorizationsFor(recorded('events', 'PutRule', { Name: 'r', Tags: [{ Key: 'a', Value: 'b' }] }), ctx)[0].context,
    ).toEqual({
      'aws:RequestedRegion': REGION,
      'aws:RequestTag/a': 'b',
      'aws:TagKeys': ['a'],
    })
    expect(at(recorded('events', 'PutTargets', { Rule: 'karpenter-x-spot', Targets: [] }))).toEqual([
      `events:PutTargets ${rule}`,
    ])
    expect(at(recorded('events', 'RemoveTargets', { Rule: 'r', EventBusName: 'bus' }))).toEqual([
      `events:RemoveTargets arn:aws:events:${REGION}:${ACCOUNT}:rule/bus/r`,
    ])
    expect(at(recorded('events', 'TagResource', { ResourceARN: rule }))).toEqual([`events:TagResource ${rule}`])
    expect(at(recorded('events', 'ListRules', { NamePrefix: 'karpenter-' }))).toEqual(['events:ListRules *'])
    const s3 = (method: string, path: string) => recorded('s3', '', {}, { method, path })
    expect(at(s3('PUT', '/state-bucket/karpenter/a.json.lock'))).toEqual([
      's3:PutObject arn:aws:s3:::state-bucket/karpenter/a.json.lock',
    ])
    expect(at(s3('HEAD', '/state-bucket/karpenter/a%20b.json'))).toEqual([
      's3:GetObject arn:aws:s3:::state-bucket/karpenter/a b.json',
    ])
    expect(at(s3('DELETE', '/state-bucket/k'))).toEqual(['s3:DeleteObject arn:aws:s3:::state-bucket/k'])
    expect(at(s3('GET', '/state-bucket'))).toEqual(['s3:ListBucket arn:aws:s3:::state-bucket'])
    expect(operationName(s3('GET', '/state-bucket/k'))).toBe('s3:GetObject')
  })

  it('the example apply role allows the action’s own resources and refuses the same calls on anything else', () => {
    const applyRole = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../examples/iam/apply-role-permissions.json', import.meta.url)), 'utf8'),
    ) as PolicyDocument
    const example = { ...ctx, nodeRoleArn: `arn:aws:iam::${ACCOUNT}:role/karpenter-role` }
    const allowed = (r: RecordedRequest) => checkRequests([r], [applyRole], example).denied.length === 0
    const cases: [RecordedRequest, RecordedRequest][] = [
      [
        recorded('iam', 'CreateRole', { RoleName: 'karpenter-role' }),
        recorded('iam', 'CreateRole', { RoleName: 'admin' }),
      ],
      [
        recorded('iam', 'AttachRolePolicy', { RoleName: 'karpenter-controller', PolicyArn: 'x' }),
        recorded('iam', 'AttachRolePolicy', { RoleName: 'github-deploy', PolicyArn: 'x' }),
      ],
      [
        recorded('iam', 'CreatePolicy', { PolicyName: 'karpenter-policy-2' }),
        recorded('iam', 'CreatePolicy', { PolicyName: 'admin-policy' }),
      ],
      [
        recorded('iam', 'AddRoleToInstanceProfile', {
          InstanceProfileName: 'opsfleet_dev_karpenter_profile',
          RoleName: 'karpenter-role',
        }),
        recorded('iam', 'AddRoleToInstanceProfile', {
          InstanceProfileName: 'opsfleet_dev_karpenter_profile',
          RoleName: 'admin',
        }),
      ],
      [
        recorded('sqs', 'DeleteQueue', {
          QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/opsfleet-dev-cluster-karpenter`,
        }),
        recorded('sqs', 'DeleteQueue', { QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders` }),
      ],
      [
        recorded('events', 'DeleteRule', { Name: 'karpenter-opsfleet-dev-cluster-karpenter-spot-interruption' }),
        recorded('events', 'DeleteRule', { Name: 'billing-alarm' }),
      ],
      [
        recorded('s3', '', {}, { method: 'PUT', path: '/espace-project-store/karpenter/opsfleet-dev-cluster.json' }),
        recorded('s3', '', {}, { method: 'PUT', path: '/espace-project-store/terraform/prod.tfstate' }),
      ],
    ]
    for (const [own, other] of cases) {
      expect({ op: operationName(own), own: allowed(own), other: allowed(other) }).toEqual({
        op: operationName(own),
        own: true,
        other: false,
      })
    }
  })

  it('resource tags the proxy recorded: by instance ID, launch template ID or name, profile name, ID prefix', () => {
    const instanceTags = { ...LAUNCH_TAGS, Name: 'n' }
    const terminate = withResourceTags(
      recorded('ec2', 'TerminateInstances', { 'InstanceId.1': INSTANCE, 'InstanceId.2': 'i-0b' }),
      {
        [`instance/${INSTANCE}`]: instanceTags,
        'instance/i-0b': {},
      },
    )
    expect(authorizationsFor(terminate, ctx)[0].resourceTags).toEqual({
      [ec2('instance', INSTANCE)]: instanceTags,
      [ec2('instance', 'i-0b')]: {},
    })
    // by name: the template's ARN has no ID, its tags are those recorded under the name
    const byName = withResourceTags(requests.deleteLaunchTemplate, {
      [`launch-template/${LT_ID}`]: { other: 'template' },
      [`launch-template/${LT_NAME}`]: LAUNCH_TAGS,
    })
    expect(authorizationsFor(byName, ctx)).toEqual([
      {
        action: 'ec2:DeleteLaunchTemplate',
        resources: [ec2('launch-template', '*')],
        context: { 'aws:RequestedRegion': REGION },
        resourceTags: { [ec2('launch-template', '*')]: LAUNCH_TAGS },
      },
    ])
    const byId = withResourceTags(recorded('ec2', 'DeleteLaunchTemplate', { LaunchTemplateId: LT_ID }), {
      [`launch-template/${LT_ID}`]: LAUNCH_TAGS,
      [`launch-template/${LT_NAME}`]: { other: 'template' },
    })
    expect(authorizationsFor(byId, ctx)[0].resourceTags).toEqual({ [ec2('launch-template', LT_ID)]: LAUNCH_TAGS })
    // other IDs of CreateTags/DeleteTags under the prefix before the ID's last dash
    const tagGroup = withResourceTags(
      recorded('ec2', 'CreateTags', { 'ResourceId.1': 'sg-0c1d2e3f405162738', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' }),
      { 'sg/sg-0c1d2e3f405162738': { team: 'platform' } },
    )
    expect(authorizationsFor(tagGroup, ctx)[0].resourceTags).toEqual({
      [ec2('security-group', 'sg-0c1d2e3f405162738')]: { team: 'platform' },
    })
    const profile = withResourceTags(requests.addRole, { [`instance-profile/${PROFILE}`]: PROFILE_TAGS })
    const profileArn = `arn:aws:iam::${ACCOUNT}:instance-profile${PROFILE_PATH}${PROFILE}`
    expect(authorizationsFor(profile, known)[0].resourceTags).toEqual({ [profileArn]: PROFILE_TAGS })
    expect(authorizationsFor(profile, known)[1].resourceTags).toBeUndefined() // PassRole: the role's tags are not recorded
    // a resource the recording does not show, or a failed lookup: nothing known
    const nothingKnown: Record<string, Record<string, string>>[] = [
      {},
      { _error: { message: 'KeyError: x' } },
      { 'instance/i-other': LAUNCH_TAGS },
    ]
    for (const resourceTags of nothingKnown) {
      expect(authorizationsFor(withResourceTags(requests.terminate, resourceTags), ctx)[0].resourceTags).toBeUndefined()
    }
  })

  it('CreateFleet: the recorded tags of its launch templates, by ID or all by name; the tags of what it creates', () => {
    const recordedFleet = withResourceTags(requests.createFleet, {
      [`launch-template/${LT_NAME}`]: LAUNCH_TAGS,
      [`launch-template/${LT_ID}`]: LAUNCH_TAGS,
    })
    const list = authorizationsFor(recordedFleet, known)
    const templates = { [ec2('launch-template', '*')]: LAUNCH_TAGS }
    expect(only(list, 'ec2:CreateFleet', 'launch-template/*').resourceTags).toEqual(templates)
    expect(only(list, 'ec2:RunInstances', 'launch-template/*').resourceTags).toEqual(templates)
    expect(only(list, 'ec2:RunInstances', 'instance/*').resourceTags).toEqual({ [ec2('instance', '*')]: LAUNCH_TAGS })

    const two = (resourceTags: Record<string, Record<string, string>>) =>
      withResourceTags(
        {
          ...requests.createFleet,
          params: {
            ...requests.createFleet.params,
            'LaunchTemplateConfigs.2.LaunchTemplateSpecification.LaunchTemplateName': OTHER_LT_NAME,
            'LaunchTemplateConfigs.3.LaunchTemplateSpecification.LaunchTemplateId': OTHER_LT_ID,
          },
        },
        resourceTags,
      )
    const both = two({
      [`launch-template/${LT_NAME}`]: LAUNCH_TAGS,
      [`launch-template/${OTHER_LT_NAME}`]: { other: 'x' },
      [`launch-template/${OTHER_LT_ID}`]: { by: 'id' },
    })
    expect(only(authorizationsFor(both, ctx), 'ec2:RunInstances', 'launch-template/*').resourceTags).toEqual({
      [ec2('launch-template', OTHER_LT_ID)]: { by: 'id' },
      [ec2('launch-template', '*')]: [LAUNCH_TAGS, { other: 'x' }],
    })
    // one of the templates named by name not found: the tags behind launch-template/* are not known
    const partial = two({ [`launch-template/${LT_NAME}`]: LAUNCH_TAGS })
    expect(only(authorizationsFor(partial, ctx), 'ec2:RunInstances', 'launch-template/*').resourceTags).toBeUndefined()
  })

  it('STS identity and web-identity role assumption need no permission', () => {
    expect(authorizationsFor(requests.callerIdentity, ctx)).toEqual([])
    expect(operationName(requests.assumeRole)).toBe('sts:AssumeRoleWithWebIdentity')
    expect(authorizationsFor(requests.assumeRole, ctx)).toEqual([])
    expect(authorizationsFor(recorded('sts', 'AssumeRole', {}), ctx)).toHaveLength(1)
  })
})

// ---- The official policies against the controller's requests ----------------------------------------------------

describe('checkRequests with the template’s controller policies', () => {
  it('reads the six controller policies of the template', () => {
    expect(Object.keys(POLICIES).sort()).toEqual([
      'EKSIntegrationPolicy',
      'IAMIntegrationPolicy',
      'InterruptionPolicy',
      'NodeLifecyclePolicy',
      'ResourceDiscoveryPolicy',
      'ZonalShiftPolicy',
    ])
    expect(ALL_SIDS).toHaveLength(18)
  })

  it('allows every request, and says which conditions it could not evaluate', () => {
    const result = checkRequests(ALL, FULL, ctx)
    expect(result.denied.map(summary)).toEqual([])
    expect(result.checked).toBe(ALL.length - 2)
    expect(result.skipped).toBe(2)
    expect(result.operations).toMatchObject({
      'ec2:CreateFleet': 1,
      'ec2:TerminateInstances': 1,
      'ssm:GetParameter': 1,
      'sqs:ReceiveMessage': 1,
      'iam:GetInstanceProfile': 1,
      'ec2:DescribeInstances': 1,
      'eks:DescribeCluster': 1,
      'sts:AssumeRoleWithWebIdentity': 1,
      'sts:GetCallerIdentity': 1,
    })
    expect(Object.values(result.operations).reduce((a, b) => a + b, 0)).toBe(ALL.length)
    // Only the tags of existing resources; every request tag was known and checked.
    expect(result.unevaluated).toEqual([
      'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass',
      'aws:ResourceTag/karpenter.sh/nodepool',
      `aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`,
      'aws:ResourceTag/topology.kubernetes.io/region',
    ])
  })

  /** What dropping each statement denies, as `operation action resources`. */
  const expectedWithout: Record<string, string[]> = {
    AllowScopedEC2InstanceAccessActions: [
      'ec2:CreateFleet ec2:CreateFleet launch-template/*,subnet/subnet-0a1b2c3d4e5f60718,subnet/subnet-0b2c3d4e5f6071829,image/ami-0a1b2c3d4e5f60718',
      'ec2:CreateFleet ec2:RunInstances image/ami-0a1b2c3d4e5f60718,subnet/subnet-0a1b2c3d4e5f60718,subnet/subnet-0b2c3d4e5f6071829,security-group/sg-0c1d2e3f405162738,launch-template/*',
    ],
    AllowScopedEC2LaunchTemplateAccessActions: [
      'ec2:CreateFleet ec2:CreateFleet launch-template/*,subnet/subnet-0a1b2c3d4e5f60718,subnet/subnet-0b2c3d4e5f6071829,image/ami-0a1b2c3d4e5f60718',
      'ec2:CreateFleet ec2:RunInstances image/ami-0a1b2c3d4e5f60718,subnet/subnet-0a1b2c3d4e5f60718,subnet/subnet-0b2c3d4e5f6071829,security-group/sg-0c1d2e3f405162738,launch-template/*',
    ],
    AllowScopedEC2InstanceActionsWithTags: [
      'ec2:CreateLaunchTemplate ec2:CreateLaunchTemplate launch-template/*',
      'ec2:CreateFleet ec2:CreateFleet fleet/*',
      'ec2:CreateFleet ec2:RunInstances instance/*',
      'ec2:CreateFleet ec2:RunInstances volume/*',
      'ec2:CreateFleet ec2:RunInstances network-interface/*',
    ],
    AllowScopedResourceCreationTagging: [
      'ec2:CreateLaunchTemplate ec2:CreateTags launch-template/*',
      'ec2:CreateFleet ec2:CreateTags instance/*',
      'ec2:CreateFleet ec2:CreateTags volume/*',
      'ec2:CreateFleet ec2:CreateTags network-interface/*',
      'ec2:CreateFleet ec2:CreateTags fleet/*',
    ],
    AllowScopedResourceTagging: [`ec2:CreateTags ec2:CreateTags instance/${INSTANCE}`],
    AllowScopedDeletion: [
      `ec2:TerminateInstances ec2:TerminateInstances instance/${INSTANCE}`,
      'ec2:DeleteLaunchTemplate ec2:DeleteLaunchTemplate launch-template/*',
    ],
    AllowPassingInstanceRole: [
      'iam:AddRoleToInstanceProfile iam:PassRole role/karpenter-role',
      'ec2:CreateFleet iam:PassRole role/karpenter-role',
    ],
    AllowScopedInstanceProfileCreationActions: [
      `iam:CreateInstanceProfile iam:CreateInstanceProfile instance-profile${PROFILE_PATH}${PROFILE}`,
    ],
    AllowScopedInstanceProfileTagActions: [
      `iam:TagInstanceProfile iam:TagInstanceProfile instance-profile${PROFILE_PATH}${PROFILE}`,
    ],
    AllowScopedInstanceProfileActions: [
      `iam:AddRoleToInstanceProfile iam:AddRoleToInstanceProfile instance-profile${PROFILE_PATH}${PROFILE}`,
    ],
    AllowAPIServerEndpointDiscovery: [`eks:DescribeCluster eks:DescribeCluster cluster/${CLUSTER}`],
    AllowInterruptionQueueActions: [
      `sqs:ReceiveMessage sqs:ReceiveMessage ${QUEUE}`,
      `sqs:DeleteMessage sqs:DeleteMessage ${QUEUE}`,
      `sqs:GetQueueUrl sqs:GetQueueUrl ${QUEUE}`,
    ],
    AllowZonalShiftStatusReadOnly: [
      `arc-zonal-shift:GetManagedResource arc-zonal-shift:GetManagedResource cluster/${CLUSTER}`,
    ],
    AllowRegionalReadActions: [
      'ec2:DescribeInstances ec2:DescribeInstances *',
      'ec2:DescribeSubnets ec2:DescribeSubnets *',
    ],
    AllowSSMReadActions: [`ssm:GetParameter ssm:GetParameter parameter${AMI_PARAMETER}`],
    AllowPricingReadActions: ['pricing:GetProducts pricing:GetProducts *'],
    AllowUnscopedInstanceProfileListAction: ['iam:ListInstanceProfiles iam:ListInstanceProfiles *'],
    AllowInstanceProfileReadActions: [
      `iam:GetInstanceProfile iam:GetInstanceProfile instance-profile${PROFILE_PATH}${PROFILE}`,
    ],
  }

  it('covers every statement of the template', () => {
    expect(Object.keys(expectedWithout).sort()).toEqual([...ALL_SIDS].sort())
  })

  it.each(Object.entries(expectedWithout))(
    'without %s, exactly the requests that need it are denied',
    (sid, expected) => {
      const result = checkRequests(ALL, without(sid), ctx)
      expect(result.denied.map(summary).sort()).toEqual([...expected].sort())
      for (const d of result.denied) expect(d.reason).toContain(d.authorization.action)
    },
  )

  it('names the action, the resource and the statement whose condition failed', () => {
    const { denied } = checkRequests([requests.createFleet], without('AllowPassingInstanceRole'), ctx)
    expect(denied).toHaveLength(1)
    expect(denied[0].reason).toBe(`implicit deny: iam:PassRole on ${NODE_ROLE_ARN}: no Allow statement grants it`)
    const ssm = checkRequests([requests.getParameter], without('AllowSSMReadActions'), ctx).denied
    expect(ssm.map((d) => d.reason)).toEqual([
      `implicit deny: ssm:GetParameter on arn:aws:ssm:${REGION}::parameter${AMI_PARAMETER}: no Allow statement grants it`,
    ])
  })

  it('denies a launch whose instance tags miss a value the policy requires', () => {
    const { [`eks:eks-cluster-name`]: _dropped, ...missing } = LAUNCH_TAGS
    const result = checkRequests([requests.createLaunchTemplate, createFleet(missing)], FULL, ctx)
    expect(result.denied.map(summary).sort()).toEqual(
      ['ec2:CreateFleet ec2:CreateTags instance/*', 'ec2:CreateFleet ec2:RunInstances instance/*'].sort(),
    )
    const run = result.denied.find((d) => d.authorization.action === 'ec2:RunInstances')!
    expect(run.reason).toContain(`ec2:RunInstances on arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`)
    expect(run.reason).toContain(
      '"AllowScopedEC2InstanceActionsWithTags": StringEquals aws:RequestTag/eks:eks-cluster-name',
    )
    expect(run.reason).toContain('absent from the request')

    const shared = { ...LAUNCH_TAGS, [`kubernetes.io/cluster/${CLUSTER}`]: 'shared' }
    const wrong = checkRequests([requests.createLaunchTemplate, createFleet(shared)], FULL, ctx)
    expect(wrong.denied.map(summary)).toContain('ec2:CreateFleet ec2:RunInstances instance/*')
    expect(wrong.denied.find((d) => d.authorization.action === 'ec2:RunInstances')!.reason).toContain(
      'the request has "shared"',
    )
  })

  it('denies the network interfaces of a launch template seen without their tags; trusts one it has not seen', () => {
    const untagged = createLaunchTemplate({})
    const seen = checkRequests([untagged, requests.createFleet], FULL, ctx)
    expect(seen.denied.map(summary)).toEqual(['ec2:CreateFleet ec2:RunInstances network-interface/*'])
    const unseen = checkRequests([requests.createFleet], FULL, ctx)
    expect(unseen.denied).toEqual([])
    expect(unseen.unevaluated).toEqual(
      expect.arrayContaining([
        'aws:RequestTag/eks:eks-cluster-name',
        `aws:RequestTag/kubernetes.io/cluster/${CLUSTER}`,
      ]),
    )
  })

  it('tags an existing instance only with the keys AllowScopedResourceTagging lists', () => {
    const tagging = (tags: Record<string, string>) => checkRequests([tagInstance(tags)], FULL, ctx).denied.length
    expect(tagging({ Name: 'n', 'karpenter.sh/nodeclaim': 'c' })).toBe(0) // eks:eks-cluster-name IfExists: absent is fine
    expect(tagging({ 'eks:eks-cluster-name': CLUSTER })).toBe(0)
    expect(tagging({ 'eks:eks-cluster-name': 'another-cluster' })).toBe(1)
    expect(tagging({ Name: 'n', team: 'platform' })).toBe(1) // ForAllValues: team is not a listed key
  })

  it('denies reads in another region (aws:RequestedRegion)', () => {
    const elsewhere = { ...requests.describeInstances, region: 'us-east-1' }
    const { denied } = checkRequests([elsewhere], FULL, ctx)
    expect(denied.map(summary)).toEqual(['ec2:DescribeInstances ec2:DescribeInstances *'])
    expect(denied[0].reason).toContain('StringEquals aws:RequestedRegion "eu-west-1" (the request has "us-east-1")')
  })

  it('checks failed requests and operations it has no model for', () => {
    const failed = { ...requests.terminate, status: 403 }
    const unknown = recorded('ec2', 'DescribeAvailabilityZones', {}, { status: 400 })
    const result = checkRequests([failed, unknown], without('AllowScopedDeletion'), ctx)
    expect(result.checked).toBe(2)
    expect(result.denied.map(summary)).toEqual([
      `ec2:TerminateInstances ec2:TerminateInstances instance/${INSTANCE}`,
      'ec2:DescribeAvailabilityZones ec2:DescribeAvailabilityZones *',
    ])
  })

  it('lets an explicit Deny win over the template’s Allow', () => {
    const deny: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'NoTermination', Effect: 'Deny', Action: 'ec2:Terminate*', Resource: '*' }],
    }
    const { denied } = checkRequests(ALL, [...FULL, deny], ctx)
    expect(denied.map(summary)).toEqual([`ec2:TerminateInstances ec2:TerminateInstances instance/${INSTANCE}`])
    expect(denied[0].reason).toBe(
      `explicit deny: ec2:TerminateInstances on arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${INSTANCE} is denied by "NoTermination"`,
    )
  })
})

// ---- Recorded resource tags against the template's policies ------------------------------------------------------

describe('checkRequests with the tags the recording shows for existing resources', () => {
  const profileArn = `arn:aws:iam::${ACCOUNT}:instance-profile/${ACTION_PROFILE}`
  const profileConditions = (tags: string) =>
    [
      `StringEquals aws:ResourceTag/kubernetes.io/cluster/${CLUSTER} "owned" (${tags})`,
      `StringEquals aws:ResourceTag/topology.kubernetes.io/region "${REGION}" (${tags})`,
      `StringLike aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass "*" (${tags})`,
    ].join(' and ')

  it('denies removing the role from and deleting the action’s own instance profile, which Karpenter did not tag', () => {
    const result = checkRequests(actionProfileRequests(), FULL, ctx)
    expect(result.denied.map(summary)).toEqual([
      `iam:RemoveRoleFromInstanceProfile iam:RemoveRoleFromInstanceProfile instance-profile/${ACTION_PROFILE}`,
      `iam:DeleteInstanceProfile iam:DeleteInstanceProfile instance-profile/${ACTION_PROFILE}`,
    ])
    expect(result.denied.map((d) => d.reason)).toEqual(
      ['iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'].map(
        (action) =>
          `implicit deny: ${action} on ${profileArn}: no Allow statement grants it (conditions failed: ` +
          `"AllowScopedInstanceProfileActions": ${profileConditions('the resource has no such tag')})`,
      ),
    )
    // evaluated, not assumed
    expect(result.unevaluated).toEqual([])
  })

  it('names only the condition that fails: a profile of this cluster and region that no EC2NodeClass owns', () => {
    const { 'karpenter.k8s.aws/ec2nodeclass': _n, ...noNodeClass } = PROFILE_TAGS
    const [removeRole] = checkRequests(actionProfileRequests(noNodeClass), FULL, ctx).denied
    expect(removeRole.reason).toContain(
      '"AllowScopedInstanceProfileActions": StringLike aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass "*" (the resource has no such tag))',
    )
    expect(removeRole.reason).not.toContain('kubernetes.io/cluster')
    const elsewhere = checkRequests(
      actionProfileRequests({ ...PROFILE_TAGS, 'topology.kubernetes.io/region': 'us-east-1' }),
      FULL,
      ctx,
    )
    expect(elsewhere.denied).toHaveLength(2)
    expect(elsewhere.denied[0].reason).toContain(
      `StringEquals aws:ResourceTag/topology.kubernetes.io/region "${REGION}" (the resource has "us-east-1")`,
    )
  })

  it('allows the same requests on a profile tagged as Karpenter tags its own profiles', () => {
    const result = checkRequests(actionProfileRequests(PROFILE_TAGS), FULL, ctx)
    expect(result.denied).toEqual([])
    expect(result.unevaluated).toEqual([])
  })

  it('keeps assuming (and reporting) the tags where the recording has none for the resource', () => {
    const old = actionProfileRequests().map(({ resourceTags: _t, ...request }) => request)
    const elsewhere = actionProfileRequests().map((r) => withResourceTags(r, { 'instance-profile/another': {} }))
    for (const requests of [old, elsewhere]) {
      const result = checkRequests(requests, FULL, ctx)
      expect(result.denied).toEqual([])
      expect(result.unevaluated).toEqual([
        'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass',
        `aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`,
        'aws:ResourceTag/topology.kubernetes.io/region',
      ])
    }
  })

  it('TerminateInstances: denies an instance without karpenter.sh/nodepool, allows one with the cluster’s tags', () => {
    const terminate = (tags: Record<string, Record<string, string>>, ids = [INSTANCE]) =>
      withResourceTags(
        recorded('ec2', 'TerminateInstances', Object.fromEntries(ids.map((id, i) => [`InstanceId.${i + 1}`, id]))),
        tags,
      )
    const instanceArn = (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${id}`
    const unowned = checkRequests(
      [terminate({ [`instance/${INSTANCE}`]: launchTagsWithout('karpenter.sh/nodepool') })],
      FULL,
      ctx,
    )
    expect(unowned.denied.map(summary)).toEqual([`ec2:TerminateInstances ec2:TerminateInstances instance/${INSTANCE}`])
    expect(unowned.denied[0].reason).toBe(
      `implicit deny: ec2:TerminateInstances on ${instanceArn(INSTANCE)}: no Allow statement grants it (conditions failed: ` +
        '"AllowScopedDeletion": StringLike aws:ResourceTag/karpenter.sh/nodepool "*" (the resource has no such tag))',
    )
    expect(unowned.unevaluated).toEqual([])

    const owned = checkRequests([terminate({ [`instance/${INSTANCE}`]: LAUNCH_TAGS })], FULL, ctx)
    expect(owned.denied).toEqual([])
    expect(owned.unevaluated).toEqual([])

    const shared = { ...LAUNCH_TAGS, [`kubernetes.io/cluster/${CLUSTER}`]: 'shared' }
    const notOurs = checkRequests([terminate({ [`instance/${INSTANCE}`]: shared })], FULL, ctx)
    expect(notOurs.denied[0].reason).toContain(
      `StringEquals aws:ResourceTag/kubernetes.io/cluster/${CLUSTER} "owned" (the resource has "shared")`,
    )

    // every instance is checked on its own tags
    const mixed = checkRequests(
      [terminate({ [`instance/${INSTANCE}`]: LAUNCH_TAGS, 'instance/i-0b': {} }, [INSTANCE, 'i-0b'])],
      FULL,
      ctx,
    )
    expect(mixed.denied).toHaveLength(1)
    expect(mixed.denied[0].reason).toContain(`ec2:TerminateInstances on ${instanceArn('i-0b')}: no Allow statement`)
    expect(mixed.denied[0].reason).not.toContain(instanceArn(INSTANCE))
  })

  it('DeleteLaunchTemplate by name: the tags recorded under the name decide', () => {
    const byName = (nameTags: Record<string, string>, idTags: Record<string, string>) =>
      checkRequests(
        [
          withResourceTags(requests.deleteLaunchTemplate, {
            [`launch-template/${LT_ID}`]: idTags,
            [`launch-template/${LT_NAME}`]: nameTags,
          }),
        ],
        FULL,
        ctx,
      )
    const ours = byName(LAUNCH_TAGS, {})
    expect(ours.denied).toEqual([])
    expect(ours.unevaluated).toEqual([])
    const notOurs = byName({}, LAUNCH_TAGS)
    expect(notOurs.denied.map(summary)).toEqual(['ec2:DeleteLaunchTemplate ec2:DeleteLaunchTemplate launch-template/*'])
    expect(notOurs.denied[0].reason).toContain(
      `"AllowScopedDeletion": StringEquals aws:ResourceTag/kubernetes.io/cluster/${CLUSTER} "owned" (the resource has no such tag) and StringLike aws:ResourceTag/karpenter.sh/nodepool "*" (the resource has no such tag)`,
    )
  })

  it('CreateTags on an existing instance: both the tags it adds and the tags the instance has', () => {
    const tagging = (instanceTags: Record<string, string>, tags: Record<string, string>) =>
      checkRequests([withResourceTags(tagInstance(tags), { [`instance/${INSTANCE}`]: instanceTags })], FULL, ctx)
    const nodeclaim = { Name: 'n', 'karpenter.sh/nodeclaim': 'c', 'eks:eks-cluster-name': CLUSTER }
    const ok = tagging(LAUNCH_TAGS, nodeclaim)
    expect(ok.denied).toEqual([])
    expect(ok.unevaluated).toEqual([])
    // the instance is not one of this cluster's nodes
    const notANode = tagging(launchTagsWithout('karpenter.sh/nodepool'), nodeclaim)
    expect(notANode.denied.map(summary)).toEqual([`ec2:CreateTags ec2:CreateTags instance/${INSTANCE}`])
    expect(notANode.denied[0].reason).toContain(
      '"AllowScopedResourceTagging": StringLike aws:ResourceTag/karpenter.sh/nodepool "*" (the resource has no such tag))',
    )
    // a node of the cluster, but a tag key the policy does not list
    const team = tagging(LAUNCH_TAGS, { ...nodeclaim, team: 'platform' })
    expect(team.denied[0].reason).toContain(
      '"AllowScopedResourceTagging": ForAllValues:StringEquals aws:TagKeys ["eks:eks-cluster-name","karpenter.sh/nodeclaim","Name"] (the request has ["Name","karpenter.sh/nodeclaim","eks:eks-cluster-name","team"]))',
    )
    expect(team.denied[0].reason).not.toContain('aws:ResourceTag')
    // both wrong: both named
    const both = tagging({}, { team: 'platform' })
    expect(both.denied[0].reason).toContain(
      `StringEquals aws:ResourceTag/kubernetes.io/cluster/${CLUSTER} "owned" (the resource has no such tag) and StringLike aws:ResourceTag/karpenter.sh/nodepool "*" (the resource has no such tag) and ForAllValues:StringEquals aws:TagKeys`,
    )
  })

  describe('CreateFleet', () => {
    const fleet = (templateTags: Record<string, string>, instanceTags = LAUNCH_TAGS) =>
      withResourceTags(createFleet(instanceTags), {
        [`launch-template/${LT_NAME}`]: templateTags,
        [`launch-template/${LT_ID}`]: templateTags,
      })
    const templateDenials = [
      'ec2:CreateFleet ec2:CreateFleet launch-template/*,subnet/subnet-0a1b2c3d4e5f60718,subnet/subnet-0b2c3d4e5f6071829,image/ami-0a1b2c3d4e5f60718',
      'ec2:CreateFleet ec2:RunInstances image/ami-0a1b2c3d4e5f60718,subnet/subnet-0a1b2c3d4e5f60718,subnet/subnet-0b2c3d4e5f6071829,security-group/sg-0c1d2e3f405162738,launch-template/*',
    ]

    it('evaluates the recorded tags of its launch template (AllowScopedEC2LaunchTemplateAccessActions)', () => {
      const ours = checkRequests([requests.createLaunchTemplate, fleet(LAUNCH_TAGS)], FULL, ctx)
      expect(ours.denied).toEqual([])
      expect(ours.unevaluated).toEqual([])
      for (const key of ['karpenter.sh/nodepool', `kubernetes.io/cluster/${CLUSTER}`]) {
        const result = checkRequests([requests.createLaunchTemplate, fleet(launchTagsWithout(key))], FULL, ctx)
        expect(result.denied.map(summary)).toEqual(templateDenials)
        for (const d of result.denied) {
          expect(d.reason).toContain(`${d.authorization.action} on arn:aws:ec2:${REGION}:${ACCOUNT}:launch-template/*`)
          expect(d.reason).toContain(
            `"AllowScopedEC2LaunchTemplateAccessActions": ${key === 'karpenter.sh/nodepool' ? 'StringLike' : 'StringEquals'} aws:ResourceTag/${key}`,
          )
        }
      }
    })

    it('several templates named by name: each one’s tags must pass', () => {
      const two = (otherTags: Record<string, string>) =>
        withResourceTags(
          {
            ...requests.createFleet,
            params: {
              ...requests.createFleet.params,
              'LaunchTemplateConfigs.2.LaunchTemplateSpecification.LaunchTemplateName': OTHER_LT_NAME,
              'LaunchTemplateConfigs.2.Overrides.1.InstanceType': 'm6g.large',
              'LaunchTemplateConfigs.2.Overrides.1.SubnetId': 'subnet-0a1b2c3d4e5f60718',
            },
          },
          { [`launch-template/${LT_NAME}`]: LAUNCH_TAGS, [`launch-template/${OTHER_LT_NAME}`]: otherTags },
        )
      expect(checkRequests([two(LAUNCH_TAGS)], FULL, ctx).denied).toEqual([])
      const oneBad = checkRequests([two({})], FULL, ctx)
      expect(oneBad.denied.map((d) => d.authorization.action)).toEqual(['ec2:CreateFleet', 'ec2:RunInstances'])
      expect(oneBad.denied[0].reason).toContain('AllowScopedEC2LaunchTemplateAccessActions')
    })

    it('does not deny the instances, volumes and fleet it creates for lacking tags they cannot have yet', () => {
      // AllowScopedEC2InstanceActionsWithTags, written with aws:ResourceTag: on creation, the tags the request gives
      const original = POLICIES.NodeLifecyclePolicy.Statement as PolicyStatement[]
      const withTags = original.find((st) => st.Sid === 'AllowScopedEC2InstanceActionsWithTags')!
      const byResourceTag: PolicyStatement = {
        ...withTags,
        Sid: 'ByResourceTag',
        Condition: JSON.parse(JSON.stringify(withTags.Condition).replaceAll('aws:RequestTag/', 'aws:ResourceTag/')),
      }
      const policies = [...without('AllowScopedEC2InstanceActionsWithTags'), ...policy(byResourceTag)]
      const result = checkRequests([requests.createLaunchTemplate, fleet(LAUNCH_TAGS)], policies, ctx)
      expect(result.denied).toEqual([])
      expect(result.unevaluated).toEqual([])
      // an instance the request does not tag for a node pool would really lack the tag
      const untagged = checkRequests(
        [requests.createLaunchTemplate, fleet(LAUNCH_TAGS, launchTagsWithout('karpenter.sh/nodepool'))],
        policies,
        ctx,
      )
      const run = untagged.denied.find((d) => d.authorization.action === 'ec2:RunInstances')!
      expect(summary(run)).toBe('ec2:CreateFleet ec2:RunInstances instance/*')
      expect(run.reason).toContain(
        '"ByResourceTag": StringLike aws:ResourceTag/karpenter.sh/nodepool "*" (the resource has no such tag)',
      )
      // what a launch template the recording did not show adds: unknown, so assumed and reported
      const unseen = checkRequests([fleet(LAUNCH_TAGS)], policies, ctx)
      expect(unseen.denied).toEqual([])
      expect(unseen.unevaluated).toEqual(
        expect.arrayContaining([
          `aws:ResourceTag/kubernetes.io/cluster/${CLUSTER}`,
          'aws:ResourceTag/karpenter.sh/nodepool',
        ]),
      )
    })
  })
})

// ---- evaluate: IAM's semantics ----------------------------------------------------------------------------------

describe('evaluate', () => {
  const authz = (
    action: string,
    resources: string[],
    context: Authorization['context'] = {},
    unknownKeys?: string[],
  ): Authorization => ({ action, resources, context, ...(unknownKeys ? { unknownKeys } : {}) })
  const instance = (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${id}`
  const allowed = (policies: PolicyDocument[], a: Authorization) => evaluate(policies, a).allowed

  it('matches actions with wildcards, case-insensitively', () => {
    const p = policy({ Effect: 'Allow', Action: ['EC2:describe*', 'ssm:Get?arameter'], Resource: '*' })
    expect(allowed(p, authz('ec2:DescribeInstances', ['*']))).toBe(true)
    expect(allowed(p, authz('ssm:GetParameter', ['*']))).toBe(true)
    expect(allowed(p, authz('ssm:GetParameters', ['*']))).toBe(false)
    expect(allowed(p, authz('ec2:CreateFleet', ['*']))).toBe(false)
    const notAction = policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })
    expect(allowed(notAction, authz('ec2:CreateFleet', ['*']))).toBe(true)
    expect(allowed(notAction, authz('iam:PassRole', ['*']))).toBe(false)
  })

  it('matches resources with * and ?, case-sensitively; a resource-less action needs Resource "*"', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'ec2:TerminateInstances',
      Resource: `arn:aws:ec2:${REGION}:*:instance/i-0?`,
    })
    expect(allowed(p, authz('ec2:TerminateInstances', [instance('i-01')]))).toBe(true)
    expect(allowed(p, authz('ec2:TerminateInstances', [instance('i-012')]))).toBe(false)
    const upper = policy({
      Effect: 'Allow',
      Action: 'ec2:TerminateInstances',
      Resource: `arn:aws:ec2:${REGION}:*:Instance/*`,
    })
    expect(allowed(upper, authz('ec2:TerminateInstances', [instance('i-01')]))).toBe(false)
    const scoped = policy({ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: 'arn:aws:ec2:*:*:instance/*' })
    expect(allowed(scoped, authz('ec2:DescribeInstances', ['*']))).toBe(false)
  })

  it('needs every resource allowed', () => {
    const p = policy({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: instance('i-a') })
    expect(allowed(p, authz('ec2:TerminateInstances', [instance('i-a')]))).toBe(true)
    const both = evaluate(p, authz('ec2:TerminateInstances', [instance('i-a'), instance('i-b')]))
    expect(both.allowed).toBe(false)
    expect(both.reason).toBe(
      `implicit deny: ec2:TerminateInstances on ${instance('i-b')}: no Allow statement grants it`,
    )
  })

  it('NotResource, in an Allow and in a Deny', () => {
    const p = policy(
      { Effect: 'Allow', Action: 'ec2:TerminateInstances', NotResource: instance('i-protected') },
      {
        Sid: 'KeepTheBastion',
        Effect: 'Deny',
        Action: 'ec2:*',
        NotResource: [instance('i-a'), instance('i-protected')],
      },
    )
    expect(allowed(p, authz('ec2:TerminateInstances', [instance('i-a')]))).toBe(true)
    expect(allowed(p, authz('ec2:TerminateInstances', [instance('i-protected')]))).toBe(false)
    const other = evaluate(p, authz('ec2:TerminateInstances', [instance('i-b')]))
    expect(other).toMatchObject({ allowed: false, reason: expect.stringContaining('denied by "KeepTheBastion"') })
  })

  it('an explicit Deny wins over any Allow', () => {
    const p = policy(
      { Effect: 'Allow', Action: '*', Resource: '*' },
      {
        Sid: 'OnlyHere',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': REGION } },
      },
    )
    expect(allowed(p, authz('ec2:DescribeInstances', ['*'], { 'aws:RequestedRegion': REGION }))).toBe(true)
    expect(evaluate(p, authz('ec2:DescribeInstances', ['*'], { 'aws:RequestedRegion': 'us-east-1' }))).toEqual({
      allowed: false,
      reason: 'explicit deny: ec2:DescribeInstances on * is denied by "OnlyHere"',
      unevaluated: [],
    })
  })

  it('StringEquals, StringLike and their negations; an absent key fails the positive and passes the negated form', () => {
    const cond = (c: PolicyStatement['Condition']) =>
      policy({ Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: c })
    const tagged = authz('ec2:CreateTags', ['*'], { 'aws:RequestTag/team': 'platform' })
    const untagged = authz('ec2:CreateTags', ['*'])
    expect(allowed(cond({ StringEquals: { 'aws:RequestTag/team': ['ops', 'platform'] } }), tagged)).toBe(true)
    expect(allowed(cond({ StringEquals: { 'aws:RequestTag/team': 'Platform' } }), tagged)).toBe(false)
    expect(allowed(cond({ StringEqualsIgnoreCase: { 'aws:RequestTag/team': 'Platform' } }), tagged)).toBe(true)
    expect(allowed(cond({ StringLike: { 'aws:RequestTag/team': 'plat*' } }), tagged)).toBe(true)
    expect(allowed(cond({ StringLike: { 'aws:RequestTag/team': 'p?atform' } }), tagged)).toBe(true)
    expect(allowed(cond({ StringNotLike: { 'aws:RequestTag/team': 'plat*' } }), tagged)).toBe(false)
    expect(allowed(cond({ StringEquals: { 'aws:RequestTag/team': 'platform' } }), untagged)).toBe(false)
    expect(allowed(cond({ StringLike: { 'aws:RequestTag/team': '*' } }), untagged)).toBe(false)
    expect(allowed(cond({ StringNotEquals: { 'aws:RequestTag/team': 'platform' } }), untagged)).toBe(true)
    // condition keys are case-insensitive; several keys and operators must all hold
    expect(allowed(cond({ StringEquals: { 'AWS:REQUESTTAG/team': 'platform' } }), tagged)).toBe(true)
    expect(
      allowed(
        cond({ StringEquals: { 'aws:RequestTag/team': 'platform' }, StringLike: { 'aws:RequestTag/env': '*' } }),
        tagged,
      ),
    ).toBe(false)
  })

  it('IfExists: an absent key passes, a present one is compared', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': CLUSTER } },
    })
    expect(allowed(p, authz('ec2:CreateTags', ['*']))).toBe(true)
    expect(allowed(p, authz('ec2:CreateTags', ['*'], { 'aws:RequestTag/eks:eks-cluster-name': CLUSTER }))).toBe(true)
    expect(allowed(p, authz('ec2:CreateTags', ['*'], { 'aws:RequestTag/eks:eks-cluster-name': 'other' }))).toBe(false)
  })

  it('ForAllValues and ForAnyValue over a multi-valued key', () => {
    const keys = ['Name', 'karpenter.sh/nodeclaim']
    const all = policy({
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['Name', 'karpenter.sh/nodeclaim', 'eks:eks-cluster-name'] },
      },
    })
    expect(allowed(all, authz('ec2:CreateTags', ['*'], { 'aws:TagKeys': keys }))).toBe(true)
    expect(allowed(all, authz('ec2:CreateTags', ['*'], { 'aws:TagKeys': [...keys, 'team'] }))).toBe(false)
    expect(allowed(all, authz('ec2:CreateTags', ['*']))).toBe(true) // no keys: vacuously true
    const any = policy({
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'karpenter.sh/*' } },
    })
    expect(allowed(any, authz('ec2:CreateTags', ['*'], { 'aws:TagKeys': keys }))).toBe(true)
    expect(allowed(any, authz('ec2:CreateTags', ['*'], { 'aws:TagKeys': ['Name'] }))).toBe(false)
    expect(allowed(any, authz('ec2:CreateTags', ['*']))).toBe(false) // no keys: false
    const noneOf = policy({
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'aws:*' } },
    })
    expect(allowed(noneOf, authz('ec2:CreateTags', ['*'], { 'aws:TagKeys': keys }))).toBe(true)
    expect(allowed(noneOf, authz('ec2:CreateTags', ['*'], { 'aws:TagKeys': ['Name', 'aws:x'] }))).toBe(false)
  })

  it('Null, Bool and ArnLike', () => {
    const withCondition = (c: PolicyStatement['Condition']) =>
      policy({ Effect: 'Allow', Action: 'iam:PassRole', Resource: NODE_ROLE_ARN, Condition: c })
    const pass = authz('iam:PassRole', [NODE_ROLE_ARN], {
      'iam:PassedToService': 'ec2.amazonaws.com',
      'iam:AssociatedResourceArn': `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/*`,
      'aws:MultiFactorAuthPresent': 'false',
    })
    expect(allowed(withCondition({ Null: { 'iam:PassedToService': 'false' } }), pass)).toBe(true)
    expect(allowed(withCondition({ Null: { 'iam:PassedToService': 'true' } }), pass)).toBe(false)
    expect(allowed(withCondition({ Null: { 'aws:RequestTag/team': 'true' } }), pass)).toBe(true)
    expect(allowed(withCondition({ Bool: { 'aws:MultiFactorAuthPresent': false } }), pass)).toBe(true)
    expect(allowed(withCondition({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }), pass)).toBe(false)
    expect(
      allowed(withCondition({ ArnLike: { 'iam:AssociatedResourceArn': `arn:aws:ec2:*:${ACCOUNT}:instance/*` } }), pass),
    ).toBe(true)
    // each ARN part on its own: a * in the region part does not reach into the account part
    expect(allowed(withCondition({ ArnLike: { 'iam:AssociatedResourceArn': 'arn:aws:ec2:*:instance/*' } }), pass)).toBe(
      false,
    )
    expect(
      allowed(withCondition({ ArnNotLike: { 'iam:AssociatedResourceArn': 'arn:aws:ec2:*:*:volume/*' } }), pass),
    ).toBe(true)
    expect(allowed(withCondition({ StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }), pass)).toBe(
      false,
    )
  })

  it('keys the context cannot carry are not evaluated: satisfied in an Allow, not applied in a Deny, and reported', () => {
    const p = policy(
      {
        Sid: 'OwnedOnly',
        Effect: 'Allow',
        Action: 'ec2:TerminateInstances',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/owner': 'karpenter', 'aws:RequestedRegion': REGION } },
      },
      {
        Sid: 'NotProtected',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'ec2:ResourceTag/protected': 'yes' } },
      },
    )
    expect(evaluate(p, authz('ec2:TerminateInstances', [instance('i-a')], { 'aws:RequestedRegion': REGION }))).toEqual({
      allowed: true,
      reason: 'ec2:TerminateInstances allowed by "OwnedOnly"',
      unevaluated: ['aws:ResourceTag/owner', 'ec2:ResourceTag/protected'],
    })
    // a known key that fails still denies, whatever the unevaluated ones would say
    expect(allowed(p, authz('ec2:TerminateInstances', [instance('i-a')], { 'aws:RequestedRegion': 'us-east-1' }))).toBe(
      false,
    )
    // a fully evaluated Allow is preferred to one that rests on unevaluated keys
    const both = [...p, ...policy({ Sid: 'Plain', Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*' })]
    expect(
      evaluate(both, authz('ec2:TerminateInstances', [instance('i-a')], { 'aws:RequestedRegion': REGION })),
    ).toEqual({
      allowed: true,
      reason: 'ec2:TerminateInstances allowed by "Plain"',
      unevaluated: ['ec2:ResourceTag/protected'],
    })
  })

  it('request tags are unknown, not absent, where the authorization says so', () => {
    const p = policy({
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestTag/eks:eks-cluster-name': CLUSTER } },
    })
    expect(allowed(p, authz('ec2:RunInstances', ['*']))).toBe(false)
    expect(evaluate(p, authz('ec2:RunInstances', ['*'], {}, ['aws:RequestTag/*', 'aws:TagKeys']))).toMatchObject({
      allowed: true,
      unevaluated: ['aws:RequestTag/eks:eks-cluster-name'],
    })
  })

  it('resource tags are evaluated per resource where the authorization has them: a tag the resource lacks is absent', () => {
    const owned = (c: PolicyStatement['Condition']) =>
      policy({ Sid: 'Owned', Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*', Condition: c })
    const on = (tags: Record<string, string>): Authorization => ({
      ...authz('ec2:TerminateInstances', [instance('i-a')]),
      resourceTags: { [instance('i-a')]: tags },
    })
    const equals = owned({ StringEquals: { 'aws:ResourceTag/owner': 'karpenter' } })
    expect(evaluate(equals, on({ owner: 'karpenter' }))).toEqual({
      allowed: true,
      reason: 'ec2:TerminateInstances allowed by "Owned"',
      unevaluated: [],
    })
    expect(evaluate(equals, on({}))).toEqual({
      allowed: false,
      reason:
        `implicit deny: ec2:TerminateInstances on ${instance('i-a')}: no Allow statement grants it ` +
        '(conditions failed: "Owned": StringEquals aws:ResourceTag/owner "karpenter" (the resource has no such tag))',
      unevaluated: [],
    })
    expect(allowed(equals, on({ owner: 'Karpenter' }))).toBe(false) // values compare case-sensitively
    expect(allowed(equals, on({ Owner: 'karpenter' }))).toBe(true) // the tag key in the condition key does not
    expect(allowed(owned({ StringLike: { 'ec2:ResourceTag/owner': '*' } }), on({ owner: '' }))).toBe(true)
    expect(allowed(owned({ StringLike: { 'aws:ResourceTag/owner': '*' } }), on({ team: 'x' }))).toBe(false)
    expect(allowed(owned({ Null: { 'aws:ResourceTag/owner': 'true' } }), on({ team: 'x' }))).toBe(true)
    expect(allowed(owned({ Null: { 'aws:ResourceTag/owner': 'true' } }), on({ owner: 'x' }))).toBe(false)
    expect(allowed(owned({ StringNotEquals: { 'aws:ResourceTag/owner': 'karpenter' } }), on({}))).toBe(true)
    expect(allowed(owned({ StringEqualsIfExists: { 'aws:ResourceTag/owner': 'karpenter' } }), on({}))).toBe(true)
    expect(allowed(owned({ StringEqualsIfExists: { 'aws:ResourceTag/owner': 'karpenter' } }), on({ owner: 'o' }))).toBe(
      false,
    )
    // each resource on its own tags; one without an entry stays unevaluated
    const two: Authorization = {
      ...authz('ec2:TerminateInstances', [instance('i-a'), instance('i-b'), instance('i-c')]),
      resourceTags: { [instance('i-a')]: { owner: 'karpenter' }, [instance('i-b')]: { owner: 'someone' } },
    }
    const decision = evaluate(equals, two)
    expect(decision.allowed).toBe(false)
    expect(decision.reason).toContain(`on ${instance('i-b')}: no Allow statement grants it`)
    expect(decision.reason).not.toContain(instance('i-a'))
    expect(decision.reason).not.toContain(instance('i-c'))
    expect(decision.unevaluated).toEqual(['aws:ResourceTag/owner'])
  })

  it('a Deny on a resource tag applies when the resource has it, and is no longer just assumed away', () => {
    const p = policy(
      { Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' },
      {
        Sid: 'Protected',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'ec2:ResourceTag/protected': 'yes' } },
      },
    )
    const terminate = (tags: Record<string, string>): Authorization => ({
      ...authz('ec2:TerminateInstances', [instance('i-a')]),
      resourceTags: { [instance('i-a')]: tags },
    })
    expect(evaluate(p, terminate({ protected: 'yes' }))).toEqual({
      allowed: false,
      reason: `explicit deny: ec2:TerminateInstances on ${instance('i-a')} is denied by "Protected"`,
      unevaluated: [],
    })
    expect(evaluate(p, terminate({ protected: 'no' }))).toEqual({
      allowed: true,
      reason: 'ec2:TerminateInstances allowed by "All"',
      unevaluated: [],
    })
    // ec2:ResourceTag is EC2's key: an IAM resource's tags do not answer it
    const profile = `arn:aws:iam::${ACCOUNT}:instance-profile/p`
    const iam: Authorization = {
      ...authz('iam:DeleteInstanceProfile', [profile]),
      resourceTags: { [profile]: { protected: 'yes' } },
    }
    expect(evaluate(p, iam)).toMatchObject({ allowed: true, unevaluated: ['ec2:ResourceTag/protected'] })
    const global = policy(
      { Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/protected': 'yes' } },
      },
    )
    expect(allowed(global, iam)).toBe(false)
  })

  it('several tag sets behind one ARN are several resources: every one must be allowed', () => {
    const templates = `arn:aws:ec2:${REGION}:${ACCOUNT}:launch-template/*`
    const p = policy({
      Sid: 'Ours',
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: templates,
      Condition: { StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    })
    const run = (...sets: Record<string, string>[]): Authorization => ({
      ...authz('ec2:RunInstances', [templates]),
      resourceTags: { [templates]: sets },
    })
    expect(evaluate(p, run({ 'karpenter.sh/nodepool': 'a' }, { 'karpenter.sh/nodepool': 'b' }))).toMatchObject({
      allowed: true,
      unevaluated: [],
    })
    expect(evaluate(p, run({ 'karpenter.sh/nodepool': 'a' }, {}))).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('(the resource has no such tag)'),
    })
    // no set at all: nothing known
    expect(evaluate(p, run())).toMatchObject({ allowed: true, unevaluated: ['aws:ResourceTag/karpenter.sh/nodepool'] })
  })

  it('accepts documents as objects, JSON text and IAM’s URL-encoded text, with one statement or several', () => {
    const doc = {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: QUEUE_ARN },
    }
    const a = authz('sqs:ReceiveMessage', [QUEUE_ARN])
    expect(evaluate([doc], a).allowed).toBe(true)
    expect(evaluate([JSON.stringify(doc)], a).allowed).toBe(true)
    expect(evaluate([encodeURIComponent(JSON.stringify(doc))], a).allowed).toBe(true)
    expect(evaluate([], a)).toEqual({
      allowed: false,
      reason: `implicit deny: sqs:ReceiveMessage on ${QUEUE_ARN}: no Allow statement grants it`,
      unevaluated: [],
    })
    expect(() => evaluate([{ Version: '2012-10-17' }], a)).toThrow(/not an IAM policy document/)
  })
})
