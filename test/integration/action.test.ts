/**
 * The action end to end, run as GitHub runs it (node dist/index.js with INPUT_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files) against the sandbox: moto_server for AWS, the local control plane and helm.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { DetachRolePolicyCommand, GetRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam'
import { runAction, uniqueSuffix, useSandbox, type ActionRun } from '../support/sandbox.js'
import { sandboxConfigData } from '../support/context.js'

const id = uniqueSuffix()
const names = {
  nodeRole: `e2e-node-${id}`,
  controllerRole: `e2e-controller-${id}`,
  controllerPolicy: `e2e-policy-${id}`,
  instanceProfile: `e2e-profile-${id}`,
  queue: `e2e-queue-${id}`,
  namespace: `e2e-${id}`,
  nodePool: `e2e-${id}`,
}
let config: string
let iam: IAMClient

const log = (r: ActionRun) => `${r.stdout}\n${r.stderr}`

beforeAll(() => {
  useSandbox()
  iam = new IAMClient({ region: 'eu-west-1' })
  const data = sandboxConfigData({
    // destroyCrds: the afterAll destroy leaves no CRDs behind for the other tests sharing the cluster.
    karpenter: { namespace: names.namespace, release: `karpenter-${id}`.slice(0, 53), destroyCrds: true },
    iam: {
      nodeRole: names.nodeRole,
      controllerRole: names.controllerRole,
      controllerPolicy: names.controllerPolicy,
      instanceProfile: names.instanceProfile,
    },
    interruption: { enabled: true, queue: names.queue },
  }) as { nodePools: { name: string }[]; state?: unknown }
  data.nodePools = data.nodePools.map((p) => ({ ...p, name: names.nodePool }))
  data.state = { bucket: 'espace-project-store', key: `e2e/${id}.json` }
  config = join(mkdtempSync(join(tmpdir(), 'ka-e2e-')), 'karpenter.yaml')
  writeFileSync(config, stringify(data))
})

afterAll(async () => {
  await runAction({ mode: 'destroy', config, comment: 'never' })
})

describe('node dist/index.js against the sandbox', () => {
  it('plans without changing anything, applies, and then has nothing to do', async () => {
    const plan = await runAction({ mode: 'plan', config, comment: 'never' })
    expect(plan.exitCode).toBe(0)
    expect(plan.stdout).toContain(`+ iam role ${names.nodeRole}`)
    expect(plan.stdout).toContain(`+ namespace ${names.namespace}`)
    expect(plan.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./)
    expect(plan.outputs['has-changes']).toBe('true')
    expect(Number(plan.outputs['to-add'])).toBeGreaterThanOrEqual(2)
    expect(plan.outputs['plan-id']).toMatch(/^[0-9a-f]{16}$/)
    expect(plan.outputs['node-role-arn']).toBe(`arn:aws:iam::123456789012:role/${names.nodeRole}`)
    expect(plan.summary).toContain(`Plan: ${plan.outputs['to-add']} to add, 0 to change, 0 to destroy.`)
    // A plan changes nothing.
    await expect(iam.send(new GetRoleCommand({ RoleName: names.nodeRole }))).rejects.toMatchObject({
      name: expect.stringMatching(/^NoSuchEntity/),
    })

    const apply = await runAction({ mode: 'apply', config, comment: 'never' })
    expect(apply.exitCode).toBe(0)
    const role = await iam.send(new GetRoleCommand({ RoleName: names.nodeRole }))
    expect(role.Role?.Arn).toBe(plan.outputs['node-role-arn'])

    const again = await runAction({ mode: 'plan', config, comment: 'never' })
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toContain('No changes.')
    expect(again.outputs['has-changes']).toBe('false')
  }, 900_000)

  it('shows a trust policy changed by hand and a detached managed policy as an update naming the fields', async () => {
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: names.nodeRole,
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    )
    await iam.send(
      new DetachRolePolicyCommand({
        RoleName: names.nodeRole,
        PolicyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      }),
    )
    const plan = await runAction({ mode: 'plan', config, comment: 'never' })
    expect(plan.exitCode).toBe(0)
    expect(plan.stdout).toContain(`~ iam role ${names.nodeRole}`)
    expect(plan.stdout).toMatch(/~ assumeRolePolicy/)
    expect(plan.stdout).toMatch(/~ managedPolicies/)
    expect(plan.outputs['to-change']).toBe('1')

    const apply = await runAction({ mode: 'apply', config, comment: 'never' })
    expect(apply.exitCode).toBe(0)
    const after = await runAction({ mode: 'plan', config, comment: 'never' })
    expect(after.outputs['has-changes']).toBe('false')
  }, 900_000)

  it('refuses a bad config before touching anything, naming the field and the fix', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'ka-bad-')), 'karpenter.yaml')
    writeFileSync(
      bad,
      'cluster:\n  name: opsfleet-dev-cluster\n  region: eu-west-1\nnodePools:\n  - name: x\n    capacityTypes: [cheap]\n',
    )
    const r = await runAction({ mode: 'apply', config: bad, comment: 'never' })
    expect(r.exitCode).not.toBe(0)
    expect(log(r)).toMatch(/karpenter\.yaml,line=6::nodePools\[0\]\.capacityTypes\[0\]: must be one of/)
    expect(r.outputs['failure-reason']).toBe('config')
    // Checks beyond the schema come once it passes, with the same file:line, field and fix.
    writeFileSync(
      bad,
      'cluster:\n  name: opsfleet-dev-cluster\n  region: eu-west-1\nnodePools:\n  - name: x\n    amiAlias: al2023@latest\n',
    )
    const r2 = await runAction({ mode: 'apply', config: bad, comment: 'never' })
    expect(r2.exitCode).not.toBe(0)
    expect(log(r2)).toMatch(/nodePools\[0\]\.subnetSelector: no subnets are selected\. Fix:/)
    expect(log(r2)).toMatch(/karpenter\.yaml,line=6::nodePools\[0\]\.amiAlias: uses @latest/)
  })
})
