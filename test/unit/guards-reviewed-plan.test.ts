/**
 * The reviewed-apply check over the GitHub stand-in, for the plans a shortcut could let through: one that only
 * destroys, one that only replaces, and a plan of no-ops (the only one that needs no review).
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GitHubApiStandIn } from '../support/github-api.js'
import { parseMarker } from '../../src/github/comment.js'
import { COMMENT_FILE_ENV, PlanChangedError, PullRequestFlow } from '../../src/github/pr.js'
import { formatDigestBlock, planDigest } from '../../src/github/reviewed-plan.js'
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

// ---------------------------------------------------------------------------------------------------------------
// What a refusal says, and the comment's own edges
// ---------------------------------------------------------------------------------------------------------------

const DIGEST_BLOCK = /<!-- karpenter-action:reviewed-plan [A-Za-z0-9_-]+ -->/
const OTHER_ID = 'feedbeeffeedbeef'

/** The one plan comment on the pull request, as it is now. */
function theComment() {
  const comments = api.commentsOn(PR)
  expect(comments).toHaveLength(1)
  return { ...comments[0] }
}

async function refusal(attempt: Promise<unknown>): Promise<PlanChangedError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(PlanChangedError)
  return error as PlanChangedError
}

/** Node pools, each changing its weight to `weight`. */
const pools = (n: number, weight: number) =>
  planOf(
    Array.from({ length: n }, (_, i) =>
      change(`node-pool:pool-${String(i).padStart(2, '0')}`, 'create', {
        fields: [field('spec.weight', undefined, weight)],
      }),
    ),
  )

describe('a refusal names what differs', () => {
  test('the message lists fifteen differences and counts the rest; the job summary has them all', async () => {
    await review(pools(20, 1))
    const error = await refusal(check(pools(20, 2)))
    expect(error.differences).toHaveLength(20)
    const listed = error.message.split('\n').filter((l) => l.startsWith('  ~ node pool'))
    expect(listed).toHaveLength(15)
    expect(listed[0]).toBe('  ~ node pool pool-00: field spec.weight changes to another value')
    expect(error.message).toContain('\n  ... and 5 more in the job summary\n')
    expect(error.markdown.split('\n').filter((l) => l.startsWith('~ node pool'))).toHaveLength(20)
    expect(error.markdown).toContain(
      `Reviewed plan \`${planFingerprint(pools(20, 1))}\` ([comment](https://github.com/`,
    )
    expect(error.markdown).toContain(`) · plan now \`${planFingerprint(pools(20, 2))}\``)
  })

  test('fifteen differences are listed without a count', async () => {
    await review(pools(15, 1))
    const error = await refusal(check(pools(15, 2)))
    expect(error.message.split('\n').filter((l) => l.startsWith('  ~ node pool'))).toHaveLength(15)
    expect(error.message).not.toContain('more in the job summary')
  })

  test('a comment without its digest, or with the digest of another plan, can only say the fingerprints differ', async () => {
    const reviewed = pools(2, 1)
    await review(reviewed)
    const comment = theComment()
    const noDigest = '  (the comment holds no readable digest of the reviewed plan, so only the fingerprints differ)'
    api.editComment(comment.id, comment.body.replace(DIGEST_BLOCK, ''))
    const without = await refusal(check(pools(2, 2)))
    expect(without.differences).toEqual([])
    expect(without.message).toContain(`\n${noDigest}\n`)
    // A digest whose plan id is not the marker's is another plan's: it is not compared.
    api.editComment(comment.id, comment.body.replace(DIGEST_BLOCK, formatDigestBlock(planDigest(reviewed, OTHER_ID))))
    const other = await refusal(check(pools(2, 2)))
    expect(other.differences).toEqual([])
    expect(other.message).toContain(`\n${noDigest}\n`)
  })

  test('a plan id alone that differs: the same resources and fields change, and the comment cannot tell more', async () => {
    const plan = pools(2, 1)
    await review(plan)
    const comment = theComment()
    // The marker and the digest name another plan id; the text and the digest's content are this plan's.
    const body = comment.body
      .replace(`plan-id=${planFingerprint(plan)}`, `plan-id=${OTHER_ID}`)
      .replace(DIGEST_BLOCK, formatDigestBlock(planDigest(plan, OTHER_ID)))
    api.editComment(comment.id, body)
    const error = await refusal(check(plan))
    expect(error.differences).toEqual([])
    expect(error.message).toContain(
      '\n  the same resources and fields change, but the details kept in the comment cannot tell what differs\n',
    )
  })

  test('a digest that kept less detail says its list may be incomplete', async () => {
    const reviewed = pools(2, 1)
    await review(reviewed)
    const comment = theComment()
    const cut = { ...planDigest(reviewed, planFingerprint(reviewed)), cut: 'fields' as const }
    api.editComment(comment.id, comment.body.replace(DIGEST_BLOCK, formatDigestBlock(cut)))
    const error = await refusal(check(pools(2, 2)))
    expect(error.differences).toHaveLength(2)
    expect(error.message).toContain(
      '\n  (the reviewed plan was large: its digest kept less detail, so the list may be incomplete)\n',
    )
    // A complete digest says nothing of the kind.
    api.editComment(comment.id, comment.body)
    const complete = await refusal(check(pools(2, 2)))
    expect(complete.message).not.toContain('the reviewed plan was large')
  })

  test('an edited comment: thirty lines of the difference in the message, all in the summary, fenced beyond its backticks', async () => {
    const plan = pools(1, 1)
    await review(plan)
    const comment = theComment()
    const added = Array.from({ length: 35 }, (_, i) => `added line ${i} \`\`\`\``)
    api.editComment(comment.id, `${comment.body}\n${added.join('\n')}\n`)
    const error = await refusal(check(plan))
    expect(error.message).toContain('does not show the plan being applied')
    const shown = error.message.split('\n').filter((l) => /^ {2}-added line \d+/.test(l))
    expect(shown.length).toBeGreaterThan(20)
    expect(shown.length).toBeLessThan(30)
    expect(error.message).toMatch(/\n {2}\.\.\. \d+ more lines in the job summary\n/)
    // The summary's fence is longer than the four backticks in the lines.
    expect(error.markdown).toContain('\n`````diff\n')
    expect(error.markdown).toContain('-added line 34 ````')
    expect(error.markdown.split('\n').filter((l) => l === '`````')).toHaveLength(1)
  })
})

