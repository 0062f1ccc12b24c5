/**
 * The pull-request flow end to end: `node dist/index.js` run as GitHub runs it, against the sandbox (moto, the
 * local control plane) and the local GitHub stand-in (checked against GitHub's OpenAPI description). Plans
 * post the sticky comment; applies refuse, changing nothing, when the plan changed since the review, when commits
 * were pushed after it, or when another run holds the state lock; a scheduled plan that finds drift exits 2.
 *
 * Nothing here applies: every scenario stops before the first change, so the shared sandbox is left as it was.
 * Each test has its own state key and node-role name (so its plan always has something to create).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { stringify } from 'yaml'
import { GITHUB_ACTIONS_BOT, GitHubApiStandIn } from '../support/github-api.js'
import { sandboxConfigData } from '../support/context.js'
import { runAction, uniqueSuffix, useSandbox, type ActionRun } from '../support/sandbox.js'
import { parseMarker } from '../../src/github/comment.js'

const PR = 7
const HEAD = '3f786850e387550fdab836ed7e6dc881de23001b'
const PUSHED = 'b6589fc6ab0dc82cf12099d1c2d40ab994e8410c'
const BASE = '0ade7c2cf97f75d009975f4d720d1fa6c19f4897'

let api: GitHubApiStandIn
let s3: S3Client
let dir: string
let suffix: string
let stateKey: string

beforeAll(() => {
  useSandbox()
  s3 = new S3Client({ region: process.env.AWS_REGION, forcePathStyle: true })
})

afterAll(() => s3.destroy())

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ owner: 'opsfleet', repo: 'infrastructure' })
  api.addPullRequest({ number: PR, headSha: HEAD, baseSha: BASE })
  dir = mkdtempSync(join(tmpdir(), 'ka-pr-action-'))
  suffix = uniqueSuffix()
  stateKey = `test/pr-action/${suffix}/opsfleet-dev-cluster.json`
})

afterEach(async () => {
  try {
    api.assertNoViolations()
  } finally {
    await api.close()
  }
})

/** A config for this test: the sandbox's, with its own state key and node role, plus `overrides`. */
function writeConfig(overrides: Record<string, unknown> = {}): string {
  const file = join(dir, `karpenter-${uniqueSuffix()}.yaml`)
  const data = sandboxConfigData({
    iam: { nodeRole: `karpenter-role-${suffix}` },
    state: { bucket: 'espace-project-store', key: stateKey },
    ...overrides,
  })
  writeFileSync(file, stringify(data))
  return file
}

function eventFile(payload: unknown): string {
  const file = join(dir, `event-${uniqueSuffix()}.json`)
  writeFileSync(file, JSON.stringify(payload))
  return file
}

function github(event: string, payload: unknown, runId: string): Record<string, string> {
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventFile(payload),
    GITHUB_REPOSITORY: 'opsfleet/infrastructure',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_SHA: '9d4568c009d203ab10e33ea9953a0264ab2b7f4b',
    KARPENTER_ACTION_COMMENT_FILE: join(dir, `comment-${runId}.md`),
  }
}

function planOnPullRequest(config: string, head = HEAD): Promise<ActionRun> {
  const payload = {
    pull_request: {
      number: PR,
      head: { sha: head, repo: { full_name: 'opsfleet/infrastructure' } },
      base: { sha: BASE, repo: { full_name: 'opsfleet/infrastructure' } },
    },
  }
  return runAction(
    { mode: 'plan', config, 'github-token': api.issueToken({ kind: 'installation' }) },
    github('pull_request', payload, '501'),
  )
}

function applyReviewed(config: string): Promise<ActionRun> {
  return runAction(
    { mode: 'apply', config, 'pr-number': String(PR), 'github-token': api.issueToken({ kind: 'installation' }) },
    github('workflow_dispatch', { inputs: { 'pr-number': String(PR) } }, '502'),
  )
}

async function lockObject(): Promise<string | undefined> {
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'espace-project-store', Key: `${stateKey}.lock` }))
    return await got.Body!.transformToString()
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined
    throw e
  }
}

const explain = (run: ActionRun) => `exit ${run.exitCode}\n${run.stdout}\n${run.stderr}`

