/**
 * Every AWS resource through the engine against the sandbox's moto_server (and, for the aws-auth entry,
 * its kube-apiserver): plan → apply → no changes, drift, policy versions, a split that grows and shrinks,
 * adoption of things made beforehand, a failure halfway, and destroy. Names are unique per run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  AddRoleToInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListPolicyVersionsCommand,
  ListRoleTagsCommand,
  SetDefaultPolicyVersionCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam'
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs'
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge'
import { execFileSync } from 'node:child_process'
import { clients } from '../../src/aws/clients.js'
import { buildControllerPolicies, oidcIssuerHostPath } from '../../src/aws/karpenter-policy.js'
import { desiredResources, ids, type GraphOptions } from '../../src/graph.js'
import { applyPlan, plan, type Step } from '../../src/plan/engine.js'
import type { ChangeResult, Mode, Plan } from '../../src/plan/types.js'
import { parseMapRoles } from '../../src/resources/aws-auth.js'
import { CREATED_TAG, LEFT_ADOPTED } from '../../src/resources/tags.js'
import { sandboxContext, type RecordedContext } from '../support/context.js'
import { uniqueSuffix } from '../support/sandbox.js'

const region = 'eu-west-1'
let iam: IAMClient
let sqs: SQSClient
let events: EventBridgeClient

function namesFor(tag: string) {
  const id = `${tag}-${uniqueSuffix()}`
  return {
    iam: {
      nodeRole: `it-node-${id}`,
      controllerRole: `it-ctl-${id}`,
      controllerPolicy: `it-pol-${id}`,
      instanceProfile: `it-prof-${id}`,
    },
    interruption: { enabled: true, queue: `it-q-${id}` },
  }
}

type Context = RecordedContext

/** The AWS side of the graph (with the aws-auth entry, which lives in Kubernetes). */
const awsResources = (ctx: Context, options: GraphOptions = {}) =>
  desiredResources(ctx, { ...options, mode: options.mode, scope: 'aws' })

async function run(ctx: Context, mode: Mode, options: GraphOptions = {}) {
  const resources = awsResources(ctx, options)
  const result = await plan({ mode, cluster: ctx.config.cluster.name, region, resources, outputs: {} })
  const results = mode === 'plan' ? [] : await applyPlan(result.steps, resources)
  return { plan: result.plan, steps: result.steps, results }
}

const failures = (results: ChangeResult[]) => results.filter((r) => r.status === 'failed')
const changing = (p: Plan) => p.changes.filter((c) => c.action !== 'noop')
const change = (p: Plan, id: string) => p.changes.find((c) => c.id === id)!

async function mapRoles(): Promise<string | undefined> {
  const out = execFileSync(
    'kubectl',
    [
      '--kubeconfig',
      process.env.KUBECONFIG!,
      '-n',
      'kube-system',
      'get',
      'configmap',
      'aws-auth',
      '--ignore-not-found',
      '-o',
      'jsonpath={.data.mapRoles}',
    ],
    { encoding: 'utf8', env: { ...process.env } },
  )
  return out || undefined
}

function kubectl(args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', process.env.KUBECONFIG!, ...args], {
    encoding: 'utf8',
    env: { ...process.env },
  })
}

/** Rewrites mapRoles the way a person would (a merge patch guarded by resourceVersion), creating the ConfigMap if needed. */
function editMapRoles(edit: (text: string | undefined) => string): void {
  const found = kubectl(['-n', 'kube-system', 'get', 'configmap', 'aws-auth', '--ignore-not-found', '-o', 'json'])
  if (!found.trim()) {
    kubectl(['-n', 'kube-system', 'create', 'configmap', 'aws-auth', `--from-literal=mapRoles=${edit(undefined)}`])
    return
  }
  const cm = JSON.parse(found) as { metadata: { resourceVersion: string }; data?: { mapRoles?: string } }
  const patch = {
    metadata: { resourceVersion: cm.metadata.resourceVersion },
    data: { mapRoles: edit(cm.data?.mapRoles) },
  }
  kubectl(['-n', 'kube-system', 'patch', 'configmap', 'aws-auth', '--type', 'merge', '-p', JSON.stringify(patch)])
}

