/**
 * The pipeline's apply path with its layers stubbed (the session, pre-flight, the desired graph, the state record,
 * the pull-request flow, verify) and the real plan engine over in-memory resources: what is applied is what was
 * planned under the lock and checked against the reviewed plan, the record follows the apply, and a run with nothing
 * to do takes no lock and writes nothing.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import type { Config } from '../../src/config/types.js'
import type { Inputs } from '../../src/inputs.js'
import { ActionFailure } from '../../src/outcome.js'
import { planFingerprint } from '../../src/plan/fingerprint.js'
import { decide, type Decision, type Resource, type ResourceId } from '../../src/plan/resource.js'
import { field } from '../../src/plan/fields.js'
import type { ChangeResult, Plan } from '../../src/plan/types.js'
import type { StateLocation } from '../../src/state/lock.js'
import type { RecordInput } from '../../src/state/record.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'

type SetValue = { op: 'set'; value: string }

/** What the stubbed layers saw, in order. */
let events: string[]
let world: Map<string, string>
/** The value each resource wants, per planning round (the second round is the plan under the lock). */
let wants: string[][]
let graphCalls: number

class Thing implements Resource<string | undefined, SetValue> {
  kind = 'thing'
  wanted = true
  keepOnDestroy = false
  readonly id: ResourceId
  readonly dependsOn: ResourceId[] = []
  constructor(
    id: string,
    private want: string,
    private fail = false,
  ) {
    this.id = id as ResourceId
  }
  get name() {
    return this.id
  }
  async read() {
    return world.get(this.id)
  }
  exists(actual: string | undefined) {
    return actual !== undefined
  }
  diff(actual: string | undefined): Decision<SetValue> {
    const fields = actual === this.want ? [] : [field('value', actual, this.want)]
    return decide(actual !== undefined, fields, [{ op: 'set', value: this.want }])
  }
  async apply(ops: readonly SetValue[]) {
    events.push(`apply ${this.id}`)
    if (this.fail) throw new Error(`${this.id} broke`)
    for (const op of ops) world.set(this.id, op.value)
  }
  async destroy() {
    events.push(`destroy ${this.id}`)
    world.delete(this.id)
  }
}

const state: StateLocation = { bucket: 'espace-project-store', key: 'karpenter/opsfleet-dev-cluster.json' }
const s3 = { name: 'the state bucket client' }
const lockHolder = { id: 'h-1', who: 'octocat', runUrl: 'https://github.com/o/r/actions/runs/1', commit: 'abc' }

let lockTaken: { holder: typeof lockHolder } | undefined
const takeLock = jest.fn(async (location: StateLocation, options: unknown) => {
  events.push(`lock ${location.key} ${JSON.stringify(options)}`)
  lockTaken = { holder: lockHolder }
  return lockTaken
})
const writeRecord = jest.fn(async (client: unknown, location: StateLocation, input: RecordInput) => {
  events.push(`record ${input.planId} ${input.results.map((r) => `${r.id}:${r.status}`).join(',')}`)
  return true
})
const checkReviewedPlan = jest.fn(async (plan: Plan, planId: string) => {
  events.push(`check ${planId} ${[...world].join(',')}`)
  return { status: 'matches' as const }
})
const publish = jest.fn(async (plan: Plan, planId: string) => {
  events.push(`publish ${plan.mode} ${planId}`)
  return undefined
})
const publishResult = jest.fn(async (plan: Plan, planId: string, results: ChangeResult[]) => {
  events.push(`result ${planId} ${results.length}`)
  return undefined
})
const preflight = jest.fn(async () => {
  events.push('preflight')
  return { warnings: ['a pre-flight warning'] }
})
/** Verify waits for this (the controller coming up) before it reports; tests open it when they want. */
let controllerUp: Promise<void> = Promise.resolve()
let verifyFails = false
const verifyKarpenter = jest.fn(async () => {
  events.push('verify')
  await controllerUp
  events.push('verified')
  if (verifyFails) throw new Error('NodePool default is not Ready')
  return { ok: true }
})
let failOn: string | undefined

