/**
 * The sticky plan comment, over real HTTP against the local GitHub stand-in (test/support/github-api.ts), which
 * checks every request and response against GitHub's OpenAPI description.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { GITHUB_ACTIONS_BOT, GitHubApiStandIn } from '../support/github-api.js'
import {
  COMMENT_LIMIT,
  findStickyComment,
  fitCommentBody,
  formatMarker,
  getPullRequestHead,
  parseMarker,
  readApprovedPlan,
  resolveIdentity,
  upsertStickyComment,
  type Octokit,
} from '../../src/github/comment.js'

const CLUSTER = 'opsfleet-dev-cluster'
const PR = 42
const HEAD_SHA = '3f786850e387550fdab836ed7e6dc881de23001b'
const PLAN_ID = 'a1b2c3d4e5f60718'
const RUN_URL = 'https://github.com/opsfleet/infrastructure/actions/runs/123456789'
const PAT_USER = 'karpenter-ci'

let api: GitHubApiStandIn
let stdout: string[]

function octokitFor(token: string): Octokit {
  return getOctokit(token, { baseUrl: api.url })
}

function target(overrides: Partial<{ cluster: string; planId: string; sha: string }> = {}) {
  return {
    owner: api.owner,
    repo: api.repo,
    issueNumber: PR,
    marker: { cluster: CLUSTER, planId: PLAN_ID, sha: HEAD_SHA, ...overrides },
    runUrl: RUN_URL,
  }
}

function planBody(text = 'Plan: 3 to add, 0 to change, 0 to destroy.'): string {
  return `### Karpenter plan for \`${CLUSTER}\`\n\n${text}\n`
}

beforeEach(async () => {
  api = await GitHubApiStandIn.start({ owner: 'opsfleet', repo: 'infrastructure' })
  api.addPullRequest({ number: PR, headSha: HEAD_SHA })
  stdout = []
  // @actions/core logs through process.stdout: keep it out of the test output, and let tests read warnings.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(async () => {
  jest.restoreAllMocks()
  try {
    api.assertNoViolations()
  } finally {
    await api.close()
  }
})

describe('marker', () => {
  test('formats and parses back, among other text', () => {
    const marker = formatMarker({ cluster: CLUSTER, planId: PLAN_ID, sha: HEAD_SHA })
    expect(marker).toBe(`<!-- karpenter-action:plan cluster=${CLUSTER} plan-id=${PLAN_ID} sha=${HEAD_SHA} -->`)
    const body = `Some words first.\n<!-- another-tool:plan cluster=x -->\n${marker}\n## Plan\n`
    expect(parseMarker(body)).toEqual({ cluster: CLUSTER, planId: PLAN_ID, sha: HEAD_SHA })
  })

  test('omits absent fields, and parsing tolerates extra spacing and unknown keys', () => {
    expect(formatMarker({ cluster: 'c1' })).toBe('<!-- karpenter-action:plan cluster=c1 -->')
    expect(parseMarker('<!--karpenter-action:plan   future=1\n cluster=c1   -->')).toEqual({ cluster: 'c1' })
  })

  test('is null when absent or naming no cluster', () => {
    expect(parseMarker('just a comment')).toBeNull()
    expect(parseMarker(null)).toBeNull()
    expect(parseMarker('<!-- karpenter-action:plan plan-id=abc -->')).toBeNull()
    expect(parseMarker('<!-- karpenter-action:planner cluster=c1 -->')).toBeNull()
  })

  test('refuses values that could break out of the HTML comment', () => {
    expect(() => formatMarker({ cluster: 'a b' })).toThrow(/cluster must be/)
    expect(() => formatMarker({ cluster: 'c', sha: 'x-->' })).toThrow(/sha must be/)
    expect(() => formatMarker({ cluster: '' })).toThrow(/cluster must be/)
  })
})

describe('fitCommentBody', () => {
  test('leaves a body within the limit alone', () => {
    const body = `${formatMarker({ cluster: CLUSTER })}\nshort`
    expect(fitCommentBody(body, { limit: 100 })).toBe(body)
  })

  test('cuts on a line boundary, keeps the marker and closes an open ~~~ fence', () => {
    const marker = formatMarker({ cluster: CLUSTER, planId: PLAN_ID })
    const lines = Array.from({ length: 200 }, (_, i) => `line ${String(i).padStart(3, '0')} of the plan`)
    const body = `intro\n${marker}\n~~~~diff\n${lines.join('\n')}\n~~~~\n`
    const fitted = fitCommentBody(body, { limit: 1000 })
    expect(fitted.length).toBeLessThanOrEqual(1000)
    expect(fitted.startsWith(`${marker}\n`)).toBe(true)
    const kept = fitted.split('\n').filter((l) => l.startsWith('line '))
    expect(kept.length).toBeGreaterThan(5)
    for (const line of kept) expect(lines).toContain(line)
    expect(fitted).toMatch(/line \d{3} of the plan\n~~~~\n/)
    expect(fitted).toContain("this run's job summary and log")
  })

  test('does not re-close a fence or details that were already closed', () => {
    const filler = Array.from({ length: 100 }, (_, i) => `row ${i}`).join('\n')
    const body = `<details><summary>s</summary>\n\n\`\`\`\ncode\n\`\`\`\n</details>\n${filler}`
    const fitted = fitCommentBody(body, { limit: 300, runUrl: RUN_URL })
    expect(fitted.match(/```/g)).toHaveLength(2)
    expect(fitted.match(/<\/details>/g)).toHaveLength(1)
    expect(fitted).toContain(`(${RUN_URL})`)
  })

  test('a single line longer than the limit is cut hard without splitting a surrogate pair', () => {
    const fitted = fitCommentBody('😀'.repeat(400), { limit: 500 })
    expect(fitted.length).toBeLessThanOrEqual(500)
    expect(fitted).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
  })
})

describe('sticky comment over the GitHub stand-in', () => {
  test('posts the first comment with the marker, as the token user', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    const result = await upsertStickyComment(octokit, { ...target(), body: planBody() })

    expect(result.action).toBe('created')
    expect(result.url).toBe(`https://github.com/opsfleet/infrastructure/pull/${PR}#issuecomment-${result.id}`)
    const [stored] = api.commentsOn(PR)
    expect(api.commentsOn(PR)).toHaveLength(1)
    expect(stored.id).toBe(result.id)
    expect(stored.author).toBe(PAT_USER)
    expect(parseMarker(stored.body)).toEqual({ cluster: CLUSTER, planId: PLAN_ID, sha: HEAD_SHA })
    expect(stored.body).toContain('Plan: 3 to add')
  })

  test('updates the same comment in place when the body changes', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    const first = await upsertStickyComment(octokit, { ...target(), body: planBody() })
    const second = await upsertStickyComment(octokit, {
      ...target({ planId: 'ffff0000', sha: 'b'.repeat(40) }),
      body: planBody('Plan: 1 to add, 1 to change, 0 to destroy.'),
    })

    expect(second).toEqual({ id: first.id, url: first.url, action: 'updated' })
    expect(api.commentsOn(PR)).toHaveLength(1)
    const stored = api.comment(first.id)
    expect(stored?.body).toContain('1 to change')
    expect(parseMarker(stored?.body)).toEqual({ cluster: CLUSTER, planId: 'ffff0000', sha: 'b'.repeat(40) })
    expect(api.requestsFor('issues/update-comment')).toHaveLength(1)
  })

  test('an identical body sends no PATCH', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    const first = await upsertStickyComment(octokit, { ...target(), body: planBody() })
    const second = await upsertStickyComment(octokit, { ...target(), body: planBody() })

    expect(second).toEqual({ id: first.id, url: first.url, action: 'unchanged' })
    expect(api.requestsFor('issues/update-comment')).toHaveLength(0)
    expect(api.requestsFor('issues/create-comment')).toHaveLength(1)
  })

  test('finds the newest marker comment among 150 (on page 2)', async () => {
    const marker = formatMarker({ cluster: CLUSTER, planId: 'old1', sha: HEAD_SHA })
    let older = 0
    let newer = 0
    for (let i = 1; i <= 150; i++) {
      if (i === 5) older = api.seedComment({ issueNumber: PR, author: PAT_USER, body: `${marker}\nold plan` }).id
      else if (i === 120)
        newer = api.seedComment({ issueNumber: PR, author: PAT_USER, body: `${marker}\nnewer plan` }).id
      else api.seedComment({ issueNumber: PR, author: `reviewer-${i % 7}`, body: `LGTM ${i}` })
    }
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))

    const found = await findStickyComment(octokit, {
      owner: api.owner,
      repo: api.repo,
      issueNumber: PR,
      cluster: CLUSTER,
    })

    expect(found?.id).toBe(newer)
    expect(found?.id).not.toBe(older)
    expect(found?.marker.planId).toBe('old1')
    const pages = api.requestsFor('issues/list-comments').map((r) => r.query)
    expect(pages).toEqual([{ per_page: '100' }, { per_page: '100', page: '2' }])
    expect(stdout.join('')).toMatch(/::warning::found 2 plan comments/)

    const result = await upsertStickyComment(octokit, { ...target(), body: planBody() })
    expect(result).toMatchObject({ id: newer, action: 'updated' })
    expect(api.comment(older)?.body).toContain('old plan')
  })

  test('a body over the limit is truncated below 65,536 characters, marker kept and fences closed', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    const diff = Array.from({ length: 3000 }, (_, i) => `+ spec.template.spec.requirements[${i}]: "value-${i}"`)
    const body = `## Plan\n\n<details><summary>Diff</summary>\n\n\`\`\`diff\n${diff.join('\n')}\n\`\`\`\n</details>\n`
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT)

    const result = await upsertStickyComment(octokit, { ...target(), body })

    const stored = api.comment(result.id)?.body ?? ''
    expect(stored.length).toBeLessThan(COMMENT_LIMIT)
    expect(parseMarker(stored)).toEqual({ cluster: CLUSTER, planId: PLAN_ID, sha: HEAD_SHA })
    expect(stored.match(/^```/gm)).toHaveLength(2)
    expect(stored.match(/<details>/g)?.length).toBe(stored.match(/<\/details>/g)?.length)
    expect(stored.indexOf('</details>')).toBeGreaterThan(stored.lastIndexOf('```'))
    expect(stored).toContain(`[job summary of this run](${RUN_URL})`)
    expect(stored).toMatch(/"value-\d+"\n```\n<\/details>\n/)
  })

  test("other users' comments carrying the same marker are never edited", async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    const copied = `${formatMarker({ cluster: CLUSTER, planId: PLAN_ID, sha: HEAD_SHA })}\nquoted plan`
    const before = api.seedComment({ issueNumber: PR, author: 'mallory', body: copied })

    const first = await upsertStickyComment(octokit, { ...target(), body: planBody() })
    const after = api.seedComment({ issueNumber: PR, author: 'some-other[bot]', body: copied })
    const second = await upsertStickyComment(octokit, { ...target(), body: planBody('changed') })

    expect(first.action).toBe('created')
    expect(second).toMatchObject({ id: first.id, action: 'updated' })
    expect(api.comment(before.id)?.body).toBe(copied)
    expect(api.comment(after.id)?.body).toBe(copied)
    const patched = api.requestsFor('issues/update-comment').map((r) => r.path)
    expect(patched).toEqual([`/repos/opsfleet/infrastructure/issues/comments/${first.id}`])
  })

  test('two clusters get two comments, each updated on its own', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    const dev = await upsertStickyComment(octokit, { ...target(), body: planBody('dev plan') })
    const prod = await upsertStickyComment(octokit, {
      ...target({ cluster: 'opsfleet-prod-cluster' }),
      body: planBody('prod plan'),
    })
    const devAgain = await upsertStickyComment(octokit, { ...target(), body: planBody('dev plan v2') })

    expect(prod.id).not.toBe(dev.id)
    expect(devAgain).toMatchObject({ id: dev.id, action: 'updated' })
    expect(api.commentsOn(PR)).toHaveLength(2)
    expect(api.comment(prod.id)?.body).toContain('prod plan')
    expect(parseMarker(api.comment(prod.id)?.body)?.cluster).toBe('opsfleet-prod-cluster')
    expect(api.comment(dev.id)?.body).toContain('dev plan v2')
  })

  test('without pull-requests: write, creating fails with a clear error', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'installation', canWrite: false }))
    const attempt = upsertStickyComment(octokit, { ...target(), body: planBody() })

    await expect(attempt).rejects.toThrow(
      'the token cannot write pull-request comments on opsfleet/infrastructure#42: give the workflow ' +
        '`permissions: pull-requests: write` (and for forks, note GITHUB_TOKEN is read-only)',
    )
    expect(api.requestsFor('issues/create-comment').map((r) => r.status)).toEqual([403])
    expect(api.commentsOn(PR)).toHaveLength(0)
  })

  test('without pull-requests: write, updating fails with the same clear error', async () => {
    const token = api.issueToken({ kind: 'installation' })
    const octokit = octokitFor(token)
    const first = await upsertStickyComment(octokit, { ...target(), body: planBody() })
    api.setCanWrite(token, false)

    const attempt = upsertStickyComment(octokit, { ...target(), body: planBody('changed') })

    await expect(attempt).rejects.toThrow(/permissions: pull-requests: write/)
    expect(api.requestsFor('issues/update-comment').map((r) => r.status)).toEqual([403])
    expect(api.comment(first.id)?.body).not.toContain('changed')
  })

  test('with GITHUB_TOKEN, GET /user is 403 and the comment is recognised as github-actions[bot]', async () => {
    const token = api.issueToken({ kind: 'installation' })
    const lookalike = api.seedComment({
      issueNumber: PR,
      author: PAT_USER,
      body: `${formatMarker({ cluster: CLUSTER })}\nx`,
    })

    const first = await upsertStickyComment(octokitFor(token), { ...target(), body: planBody() })
    // A later workflow run: a new client, so nothing is cached between the two.
    const second = await upsertStickyComment(octokitFor(token), { ...target(), body: planBody('next push') })

    expect(api.requestsFor('users/get-authenticated').map((r) => r.status)).toEqual([403, 403])
    expect(first.action).toBe('created')
    expect(first.id).not.toBe(lookalike.id)
    expect(second).toMatchObject({ id: first.id, action: 'updated' })
    expect(api.comment(first.id)?.author).toBe(GITHUB_ACTIONS_BOT)
    expect(api.comment(lookalike.id)?.body).toContain('\nx')
  })

  test('identity: a PAT is its user, GITHUB_TOKEN is github-actions[bot], a configured login wins', async () => {
    await expect(resolveIdentity(octokitFor(api.issueToken({ kind: 'user', login: PAT_USER })))).resolves.toEqual({
      login: PAT_USER,
      source: 'token',
    })
    await expect(resolveIdentity(octokitFor(api.issueToken({ kind: 'installation' })))).resolves.toEqual({
      login: GITHUB_ACTIONS_BOT,
      source: 'github-actions',
    })
    await expect(resolveIdentity(octokitFor('ghp_not_a_token'))).rejects.toThrow(/401 Bad credentials/)
    const configured = await resolveIdentity(octokitFor('anything'), { login: 'plan-bot[bot]' })
    expect(configured).toEqual({ login: 'plan-bot[bot]', source: 'configured' })
  })

  test("another GitHub App's token: a warning names the author to configure, which then finds the comment", async () => {
    const token = api.issueToken({ kind: 'installation', app: 'plan-bot' })
    const first = await upsertStickyComment(octokitFor(token), { ...target(), body: planBody() })

    expect(api.comment(first.id)?.author).toBe('plan-bot[bot]')
    expect(stdout.join('')).toMatch(/::warning::the plan comment was posted as plan-bot\[bot\].*set the comment author/)

    const second = await upsertStickyComment(octokitFor(token), {
      ...target(),
      body: planBody('v2'),
      author: 'plan-bot[bot]',
    })
    expect(second).toMatchObject({ id: first.id, action: 'updated' })
  })

  test('readApprovedPlan returns the plan id, sha and comment url, or null', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    const query = { owner: api.owner, repo: api.repo, prNumber: PR, cluster: CLUSTER }
    await expect(readApprovedPlan(octokit, query)).resolves.toBeNull()

    await upsertStickyComment(octokit, { ...target({ planId: undefined, sha: undefined }), body: planBody() })
    await expect(readApprovedPlan(octokit, query)).resolves.toBeNull()

    const posted = await upsertStickyComment(octokit, { ...target(), body: planBody() })
    await expect(readApprovedPlan(octokit, query)).resolves.toMatchObject({
      planId: PLAN_ID,
      sha: HEAD_SHA,
      commentUrl: posted.url,
      commentId: posted.id,
    })
    await expect(readApprovedPlan(octokit, { ...query, cluster: 'other' })).resolves.toBeNull()
  })

  test('the pull request head, and a clear error for a pull request that does not exist', async () => {
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))
    await expect(
      getPullRequestHead(octokit, { owner: api.owner, repo: api.repo, prNumber: PR }),
    ).resolves.toMatchObject({
      number: PR,
      headSha: HEAD_SHA,
      state: 'open',
      merged: false,
    })
    const missing = 'pull request opsfleet/infrastructure#999 was not found: check the pull-request number'
    await expect(getPullRequestHead(octokit, { owner: api.owner, repo: api.repo, prNumber: 999 })).rejects.toThrow(
      missing,
    )
    await expect(upsertStickyComment(octokit, { ...target(), issueNumber: 999, body: planBody() })).rejects.toThrow(
      missing,
    )
  })
})

describe('the stand-in checks GitHub OpenAPI description', () => {
  async function raw(method: string, path: string, body?: unknown): Promise<Response> {
    const token = api.issueToken({ kind: 'user', login: PAT_USER })
    return fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  }

  test('a POST without `body` is a violation and answers 500', async () => {
    const response = await raw('POST', `/repos/opsfleet/infrastructure/issues/${PR}/comments`, { text: 'hi' })

    expect(response.status).toBe(500)
    expect(() => api.assertNoViolations()).toThrow(/must have required property 'body'/)
    expect(api.takeViolations()).toMatchObject([{ kind: 'request', operation: 'issues/create-comment' }])
    expect(api.commentsOn(PR)).toHaveLength(0)
  })

  test('a malformed path parameter and an unknown query parameter are violations', async () => {
    expect((await raw('GET', '/repos/opsfleet/infrastructure/issues/forty-two/comments')).status).toBe(500)
    expect((await raw('GET', `/repos/opsfleet/infrastructure/issues/${PR}/comments?perpage=100`)).status).toBe(500)
    expect((await raw('DELETE', '/repos/opsfleet/infrastructure/issues/comments/1')).status).toBe(500)

    const problems = api.takeViolations().map((v) => `${v.kind}: ${v.problems.join(', ')}`)
    expect(problems).toEqual([
      'request: issue_number must be integer',
      'request: query parameter perpage is not defined for issues/list-comments',
      'unserved: no served operation matches',
    ])
  })

  test('a response that contradicts the schema is a violation too', async () => {
    api.seedComment({ issueNumber: PR, author: 'mallory', body: 'hello', authorAssociation: 'ROBOT' })
    const octokit = octokitFor(api.issueToken({ kind: 'user', login: PAT_USER }))

    await expect(
      findStickyComment(octokit, { owner: api.owner, repo: api.repo, issueNumber: PR, cluster: CLUSTER }),
    ).rejects.toMatchObject({
      status: 500,
    })
    const [violation] = api.takeViolations()
    expect(violation).toMatchObject({ kind: 'response', operation: 'issues/list-comments' })
    expect(violation.problems.join('\n')).toMatch(/author_association must be equal to one of the allowed values/)
  })
})
