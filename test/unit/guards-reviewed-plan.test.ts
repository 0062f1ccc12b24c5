/**
 * The reviewed-apply check over the GitHub stand-in, for the plans a shortcut could let through: one that only
 * destroys, one that only replaces, and a plan of no-ops (the only one that needs no review).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GitHubApiStandIn } from '../support/github-api.js'
import { PullRequestFlow } from '../../src/github/pr.js'
import { planFingerprint } from '../../src/plan/fingerprint.js'
import type { Plan } from '../../src/plan/types.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'
import { change, field, planOf } from './pr-fixtures.js'

const PR = 42
const HEAD = '3f786850e387550fdab836ed7e6dc881de23001b'

let api: GitHubApiStandIn
let dir: string
const stdout = captureStdoutOfEachTest()

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ owner: 'opsfleet', repo: 'infrastructure' })
  api.addPullRequest({ number: PR, headSha: HEAD })
  dir = mkdtempSync(join(tmpdir(), 'ka-reviewed-'))
})

afterEach(async () => {
  try {
    api.assertNoViolations()
  } finally {
    await api.close()
  }
})

function env(event: 'pull_request' | 'workflow_dispatch', payload: unknown): NodeJS.ProcessEnv {
  const eventPath = join(dir, `${event}.json`)
  writeFileSync(eventPath, JSON.stringify(payload))
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'opsfleet/infrastructure',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '987',
  }
}

function flowFor(e: NodeJS.ProcessEnv, prNumber?: number): PullRequestFlow {
  return PullRequestFlow.fromInputs(
    { comment: 'auto', githubToken: api.issueToken({ kind: 'installation' }), prNumber },
    e,
  )
}

async function review(plan: Plan): Promise<void> {
  const onPr = env('pull_request', {
    pull_request: {
      number: PR,
      head: { sha: HEAD, repo: { full_name: 'opsfleet/infrastructure' } },
      base: { repo: { full_name: 'opsfleet/infrastructure' } },
    },
  })
  // The pull request's run is a plan run, whatever the mode of the run that applies it.
  await flowFor(onPr).publish({ ...plan, mode: 'plan' }, planFingerprint(plan))
}

function check(plan: Plan) {
  const dispatch = env('workflow_dispatch', { inputs: { 'pr-number': String(PR) } })
  return flowFor(dispatch, PR).checkReviewedPlan(plan, planFingerprint(plan))
}

const destroyOnly = () =>
  planOf([change('namespace:karpenter', 'noop'), change('node-pool:old', 'delete')], { mode: 'destroy' })
const replaceOnly = () =>
  planOf([change('iam-role:karpenter-role', 'replace', { fields: [field('path', '/', '/k/')] })], { mode: 'apply' })

describe('plans that change something need their review', () => {
  test.each([
    ['only destroys', destroyOnly],
    ['only replaces', replaceOnly],
  ])('a plan that %s is refused without a plan comment', async (_, make) => {
    await expect(check(make())).rejects.toMatchObject({ reason: 'no-reviewed-plan' })
    expect(api.requests.length).toBeGreaterThan(0)
  })

  test.each([
    ['only destroys', destroyOnly],
    ['only replaces', replaceOnly],
  ])('a plan that %s passes once reviewed, and only as reviewed', async (_, make) => {
    const plan = make()
    await review(plan)
    await expect(check(plan)).resolves.toMatchObject({ status: 'matches' })
    expect(stdout()).toContain(`The plan matches the plan reviewed on pull request #${PR}: ${planFingerprint(plan)}`)
    const other = structuredClone(plan)
    other.changes.push(change('sqs-queue:q', 'delete'))
    other.summary.destroy += 1
    await expect(check(other)).rejects.toMatchObject({ reason: 'plan-changed' })
  })

  test('a plan of no-ops alone needs no review and asks GitHub nothing', async () => {
    const noops = planOf([change('namespace:karpenter', 'noop')], { mode: 'destroy' })
    await expect(check(noops)).resolves.toEqual({ status: 'nothing-to-do' })
    expect(api.requests).toHaveLength(0)
    expect(stdout()).toContain(`The plan changes nothing, so there is nothing to check against pull request #${PR}.`)
  })

  test('the check needs a pull request number', async () => {
    const dispatch = env('workflow_dispatch', {})
    await expect(flowFor(dispatch).checkReviewedPlan(destroyOnly(), 'x')).rejects.toThrow(
      'checkReviewedPlan needs a pull request number (`pr-number`)',
    )
  })
})