jest.unstable_mockModule('../../src/session.js', () => ({
  withSession: async (options: { config: Config }, fn: (s: unknown) => Promise<unknown>) => {
    events.push('open session')
    const session = {
      config: options.config,
      aws: { region: 'eu-west-1' },
      takeLock,
      releaseLock: async () => {
        events.push('unlock')
      },
      get lock() {
        return lockTaken
      },
    }
    try {
      return await fn(session)
    } finally {
      events.push('close session')
    }
  },
}))
jest.unstable_mockModule('../../src/aws/preflight.js', () => ({ preflight }))
jest.unstable_mockModule('../../src/graph.js', () => ({
  readingGraph: async () => {
    const round = wants[Math.min(graphCalls++, wants.length - 1)]
    events.push(`plan ${round.join(',')}`)
    return {
      resources: round.map((want, i) => new Thing(`thing.${i}`, want, failOn === `thing.${i}`)),
      started: new Map(),
    }
  },
  planOutputs: () => ({ 'node-role-arn': 'arn:aws:iam::123456789012:role/karpenter-role' }),
}))
jest.unstable_mockModule('../../src/state/lock.js', () => ({
  stateLocation: (s: StateLocation | undefined) => s,
  stateClient: async () => s3,
}))
jest.unstable_mockModule('../../src/state/record.js', () => ({ writeRecord }))
jest.unstable_mockModule('../../src/verify.js', () => ({
  verifyKarpenter,
  verifyLines: () => ['Karpenter is ready'],
  VerifyError: class VerifyError extends Error {},
}))
jest.unstable_mockModule('../../src/github/pr.js', () => ({
  PullRequestFlow: {
    fromInputs: () => ({
      event: { eventName: 'workflow_dispatch', headSha: 'abc', repoUrl: 'https://github.com/o/r', runUrl: undefined },
      publish,
      publishResult,
      checkReviewedPlan,
    }),
  },
}))

const { runPipeline } = await import('../../src/pipeline.js')

const stdout = captureStdoutOfEachTest()

function inputs(over: Partial<Inputs> = {}): Inputs {
  return {
    mode: 'apply',
    config: 'karpenter.yaml',
    roleToAssume: '',
    awsRegion: '',
    audience: 'sts.amazonaws.com',
    githubToken: 'token',
    comment: 'never',
    applyRequires: [],
    kubeconfig: '/tmp/kubeconfig',
    breakLock: false,
    ...over,
  }
}

function config(withState = true): Config {
  return {
    cluster: { name: 'opsfleet-dev-cluster', region: 'eu-west-1', partition: 'aws' },
    karpenter: { version: '1.14.1' },
    ...(withState ? { state } : {}),
  } as unknown as Config
}

const aws = {} as Parameters<typeof runPipeline>[2]

beforeEach(() => {
  events = []
  world = new Map([['thing.0', 'old']])
  wants = [['new', 'made']]
  graphCalls = 0
  lockTaken = undefined
  failOn = undefined
  controllerUp = Promise.resolve()
  verifyFails = false
  jest.clearAllMocks()
})

afterEach(() => {
  expect(events.at(-1)).toBe('close session')
})

/** The fingerprint of the plan of `wants` against the world as it is now (what the run will compute). */
async function expectedPlanId(round: string[], mode: 'apply' | 'destroy' = 'apply'): Promise<string> {
  const { plan } = await import('../../src/plan/engine.js')
  const result = await plan({
    mode,
    cluster: 'opsfleet-dev-cluster',
    region: 'eu-west-1',
    resources: round.map((want, i) => new Thing(`thing.${i}`, want)),
    outputs: {},
  })
  return planFingerprint(result.plan)
}

