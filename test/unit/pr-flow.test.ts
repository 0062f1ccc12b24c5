/**
 * The pull-request flow, event to comment, over real HTTP against the local GitHub stand-in (every request and
 * response checked against GitHub's OpenAPI description): posting and updating the plan comment, and the
 * reviewed-apply check that refuses a plan other than the one reviewed.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GITHUB_ACTIONS_BOT, GitHubApiStandIn } from '../support/github-api.js'
import { COMMENT_LIMIT, formatMarker, parseMarker } from '../../src/github/comment.js'
import { ActionFailure } from '../../src/outcome.js'
import { PlanChangedError, PullRequestFlow, type PullRequestOptions } from '../../src/github/pr.js'
import { parseDigestBlock } from '../../src/github/reviewed-plan.js'
import { planFingerprint } from '../../src/plan/fingerprint.js'
import type { ChangeResult, Plan } from '../../src/plan/types.js'
import { change, CLUSTER, field, firstPlan, planOf } from './pr-fixtures.js'

const PR = 42
const HEAD = '3f786850e387550fdab836ed7e6dc881de23001b'
const NEXT_HEAD = 'b6589fc6ab0dc82cf12099d1c2d40ab994e8410c'
const MERGE = '9d4568c009d203ab10e33ea9953a0264ab2b7f4b'
const BASE = '0ade7c2cf97f75d009975f4d720d1fa6c19f4897'
const MOVED_BASE = 'c1dfd96eea8cc2b62785275bca38ac261256e278'
const RUN_URL = 'https://github.com/opsfleet/infrastructure/actions/runs/987'

let api: GitHubApiStandIn
let dir: string
let stdout: string[]

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ owner: 'opsfleet', repo: 'infrastructure' })
  api.addPullRequest({ number: PR, headSha: HEAD, baseSha: BASE })
  dir = mkdtempSync(join(tmpdir(), 'ka-pr-'))
  writeFileSync(join(dir, 'output'), '')
  writeFileSync(join(dir, 'summary'), '')
  stdout = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary')
})

afterEach(async () => {
  jest.restoreAllMocks()
  delete process.env.GITHUB_OUTPUT
  delete process.env.GITHUB_STEP_SUMMARY
  try {
    api.assertNoViolations()
  } finally {
    await api.close()
  }
})

/** The runner's environment for one event. */
function runnerEnv(event: 'pull_request' | 'workflow_dispatch' | 'push', payload: unknown = {}): NodeJS.ProcessEnv {
  const eventPath = join(dir, `${event}.json`)
  writeFileSync(eventPath, JSON.stringify(payload))
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'opsfleet/infrastructure',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: api.url,
    GITHUB_RUN_ID: '987',
    GITHUB_SHA: MERGE,
  }
}

function pullRequestEvent(head = HEAD, headRepo = 'opsfleet/infrastructure'): NodeJS.ProcessEnv {
  return runnerEnv('pull_request', {
    pull_request: {
      number: PR,
      head: { sha: head, repo: { full_name: headRepo } },
      base: { sha: BASE, repo: { full_name: 'opsfleet/infrastructure' } },
    },
  })
}

function flow(env: NodeJS.ProcessEnv, options: Partial<PullRequestOptions> = {}): PullRequestFlow {
  return PullRequestFlow.fromInputs(
    { comment: 'auto', githubToken: api.issueToken({ kind: 'installation' }), ...options },
    env,
  )
}

function outputs(): string {
  return readFileSync(join(dir, 'output'), 'utf8')
}

async function postPlan(plan: Plan, env = pullRequestEvent()): Promise<string | undefined> {
  return flow(env).publish(plan, planFingerprint(plan))
}

function onlyComment() {
  const comments = api.commentsOn(PR)
  expect(comments).toHaveLength(1)
  return comments[0]
}

