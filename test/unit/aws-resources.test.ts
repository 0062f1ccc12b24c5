/**
 * The AWS resources' decisions on given actual states (no AWS involved): what is a change and what is not,
 * and how awsResources assembles them from a configuration.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseConfig } from '../../src/config/load.js'
import { desiredResources, ids, nodeAccessMethod, type Context, type GraphOptions } from '../../src/graph.js'
import { KubeClient } from '../../src/kube/client.js'
import { dependencyOrder } from '../../src/plan/engine.js'
import { resourceId, type Resource, type ResourceId } from '../../src/plan/resource.js'
import {
  buildControllerPolicies,
  interruptionQueuePolicy,
  nodeRoleTrustPolicy,
} from '../../src/aws/karpenter-policy.js'
import { AwsAuthMapping, mergeMapRoles, parseMapRoles } from '../../src/resources/aws-auth.js'
import { EventRule, EventRuleReader, canonicalEventPattern } from '../../src/resources/event-rule.js'
import { IamPolicy } from '../../src/resources/iam-policy.js'
import { IamRole } from '../../src/resources/iam-role.js'
import { InstanceProfile } from '../../src/resources/instance-profile.js'
import { SqsQueue } from '../../src/resources/sqs-queue.js'
import { managedTags } from '../../src/resources/tags.js'
import { repoRoot } from '../support/sandbox.js'

const session = { region: 'eu-west-1', partition: 'aws' }
const tags = managedTags('opsfleet-dev-cluster')
const example = readFileSync(join(repoRoot, 'examples/opsfleet-dev.yaml'), 'utf8')

function context(overrides: { text?: string; authenticationMode?: string; oidcIssuer?: string | null } = {}): Context {
  return {
    config: parseConfig(overrides.text ?? example, 'karpenter.yaml'),
    aws: session,
    accountId: '123456789012',
    cluster: {
      name: 'opsfleet-dev-cluster',
      arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/opsfleet-dev-cluster',
      status: 'ACTIVE',
      oidcIssuer:
        overrides.oidcIssuer === null
          ? undefined
          : (overrides.oidcIssuer ?? 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC'),
      authenticationMode: overrides.authenticationMode,
      subnetIds: [],
    },
    kube: new KubeClient('/nonexistent/kubeconfig'),
  }
}

/** The AWS side of the graph (with the aws-auth entry, which lives in Kubernetes). */
const awsResources = (ctx: Context, options: GraphOptions = {}) => desiredResources(ctx, { ...options, scope: 'aws' })

const byId = (resources: Resource[], id: string) => resources.find((r) => r.id === id)!

describe('policies compare by meaning', () => {
  const document = buildControllerPolicies(
    {
      partition: 'aws',
      accountId: '123456789012',
      region: 'eu-west-1',
      clusterName: 'opsfleet-dev-cluster',
      nodeRoleName: 'karpenter-role',
      queueName: 'q',
      karpenterVersion: '1.14.1',
    },
    'karpenter-policy',
  )[0].document
  const policy = new IamPolicy(session, {
    id: resourceId('iam-policy', 'p'),
    name: 'karpenter-policy',
    path: '/',
    arn: 'arn:aws:iam::123456789012:policy/karpenter-policy',
    description: '',
    document,
    tags,
  })
  const actual = (doc: string, t = tags) => ({ arn: policy.spec.arn, defaultVersionId: 'v3', document: doc, tags: t })

  it('an unchanged policy is no change, whether IAM returns it URL-encoded or reordered', () => {
    expect(policy.diff(actual(JSON.stringify(document))).action).toBe('noop')
    expect(policy.diff(actual(encodeURIComponent(JSON.stringify(document)))).action).toBe('noop')
    const statements = [...(document.Statement as object[])].reverse()
    expect(policy.diff(actual(JSON.stringify({ ...document, Statement: statements }))).action).toBe('noop')
  })

  it('a changed statement is an update naming the document and the statement', () => {
    const statements = (document.Statement as { Sid: string; Action: string | string[] }[]).map((s) =>
      s.Sid === 'AllowAPIServerEndpointDiscovery' ? { ...s, Action: ['eks:DescribeCluster', 'eks:ListClusters'] } : s,
    )
    const d = policy.diff(actual(JSON.stringify({ ...document, Statement: statements })))
    expect(d.action).toBe('update')
    expect(d.fields.map((f) => f.path)).toEqual(['document'])
    expect(d.fields[0].detail?.join('\n')).toContain(
      '~ statement AllowAPIServerEndpointDiscovery: Action -eks:listclusters',
    )
  })

  it('a policy made by someone else is adopted: the update adds the tags and says so', () => {
    const d = policy.diff(actual(JSON.stringify(document), { team: 'infra' }))
    expect(d.action).toBe('update')
    expect(d.fields).toEqual([{ path: 'tags', before: undefined, after: tags }])
    expect(d.note).toBe('adopting the existing policy')
  })
})