describe('a reviewed apply', () => {
  test('that matches the reviewed plan goes ahead: lock, confirm, check, apply, record, result, unlock; verify from the last step on', async () => {
    const planId = await expectedPlanId(['new', 'made'])
    let up!: () => void
    controllerUp = new Promise((r) => (up = r))
    const run = runPipeline(inputs({ prNumber: 42 }), config(), aws)
    // Verify waits for the controller; the record, the comment and the lock's release do not wait for verify.
    while (!events.includes('unlock')) await new Promise((r) => setImmediate(r))
    expect(events).not.toContain('verified')
    expect(stdout()).not.toContain('Karpenter is ready')
    up()
    await run

    expect(events).toEqual([
      'open session',
      // Pre-flight and the plan read at once; the plan's reads start first.
      'plan new,made',
      'preflight',
      `lock karpenter/opsfleet-dev-cluster.json {"operation":"apply","cluster":"opsfleet-dev-cluster","breakLock":false}`,
      `check ${planId} thing.0,old`,
      'apply thing.0',
      'apply thing.1',
      'verify',
      `record ${planId} thing.0:done,thing.1:done`,
      `result ${planId} 2`,
      'unlock',
      'verified',
      'close session',
    ])
    expect([...world]).toEqual([
      ['thing.0', 'new'],
      ['thing.1', 'made'],
    ])
    const [checkedPlan, checkedId] = checkReviewedPlan.mock.calls[0]
    expect(checkedPlan.mode).toBe('apply')
    expect(checkedPlan.warnings).toEqual(['a pre-flight warning'])
    expect(checkedId).toBe(planFingerprint(checkedPlan))

    const [client, location, record] = writeRecord.mock.calls[0]
    expect(client).toBe(s3)
    expect(location).toBe(state)
    expect(record).toEqual({
      plan: checkedPlan,
      planId,
      results: [
        expect.objectContaining({ id: 'thing.0', action: 'update', status: 'done' }),
        expect.objectContaining({ id: 'thing.1', action: 'create', status: 'done' }),
      ],
      holder: lockHolder,
      versions: { karpenter: '1.14.1' },
    })
    expect(publishResult.mock.calls[0][2]).toBe(record.results)
    const out = stdout()
    expect(out).toContain('::set-output name=has-changes::true')
    expect(out).toContain(`::set-output name=plan-id::${planId}`)
    expect(out).toContain('::set-output name=to-add::1')
    expect(out).toContain('::set-output name=to-change::1')
    expect(out).toContain('::set-output name=to-destroy::0')
    expect(out).toContain('::set-output name=node-role-arn::arn:aws:iam::123456789012:role/karpenter-role')
    expect(out).toContain('Apply complete: 2 done, 0 failed, 0 not started.')
    expect(out).toContain('Karpenter is ready')
  })

  test('that the check refuses changes nothing and records nothing', async () => {
    checkReviewedPlan.mockRejectedValueOnce(new ActionFailure('plan-changed', 'The plan changed since it was reviewed'))
    await expect(runPipeline(inputs({ prNumber: 42 }), config(), aws)).rejects.toThrow(
      'The plan changed since it was reviewed',
    )
    expect([...world]).toEqual([['thing.0', 'old']])
    expect(events.filter((e) => /^(apply|record|result|verify)/.test(e))).toEqual([])
    expect(writeRecord).not.toHaveBeenCalled()
  })

  test('applies the plan it made once nothing moved under the lock: no second plan, the first one checked', async () => {
    wants = [['first'], ['under-lock']]
    const planId = await expectedPlanId(['first'])
    await runPipeline(inputs({ prNumber: 42 }), config(), aws)
    expect(events.filter((e) => e.startsWith('plan '))).toEqual(['plan first'])
    expect(checkReviewedPlan.mock.calls[0][1]).toBe(planId)
    expect(world.get('thing.0')).toBe('first')
  })

  test('a destroy-only plan is checked against the review like any other', async () => {
    const planId = await expectedPlanId(['new', 'made'], 'destroy')
    await runPipeline(inputs({ mode: 'destroy', prNumber: 42 }), config(), aws)
    expect(events).toEqual([
      'open session',
      'plan new,made',
      expect.stringMatching(/^lock .*"operation":"destroy"/),
      `check ${planId} thing.0,old`,
      'destroy thing.0',
      `record ${planId} thing.0:done`,
      `result ${planId} 1`,
      'unlock',
      'close session',
    ])
    expect(preflight).not.toHaveBeenCalled()
    expect(verifyKarpenter).not.toHaveBeenCalled()
    expect(world.size).toBe(0)
    expect(stdout()).toContain('::set-output name=to-destroy::1')
  })

  test('without pr-number there is no reviewed plan to check', async () => {
    await runPipeline(inputs({ breakLock: true }), config(), aws)
    expect(checkReviewedPlan).not.toHaveBeenCalled()
    expect(events[3]).toContain('"breakLock":true')
    expect(world.get('thing.0')).toBe('new')
  })
})