describe('plan on a pull request', () => {
  test('the first push posts the comment: marker with plan id and the head commit, digest, the plan', async () => {
    const plan = firstPlan()
    const url = await postPlan(plan)

    const stored = onlyComment()
    expect(url).toBe(`https://github.com/opsfleet/infrastructure/pull/${PR}#issuecomment-${stored.id}`)
    expect(stored.author).toBe(GITHUB_ACTIONS_BOT)
    expect(parseMarker(stored.body)).toEqual({
      cluster: CLUSTER,
      planId: planFingerprint(plan),
      sha: HEAD,
      base: BASE,
    })
    expect(stored.body).not.toContain(MERGE)
    expect(parseDigestBlock(stored.body)?.planId).toBe(planFingerprint(plan))
    expect(stored.body).toContain('**Plan: 6 to add, 1 to change, 0 to destroy.**')
    expect(stored.body).toContain(`commit [\`${HEAD.slice(0, 7)}\`]`)
    expect(stored.body).toContain(`[workflow run](${RUN_URL})`)
    expect(stored.body).toContain('```mermaid')
    expect(stored.body).not.toContain('hunter2')
    expect(outputs()).toContain(url)
  })

  test('the next push updates the same comment in place', async () => {
    await postPlan(firstPlan())
    const next = planOf([change('node-pool:default', 'update', { fields: [field('spec.weight', 10, 20)] })])
    await postPlan(next, pullRequestEvent(NEXT_HEAD))

    const stored = onlyComment()
    expect(parseMarker(stored.body)).toEqual({
      cluster: CLUSTER,
      planId: planFingerprint(next),
      sha: NEXT_HEAD,
      base: BASE,
    })
    expect(stored.body).toContain('**Plan: 0 to add, 1 to change, 0 to destroy.**')
    expect(api.requestsFor('issues/create-comment')).toHaveLength(1)
    expect(api.requestsFor('issues/update-comment')).toHaveLength(1)
  })

  test('a plan with no changes says so plainly', async () => {
    await postPlan(planOf([change('namespace:karpenter', 'noop')]))
    expect(onlyComment().body).toContain('**No changes. The cluster matches the configuration.**')
  })

  test('on a pull request with more than 100 comments, its own comment (on page 2) is found and updated', async () => {
    for (let i = 0; i < 130; i++) api.seedComment({ issueNumber: PR, author: `reviewer-${i % 5}`, body: `LGTM ${i}` })
    const first = await postPlan(firstPlan())
    for (let i = 0; i < 10; i++) api.seedComment({ issueNumber: PR, author: 'reviewer-1', body: `nit ${i}` })
    const second = await postPlan(planOf([change('namespace:karpenter', 'noop')]), pullRequestEvent(NEXT_HEAD))

    expect(second).toBe(first)
    const ours = api.commentsOn(PR).filter((c) => c.author === GITHUB_ACTIONS_BOT)
    expect(ours).toHaveLength(1)
    expect(ours[0].body).toContain('No changes.')
    const pages = api.requestsFor('issues/list-comments').map((r) => r.query.page ?? '1')
    expect(pages).toEqual(['1', '2', '1', '2'])
  })

  test('a plan too big for a comment is cut below 65,536 characters; the digest survives; the summary is named', async () => {
    const huge = planOf(
      Array.from({ length: 60 }, (_, i) =>
        change(`node-pool:pool-${i}`, 'create', {
          fields: Array.from({ length: 40 }, (_, j) =>
            field(`spec.template.metadata.labels.l${j}`, undefined, 'v'.repeat(30)),
          ),
        }),
      ),
    )
    await postPlan(huge)

    const body = onlyComment().body
    expect(body.length).toBeLessThan(COMMENT_LIMIT)
    expect(parseMarker(body)?.planId).toBe(planFingerprint(huge))
    expect(parseDigestBlock(body)?.changes).toHaveLength(60)
    expect(body).toContain(`The full plan is in the [job summary of this run](${RUN_URL})`)
    expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length)
  })

  test("other users' comments, even carrying the same marker, are left alone", async () => {
    const copied = `${formatMarker({ cluster: CLUSTER, planId: 'aaaa', sha: HEAD })}\nquoted`
    const theirs = api.seedComment({ issueNumber: PR, author: 'mallory', body: copied })
    await postPlan(firstPlan())
    await postPlan(firstPlan(), pullRequestEvent(NEXT_HEAD))

    expect(api.comment(theirs.id)?.body).toBe(copied)
    expect(api.commentsOn(PR)).toHaveLength(2)
    const patched = api.requestsFor('issues/update-comment').map((r) => r.path)
    expect(patched).not.toContain(`/repos/opsfleet/infrastructure/issues/comments/${theirs.id}`)
  })

  test('without pull-requests: write the run fails with reason comment and a message naming the permission', async () => {
    const token = api.issueToken({ kind: 'installation', canWrite: false })
    const attempt = flow(pullRequestEvent(), { githubToken: token }).publish(firstPlan(), 'p1')

    await expect(attempt).rejects.toMatchObject({ reason: 'comment' })
    await expect(attempt).rejects.toThrow(/`permissions: pull-requests: write`/)
    expect(api.commentsOn(PR)).toHaveLength(0)
  })

  test('on a pull request from a fork, a read-only token is a warning, not a failure', async () => {
    const token = api.issueToken({ kind: 'installation', canWrite: false })
    const env = pullRequestEvent(HEAD, 'someone/infrastructure')
    const url = await flow(env, { githubToken: token }).publish(firstPlan(), 'p1')

    expect(url).toBeUndefined()
    expect(stdout.join('')).toMatch(/::warning::The plan comment could not be posted: .*comes from a fork/)
  })

  test('comment: always with no pull request fails at once, before any plan; auto does not; never sends nothing', async () => {
    const push = runnerEnv('push')
    expect(() => flow(push, { comment: 'always' })).toThrow(
      'No pull request to comment on: input `comment` is always, but this push run has no pull request: set `pr-number`.',
    )
    await expect(flow(push).publish(firstPlan(), 'p1')).resolves.toBeUndefined()
    await expect(flow(pullRequestEvent(), { comment: 'never' }).publish(firstPlan(), 'p1')).resolves.toBeUndefined()
    expect(api.requests).toHaveLength(0)
  })

  test('an empty github-token is a clear error', async () => {
    await expect(flow(pullRequestEvent(), { githubToken: '' }).publish(firstPlan(), 'p1')).rejects.toThrow(
      /No GitHub token: the `github-token` input is empty/,
    )
  })

  test('the comment file holds exactly the body GitHub received, and is written when nothing is posted', async () => {
    const file = join(dir, 'comment.md')
    const plan = firstPlan()
    await flow(pullRequestEvent(), { commentFile: file }).publish(plan, planFingerprint(plan))
    expect(readFileSync(file, 'utf8')).toBe(onlyComment().body)

    const local = join(dir, 'local.md')
    await flow({ GITHUB_SHA: HEAD }, { commentFile: local, githubToken: '' }).publish(plan, planFingerprint(plan))
    expect(parseMarker(readFileSync(local, 'utf8'))).toEqual({
      cluster: CLUSTER,
      planId: planFingerprint(plan),
      sha: HEAD,
    })
  })
})

