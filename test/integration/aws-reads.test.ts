/**
 * The plan's IAM, SQS and EventBridge reads of our own (src/aws/iam-query.ts, src/aws/json-query.ts) against the
 * sandbox's moto_server, beside the SDK's clients on the same calls: the same roles, policies, documents (still
 * URL-encoded), instance profiles, OIDC providers, queues, rules and tags, the same pages, the same error names.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListRoleTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam'
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge'
import { iamPage, isNotFound, paginate } from '../../src/aws/calls.js'
import { environmentSession } from '../../src/aws/credentials.js'
import { IamError, iamReads } from '../../src/aws/iam-query.js'
import { eventReads, JsonServiceError, sqsReads, type EventRuleListed } from '../../src/aws/json-query.js'
import { CallLog } from '../../src/calls.js'
import { useSandbox, uniqueSuffix } from '../support/sandbox.js'

const REGION = 'eu-west-1'
const suffix = uniqueSuffix()
const calls = new CallLog()
let session: ReturnType<typeof environmentSession>
let iam: IAMClient
let sqs: SQSClient
let events: EventBridgeClient
const role = `reads-role-${suffix}`
const profile = `reads-profile-${suffix}`
const path = `/reads${suffix}/`
const policies: string[] = []
let providerArn: string
let queueUrl: string
const queue = `reads-queue-${suffix}`
const rules = [`reads-${suffix}-a`, `reads-${suffix}-b`]
const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
}
const tags = [
  { Key: 'karpenter-action/cluster', Value: 'reads' },
  { Key: 'with spaces/:=+-@', Value: 'a b/c=d' },
]

beforeAll(async () => {
  useSandbox()
  session = environmentSession(REGION, { recorder: calls })
  iam = new IAMClient({ region: REGION })
  sqs = new SQSClient({ region: REGION })
  events = new EventBridgeClient({ region: REGION })
  await iam.send(
    new CreateRoleCommand({
      RoleName: role,
      Path: path,
      AssumeRolePolicyDocument: JSON.stringify(trust),
      Description: 'reads beside the SDK',
      Tags: tags,
    }),
  )
  // More policies than one page of ListAttachedRolePolicies / ListPolicies when asked with MaxItems... moto pages
  // by 100, so five are listed on one page here; pages are followed by paginate() in both.
  for (let i = 0; i < 5; i++) {
    const out = await iam.send(
      new CreatePolicyCommand({
        PolicyName: `reads-policy-${suffix}-${i}`,
        Path: path,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeSubnets', Resource: '*', Sid: `S${i}` }],
        }),
        Tags: i === 0 ? tags : undefined,
      }),
    )
    policies.push(out.Policy!.Arn!)
    await iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: out.Policy!.Arn! }))
  }
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile, Path: path, Tags: tags }))
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role }))
  providerArn = (
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://oidc.eks.eu-west-1.amazonaws.com/id/READS${suffix.toUpperCase()}`,
        ClientIDList: ['sts.amazonaws.com', 'other'],
        ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
        Tags: tags,
      }),
    )
  ).OpenIDConnectProviderArn!
  queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: queue,
        Attributes: { MessageRetentionPeriod: '300', SqsManagedSseEnabled: 'true' },
        tags: { 'karpenter-action/cluster': 'reads', 'a b': 'c&d <e>' },
      }),
    )
  ).QueueUrl!
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!
  for (const [i, Name] of rules.entries()) {
    await events.send(
      new PutRuleCommand({
        Name,
        EventPattern: JSON.stringify({ source: ['aws.ec2'], 'detail-type': [`T${i}`] }),
        Description: `rule ${i}`,
        Tags: i === 0 ? tags : undefined,
      }),
    )
    await events.send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'q', Arn: queueArn }] }))
  }
})

afterAll(async () => {
  for (const Name of rules) {
    await events.send(new RemoveTargetsCommand({ Rule: Name, Ids: ['q'] })).catch(() => undefined)
    await events.send(new DeleteRuleCommand({ Name })).catch(() => undefined)
  }
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined)
  await iam
    .send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }))
    .catch(() => undefined)
  await iam
    .send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role }))
    .catch(() => undefined)
  await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: profile })).catch(() => undefined)
  for (const PolicyArn of policies) {
    await iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn })).catch(() => undefined)
    await iam.send(new DeletePolicyCommand({ PolicyArn })).catch(() => undefined)
  }
  await iam.send(new DeleteRoleCommand({ RoleName: role })).catch(() => undefined)
})

describe('IAM reads beside the SDK', () => {
  it('GetRole: the role, its URL-encoded trust policy, description and tags', async () => {
    const theirs = (await iam.send(new GetRoleCommand({ RoleName: role }))).Role!
    const ours = (await iamReads.getRole(session, { RoleName: role })).Role!
    expect(ours).toMatchObject({
      RoleName: theirs.RoleName,
      RoleId: theirs.RoleId,
      Arn: theirs.Arn,
      Path: theirs.Path,
      AssumeRolePolicyDocument: theirs.AssumeRolePolicyDocument,
      Description: theirs.Description,
    })
    expect(ours.Tags).toEqual(theirs.Tags)
    expect(JSON.parse(decodeURIComponent(ours.AssumeRolePolicyDocument!))).toEqual(trust)
    expect(calls.aws.at(-1)).toMatchObject({ service: 'iam', command: 'GetRole', mutating: false })
  })

  it('a role that does not exist: the SDK error name (NoSuchEntity), the status', async () => {
    const theirs = (await iam.send(new GetRoleCommand({ RoleName: `nope-${suffix}` })).catch((e) => e)) as Error
    const ours = (await iamReads.getRole(session, { RoleName: `nope-${suffix}` }).catch((e) => e)) as IamError
    expect(ours).toBeInstanceOf(IamError)
    // IAM's own code; the SDK names its exception after it. Both are what isNotFound() tells.
    expect(ours.name).toBe('NoSuchEntity')
    expect(theirs.name).toMatch(/^NoSuchEntity/)
    expect(isNotFound(ours)).toBe(true)
    expect(ours.$metadata.httpStatusCode).toBe(404)
  })

  it('ListAttachedRolePolicies and ListRoleTags: the same policies and tags', async () => {
    const arns = async (list: (marker?: string) => Promise<{ AttachedPolicies?: { PolicyArn?: string }[] }>) =>
      paginate(async (Marker) => {
        const out = await list(Marker)
        return iamPage(
          out.AttachedPolicies?.map((p) => p.PolicyArn!),
          out as { IsTruncated?: boolean; Marker?: string },
        )
      })
    const theirs = await arns((Marker) => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role, Marker })))
    const ours = await arns((Marker) => iamReads.listAttachedRolePolicies(session, { RoleName: role, Marker }))
    expect(ours.sort()).toEqual(theirs.sort())
    expect(ours).toHaveLength(5)
    const theirTags = (await iam.send(new ListRoleTagsCommand({ RoleName: role }))).Tags
    expect((await iamReads.listRoleTags(session, { RoleName: role })).Tags).toEqual(theirTags)
  })

  it('GetInstanceProfile: the profile, its role, its tags', async () => {
    const theirs = (await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profile }))).InstanceProfile!
    const ours = (await iamReads.getInstanceProfile(session, { InstanceProfileName: profile })).InstanceProfile!
    expect(ours).toMatchObject({ InstanceProfileName: profile, Arn: theirs.Arn, Path: theirs.Path })
    expect(ours.Roles.map((r) => r.RoleName)).toEqual(theirs.Roles!.map((r) => r.RoleName))
    // moto has no ListInstanceProfileTags (the SDK gets a 500 page too): the tags come with the profile, as from
    // IAM, so the action asks for them separately only when an answer lacks them.
    expect(ours.Tags).toEqual(theirs.Tags)
    expect(ours.Tags).toEqual(tags)
  })

  it('GetPolicy, ListPolicyTags, GetPolicyVersion: the policy, its default version and its document', async () => {
    for (const PolicyArn of [policies[0], policies[1]]) {
      const theirs = (await iam.send(new GetPolicyCommand({ PolicyArn }))).Policy!
      const ours = (await iamReads.getPolicy(session, { PolicyArn })).Policy!
      expect(ours).toMatchObject({
        PolicyName: theirs.PolicyName,
        Arn: theirs.Arn,
        Path: theirs.Path,
        DefaultVersionId: theirs.DefaultVersionId,
      })
      expect(ours.Tags).toEqual(theirs.Tags)
      const theirTags = (await iam.send(new ListPolicyTagsCommand({ PolicyArn }))).Tags
      expect((await iamReads.listPolicyTags(session, { PolicyArn })).Tags).toEqual(theirTags)
      const VersionId = theirs.DefaultVersionId!
      const theirVersion = (await iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId }))).PolicyVersion!
      const ourVersion = (await iamReads.getPolicyVersion(session, { PolicyArn, VersionId })).PolicyVersion!
      expect(ourVersion).toEqual({
        Document: theirVersion.Document,
        VersionId: theirVersion.VersionId,
        IsDefaultVersion: theirVersion.IsDefaultVersion,
      })
      expect(JSON.parse(decodeURIComponent(ourVersion.Document!)).Statement[0].Action).toBe('ec2:DescribeSubnets')
    }
  })

  it('ListPolicies of a path: the same policies, pages followed', async () => {
    const list = async (page: (m?: string) => Promise<{ Policies?: { Arn?: string }[] }>) =>
      paginate(async (Marker) => {
        const out = await page(Marker)
        return iamPage(
          out.Policies?.map((p) => p.Arn ?? ''),
          out as { IsTruncated?: boolean; Marker?: string },
        )
      })
    const theirs = await list((Marker) =>
      iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: path, Marker })),
    )
    const ours = await list((Marker) => iamReads.listPolicies(session, { Scope: 'Local', PathPrefix: path, Marker }))
    expect(ours.sort()).toEqual(theirs.sort())
    expect(ours.sort()).toEqual([...policies].sort())
  })

  it('GetOpenIDConnectProvider: its URL, audiences, thumbprints and tags', async () => {
    const theirs = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }))
    const ours = await iamReads.getOpenIDConnectProvider(session, { OpenIDConnectProviderArn: providerArn })
    expect(ours).toEqual({
      Url: theirs.Url,
      ClientIDList: theirs.ClientIDList,
      ThumbprintList: theirs.ThumbprintList,
      Tags: theirs.Tags,
    })
  })
})

describe('SQS and EventBridge reads beside the SDK', () => {
  it('GetQueueUrl, GetQueueAttributes, ListQueueTags: the same queue, attributes and tags', async () => {
    const url = (await sqsReads.getQueueUrl(session, { QueueName: queue })).QueueUrl
    expect(url).toBe((await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl)
    const theirs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))
    const ours = await sqsReads.getQueueAttributes(session, { QueueUrl: queueUrl, AttributeNames: ['All'] })
    expect(ours.Attributes).toEqual(theirs.Attributes)
    expect(ours.Attributes?.MessageRetentionPeriod).toBe('300')
    const theirTags = await sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))
    expect((await sqsReads.listQueueTags(session, { QueueUrl: queueUrl })).Tags).toEqual(theirTags.Tags)
    expect(calls.aws.at(-1)).toMatchObject({ service: 'sqs', command: 'ListQueueTags', mutating: false })
  })

  it('a queue that does not exist: the SDK error name', async () => {
    const theirs = (await sqs.send(new GetQueueUrlCommand({ QueueName: `nope-${suffix}` })).catch((e) => e)) as Error
    const ours = (await sqsReads.getQueueUrl(session, { QueueName: `nope-${suffix}` }).catch((e) => e)) as Error
    expect(ours).toBeInstanceOf(JsonServiceError)
    expect(ours.name).toBe(theirs.name)
  })

  it('ListRules, ListRuleNamesByTarget, ListTagsForResource: the same rules, targets and tags', async () => {
    const theirs = await events.send(new ListRulesCommand({ NamePrefix: `reads-${suffix}` }))
    const ours = await eventReads.listRules(session, { NamePrefix: `reads-${suffix}` })
    // The fields the action reads (moto also answers CreatedBy, which the SDK's model drops).
    const read = (r: EventRuleListed) => ({
      Name: r.Name,
      Arn: r.Arn,
      EventPattern: r.EventPattern,
      State: r.State,
      Description: r.Description,
    })
    expect(ours.Rules?.map(read)).toEqual(theirs.Rules?.map(read))
    expect(ours.Rules?.map((r) => r.Name).sort()).toEqual(rules)
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!
    const theirNames = await events.send(new ListRuleNamesByTargetCommand({ TargetArn: queueArn }))
    const ourNames = await eventReads.listRuleNamesByTarget(session, { TargetArn: queueArn })
    expect(ourNames.RuleNames?.sort()).toEqual(theirNames.RuleNames?.sort())
    for (const r of ours.Rules ?? []) {
      const theirTags = await events.send(new ListTagsForResourceCommand({ ResourceARN: r.Arn }))
      expect((await eventReads.listTagsForResource(session, { ResourceARN: r.Arn! })).Tags).toEqual(theirTags.Tags)
    }
  })

  it('tags of a rule that does not exist: the SDK error name', async () => {
    const arn = `arn:aws:events:${REGION}:123456789012:rule/nope-${suffix}`
    const theirs = (await events.send(new ListTagsForResourceCommand({ ResourceARN: arn })).catch((e) => e)) as Error
    const ours = (await eventReads.listTagsForResource(session, { ResourceARN: arn }).catch((e) => e)) as Error
    expect(ours).toBeInstanceOf(JsonServiceError)
    expect(ours.name).toBe(theirs.name)
  })
})