describe('the pull request around the check', () => {
  test('a pull request closed without being merged: applied as reviewed, with a warning; a merged one without', async () => {
    const plan = replaceOnly()
    await review(plan)
    api.addPullRequest({ number: PR, headSha: HEAD, state: 'closed', merged: false })
    await expect(check(plan)).resolves.toMatchObject({ status: 'matches' })
    expect(stdout()).toContain(
      `::warning::Pull request #${PR} is closed without being merged; applying its reviewed plan anyway.`,
    )
    api.addPullRequest({ number: PR, headSha: HEAD, state: 'closed', merged: true })
    const before = stdout().length
    await expect(check(plan)).resolves.toMatchObject({ status: 'matches' })
    expect(stdout().slice(before)).not.toContain('::warning::')
  })

  test('a plan published from a dispatch asks GitHub for the base commit and records it', async () => {
    const BASE = '0ade7c2cf97f75d009975f4d720d1fa6c19f4897'
    api.addPullRequest({ number: PR, headSha: HEAD, baseSha: BASE })
    const dispatch = env('workflow_dispatch', { inputs: { 'pr-number': String(PR) } })
    const plan = replaceOnly()
    await flowFor(dispatch, PR).publish({ ...plan, mode: 'plan' }, planFingerprint(plan))
    expect(parseMarker(theComment().body)).toMatchObject({ base: BASE })
  })

  test('a base commit that cannot be read is a warning; the comment is still attempted', async () => {
    const dispatch = env('workflow_dispatch', { inputs: { 'pr-number': '43' } })
    const plan = replaceOnly()
    // Asked for by pr-number, the comment is required: its failure is the run's.
    await expect(flowFor(dispatch, 43).publish(plan, planFingerprint(plan))).rejects.toMatchObject({
      reason: 'comment',
    })
    expect(stdout()).toContain('::warning::The base commit of pull request #43 could not be read: ')
  })

  test('outside GitHub (no GITHUB_REPOSITORY) the check fails with reason comment before asking anything', async () => {
    const dispatch = env('workflow_dispatch', { inputs: { 'pr-number': String(PR) } })
    delete dispatch.GITHUB_REPOSITORY
    const attempt = flowFor(dispatch, PR).checkReviewedPlan(replaceOnly(), 'x')
    await expect(attempt).rejects.toMatchObject({ reason: 'comment' })
    await expect(attempt).rejects.toThrow(
      'GITHUB_REPOSITORY is not set: the pull request cannot be found outside GitHub',
    )
    expect(api.requests).toHaveLength(0)
  })

  test('the comment file named by the environment holds the body GitHub received', async () => {
    const file = join(dir, 'comment.md')
    const onPr = {
      ...env('pull_request', {
        pull_request: {
          number: PR,
          head: { sha: HEAD, repo: { full_name: 'opsfleet/infrastructure' } },
          base: { repo: { full_name: 'opsfleet/infrastructure' } },
        },
      }),
      [COMMENT_FILE_ENV]: file,
    }
    const plan = replaceOnly()
    await flowFor(onPr).publish(plan, planFingerprint(plan))
    expect(readFileSync(file, 'utf8')).toBe(theComment().body)
    expect(stdout()).toContain(`Comment body written to ${file} (${theComment().body.length} characters)`)
  })
})