describe('reviewed apply', () => {
  const dispatch = () => runnerEnv('workflow_dispatch', { inputs: { 'pr-number': String(PR) } })
  const applyFlow = () => flow(dispatch(), { prNumber: PR })

  test('the same plan as reviewed passes; the result then shows in the same comment', async () => {
    const plan = firstPlan()
    const planId = planFingerprint(plan)
    await postPlan(plan)

    const apply = applyFlow()
    const check = await apply.checkReviewedPlan({ ...plan, mode: 'apply' }, planId)
    expect(check).toMatchObject({ status: 'matches', approved: { planId, sha: HEAD }, head: { headSha: HEAD } })

    const results: ChangeResult[] = plan.changes
      .filter((c) => c.action !== 'noop')
      .map((c) => ({ id: c.id, action: c.action, status: 'done', durationMs: 1000 }))
    await apply.publish({ ...plan, mode: 'apply' }, planId, results)

    const stored = onlyComment()
    expect(parseMarker(stored.body)).toEqual({ cluster: CLUSTER, planId, sha: HEAD, base: BASE })
    expect(stored.body).toContain('**Apply complete: 7 of 7 change(s) done.**')
    expect(stored.body).toContain('| done in 1.0s |')
  })

  test('after an apply, a result comment that cannot be posted is only a warning', async () => {
    const plan = firstPlan()
    const planId = planFingerprint(plan)
    await postPlan(plan)
    const token = api.issueToken({ kind: 'installation', canWrite: false })
    const apply = flow(dispatch(), { prNumber: PR, githubToken: token })
    await apply.checkReviewedPlan(plan, planId)

    const results: ChangeResult[] = [{ id: 'namespace:karpenter', action: 'create', status: 'done', durationMs: 5 }]
    await expect(apply.publishResult({ ...plan, mode: 'apply' }, planId, results)).resolves.toBeUndefined()
    expect(stdout.join('')).toMatch(
      /::warning::The plan comment could not be posted: .*pull-requests: write.* The result of the apply is in the job summary\./,
    )
  })

  test('a plan that changed is refused with reason plan-changed, the difference shown, the comment untouched', async () => {
    const reviewed = firstPlan()
    await postPlan(reviewed)
    const before = onlyComment().body
    const now = structuredClone(reviewed)
    now.changes.find((c) => c.id === 'node-pool:default')!.fields = [
      field('spec.disruption.consolidateAfter', undefined, '5m'),
    ]
    now.changes.push(change('ec2-node-class:default', 'create'))

    const attempt = applyFlow().checkReviewedPlan(now, planFingerprint(now))

    await expect(attempt).rejects.toBeInstanceOf(PlanChangedError)
    const error = (await attempt.catch((e: unknown) => e)) as PlanChangedError
    expect(error.reason).toBe('plan-changed')
    expect(error.message).toContain(
      `The plan changed since it was reviewed on pull request #${PR}: reviewed ${planFingerprint(reviewed)}`,
    )
    expect(error.message).toContain(
      '~ node pool default: field spec.disruption.consolidateAfter changes to another value',
    )
    expect(error.message).toContain('+ ec2 node class default: create is new since the review')
    expect(error.message).toContain('Nothing was changed.')
    expect(onlyComment().body).toBe(before)
    expect(api.requestsFor('issues/update-comment')).toHaveLength(0)
    const summary = readFileSync(join(dir, 'summary'), 'utf8')
    expect(summary).toContain('### Apply refused: the plan changed since it was reviewed')
    expect(summary).toContain('+ ec2 node class default: create is new since the review')
  })

  test('a changed sensitive value is refused too, naming where it may hide', async () => {
    const reviewed = firstPlan()
    await postPlan(reviewed)
    const now = structuredClone(reviewed)
    now.changes.find((c) => c.id === 'helm-release:karpenter')!.fields[2].after = 'rotated'

    const attempt = applyFlow().checkReviewedPlan(now, planFingerprint(now))
    await expect(attempt).rejects.toThrow(
      /a sensitive value must differ, in one of: helm release karpenter: field values\.webhook\.token/,
    )
    await expect(attempt).rejects.not.toThrow(/rotated|hunter2/)
  })

  test('commits pushed after the plan: refused with reason plan-stale, naming both commits', async () => {
    const plan = firstPlan()
    await postPlan(plan)
    api.addPullRequest({ number: PR, headSha: NEXT_HEAD, baseSha: BASE })

    const attempt = applyFlow().checkReviewedPlan(plan, planFingerprint(plan))
    await expect(attempt).rejects.toMatchObject({ reason: 'plan-stale' })
    await expect(attempt).rejects.toThrow(
      `is for commit ${HEAD.slice(0, 7)}, the pull request's head is now ${NEXT_HEAD.slice(0, 7)}`,
    )
  })

  test('no plan comment on the pull request: reason no-reviewed-plan and what to do', async () => {
    const plan = firstPlan()
    const attempt = applyFlow().checkReviewedPlan(plan, planFingerprint(plan))
    await expect(attempt).rejects.toMatchObject({ reason: 'no-reviewed-plan' })
    await expect(attempt).rejects.toThrow(
      /has no plan comment for cluster opsfleet-dev-cluster.*Let the plan workflow run/,
    )
  })

  test('a plan comment written by someone else does not count as reviewed', async () => {
    const plan = firstPlan()
    api.seedComment({
      issueNumber: PR,
      author: 'mallory',
      body: formatMarker({ cluster: CLUSTER, planId: planFingerprint(plan), sha: HEAD }),
    })
    await expect(applyFlow().checkReviewedPlan(plan, planFingerprint(plan))).rejects.toMatchObject({
      reason: 'no-reviewed-plan',
    })
  })

  test('a plan with nothing to do needs no check and asks GitHub nothing', async () => {
    const empty = planOf([change('namespace:karpenter', 'noop')])
    await expect(applyFlow().checkReviewedPlan(empty, planFingerprint(empty))).resolves.toEqual({
      status: 'nothing-to-do',
    })
    expect(api.requests).toHaveLength(0)
  })

  test('a pull request that does not exist is a clear error', async () => {
    const plan = firstPlan()
    const apply = flow(dispatch(), { prNumber: 999 })
    await expect(apply.checkReviewedPlan(plan, planFingerprint(plan))).rejects.toThrow(
      /pull request opsfleet\/infrastructure#999 was not found/,
    )
  })

  test('the refusal is an ActionFailure the outcome module maps to failure-reason', async () => {
    const reviewed = firstPlan()
    await postPlan(reviewed)
    const now = planOf([change('namespace:karpenter', 'create')])
    await expect(applyFlow().checkReviewedPlan(now, planFingerprint(now))).rejects.toBeInstanceOf(ActionFailure)
  })
})

