/** The event context, when to comment, and how a run ends (failure-reason, drift exit code). */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decideComment, isDriftCheck, readEventContext, type EventContext } from '../../src/github/event.js'
import { ActionFailure, DRIFT_EXIT_CODE, DriftDetected, failureReasonOf } from '../../src/outcome.js'
import { failRun } from '../../src/report/failure.js'
import { parse } from 'yaml'
import { ClusterError } from '../../src/aws/cluster.js'
import { CredentialsError } from '../../src/aws/credentials.js'
import { PreflightError } from '../../src/aws/preflight.js'
import { ConfigError } from '../../src/config/errors.js'
import { InputError } from '../../src/inputs.js'
import { FAILURE_REASONS } from '../../src/outcome.js'
import { PlanError } from '../../src/plan/engine.js'
import { VerifyError } from '../../src/verify.js'
import { repoRoot } from '../support/sandbox.js'

const HEAD = '3f786850e387550fdab836ed7e6dc881de23001b'
const MERGE = '9d4568c009d203ab10e33ea9953a0264ab2b7f4b'

function payloadFile(payload: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ka-event-')), 'event.json')
  writeFileSync(file, JSON.stringify(payload))
  return file
}

function prPayload(number: number, headRepo = 'opsfleet/infrastructure') {
  return {
    pull_request: {
      number,
      head: { sha: HEAD, repo: { full_name: headRepo } },
      base: { repo: { full_name: 'opsfleet/infrastructure' } },
    },
  }
}

const baseEnv = {
  GITHUB_REPOSITORY: 'opsfleet/infrastructure',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_RUN_ID: '987',
  GITHUB_SHA: MERGE,
  GITHUB_ACTOR: 'octocat',
}

describe('readEventContext', () => {
  test('a pull_request event: the PR number and its head commit, not the merge commit', () => {
    const ctx = readEventContext({
      ...baseEnv,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: payloadFile(prPayload(42)),
    })
    expect(ctx).toMatchObject({
      eventName: 'pull_request',
      owner: 'opsfleet',
      repo: 'infrastructure',
      prNumber: 42,
      prSource: 'event',
      headSha: HEAD,
      fromFork: false,
      actor: 'octocat',
      runUrl: 'https://github.com/opsfleet/infrastructure/actions/runs/987',
      repoUrl: 'https://github.com/opsfleet/infrastructure',
      apiUrl: 'https://api.github.com',
    })
  })

  test('a pull request from a fork is recognised', () => {
    const ctx = readEventContext({
      ...baseEnv,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: payloadFile(prPayload(7, 'someone/infrastructure')),
    })
    expect(ctx.fromFork).toBe(true)
  })

  test('workflow_dispatch: the pr-number input names the PR; the commit is GITHUB_SHA', () => {
    const ctx = readEventContext(
      { ...baseEnv, GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_EVENT_PATH: payloadFile({ inputs: {} }) },
      42,
    )
    expect(ctx).toMatchObject({ prNumber: 42, prSource: 'input', headSha: MERGE, fromFork: false })
  })

  test('a push or schedule event has no pull request; outside GitHub there is no run link', () => {
    expect(readEventContext({ ...baseEnv, GITHUB_EVENT_NAME: 'schedule' }).prNumber).toBeUndefined()
    const local = readEventContext({})
    expect(local).toMatchObject({ eventName: '', prNumber: undefined, runUrl: undefined, fromFork: false })
    expect(local.apiUrl).toBe('https://api.github.com')
  })

  test('an unreadable payload is treated as empty', () => {
    const ctx = readEventContext({ ...baseEnv, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: '/nonexistent' })
    expect(ctx.prNumber).toBeUndefined()
    expect(ctx.headSha).toBe(MERGE)
  })
})

describe('decideComment', () => {
  const event = (over: Partial<EventContext> = {}): EventContext => ({
    eventName: 'pull_request',
    owner: 'o',
    repo: 'r',
    prNumber: 42,
    prSource: 'event',
    fromFork: false,
    apiUrl: 'https://api.github.com',
    ...over,
  })

  test('auto: comments on a pull request, and a failure to post fails the run', () => {
    expect(decideComment('auto', event())).toMatchObject({ post: true, required: true })
  })

  test('auto: a fork pull request is commented on, but a failure is only a warning', () => {
    expect(decideComment('auto', event({ fromFork: true }))).toMatchObject({ post: true, required: false })
  })

  test('auto: no pull request, no comment, no failure', () => {
    const d = decideComment('auto', event({ eventName: 'push', prNumber: undefined, prSource: undefined }))
    expect(d).toEqual({ post: false, required: false, why: 'no pull request in this push run' })
  })

  test('auto: a workflow_dispatch apply with pr-number reports to that pull request', () => {
    const d = decideComment('auto', event({ eventName: 'workflow_dispatch', prSource: 'input' }))
    expect(d).toMatchObject({ post: true, required: true, why: 'pull request #42 from input `pr-number`' })
  })

  test('always: required even on a fork; with no pull request the reason names the fix', () => {
    expect(decideComment('always', event({ fromFork: true }))).toMatchObject({ post: true, required: true })
    const d = decideComment('always', event({ eventName: 'push', prNumber: undefined }))
    expect(d).toMatchObject({ post: false, required: true })
    expect(d.why).toMatch(/set `pr-number`/)
  })

  test('never: no comment', () => {
    expect(decideComment('never', event())).toMatchObject({ post: false, required: false })
  })
})