async function exists(p: Promise<unknown>): Promise<boolean> {
  try {
    await p
    return true
  } catch (e) {
    if (/NoSuchEntity|NonExistent|QueueDoesNotExist|NotFound/.test((e as Error).name)) return false
    throw e
  }
}

beforeAll(async () => {
  await (await sandboxContext()).kube.close() // loads the sandbox environment
  iam = new IAMClient({ region })
  sqs = new SQSClient({ region })
  events = new EventBridgeClient({ region })
})

describe('the AWS resources, from nothing to nothing', () => {
  const names = namesFor('full')
  let ctx: Context

  beforeAll(async () => {
    ctx = await sandboxContext(names)
  })

  afterAll(async () => {
    await run(ctx, 'destroy')
    await ctx.kube.close()
  })

  const foreign = `- rolearn: arn:aws:iam::123456789012:role/it-foreign-${names.iam.nodeRole}
  username: someone # written by hand, kept as written
  groups: [system:masters]
`
  const withoutForeign = (text: string | undefined) => (text ?? '').replace(foreign, '') || '[]\n'

  afterAll(() => editMapRoles(withoutForeign))

  it('plans a create for each, applies them, and then plans no changes', async () => {
    // Someone else's entry in aws-auth, which must survive every write of ours.
    editMapRoles((text) => (parseMapRoles(text).length ? `${text!.trimEnd()}\n${foreign}` : foreign))
    const first = await run(ctx, 'apply')
    expect(failures(first.results)).toEqual([])
    const created = changing(first.plan)
    expect(created.every((c) => c.action === 'create' || c.id === ids.oidcProvider)).toBe(true)
    expect(created.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        ids.nodeRole,
        ids.instanceProfile,
        ids.controllerPolicy(0),
        ids.controllerPolicy(1),
        ids.controllerRole,
        ids.queue,
        ids.rule('spot-interruption'),
        ids.rule('scheduled-change'),
        ids.rule('rebalance'),
        ids.rule('instance-state-change'),
        ids.rule('capacity-reservation'),
        ids.awsAuth,
      ]),
    )
    const second = await run(ctx, 'plan')
    expect(changing(second.plan)).toEqual([])
    expect(second.plan.summary).toEqual({ add: 0, change: 0, destroy: 0 })
  })

  it('made what Karpenter needs, tagged as managed by the action', async () => {
    const { iam: n, interruption } = names
    const profile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: n.instanceProfile })))
      .InstanceProfile!
    expect(profile.Roles?.map((r) => r.RoleName)).toEqual([n.nodeRole])
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: n.controllerRole }))
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName).sort()).toEqual([
      n.controllerPolicy,
      `${n.controllerPolicy}-2`,
    ])
    const roleTags = await iam.send(new ListRoleTagsCommand({ RoleName: n.controllerRole }))
    expect(roleTags.Tags).toEqual(expect.arrayContaining([{ Key: 'managed-by', Value: 'karpenter-action' }]))
    const trust = decodeURIComponent(
      (await iam.send(new GetRoleCommand({ RoleName: n.controllerRole }))).Role!.AssumeRolePolicyDocument!,
    )
    const issuer = oidcIssuerHostPath(ctx.cluster.oidcIssuer!)
    expect(trust).toContain(`"${issuer}:sub":"system:serviceaccount:karpenter:karpenter"`)
    const provider = await iam.send(
      new GetOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: `arn:aws:iam::${ctx.accountId}:oidc-provider/${issuer}`,
      }),
    )
    expect(provider.ClientIDList).toContain('sts.amazonaws.com')

    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: interruption.queue }))).QueueUrl!
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
      .Attributes!
    expect(attrs.MessageRetentionPeriod).toBe('300')
    expect(attrs.SqsManagedSseEnabled).toBe('true')
    expect(attrs.Policy).toContain('events.amazonaws.com')
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toMatchObject({
      'managed-by': 'karpenter-action',
    })

    const rules = (await events.send(new ListRulesCommand({ NamePrefix: `karpenter-${interruption.queue}` }))).Rules!
    expect(rules).toHaveLength(5)
    for (const rule of rules) {
      const targets = await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name! }))
      expect(targets.Targets?.map((t) => t.Arn)).toEqual([attrs.QueueArn])
    }

    expect(await mapRoles()).toContain(foreign)
    const mapping = parseMapRoles(await mapRoles()).find((m) => m.rolearn.endsWith(`:role/${n.nodeRole}`))
    expect(mapping).toEqual({
      rolearn: `arn:aws:iam::${ctx.accountId}:role/${n.nodeRole}`,
      username: 'system:node:{{EC2PrivateDNSName}}',
      groups: ['system:bootstrappers', 'system:nodes'],
    })
  })

  it('a no-op apply makes no mutating AWS call', async () => {
    const from = ctx.calls.mark()
    const again = await run(ctx, 'apply')
    expect(again.results).toEqual([])
    const calls = ctx.calls.since(from).aws
    expect(calls.length).toBeGreaterThan(0)
    expect(calls.filter((c) => c.mutating)).toEqual([])
  })

  it('shows a hand-changed trust policy and a detached policy as an update naming the fields, and repairs them', async () => {
    const { iam: n } = names
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: n.controllerRole,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    )
    const policy2 = `arn:aws:iam::${ctx.accountId}:policy/${n.controllerPolicy}-2`
    await iam.send(new DetachRolePolicyCommand({ RoleName: n.controllerRole, PolicyArn: policy2 }))

    const drift = await run(ctx, 'apply')
    expect(changing(drift.plan).map((c) => `${c.action} ${c.id}`)).toEqual([`update ${ids.controllerRole}`])
    const fields = change(drift.plan, ids.controllerRole).fields
    expect(fields.map((f) => f.path)).toEqual(['assumeRolePolicy', 'managedPolicies'])
    expect(fields[0].detail?.join('\n')).toContain('+ statement (Allow sts:AssumeRoleWithWebIdentity for Federated:')
    expect(fields[1].after).toContain(policy2)
    expect(failures(drift.results)).toEqual([])
    expect(changing((await run(ctx, 'plan')).plan)).toEqual([])
  })

  it('updates a changed policy with a new default version, deleting the oldest non-default one past five', async () => {
    const arn = `arn:aws:iam::${ctx.accountId}:policy/${names.iam.controllerPolicy}-2`
    const doc = (sid: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: sid, Effect: 'Allow', Action: 'ec2:DescribeRegions', Resource: '*' }],
      })
    // v1 (ours, default) plus four more by hand; then someone makes v3 the default.
    for (const sid of ['Two', 'Three', 'Four', 'Five']) {
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc(sid), SetAsDefault: false }))
    }
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' }))

    const updated = await run(ctx, 'apply')
    expect(changing(updated.plan).map((c) => c.id)).toEqual([ids.controllerPolicy(1)])
    const fields = change(updated.plan, ids.controllerPolicy(1)).fields
    expect(fields.map((f) => f.path)).toEqual(['document'])
    expect(fields[0].detail).toEqual(expect.arrayContaining(['- statement Three']))
    expect(failures(updated.results)).toEqual([])

    const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!
    expect(versions).toHaveLength(5)
    expect(versions.map((v) => v.VersionId).sort()).toEqual(['v2', 'v3', 'v4', 'v5', 'v6'])
    expect(versions.find((v) => v.IsDefaultVersion)?.VersionId).toBe('v6')
    expect(changing((await run(ctx, 'plan')).plan)).toEqual([])
  })

  it('splits the controller permissions further when the limit is lower, and deletes what the set no longer needs', async () => {
    const limit = { policySizeLimit: 2500 }
    const grown = await run(ctx, 'apply', limit)
    expect(failures(grown.results)).toEqual([])
    const added = changing(grown.plan).filter((c) => c.kind === 'iam policy' && c.action === 'create')
    expect(added.length).toBeGreaterThan(0)
    const count = awsResources(ctx, limit).filter((r) => r.kind === 'iam policy' && r.wanted).length
    const attached = async () =>
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: names.iam.controllerRole })))
        .AttachedPolicies!.map((p) => p.PolicyName)
        .sort()
    expect(await attached()).toHaveLength(count)
    expect(changing((await run(ctx, 'plan', limit)).plan)).toEqual([])

    const shrunk = await run(ctx, 'apply')
    expect(failures(shrunk.results)).toEqual([])
    const deleted = changing(shrunk.plan)
      .filter((c) => c.action === 'delete')
      .map((c) => c.name)
    expect(deleted.sort()).toEqual(
      Array.from({ length: count - 2 }, (_, i) => `${names.iam.controllerPolicy}-${i + 3}`).sort(),
    )
    expect(change(shrunk.plan, ids.controllerRole).fields.map((f) => f.path)).toEqual(['managedPolicies'])
    expect(await attached()).toEqual([names.iam.controllerPolicy, `${names.iam.controllerPolicy}-2`])
    for (const name of deleted) {
      const gone = await exists(
        iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ctx.accountId}:policy/${name}` })),
      )
      expect(gone).toBe(false)
    }
    expect(changing((await run(ctx, 'plan')).plan)).toEqual([])
  })

  it('destroys everything in reverse dependency order, keeping the shared OIDC provider', async () => {
    const destroyed = await run(ctx, 'destroy')
    expect(failures(destroyed.results)).toEqual([])
    const order = destroyed.plan.changes.filter((c) => c.action === 'delete').map((c) => c.id)
    const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b))
    before(ids.rule('spot-interruption'), ids.queue)
    before(ids.controllerRole, ids.controllerPolicy(0))
    before(ids.instanceProfile, ids.nodeRole)
    before(ids.awsAuth, ids.nodeRole)
    expect(order).not.toContain(ids.oidcProvider)
    // The engine ran the deletions in that order too.
    const ran = destroyed.results.map((r) => r.id)
    expect(ran.indexOf(ids.controllerRole)).toBeLessThan(ran.indexOf(ids.controllerPolicy(0)))

    const { iam: n, interruption } = names
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: n.nodeRole })))).toBe(false)
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: n.controllerRole })))).toBe(false)
    expect(await exists(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: n.instanceProfile })))).toBe(
      false,
    )
    expect(await exists(sqs.send(new GetQueueUrlCommand({ QueueName: interruption.queue })))).toBe(false)
    expect((await events.send(new ListRulesCommand({ NamePrefix: `karpenter-${interruption.queue}` }))).Rules).toEqual(
      [],
    )
    expect(parseMapRoles(await mapRoles()).some((m) => m.rolearn.endsWith(`/${n.nodeRole}`))).toBe(false)
    expect(await mapRoles()).toContain(foreign)
    const issuer = oidcIssuerHostPath(ctx.cluster.oidcIssuer!)
    expect(
      await exists(
        iam.send(
          new GetOpenIDConnectProviderCommand({
            OpenIDConnectProviderArn: `arn:aws:iam::${ctx.accountId}:oidc-provider/${issuer}`,
          }),
        ),
      ),
    ).toBe(true)
    expect(changing((await run(ctx, 'destroy')).plan)).toEqual([])
  })
})

describe('adoption of what exists under the configured names', () => {
  const names = namesFor('adopt')
  let ctx: Context

  beforeAll(async () => {
    ctx = await sandboxContext(names)
  })

  afterAll(async () => {
    await run(ctx, 'destroy')
    await ctx.kube.close()
  })

  it('adopts roles, profile and policy made beforehand: tags them, never recreates them', async () => {
    const { iam: n } = names
    // What the seed's Terraform would have made: no tags, another description, one policy attached.
    const node = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: n.nodeRole,
          Description: 'made by terraform',
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
          }),
        }),
      )
    ).Role!
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: n.nodeRole,
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      }),
    )
    const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: n.instanceProfile })))
      .InstanceProfile!
    await iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: n.instanceProfile, RoleName: n.nodeRole }),
    )
    const [first] = buildControllerPolicies(
      {
        partition: 'aws',
        accountId: ctx.accountId,
        region,
        clusterName: ctx.config.cluster.name,
        nodeRoleName: n.nodeRole,
        queueName: names.interruption.queue,
        karpenterVersion: ctx.config.karpenter.version,
      },
      n.controllerPolicy,
    )
    // Same permissions, written in another order: not a change.
    const reordered = { ...first.document, Statement: [...(first.document.Statement as object[])].reverse() }
    const policy = (
      await iam.send(
        new CreatePolicyCommand({ PolicyName: n.controllerPolicy, PolicyDocument: JSON.stringify(reordered) }),
      )
    ).Policy!

    const adopted = await run(ctx, 'apply')
    expect(failures(adopted.results)).toEqual([])
    const nodeChange = change(adopted.plan, ids.nodeRole)
    expect(nodeChange).toMatchObject({ action: 'update', note: 'adopting the existing role' })
    expect(nodeChange.fields.map((f) => f.path)).toEqual(['managedPolicies', 'tags'])
    expect(change(adopted.plan, ids.instanceProfile)).toMatchObject({
      action: 'update',
      note: 'adopting the existing instance profile',
      fields: [expect.objectContaining({ path: 'tags' })],
    })
    expect(change(adopted.plan, ids.controllerPolicy(0))).toMatchObject({
      action: 'update',
      note: 'adopting the existing policy',
      fields: [expect.objectContaining({ path: 'tags' })],
    })

    const nodeAfter = (await iam.send(new GetRoleCommand({ RoleName: n.nodeRole }))).Role!
    expect(nodeAfter.RoleId).toBe(node.RoleId)
    expect(nodeAfter.CreateDate).toEqual(node.CreateDate)
    const profileAfter = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: n.instanceProfile })))
      .InstanceProfile!
    expect(profileAfter.InstanceProfileId).toBe(profile.InstanceProfileId)
    const policyAfter = (await iam.send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!
    expect(policyAfter.PolicyId).toBe(policy.PolicyId)
    expect(policyAfter.DefaultVersionId).toBe('v1') // same permissions: no new version
    expect(policyAfter.Tags).toEqual(expect.arrayContaining([{ Key: 'managed-by', Value: 'karpenter-action' }]))
    expect(changing((await run(ctx, 'plan')).plan)).toEqual([])
  })
})

describe('destroy touches only what the action created', () => {
  const names = namesFor('own')
  const foreignPolicy = `it-foreign-pol-${uniqueSuffix()}`
  const foreignProfile = `it-foreign-prof-${uniqueSuffix()}`
  let ctx: Context

  beforeAll(async () => {
    ctx = await sandboxContext(names)
  })

  afterAll(async () => {
    await run(ctx, 'destroy')
    await ctx.kube.close()
  })

  const attached = async (RoleName: string) =>
    ((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }))).AttachedPolicies ?? [])
      .map((p) => p.PolicyArn!)
      .sort()
  const profilesOf = async (RoleName: string) =>
    ((await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName }))).InstanceProfiles ?? [])
      .map((p) => p.InstanceProfileName!)
      .sort()

  it('a role that existed, with a policy and an instance profile of its own, survives destroy untouched', async () => {
    const { iam: n } = names
    // Someone else's node role: their policy attached, in their instance profile.
    await iam.send(
      new CreateRoleCommand({
        RoleName: n.nodeRole,
        Description: 'made by someone else',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    )
    const policy = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: foreignPolicy,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
          }),
        }),
      )
    ).Policy!
    await iam.send(new AttachRolePolicyCommand({ RoleName: n.nodeRole, PolicyArn: policy.Arn }))
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: foreignProfile }))
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: foreignProfile, RoleName: n.nodeRole }))

    const applied = await run(ctx, 'apply')
    expect(failures(applied.results)).toEqual([])
    // The trust policy keeps their statement and gains the one Karpenter's nodes need.
    const trust = JSON.parse(
      decodeURIComponent(
        (await iam.send(new GetRoleCommand({ RoleName: n.nodeRole }))).Role!.AssumeRolePolicyDocument!,
      ),
    ) as { Statement: { Principal: { Service: string | string[] } }[] }
    expect(trust.Statement.map((st) => st.Principal.Service).flat()).toEqual(
      expect.arrayContaining(['ssm.amazonaws.com', 'ec2.amazonaws.com']),
    )
    const roleTags = (await iam.send(new ListRoleTagsCommand({ RoleName: n.nodeRole }))).Tags ?? []
    expect(roleTags.map((t) => t.Key)).not.toContain(CREATED_TAG)
    // What the action created is marked as its own.
    const controllerTags = (await iam.send(new ListRoleTagsCommand({ RoleName: n.controllerRole }))).Tags ?? []
    expect(controllerTags).toContainEqual({ Key: CREATED_TAG, Value: 'true' })

    const before = {
      role: (await iam.send(new GetRoleCommand({ RoleName: n.nodeRole }))).Role!,
      attached: await attached(n.nodeRole),
      profiles: await profilesOf(n.nodeRole),
    }
    expect(before.attached).toContain(policy.Arn)
    expect(before.profiles).toEqual([n.instanceProfile, foreignProfile].sort())

    const destroyed = await run(ctx, 'destroy')
    expect(failures(destroyed.results)).toEqual([])
    expect(change(destroyed.plan, ids.nodeRole)).toMatchObject({ action: 'noop', note: LEFT_ADOPTED })
    expect(change(destroyed.plan, ids.instanceProfile)).toMatchObject({ action: 'delete' })
    expect(change(destroyed.plan, ids.controllerRole)).toMatchObject({ action: 'delete' })
    expect(destroyed.results.map((r) => r.id)).not.toContain(ids.nodeRole)

    // Their role, its trust policy, their policy and their instance profile: all as they were.
    const after = (await iam.send(new GetRoleCommand({ RoleName: n.nodeRole }))).Role!
    expect(after.RoleId).toBe(before.role.RoleId)
    expect(after.AssumeRolePolicyDocument).toBe(before.role.AssumeRolePolicyDocument)
    expect(await attached(n.nodeRole)).toEqual(before.attached)
    expect(await profilesOf(n.nodeRole)).toEqual([foreignProfile]) // only the action's own profile went
    expect(await exists(iam.send(new GetPolicyCommand({ PolicyArn: policy.Arn })))).toBe(true)
    const theirProfile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: foreignProfile })))
      .InstanceProfile!
    expect(theirProfile.Roles?.map((r) => r.RoleName)).toEqual([n.nodeRole])
    // What the action created is gone.
    expect(await exists(iam.send(new GetRoleCommand({ RoleName: n.controllerRole })))).toBe(false)
    expect(await exists(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: n.instanceProfile })))).toBe(
      false,
    )
  })

  it('with destroyAdopted: true, destroy removes the adopted role too (their attachments taken off it)', async () => {
    const forced = await sandboxContext({ ...names, destroyAdopted: true })
    try {
      const destroyed = await run(forced, 'destroy')
      expect(failures(destroyed.results)).toEqual([])
      expect(change(destroyed.plan, ids.nodeRole)).toMatchObject({ action: 'delete' })
      expect(await exists(iam.send(new GetRoleCommand({ RoleName: names.iam.nodeRole })))).toBe(false)
      // Their policy and profile stay; only the role left them.
      const theirProfile = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: foreignProfile })))
        .InstanceProfile!
      expect(theirProfile.Roles ?? []).toEqual([])
    } finally {
      await forced.kube.close()
    }
  })
})

describe('a failure halfway', () => {
  const names = namesFor('fail')
  let ctx: Context

  beforeAll(async () => {
    ctx = await sandboxContext(names)
  })

  afterAll(async () => {
    await run(ctx, 'destroy')
    await ctx.kube.close()
  })

  it('stops at the failing level, and a rerun completes the work', async () => {
    const client = await clients.sqs(ctx.aws)
    const name = 'itFailCreateQueue'
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CreateQueueCommand') throw new Error('injected: SQS is having a bad day')
        return next(args)
      },
      { step: 'initialize', name },
    )
    let broken
    try {
      broken = await run(ctx, 'apply')
    } finally {
      client.middlewareStack.remove(name)
    }
    expect(failures(broken.results)).toEqual([
      expect.objectContaining({ id: ids.queue, error: expect.stringContaining('injected') }),
    ])
    const skipped = broken.results.filter((r) => r.status === 'skipped').map((r) => r.id)
    expect(skipped).toContain(ids.rule('spot-interruption'))
    expect(await exists(sqs.send(new GetQueueUrlCommand({ QueueName: names.interruption.queue })))).toBe(false)

    const rerun = await run(ctx, 'apply')
    expect(failures(rerun.results)).toEqual([])
    // What the first run finished is not redone.
    expect(change(rerun.plan, ids.nodeRole).action).toBe('noop')
    expect(change(rerun.plan, ids.queue).action).toBe('create')
    expect(changing((await run(ctx, 'plan')).plan)).toEqual([])
  })
})

describe('a plan applied from its JSON by resources built again', () => {
  const inProcess = namesFor('here')
  const elsewhere = namesFor('json')
  const contexts: Context[] = []

  afterAll(async () => {
    // Every context is closed, whatever its destroy did.
    for (const ctx of contexts) {
      try {
        await run(ctx, 'destroy')
      } finally {
        await ctx.kube.close()
      }
    }
  })

  /** The AWS writes of applying a plan, each named by its service and command (names differ, the shape may not). */
  async function applied(ctx: Context, steps: Step[], resources = awsResources(ctx)) {
    const from = ctx.calls.mark()
    const results = await applyPlan(steps, resources)
    const calls = ctx.calls.since(from)
    return {
      results: results.map((r) => [r.id, r.action, r.status]),
      // Independent changes run at once: their calls interleave in any order.
      aws: calls.aws
        .filter((c) => c.mutating)
        .map((c) => `${c.service}:${c.command}`)
        .sort(),
      kube: calls.kube
        .filter((c) => c.mutating)
        .map((c) => `${c.method} ${c.path}`)
        .sort(),
    }
  }

  it('does what the plan applied in-process does: the same changes, the same AWS writes, then nothing to do', async () => {
    const here = await sandboxContext(inProcess)
    const there = await sandboxContext(elsewhere)
    contexts.push(here, there)
    // The account's one OIDC provider for the cluster is shared (and kept): made first, it is no part of either plan.
    const shared = awsResources(here).filter((r) => r.id === ids.oidcProvider)
    await applyPlan((await plan({ mode: 'apply', cluster: 'c', region, resources: shared, outputs: {} })).steps, shared)
    const hereResources = awsResources(here)
    const herePlan = await plan({
      mode: 'apply',
      cluster: here.config.cluster.name,
      region,
      resources: hereResources,
      outputs: {},
    })
    const expected = await applied(here, herePlan.steps, hereResources)

    // Planned in one place, written down as JSON, applied by a fresh set of resources from the same configuration
    // (a context of its own, as another process would have).
    const thereSteps = (await run(there, 'plan')).steps
    const written = JSON.stringify(thereSteps)
    const later = await sandboxContext(elsewhere)
    contexts.push(later)
    const actual = await applied(later, JSON.parse(written) as Step[])

    expect(actual).toEqual(expected)
    expect(expected.results.length).toBeGreaterThan(10)
    expect(expected.results.every(([, , status]) => status === 'done')).toBe(true)
    expect(expected.aws).toEqual(expect.arrayContaining(['iam:CreateRole', 'sqs:CreateQueue', 'events:PutTargets']))
    expect(expected.kube).toEqual(['PATCH /api/v1/namespaces/kube-system/configmaps/aws-auth'])
    expect(changing((await run(here, 'plan')).plan)).toEqual([])
    expect(changing((await run(later, 'plan')).plan)).toEqual([])
  })
})