describe('the reviewed plan cannot be forged', () => {
  const dispatch = () => runnerEnv('workflow_dispatch', { inputs: { 'pr-number': String(PR) } })
  const applyFlow = () => flow(dispatch(), { prNumber: PR })

  test('a comment whose visible plan was edited is refused with plan-changed and the lines that differ', async () => {
    const plan = firstPlan()
    const planId = planFingerprint(plan)
    await postPlan(plan)
    const real = onlyComment()
    // Marker and digest kept, the visible plan rewritten: what reviewers read is no longer what would run.
    const forged = real.body.replace(
      '**Plan: 6 to add, 1 to change, 0 to destroy.**',
      '**Plan: 0 to add, 1 to change, 0 to destroy.**',
    )
    expect(forged).not.toBe(real.body)
    api.editComment(real.id, forged)

    const attempt = applyFlow().checkReviewedPlan({ ...plan, mode: 'apply' }, planId)
    await expect(attempt).rejects.toMatchObject({ reason: 'plan-changed' })
    const error = (await attempt.catch((e: unknown) => e)) as PlanChangedError
    expect(error.message).toContain('does not show the plan being applied')
    expect(error.message).toContain('-**Plan: 0 to add, 1 to change, 0 to destroy.**')
    expect(error.message).toContain('+**Plan: 6 to add, 1 to change, 0 to destroy.**')
    expect(error.message).toMatch(/@@ -\d+ \+\d+ @@/)
    // What the job summary gets.
    expect(error.markdown).toContain('### Apply refused: the plan comment does not show this plan')
    expect(error.markdown).toContain('+**Plan: 6 to add, 1 to change, 0 to destroy.**')
  })

  test('an edit anywhere counts: a line added under the plan is refused too', async () => {
    const plan = firstPlan()
    await postPlan(plan)
    const real = onlyComment()
    api.editComment(real.id, `${real.body}\n\nApproved by the platform team, nothing to review.\n`)
    await expect(applyFlow().checkReviewedPlan(plan, planFingerprint(plan))).rejects.toThrow(
      /\+?-Approved by the platform team, nothing to review\./,
    )
  })

  test('the unedited comment passes, also when the apply runs from another run (other run link, mode apply)', async () => {
    const plan = firstPlan()
    await postPlan(plan)
    const env = { ...dispatch(), GITHUB_RUN_ID: '4242' }
    await expect(
      flow(env, { prNumber: PR }).checkReviewedPlan({ ...plan, mode: 'apply' }, planFingerprint(plan)),
    ).resolves.toMatchObject({ status: 'matches' })
  })

  test('a newer comment by the same bot with a forged marker is refused, whatever its marker says', async () => {
    const plan = firstPlan()
    const planId = planFingerprint(plan)
    await postPlan(plan)
    // Another workflow of the repository (same GITHUB_TOKEN bot) adds a comment whose marker names the plan.
    api.seedComment({
      issueNumber: PR,
      author: GITHUB_ACTIONS_BOT,
      body: `${formatMarker({ cluster: CLUSTER, planId, sha: HEAD, base: BASE })}\n### Karpenter plan\n\nNo changes.`,
    })
    const attempt = applyFlow().checkReviewedPlan(plan, planId)
    await expect(attempt).rejects.toMatchObject({ reason: 'plan-changed' })
    await expect(attempt).rejects.toThrow(/has 2 plan comments for cluster opsfleet-dev-cluster/)
  })

  test('a forged comment standing alone (the real one deleted) is refused by its visible text', async () => {
    const plan = firstPlan()
    const planId = planFingerprint(plan)
    api.seedComment({
      issueNumber: PR,
      author: GITHUB_ACTIONS_BOT,
      body: `${formatMarker({ cluster: CLUSTER, planId, sha: HEAD, base: BASE })}\n### Karpenter plan\n\nNo changes.`,
    })
    const attempt = applyFlow().checkReviewedPlan(plan, planId)
    await expect(attempt).rejects.toMatchObject({ reason: 'plan-changed' })
    await expect(attempt).rejects.toThrow(/-No changes\./)
  })
})