describe('roles', () => {
  const role = new IamRole(session, {
    id: resourceId('iam-role', 'r'),
    name: 'karpenter-role',
    path: '/',
    description: '',
    trustPolicy: nodeRoleTrustPolicy('aws'),
    managedPolicyArns: ['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B'],
    ownedPolicyArns: ['arn:aws:iam::123456789012:policy/mine-2'],
    tags,
  })
  const base = {
    arn: 'arn:aws:iam::123456789012:role/karpenter-role',
    path: '/',
    trustPolicy: encodeURIComponent(JSON.stringify(nodeRoleTrustPolicy('aws'))),
    attached: ['arn:aws:iam::aws:policy/A', 'arn:aws:iam::aws:policy/B'],
    tags,
  }

  it('shows a hand-changed trust policy and a detached policy, and leaves foreign attachments alone', () => {
    expect(role.diff(base).action).toBe('noop')
    const changed = role.diff({
      ...base,
      trustPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      attached: [
        'arn:aws:iam::aws:policy/A',
        'arn:aws:iam::123456789012:policy/theirs',
        'arn:aws:iam::123456789012:policy/mine-2',
      ],
    })
    expect(changed.action).toBe('update')
    expect(changed.fields.map((f) => f.path)).toEqual(['assumeRolePolicy', 'managedPolicies'])
    expect(changed.fields[1].after).toEqual([
      'arn:aws:iam::123456789012:policy/theirs',
      'arn:aws:iam::aws:policy/A',
      'arn:aws:iam::aws:policy/B',
    ])
  })
})

describe('instance profile', () => {
  const profile = new InstanceProfile(session, {
    id: resourceId('iam-instance-profile', 'ip'),
    name: 'profile',
    path: '/',
    roleName: 'karpenter-role',
    tags,
    dependsOn: [],
  })
  it('wants exactly the node role', () => {
    expect(profile.diff({ arn: 'a', roles: ['karpenter-role'], tags }).action).toBe('noop')
    const d = profile.diff({ arn: 'a', roles: ['other'], tags })
    expect(d.fields).toEqual([{ path: 'role', before: 'other', after: 'karpenter-role' }])
    expect(profile.diff({ arn: 'a', roles: [], tags }).fields[0]).toMatchObject({ before: undefined })
    expect(profile.diff(undefined).action).toBe('create')
  })
})

describe('queue', () => {
  const arn = 'arn:aws:sqs:eu-west-1:123456789012:q'
  const queue = new SqsQueue(session, {
    id: resourceId('sqs-queue', 'q'),
    name: 'q',
    attributes: { MessageRetentionPeriod: '300', SqsManagedSseEnabled: 'true' },
    policy: interruptionQueuePolicy({ queueArn: arn }),
    tags,
    wanted: true,
  })
  it('compares the policy by meaning (SQS returns it re-serialized) and names changed attributes', () => {
    const policyAsSqsReturnsIt = JSON.stringify(interruptionQueuePolicy({ queueArn: arn }), null, 1)
    const attributes = { MessageRetentionPeriod: '300', SqsManagedSseEnabled: 'true', Policy: policyAsSqsReturnsIt }
    expect(queue.diff({ url: 'u', attributes, tags }).action).toBe('noop')
    const d = queue.diff({ url: 'u', attributes: { ...attributes, MessageRetentionPeriod: '345600' }, tags })
    expect(d.fields).toEqual([{ path: 'MessageRetentionPeriod', before: '345600', after: '300' }])
    const noPolicy = queue.diff({
      url: 'u',
      attributes: { MessageRetentionPeriod: '300', SqsManagedSseEnabled: 'true' },
      tags,
    })
    expect(noPolicy.fields.map((f) => f.path)).toEqual(['Policy'])
  })
})

describe('event rules', () => {
  it('compare patterns regardless of key and value order', () => {
    expect(canonicalEventPattern('{"detail-type":["b","a"],"source":["aws.ec2"]}')).toBe(
      canonicalEventPattern({ source: ['aws.ec2'], 'detail-type': ['a', 'b'] }),
    )
  })
  it('show a missing target and a disabled rule', () => {
    const rule = new EventRule(
      session,
      {
        id: resourceId('event-rule', 'e'),
        name: 'r',
        description: 'd',
        eventPattern: { source: ['aws.ec2'] },
        targetArn: 'arn:q',
        targetId: 'T',
        tags,
        wanted: true,
        dependsOn: [],
      },
      new EventRuleReader(session, 'r', 'arn:q'),
    )
    const actual = {
      arn: 'a',
      eventPattern: '{"source":["aws.ec2"]}',
      state: 'ENABLED',
      description: 'd',
      targetsQueue: true,
      tags,
    }
    expect(rule.diff(actual).action).toBe('noop')
    expect(rule.diff({ ...actual, state: 'DISABLED', targetsQueue: false }).fields.map((f) => f.path)).toEqual([
      'state',
      'target',
    ])
  })
})

