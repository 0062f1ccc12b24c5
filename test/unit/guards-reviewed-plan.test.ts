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
import { compareVisible, visiblePlan } from '../../src/github/visible-plan.js'
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

// ---------------------------------------------------------------------------------------------------------------
// Each refusal word for word: what the log, the failure and the job summary say is part of the guard
// ---------------------------------------------------------------------------------------------------------------

const commentUrl = () => `https://github.com/opsfleet/infrastructure/pull/${PR}#issuecomment-${theComment().id}`

async function failure(attempt: Promise<unknown>): Promise<Error & { reason?: string; cause?: unknown }> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error & { reason?: string }
}

describe('each refusal, word for word', () => {
  test('a changed plan: the message, and the job summary with the differences and the comment against the plan now', async () => {
    const [reviewed, now] = [pools(2, 1), pools(2, 2)]
    await review(reviewed)
    const error = await refusal(check(now))
    const [was, is] = [planFingerprint(reviewed), planFingerprint(now)]
    expect(error.name).toBe('PlanChangedError')
    expect(error.message).toBe(
      `The plan changed since it was reviewed on pull request #${PR}: reviewed ${was} (${commentUrl()}), now ${is}.\n` +
        '  ~ node pool pool-00: field spec.weight changes to another value\n' +
        '  ~ node pool pool-01: field spec.weight changes to another value\n' +
        'Nothing was changed. Run the plan on the pull request again (re-run its workflow, or push), review the new ' +
        'plan, then run the apply again.',
    )
    const weight = (n: number) =>
      ['', ' ```diff', '-+ spec.weight = 1', '++ spec.weight = 2', ' ```', ' '].map((l, i) =>
        i === 0 ? `@@ -${n} +${n} @@` : l,
      )
    expect(error.markdown).toBe(
      [
        '### Apply refused: the plan changed since it was reviewed',
        '',
        `Reviewed plan \`${was}\` ([comment](${commentUrl()})) · plan now \`${is}\``,
        '',
        '```diff',
        '~ node pool pool-00: field spec.weight changes to another value',
        '~ node pool pool-01: field spec.weight changes to another value',
        '```',
        '',
        '<details><summary>The comment against the plan now (<code>-</code> the comment, <code>+</code> now)</summary>',
        '',
        '````diff',
        ...weight(14).slice(0, 1),
        ' ',
        ...weight(14).slice(1, 5),
        ' ',
        ...weight(22).slice(0, 1),
        ' ',
        ...weight(22).slice(1, 5),
        ' ',
        '````',
        '',
        '</details>',
        '',
        'Nothing was changed. Run the plan on the pull request again, review it, then run the apply again.',
        '',
      ].join('\n'),
    )
  })

  test('a plan id that differs where the text does not: the summary holds no comment difference', async () => {
    const plan = pools(2, 1)
    await review(plan)
    const comment = theComment()
    api.editComment(
      comment.id,
      comment.body
        .replace(`plan-id=${planFingerprint(plan)}`, `plan-id=${OTHER_ID}`)
        .replace(DIGEST_BLOCK, formatDigestBlock(planDigest(plan, OTHER_ID))),
    )
    const error = await refusal(check(plan))
    expect(error.markdown).toBe(
      [
        '### Apply refused: the plan changed since it was reviewed',
        '',
        `Reviewed plan \`${OTHER_ID}\` ([comment](${commentUrl()})) · plan now \`${planFingerprint(plan)}\``,
        '',
        '```diff',
        'the same resources and fields change, but the details kept in the comment cannot tell what differs',
        '```',
        '',
        'Nothing was changed. Run the plan on the pull request again, review it, then run the apply again.',
        '',
      ].join('\n'),
    )
  })

  test('an edited comment: thirty lines of its difference and a count in the message; all of it in the summary', async () => {
    const plan = pools(2, 1)
    await review(plan)
    const comment = theComment()
    const edited = `${comment.body}\n${Array.from({ length: 32 }, (_, i) => `added line ${i}`).join('\n')}\n`
    api.editComment(comment.id, edited)
    const error = await refusal(check(plan))
    // The plan is the one reviewed: its rendering now is the comment as it was posted.
    const diff = compareVisible(visiblePlan(edited), visiblePlan(comment.body))!
    expect(diff.length).toBe(36)
    expect(error.differences).toEqual([])
    expect(error.message).toBe(
      `The plan comment on pull request #${PR} (${commentUrl()}) does not show the plan being applied: its marker ` +
        `names plan ${planFingerprint(plan)}, but its visible text differs from that plan's rendering, so reviewers ` +
        'read something else (the comment was edited, or written by another workflow using the same token). ' +
        'Difference (- the comment, + the plan now):\n' +
        diff
          .slice(0, 30)
          .map((l) => `  ${l}`)
          .join('\n') +
        '\n  ... 6 more lines in the job summary\n' +
        'Nothing was changed. Re-run the plan on the pull request (it rewrites the comment), review it, then run ' +
        'the apply again.',
    )
    expect(error.markdown).toBe(
      [
        '### Apply refused: the plan comment does not show this plan',
        '',
        `The comment ([link](${commentUrl()})) carries the marker of plan \`${planFingerprint(plan)}\`, but its ` +
          'visible text is not the rendering of that plan. Difference (`-` the comment, `+` the plan now):',
        '',
        '```diff',
        ...diff,
        '```',
        '',
        'Nothing was changed. Re-run the plan on the pull request, review it, then run the apply again.',
        '',
      ].join('\n'),
    )
    // Exactly thirty lines: no count.
    api.editComment(comment.id, `${comment.body}\n${Array.from({ length: 26 }, (_, i) => `l${i}`).join('\n')}\n`)
    const thirty = await refusal(check(plan))
    expect(thirty.message).not.toContain('more lines in the job summary')
    expect(thirty.message.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(30)
  })

  test('no plan comment, a stale one, two of them: the messages whole', async () => {
    const plan = replaceOnly()
    const none = await failure(check(plan))
    expect(none.reason).toBe('no-reviewed-plan')
    expect(none.message).toBe(
      `Pull request #${PR} has no plan comment for cluster ${plan.cluster}, so there is no reviewed plan to apply. ` +
        'Let the plan workflow run on the pull request (it posts the comment this check reads), review the plan, ' +
        'then run the apply again. Nothing was changed.',
    )
    await review(plan)
    const NEXT = 'aaaaaaa1111111111111111111111111111111111'
    api.addPullRequest({ number: PR, headSha: NEXT })
    const stale = await failure(check(plan))
    expect(stale.reason).toBe('plan-stale')
    expect(stale.message).toBe(
      `Pull request #${PR} has new commits since its plan was reviewed: the plan comment (${commentUrl()}) is for ` +
        `commit ${HEAD.slice(0, 7)}, the pull request's head is now aaaaaaa. Let the plan workflow update the ` +
        'comment for the new head, review it, then run the apply again. Nothing was changed.',
    )
    api.addPullRequest({ number: PR, headSha: HEAD })
    api.seedComment({ issueNumber: PR, body: theComment().body, author: theComment().author })
    const two = await failure(check(plan))
    expect(two.reason).toBe('plan-changed')
    expect(two.message).toBe(
      `Pull request #${PR} has 2 plan comments for cluster ${plan.cluster} by the action's identity, but the action ` +
        'keeps exactly one: the others were added by something else (every workflow using GITHUB_TOKEN writes as ' +
        'the same bot), so which plan was reviewed cannot be told. Delete the plan comments, re-run the plan on the ' +
        'pull request, review it, then run the apply again. Nothing was changed.',
    )
  })

  test('an open pull request is applied without the closed-unmerged warning', async () => {
    const plan = replaceOnly()
    await review(plan)
    const before = stdout().length
    await expect(check(plan)).resolves.toMatchObject({ status: 'matches' })
    expect(stdout().slice(before)).not.toContain('::warning::')
  })

  test('an empty token, and a repository without an owner or a name: what to do, reason comment', async () => {
    const dispatch = env('workflow_dispatch', { inputs: { 'pr-number': String(PR) } })
    const noToken = PullRequestFlow.fromInputs({ comment: 'auto', githubToken: '', prNumber: PR }, dispatch)
    const e = await failure(noToken.checkReviewedPlan(replaceOnly(), 'x'))
    expect(e.reason).toBe('comment')
    expect(e.message).toBe(
      'No GitHub token: the `github-token` input is empty. Leave it at its default (`${{ github.token }}`) or pass ' +
        'a token that can read and write pull-request comments.',
    )
    for (const repository of ['opsfleet', '/infrastructure']) {
      const flow = flowFor({ ...dispatch, GITHUB_REPOSITORY: repository }, PR)
      await expect(flow.checkReviewedPlan(replaceOnly(), 'x')).rejects.toThrow(
        'GITHUB_REPOSITORY is not set: the pull request cannot be found outside GitHub',
      )
    }
    expect(api.requests).toHaveLength(0)
  })
})

describe('publishing, word for word', () => {
  const onPr = () =>
    env('pull_request', {
      pull_request: {
        number: PR,
        head: { sha: HEAD, repo: { full_name: 'opsfleet/infrastructure' } },
        base: { repo: { full_name: 'opsfleet/infrastructure' } },
      },
    })

  test('the decision is logged; a comment required but impossible fails before anything, naming why', () => {
    flowFor(onPr())
    expect(stdout()).toMatch(/^Pull-request comment: yes \(.+\)$/m)
    const dispatch = env('workflow_dispatch', {})
    PullRequestFlow.fromInputs({ comment: 'never', githubToken: 'x' }, dispatch)
    expect(stdout()).toMatch(/^Pull-request comment: no \(.+\)$/m)
    let thrown: unknown
    try {
      PullRequestFlow.fromInputs({ comment: 'always', githubToken: 'x' }, dispatch)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toMatchObject({ reason: 'comment' })
    expect((thrown as Error).message).toMatch(/^No pull request to comment on: .+\.$/)
  })

  test('a required comment that was not posted fails naming why; the URL of one posted is the comment-url output', async () => {
    const flow = new PullRequestFlow(
      { ...flowFor(env('workflow_dispatch', {})).event },
      { comment: 'always', githubToken: 'x' },
    )
    const plan = replaceOnly()
    const e = await failure(flow.publish(plan, planFingerprint(plan)))
    expect(e.reason).toBe('comment')
    expect(e.message).toBe(`No comment posted: ${flow.decision.why}.`)
    const output = join(dir, 'output')
    writeFileSync(output, '')
    process.env.GITHUB_OUTPUT = output
    try {
      const url = await flowFor(onPr()).publish(plan, planFingerprint(plan))
      expect(url).toBe(commentUrl())
      expect(readFileSync(output, 'utf8')).toMatch(new RegExp(`^comment-url<<(\\S+)\\n${url}\\n\\1\\n$`))
    } finally {
      delete process.env.GITHUB_OUTPUT
    }
  })

  test('a comment that cannot be posted: required, the failure keeps its cause; optional, the warning says where the plan is', async () => {
    const plan = replaceOnly()
    const token = api.issueToken({ kind: 'installation' })
    api.setCanWrite(token, false)
    const required = PullRequestFlow.fromInputs({ comment: 'always', githubToken: token }, onPr())
    const e = await failure(required.publish(plan, planFingerprint(plan)))
    expect(e.reason).toBe('comment')
    expect(e.message).toMatch(/^The plan comment could not be posted: /)
    expect(e.cause).toBeInstanceOf(Error)
    // From a fork, the comment is optional (GitHub makes the token read-only there).
    const fromFork = env('pull_request', {
      pull_request: {
        number: PR,
        head: { sha: HEAD, repo: { full_name: 'someone/infrastructure' } },
        base: { repo: { full_name: 'opsfleet/infrastructure' } },
      },
    })
    const optional = PullRequestFlow.fromInputs({ comment: 'auto', githubToken: token }, fromFork)
    await expect(optional.publish(plan, planFingerprint(plan))).resolves.toBeUndefined()
    expect(stdout()).toMatch(
      /::warning::The plan comment could not be posted: .*\. This pull request comes from a fork, whose GITHUB_TOKEN GitHub makes read-only; the whole plan is in the job summary\./,
    )
  })
})