describe('apply requirements', () => {
  const dispatch = () => runnerEnv('workflow_dispatch', { inputs: { 'pr-number': String(PR) } })
  const applyFlow = (applyRequires: ('approved' | 'mergeable' | 'undiverged')[]) =>
    flow(dispatch(), { prNumber: PR, applyRequires, requirementOptions: { mergeableDelayMs: 1 } })

  test('approved: a review approving the head after the plan comment, by someone else, lets the apply go ahead', async () => {
    const plan = firstPlan()
    await postPlan(plan)
    api.addReview({ pullNumber: PR, author: 'reviewer-1', state: 'APPROVED' })
    await expect(applyFlow(['approved']).checkReviewedPlan(plan, planFingerprint(plan))).resolves.toMatchObject({
      status: 'matches',
    })
    expect(api.requestsFor('pulls/list-reviews')).toHaveLength(1)
  })

  test("approved: the author's own approval does not count", async () => {
    const plan = firstPlan()
    await postPlan(plan)
    api.addReview({ pullNumber: PR, author: 'octo-dev', state: 'APPROVED' })
    const attempt = applyFlow(['approved']).checkReviewedPlan(plan, planFingerprint(plan))
    await expect(attempt).rejects.toMatchObject({ reason: 'apply-requirements' })
    await expect(attempt).rejects.toThrow(
      /approved: no approval of the head commit 3f78685 by someone other than its author \(not counted: octo-dev is the pull request's author\)/,
    )
  })

  test('approved: an approval before the last push does not count', async () => {
    await postPlan(firstPlan())
    api.addReview({ pullNumber: PR, author: 'reviewer-1', state: 'APPROVED' })
    // A push after the approval, and the plan posted again for the new head.
    api.addPullRequest({ number: PR, headSha: NEXT_HEAD, baseSha: BASE })
    const plan = firstPlan()
    await postPlan(plan, pullRequestEvent(NEXT_HEAD))
    const attempt = applyFlow(['approved']).checkReviewedPlan(plan, planFingerprint(plan))
    await expect(attempt).rejects.toMatchObject({ reason: 'apply-requirements' })
    await expect(attempt).rejects.toThrow(
      `reviewer-1 approved commit ${HEAD.slice(0, 7)}, before the last push (head ${NEXT_HEAD.slice(0, 7)})`,
    )
  })

  test('approved: an approval given before the plan comment took its text, a bot, or changes requested do not do', async () => {
    const plan = firstPlan()
    api.addReview({ pullNumber: PR, author: 'reviewer-1', state: 'APPROVED' })
    await postPlan(plan)
    api.addReview({ pullNumber: PR, author: 'github-actions[bot]', state: 'APPROVED' })
    await expect(applyFlow(['approved']).checkReviewedPlan(plan, planFingerprint(plan))).rejects.toThrow(
      /reviewer-1 approved before the plan comment took its present text.*github-actions\[bot\] is a bot/,
    )
    api.addReview({ pullNumber: PR, author: 'reviewer-2', state: 'APPROVED' })
    api.addReview({ pullNumber: PR, author: 'reviewer-3', state: 'CHANGES_REQUESTED' })
    await expect(applyFlow(['approved']).checkReviewedPlan(plan, planFingerprint(plan))).rejects.toThrow(
      /approved: changes are requested by reviewer-3/,
    )
    // A later approval by the same reviewer replaces their request for changes.
    api.addReview({ pullNumber: PR, author: 'reviewer-3', state: 'APPROVED' })
    await expect(applyFlow(['approved']).checkReviewedPlan(plan, planFingerprint(plan))).resolves.toMatchObject({
      status: 'matches',
    })
  })

  test('mergeable: asked again while GitHub computes it; false is refused', async () => {
    const plan = firstPlan()
    await postPlan(plan)
    api.addPullRequest({ number: PR, headSha: HEAD, baseSha: BASE, mergeable: [null, null, true] })
    await expect(applyFlow(['mergeable']).checkReviewedPlan(plan, planFingerprint(plan))).resolves.toMatchObject({
      status: 'matches',
    })
    expect(api.requestsFor('pulls/get')).toHaveLength(3)

    api.addPullRequest({ number: PR, headSha: HEAD, baseSha: BASE, mergeable: [false] })
    const attempt = applyFlow(['mergeable']).checkReviewedPlan(plan, planFingerprint(plan))
    await expect(attempt).rejects.toMatchObject({ reason: 'apply-requirements' })
    await expect(attempt).rejects.toThrow(
      /mergeable: GitHub says the pull request cannot be merged \(mergeable_state: dirty\)/,
    )
  })

  test('undiverged: the base branch moved since the plan is refused, naming both commits', async () => {
    const plan = firstPlan()
    await postPlan(plan)
    await expect(applyFlow(['undiverged']).checkReviewedPlan(plan, planFingerprint(plan))).resolves.toMatchObject({
      status: 'matches',
    })
    api.addPullRequest({ number: PR, headSha: HEAD, baseSha: MOVED_BASE })
    const attempt = applyFlow(['undiverged', 'approved']).checkReviewedPlan(plan, planFingerprint(plan))
    await expect(attempt).rejects.toMatchObject({ reason: 'apply-requirements' })
    const message = String(await attempt.catch((e: unknown) => (e as Error).message))
    expect(message).toContain(
      `undiverged: the base branch moved since the plan: it was at ${BASE.slice(0, 7)}, it is now at ${MOVED_BASE.slice(0, 7)}`,
    )
    // Every unmet requirement is named at once.
    expect(message).toContain('approved: no approval of the head commit')
    expect(message).toContain('Nothing was changed.')
  })
})