describe('aws-auth mapRoles', () => {
  const text = `# managed by the platform team
- rolearn: arn:aws:iam::123456789012:role/eks-node
  username: system:node:{{EC2PrivateDNSName}}
  groups: [system:bootstrappers, system:nodes]
- rolearn: arn:aws:iam::123456789012:role/admins # people
  username: admin
  groups:
    - system:masters
`
  const ours = {
    rolearn: 'arn:aws:iam::123456789012:role/karpenter-role',
    username: 'system:node:{{EC2PrivateDNSName}}',
    groups: ['system:bootstrappers', 'system:nodes'],
  }

  it('adds an entry and leaves the others as they were written, comments included', () => {
    const merged = mergeMapRoles(text, [ours.rolearn], ours)
    expect(merged.startsWith(text.trimEnd().split('\n').slice(0, 4).join('\n'))).toBe(true)
    expect(merged).toContain('# people')
    expect(parseMapRoles(merged)).toEqual([...parseMapRoles(text), ours])
  })

  it('replaces our entry in place (also one written with the role path) and removes it', () => {
    const withOld = `${text}- rolearn: arn:aws:iam::123456789012:role/nodes/karpenter-role\n  username: wrong\n  groups: []\n`
    const merged = mergeMapRoles(withOld, [ours.rolearn, 'arn:aws:iam::123456789012:role/nodes/karpenter-role'], ours)
    expect(parseMapRoles(merged)).toEqual([...parseMapRoles(text), ours])
    const removed = mergeMapRoles(merged, [ours.rolearn], undefined)
    expect(parseMapRoles(removed)).toEqual(parseMapRoles(text))
    expect(mergeMapRoles(undefined, [ours.rolearn], ours)).toContain(
      'rolearn: arn:aws:iam::123456789012:role/karpenter-role',
    )
  })

  it('writes block style, so that an entry appended by hand keeps mapRoles valid YAML with both entries', () => {
    const written = mergeMapRoles(undefined, [ours.rolearn], ours)
    expect(written).toBe(
      [
        '- rolearn: arn:aws:iam::123456789012:role/karpenter-role',
        '  username: system:node:{{EC2PrivateDNSName}}',
        '  groups:',
        '    - system:bootstrappers',
        '    - system:nodes',
        '',
      ].join('\n'),
    )
    // What a person (or eksctl) appends: a block-style entry after the last line.
    const admin = { rolearn: 'arn:aws:iam::123456789012:role/admins', username: 'admin', groups: ['system:masters'] }
    const appended = `${written}- rolearn: ${admin.rolearn}\n  username: admin\n  groups:\n    - system:masters\n`
    expect(parseMapRoles(appended)).toEqual([ours, admin])
    // And ours rewritten over it keeps the other entry.
    expect(parseMapRoles(mergeMapRoles(appended, [ours.rolearn], ours))).toEqual([ours, admin])
  })

  it('turns a flow-style list into block style, keeping every entry of others', () => {
    const flow =
      '[{rolearn: "arn:aws:iam::123456789012:role/eks-node", username: "system:node:{{EC2PrivateDNSName}}", groups: [system:bootstrappers, system:nodes]}]'
    const merged = mergeMapRoles(flow, [ours.rolearn], ours)
    expect(merged.startsWith('- ')).toBe(true)
    expect(merged).not.toMatch(/^\[/)
    expect(parseMapRoles(merged)).toEqual([...parseMapRoles(flow), ours])
    const appended = `${merged}- rolearn: arn:aws:iam::123456789012:role/x\n  username: x\n  groups:\n    - g\n`
    expect(parseMapRoles(appended).map((m) => m.rolearn)).toEqual([
      'arn:aws:iam::123456789012:role/eks-node',
      ours.rolearn,
      'arn:aws:iam::123456789012:role/x',
    ])
  })

  it('refuses to rewrite mapRoles it cannot read', () => {
    expect(() => mergeMapRoles('rolearn: [unclosed', [ours.rolearn], ours)).toThrow(/not valid YAML.*fix it by hand/)
    expect(() => mergeMapRoles('a: b', [ours.rolearn], ours)).toThrow(/not a YAML list/)
  })

  it('diffs the entry field by field', () => {
    const m = new AwsAuthMapping(new KubeClient('/nonexistent'), {
      id: resourceId('aws-auth', 'a'),
      roleName: 'karpenter-role',
      roleArn: ours.rolearn,
      dependsOn: [],
    })
    expect(m.diff(ours).action).toBe('noop')
    expect(m.diff({ ...ours, groups: ['system:nodes', 'system:bootstrappers'] }).action).toBe('noop')
    expect(m.diff({ ...ours, groups: ['system:nodes'] }).fields.map((f) => f.path)).toEqual(['groups'])
    expect(m.diff(undefined).action).toBe('create')
  })
})

describe('awsResources', () => {
  it('node access: an access entry when the cluster allows it (or when asked), else aws-auth', () => {
    expect(nodeAccessMethod('auto', 'API')).toBe('access-entry')
    expect(nodeAccessMethod('auto', 'API_AND_CONFIG_MAP')).toBe('access-entry')
    expect(nodeAccessMethod('auto', 'CONFIG_MAP')).toBe('aws-auth')
    expect(nodeAccessMethod('auto', undefined)).toBe('aws-auth')
    expect(nodeAccessMethod('aws-auth', 'API')).toBe('aws-auth')
    expect(nodeAccessMethod('access-entry', undefined)).toBe('access-entry')
  })

  it('assembles the example (irsa, aws-auth) in a dependency order that holds', () => {
    const resources = awsResources(context())
    const order = dependencyOrder(resources).map((r) => r.id)
    const before = (a: ResourceId, b: ResourceId) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b))
    before(ids.nodeRole, ids.instanceProfile)
    before(ids.controllerPolicy(0), ids.controllerRole)
    before(ids.controllerPolicy(1), ids.controllerRole)
    before(ids.oidcProvider, ids.controllerRole)
    before(ids.queue, ids.rule('spot-interruption'))
    before(ids.nodeRole, ids.awsAuth)
    expect(order).not.toContain(ids.accessEntry)
    expect(order).not.toContain(ids.podIdentity)
    // Two policies are wanted today (the permissions pass 6,144 characters); the rest are leftovers to clean.
    const policies = resources.filter((r) => r.kind === 'iam policy')
    expect(policies.filter((p) => p.wanted).map((p) => p.name)).toEqual(['karpenter-policy', 'karpenter-policy-2'])
    expect(policies.filter((p) => !p.wanted).map((p) => p.name)[0]).toBe('karpenter-policy-3')
    const rules = resources.filter((r) => r.kind === 'eventbridge rule').map((r) => r.name)
    expect(rules).toContain('karpenter-opsfleet-dev-cluster-karpenter-spot-interruption')
    const controller = byId(resources, ids.controllerRole) as IamRole
    expect(JSON.stringify(controller.spec.trustPolicy)).toContain(
      'oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:karpenter:karpenter',
    )
    expect(controller.spec.managedPolicyArns).toEqual([
      'arn:aws:iam::123456789012:policy/karpenter-policy',
      'arn:aws:iam::123456789012:policy/karpenter-policy-2',
    ])
  })

  it('splits the controller permissions further under a lower limit', () => {
    const resources = awsResources(context(), { policySizeLimit: 2500 })
    const wanted = resources.filter((r) => r.kind === 'iam policy' && r.wanted)
    expect(wanted.length).toBeGreaterThan(2)
  })

  it('pod identity: the pods service trust and an association; access entries when the cluster uses the API', () => {
    const text = example.replace('auth: irsa', 'auth: pod-identity')
    const resources = awsResources(context({ text, authenticationMode: 'API_AND_CONFIG_MAP', oidcIssuer: null }))
    const present = resources.map((r) => r.id)
    expect(present).toContain(ids.podIdentity)
    expect(present).toContain(ids.accessEntry)
    expect(present).not.toContain(ids.oidcProvider)
    expect(present).not.toContain(ids.awsAuth)
    const controller = byId(resources, ids.controllerRole) as IamRole
    expect(JSON.stringify(controller.spec.trustPolicy)).toContain('pods.eks.amazonaws.com')
    expect(byId(resources, ids.podIdentity).dependsOn).toEqual([ids.controllerRole])
  })

  it('with interruption off, the queue and rules are listed as unwanted (to clean up what the action made)', () => {
    const text = example.replace('enabled: true', 'enabled: false')
    const resources = awsResources(context({ text }))
    expect(byId(resources, ids.queue).wanted).toBe(false)
    expect(resources.filter((r) => r.kind === 'eventbridge rule').every((r) => !r.wanted)).toBe(true)
    const controller = byId(resources, ids.controllerRole) as IamRole
    expect(JSON.stringify(controller.spec)).not.toContain('sqs:')
  })

  it('irsa without an OIDC issuer is refused with the key and the fix', () => {
    expect(() => awsResources(context({ oidcIssuer: null }))).toThrow(/karpenter.auth: irsa.*Fix:/)
  })
})