describe('plan on a pull request', () => {
  test('posts the sticky comment: marker with the plan id and head commit, the plan, the outputs', async () => {
    const run = await planOnPullRequest(writeConfig())

    expect(run.exitCode).toBe(0)
    const [comment] = api.commentsOn(PR)
    expect(api.commentsOn(PR)).toHaveLength(1)
    expect(comment.author).toBe(GITHUB_ACTIONS_BOT)
    expect(parseMarker(comment.body)).toEqual({
      cluster: 'opsfleet-dev-cluster',
      planId: run.outputs['plan-id'],
      sha: HEAD,
      base: BASE,
    })
    expect(comment.body).toMatch(/\*\*Plan: \d+ to add, \d+ to change, \d+ to destroy\.\*\*/)
    expect(comment.body).toContain(`karpenter-role-${suffix}`)
    expect(comment.body).toContain('```mermaid')
    expect(comment.body).toBe(readFileSync(join(dir, 'comment-501.md'), 'utf8'))
    expect(run.outputs['has-changes']).toBe('true')
    expect(run.outputs['comment-url']).toBe(
      `https://github.com/opsfleet/infrastructure/pull/${PR}#issuecomment-${comment.id}`,
    )
    expect(run.summary).toContain(`karpenter-role-${suffix}`)
  })

  test('a second push updates the same comment', async () => {
    const config = writeConfig()
    await planOnPullRequest(config)
    const again = await planOnPullRequest(config, PUSHED)

    expect(again.exitCode).toBe(0)
    expect(api.commentsOn(PR)).toHaveLength(1)
    expect(parseMarker(api.commentsOn(PR)[0].body)?.sha).toBe(PUSHED)
  })
})

describe('reviewed apply refuses, changing nothing', () => {
  test('the config changed after the review: failure-reason plan-changed, the difference shown', async () => {
    await planOnPullRequest(writeConfig())
    const before = api.commentsOn(PR)[0].body
    const changed = writeConfig({ iam: { nodeRole: `karpenter-role-${suffix}-b` } })

    const run = await applyReviewed(changed)

    expect(run.exitCode).toBe(1)
    expect(run.outputs['failure-reason']).toBe('plan-changed')
    expect(run.stdout).toMatch(/The plan changed since it was reviewed on pull request #7/)
    // The node role keeps its resource id under its new name: the difference names both, and what follows from it.
    expect(run.stdout).toContain(
      `iam role karpenter-role-${suffix}-b: was iam role karpenter-role-${suffix} in the review`,
    )
    expect(run.stdout).toMatch(/iam instance profile \S+: field role changes to another value/)
    expect(run.summary).toContain('### Apply refused: the plan changed since it was reviewed')
    expect(api.commentsOn(PR)[0].body).toBe(before)
    expect(await lockObject()).toBeUndefined()
  })

  test('commits pushed after the review: failure-reason plan-stale', async () => {
    const config = writeConfig()
    await planOnPullRequest(config)
    api.addPullRequest({ number: PR, headSha: PUSHED, baseSha: BASE })

    const run = await applyReviewed(config)

    expect(run.exitCode).toBe(1)
    expect(run.outputs['failure-reason']).toBe('plan-stale')
    expect(run.stdout).toContain(
      `is for commit ${HEAD.slice(0, 7)}, the pull request's head is now ${PUSHED.slice(0, 7)}`,
    )
  })

  test('another run holds the state lock: failure-reason locked, naming it; its lock is left alone', async () => {
    const config = writeConfig()
    await planOnPullRequest(config)
    const holder = {
      formatVersion: 1,
      id: 'other-run',
      operation: 'apply',
      cluster: 'opsfleet-dev-cluster',
      who: 'alice',
      runUrl: 'https://github.com/opsfleet/infrastructure/actions/runs/400',
      createdAt: new Date().toISOString(),
    }
    await s3.send(
      new PutObjectCommand({ Bucket: 'espace-project-store', Key: `${stateKey}.lock`, Body: JSON.stringify(holder) }),
    )

    const run = await applyReviewed(config)

    expect(run.exitCode).toBe(1)
    expect(run.outputs['failure-reason']).toBe('locked')
    expect(run.stdout).toContain(
      'is held by alice (apply of opsfleet-dev-cluster, run https://github.com/opsfleet/infrastructure/actions/runs/400',
    )
    expect(JSON.parse((await lockObject())!).id).toBe('other-run')
  })
})

test('a scheduled plan that finds drift exits 2 with failure-reason drift', async () => {
  const run = await runAction(
    { mode: 'plan', config: writeConfig(), comment: 'auto' },
    github('schedule', { schedule: '17 5 * * *' }, '503'),
  )
  expect(run.exitCode).toBe(2)
  expect(run.outputs['failure-reason']).toBe('drift')
  expect(run.outputs['has-changes']).toBe('true')
  expect(run.stdout).toMatch(/::error title=Drift detected::Drift: opsfleet-dev-cluster differs from/)
  expect(run.summary).toContain('Drift detected.')
  expect(api.requests).toHaveLength(0)
  void explain
})