describe('outcome', () => {
  let out: string[]
  let outputFile: string
  const saved = { ...process.env }

  beforeEach(() => {
    out = []
    outputFile = join(mkdtempSync(join(tmpdir(), 'ka-out-')), 'output')
    writeFileSync(outputFile, '')
    process.env.GITHUB_OUTPUT = outputFile
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk))
      return true
    })
  })

  afterEach(() => {
    jest.restoreAllMocks()
    process.env = { ...saved }
    process.exitCode = 0
  })

  test('drift checks: plans on schedule', () => {
    expect(isDriftCheck('plan', 'schedule')).toBe(true)
    expect(isDriftCheck('plan', 'pull_request')).toBe(false)
    expect(isDriftCheck('plan', 'workflow_dispatch')).toBe(false)
    expect(isDriftCheck('apply', 'schedule')).toBe(false)
  })

  test('failure reasons come from the error type; every failure has one', () => {
    expect(failureReasonOf(new ActionFailure('locked', 'x'))).toBe('locked')
    expect(failureReasonOf(new ConfigError('k.yaml', [{ field: 'a', message: 'b' }]))).toBe('config')
    expect(failureReasonOf(new InputError('bad input'))).toBe('config')
    expect(failureReasonOf(new CredentialsError('no token'))).toBe('credentials')
    expect(failureReasonOf(new PreflightError('k.yaml', [{ field: 'a', message: 'b' }]))).toBe('preflight')
    expect(failureReasonOf(new ClusterError('cluster.name: no such cluster'))).toBe('preflight')
    expect(failureReasonOf(new PlanError('reading x failed', { cause: new Error('socket hang up') }))).toBe('plan')
    // A plan stopped by a known failure keeps its reason (a chart folder without Chart.yaml is a config problem).
    expect(failureReasonOf(new PlanError('planning x failed', { cause: new ActionFailure('config', 'x') }))).toBe(
      'config',
    )
    expect(
      failureReasonOf(
        new VerifyError({
          deployment: { name: 'k/k', available: false, replicas: '0/2' },
          objects: [],
          problems: ['p'],
          notes: [],
        }),
      ),
    ).toBe('verify')
    expect(failureReasonOf(new Error('boom'))).toBe('unexpected')
    expect(failureReasonOf('not even an Error')).toBe('unexpected')
  })

  test('a drift exits 2 with failure-reason=drift and an error annotation', async () => {
    failRun(new DriftDetected('the cluster drifted: 1 to change'))
    expect(process.exitCode).toBe(DRIFT_EXIT_CODE)
    const { readFileSync } = await import('node:fs')
    expect(readFileSync(outputFile, 'utf8')).toMatch(/failure-reason<<.*\ndrift\n/)
    expect(out.join('')).toContain('::error title=Drift detected::the cluster drifted: 1 to change')
  })

  test('any other failure exits 1; one of no known kind is failure-reason unexpected', async () => {
    failRun(new ActionFailure('plan-changed', 'the plan changed'))
    expect(process.exitCode).toBe(1)
    failRun(new Error('surprise'))
    const { readFileSync } = await import('node:fs')
    const written = readFileSync(outputFile, 'utf8')
    expect(written.match(/failure-reason<<.*\n(.*)\n/g)?.map((m) => m.split('\n')[1])).toEqual([
      'plan-changed',
      'unexpected',
    ])
    expect(out.join('')).toContain('::error::surprise')
  })

  test('action.yml and the README document every failure-reason the action sets, and no other', () => {
    const reasons = Object.keys(FAILURE_REASONS).sort()
    const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
      outputs: Record<string, { description: string }>
    }
    const described = action.outputs['failure-reason'].description
    expect([...described.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).sort()).toEqual(reasons)
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('### Failure reasons'))
    const table = section.slice(0, section.indexOf('\n#'))
    const rows = Object.fromEntries([...table.matchAll(/^\| `([a-z-]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]))
    expect(rows).toEqual(FAILURE_REASONS)
  })
})
