/** The parts of the state lock and record that need no bucket: who holds it, messages, the record's shape. */
import { describe, expect, test } from '@jest/globals'
import { describeHolder, explainS3Error, holderFromEnvironment, lockKey, stateLocation } from '../../src/state/lock.js'
import { buildRecord, HISTORY_LENGTH, type StateRecord } from '../../src/state/record.js'
import { change, field, firstPlan } from './pr-fixtures.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'

const location = { bucket: 'espace-project-store', key: 'karpenter/opsfleet-dev-cluster.json' }
const ghEnv = {
  GITHUB_ACTOR: 'octocat',
  GITHUB_TRIGGERING_ACTOR: 'hubot',
  GITHUB_REPOSITORY: 'opsfleet/infrastructure',
  GITHUB_RUN_ID: '987',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_WORKFLOW: 'Karpenter',
  GITHUB_JOB: 'karpenter',
  GITHUB_SHA: '3f786850e387550fdab836ed7e6dc881de23001b',
  GITHUB_SERVER_URL: 'https://github.com',
}
const at = new Date('2025-06-02T09:00:00Z')

const stdout = captureStdoutOfEachTest()

describe('lock holder', () => {
  test('on GitHub: the triggering actor, the run and its attempt, the commit, the time', () => {
    const h = holderFromEnvironment({ operation: 'apply', cluster: 'opsfleet-dev-cluster', env: ghEnv, now: () => at })
    expect(h).toEqual({
      formatVersion: 1,
      id: expect.stringMatching(/^run-987\.2-[0-9a-f]{8}$/),
      operation: 'apply',
      cluster: 'opsfleet-dev-cluster',
      who: 'hubot',
      repository: 'opsfleet/infrastructure',
      runId: '987',
      runAttempt: '2',
      runUrl: 'https://github.com/opsfleet/infrastructure/actions/runs/987',
      workflow: 'Karpenter',
      job: 'karpenter',
      commit: ghEnv.GITHUB_SHA,
      createdAt: '2025-06-02T09:00:00.000Z',
      leaseSeconds: 900,
    })
  })

  test('outside GitHub: user@host and no run', () => {
    const h = holderFromEnvironment({ operation: 'destroy', cluster: 'c', env: {} })
    expect(h.who).toMatch(/.+@.+/)
    expect(h.runUrl).toBeUndefined()
    expect(Object.keys(h)).not.toContain('runId')
  })

  test('described with who, what, which run and how long ago', () => {
    const holder = holderFromEnvironment({
      operation: 'apply',
      cluster: 'opsfleet-dev-cluster',
      env: ghEnv,
      now: () => at,
    })
    const later = new Date(at.getTime() + 12 * 60_000)
    expect(describeHolder({ holder }, later)).toBe(
      'hubot (apply of opsfleet-dev-cluster, run https://github.com/opsfleet/infrastructure/actions/runs/987 attempt 2, ' +
        `holder ${holder.id}, since 2025-06-02T09:00:00.000Z, 12 min ago)`,
    )
    expect(describeHolder({ lastModified: at }, later)).toBe(
      'an unknown holder: the lock object is not one this action wrote, since 2025-06-02T09:00:00.000Z',
    )
  })
})

