/**
 * The example IAM policies of the quick start (examples/iam/) against what the action really calls. Each run goes
 * through the sandbox's recording AWS endpoint with an access key of its own, so its requests (and no one else's: the
 * real Karpenter controller records there too) are checked against the policy of the role that would run it: the
 * plan role for plans, the apply role for applies and destroys. A permission an example lacks fails here; so does a
 * write the plan role would allow.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { repoRoot, runAction, uniqueSuffix, useSandbox, type ActionRun } from '../support/sandbox.js'
import { sandboxConfigData } from '../support/context.js'
import { runRecorded } from '../support/cluster.js'
import { checkRequests, operationName, type PolicyDocument, type RecordedRequest } from '../support/iam-authorize.js'

const id = uniqueSuffix()
const ctx = {
  partition: 'aws',
  region: 'eu-west-1',
  accountId: '123456789012',
  nodeRoleArn: 'arn:aws:iam::123456789012:role/karpenter-role',
}
const policy = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'examples/iam', name), 'utf8')) as PolicyDocument
const planRole = policy('plan-role-permissions.json')
const applyRole = policy('apply-role-permissions.json')

let config: string
let changedConfig: string
const log = (r: ActionRun) => `${r.stdout}\n${r.stderr}`
/** The requests of every run so far, by the access key it ran with. */
const seen: Record<string, RecordedRequest[]> = {}

/** Runs the action through the recording endpoint with an access key of its own; returns its requests. */
async function recorded(mode: string, file: string, label: string): Promise<RecordedRequest[]> {
  const { run, requests } = await runRecorded({ mode, config: file, comment: 'never' }, label, id)
  expect({ mode, exit: run.exitCode, log: run.exitCode ? log(run) : '' }).toEqual({ mode, exit: 0, log: '' })
  seen[label] = requests
  return requests
}

function denials(requests: RecordedRequest[], document: PolicyDocument): string[] {
  return checkRequests(requests, [document], ctx).denied.map(
    (d) => `${operationName(d.request)} on ${d.authorization.resources.join(', ')}: ${d.reason}`,
  )
}

const operations = (requests: RecordedRequest[]) => new Set(requests.map(operationName))

beforeAll(() => {
  useSandbox()
  const dir = mkdtempSync(join(tmpdir(), 'ka-iam-examples-'))
  // The state key lies under the prefix the apply role may write (karpenter/*), as the example config's does.
  const data = (values: Record<string, unknown>) =>
    sandboxConfigData({
      karpenter: { destroyCrds: true, values },
      state: { bucket: 'espace-project-store', key: `karpenter/iam-examples-${id}.json` },
    })
  config = join(dir, 'karpenter.yaml')
  writeFileSync(config, stringify(data({})))
  changedConfig = join(dir, 'karpenter-changed.yaml')
  writeFileSync(changedConfig, stringify(data({ logLevel: 'debug' })))
})

afterAll(async () => {
  // Whatever happened above, nothing of this suite stays behind (with the sandbox's own, unrecorded, endpoint).
  await runAction({ mode: 'destroy', config, comment: 'never' })
}, 600_000)

describe('the example IAM policies allow what the action calls, and no more than the plan role needs', () => {
  it('a plan from nothing needs only what the plan role allows, all of it reads', async () => {
    const requests = await recorded('plan', config, 'plan0')
    expect(denials(requests, planRole)).toEqual([])
    const ops = operations(requests)
    for (const op of [
      'eks:DescribeCluster',
      'iam:GetRole',
      'ec2:DescribeSubnets',
      'sqs:GetQueueUrl',
      'events:ListRules',
    ])
      expect({ op, seen: ops.has(op) }).toEqual({ op, seen: true })
    // The plan role's policy grants reads only: nothing in it creates, changes or deletes.
    const statements = [planRole.Statement].flat()
    const actions = statements.flatMap((s) => [s.Action ?? []].flat())
    expect(actions.filter((a) => !/^[a-z0-9]+:(Get|List|Describe)[A-Za-z]*$/.test(a))).toEqual([])
  }, 300_000)

  it('an apply from nothing needs only what the apply role allows; the plan role would refuse its writes', async () => {
    const requests = await recorded('apply', config, 'apply1')
    expect(denials(requests, applyRole)).toEqual([])
    const ops = operations(requests)
    for (const op of [
      'iam:CreateRole',
      'iam:CreatePolicy',
      'iam:AttachRolePolicy',
      'iam:CreateInstanceProfile',
      'iam:AddRoleToInstanceProfile',
      'sqs:CreateQueue',
      'events:PutRule',
      'events:PutTargets',
      's3:PutObject',
      's3:DeleteObject',
    ])
      // (The cluster's OIDC provider is created by whichever run needs it first, and kept: it is the cluster's.)
      expect({ op, seen: ops.has(op) }).toEqual({ op, seen: true })
    // The check can fail: every write of this apply is refused to the plan role (and so is the state, which a plan
    // never reads).
    const refused = new Set(checkRequests(requests, [planRole], ctx).denied.map((d) => operationName(d.request)))
    const writes = [...ops].filter((op) => !/^[a-z0-9]+:(Get|List|Describe)/.test(op))
    expect(writes.filter((op) => !refused.has(op) && op !== 'sts:GetCallerIdentity')).toEqual([])
    expect(refused.has('s3:GetObject')).toBe(true)
    expect(refused.size).toBeGreaterThanOrEqual(10)
  }, 600_000)

  it('plans of what now exists (unchanged, and one changed value) need only the plan role', async () => {
    const unchanged = await recorded('plan', config, 'plan1')
    const changed = await recorded('plan', changedConfig, 'plan2')
    expect(denials(unchanged, planRole)).toEqual([])
    expect(denials(changed, planRole)).toEqual([])
    // With the resources in place a plan reads more of them than from nothing.
    expect(operations(unchanged).has('iam:ListAttachedRolePolicies')).toBe(true)
  }, 300_000)

  it('an apply of a changed value and a destroy need only the apply role', async () => {
    const apply = await recorded('apply', changedConfig, 'apply2')
    expect(denials(apply, applyRole)).toEqual([])
    const destroy = await recorded('destroy', changedConfig, 'destroy')
    expect(denials(destroy, applyRole)).toEqual([])
    const ops = operations(destroy)
    for (const op of [
      'iam:DeleteRole',
      'iam:DeletePolicy',
      'iam:DeleteInstanceProfile',
      'sqs:DeleteQueue',
      'events:DeleteRule',
    ])
      expect({ op, seen: ops.has(op) }).toEqual({ op, seen: true })
    console.log(
      `requests per run: ${Object.entries(seen)
        .map(([k, v]) => `${k} ${v.length}`)
        .join(', ')}`,
    )
  }, 600_000)
})