describe('the record', () => {
  test('is written after a failed apply too, then the run fails with reason apply', async () => {
    failOn = 'thing.0'
    const attempt = runPipeline(inputs(), config(), aws)
    await expect(attempt).rejects.toMatchObject({ reason: 'apply' })
    await expect(runPipeline(inputs(), config(), aws)).rejects.toThrow(
      /1 change\(s\) failed: thing\.0: .*thing\.0 broke.*fix the cause and run again/,
    )
    expect(writeRecord.mock.calls[0][2].results.map((r) => r.status)).toContain('failed')
    expect(events.indexOf('verify')).toBe(-1)
    expect(stdout()).toMatch(/Apply complete: \d done, 1 failed, \d not started\./)
  })

  test('is written, and the lock released, before a verify that fails; the run then fails with its verdict, last', async () => {
    verifyFails = true
    const planId = await expectedPlanId(['new', 'made'])
    await expect(runPipeline(inputs(), config(), aws)).rejects.toThrow('NodePool default is not Ready')
    expect(events.slice(events.indexOf('verify')).filter((e) => e !== 'verified')).toEqual([
      'verify',
      `record ${planId} thing.0:done,thing.1:done`,
      `result ${planId} 2`,
      'unlock',
      'close session',
    ])
    const log = stdout()
    expect(log.indexOf('Apply complete: 2 done')).toBeGreaterThan(-1)
    expect(log.indexOf('::group::Verify')).toBeGreaterThan(log.indexOf('Apply complete: 2 done'))
  })

  test('is not written without state, and no lock is taken: the apply runs unlocked', async () => {
    await runPipeline(inputs(), config(false), aws)
    expect(takeLock).not.toHaveBeenCalled()
    expect(writeRecord).not.toHaveBeenCalled()
    expect(events.filter((e) => e.startsWith('plan'))).toHaveLength(1)
    expect(world.get('thing.1')).toBe('made')
  })
})

describe('nothing to do', () => {
  beforeEach(() => {
    world = new Map([
      ['thing.0', 'new'],
      ['thing.1', 'made'],
    ])
  })

  test('an apply takes no lock, applies and records nothing, and says so', async () => {
    await runPipeline(inputs({ prNumber: 42 }), config(), aws)
    expect(takeLock).not.toHaveBeenCalled()
    expect(writeRecord).not.toHaveBeenCalled()
    expect(verifyKarpenter).not.toHaveBeenCalled()
    expect(events.filter((e) => e.startsWith('plan'))).toHaveLength(1)
    expect(events.filter((e) => /^(apply|destroy|lock|record)/.test(e))).toEqual([])
    expect(publishResult).toHaveBeenCalledWith(expect.objectContaining({ mode: 'apply' }), expect.any(String), [])
    expect(stdout()).toContain('Nothing to do.')
    expect(stdout()).toContain('::set-output name=has-changes::false')
  })
})

describe('a plan', () => {
  test('plans, reports and comments, and takes no lock', async () => {
    await runPipeline(inputs({ mode: 'plan' }), config(), aws)
    expect(events).toEqual([
      'open session',
      'plan new,made',
      'preflight',
      expect.stringMatching(/^publish plan [0-9a-f]{16}$/),
      'close session',
    ])
    expect(takeLock).not.toHaveBeenCalled()
    expect(world.get('thing.0')).toBe('old')
  })

  test('carries the pre-flight warnings, though the plan was read while pre-flight ran', async () => {
    const shown = jest.spyOn(process.stdout, 'write')
    await runPipeline(inputs({ mode: 'plan' }), config(), aws)
    const log = shown.mock.calls.map((c) => String(c[0])).join('')
    shown.mockRestore()
    expect(log).toContain('a pre-flight warning')
  })

  for (const mode of ['plan', 'apply'] as const) {
    test(`${mode}: a pre-flight problem is the run's error, and nothing is published, locked or changed`, async () => {
      preflight.mockImplementationOnce(async () => {
        events.push('preflight')
        throw new Error('pre-flight: subnet-0 is not in the VPC')
      })
      await expect(runPipeline(inputs({ mode }), config(), aws)).rejects.toThrow('subnet-0 is not in the VPC')
      expect(events.filter((e) => /^(publish|lock|apply|record|result|verify)/.test(e))).toEqual([])
      expect(world.get('thing.0')).toBe('old')
    })
  }
})