describe('location and errors', () => {
  test('the lock sits next to the state record', () => {
    expect(lockKey(location)).toBe('karpenter/opsfleet-dev-cluster.json.lock')
  })

  test('no state in the config: an apply warns that it runs unlocked; a plan says nothing', () => {
    expect(stateLocation(undefined, 'plan')).toBeUndefined()
    expect(stdout()).toBe('')
    expect(stateLocation(undefined, 'apply')).toBeUndefined()
    expect(stdout()).toMatch(/::warning::No `state` in the config: this apply runs without a lock/)
    expect(stateLocation(location, 'apply')).toBe(location)
  })

  const awsError = (name: string, status: number, message = 'x') =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })

  test('each S3 failure names its cause and fix, with reason state', () => {
    const denied = explainS3Error(awsError('AccessDenied', 403, 'Access Denied'), location, lockKey(location), 'write')
    expect(denied.reason).toBe('state')
    expect(denied.message).toBe(
      'Access denied to s3://espace-project-store/karpenter/opsfleet-dev-cluster.json.lock (AccessDenied: Access Denied): ' +
        'the role needs s3:PutObject there (the state and its lock need s3:GetObject, s3:PutObject and ' +
        's3:DeleteObject on arn:aws:s3:::espace-project-store/karpenter/opsfleet-dev-cluster.json*).',
    )
    expect(explainS3Error(awsError('NoSuchBucket', 404), location, 'k', 'read').message).toMatch(
      /The state bucket espace-project-store does not exist .*fix `state.bucket`/,
    )
    expect(explainS3Error(awsError('PermanentRedirect', 301), location, 'k', 'read').message).toMatch(
      /set `state.region`/,
    )
    expect(explainS3Error(awsError('NotImplemented', 501), location, 'k', 'write').message).toMatch(
      /conditional writes/,
    )
  })
})

describe('state record', () => {
  const plan = { ...firstPlan(), mode: 'apply' as const }
  const results = [
    { id: 'iam-role:karpenter-role', action: 'update' as const, status: 'done' as const, durationMs: 900 },
    {
      id: 'helm-release:karpenter',
      action: 'create' as const,
      status: 'failed' as const,
      durationMs: 50,
      error: 'x'.repeat(900),
    },
  ]
  const holder = { who: 'hubot', runUrl: 'https://github.com/o/r/actions/runs/1', commit: 'abc' }

  test('what was applied: plan id, resources with their fields and results, versions, who and when', () => {
    const record = buildRecord({ plan, planId: 'p1', results, holder, versions: { karpenter: '1.14.1' }, now: at })
    expect(record).toMatchObject({
      formatVersion: 1,
      cluster: 'opsfleet-dev-cluster',
      region: 'eu-west-1',
      outputs: plan.outputs,
      history: [],
      last: {
        planId: 'p1',
        mode: 'apply',
        outcome: 'failed',
        at: '2025-06-02T09:00:00.000Z',
        who: 'hubot',
        versions: { karpenter: '1.14.1' },
        summary: plan.summary,
      },
    })
    expect(record.last.resources[0]).toEqual({
      id: 'iam-role:karpenter-role',
      kind: 'iam role',
      name: 'karpenter-role',
      action: 'update',
      status: 'done',
      durationMs: 900,
      fields: ['tags.karpenter.sh/discovery', 'managedPolicies'],
    })
    expect(record.last.resources[1].error).toHaveLength(500)
  })

  test('never holds a field value, sensitive or not', () => {
    const text = JSON.stringify(buildRecord({ plan, planId: 'p1', results, holder, versions: {} }))
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('AmazonSSMManagedInstanceCore')
  })

  test('keeps the earlier applies, newest first, bounded', () => {
    let record: StateRecord | undefined
    for (let i = 0; i < HISTORY_LENGTH + 5; i++) {
      const p = {
        ...plan,
        changes: [change('node-pool:default', 'update', { fields: [field('spec.weight', i, i + 1)] })],
      }
      record = buildRecord(
        {
          plan: p,
          planId: `p${i}`,
          results: [{ id: 'node-pool:default', action: 'update', status: 'done', durationMs: 1 }],
          holder,
          versions: {},
        },
        record,
      )
    }
    expect(record!.last.planId).toBe(`p${HISTORY_LENGTH + 4}`)
    expect(record!.history).toHaveLength(HISTORY_LENGTH)
    expect(record!.history[0].planId).toBe(`p${HISTORY_LENGTH + 3}`)
    expect(record!.history[0]).not.toHaveProperty('resources')
    expect(record!.last.outcome).toBe('applied')
  })
})
