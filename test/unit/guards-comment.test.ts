/**
 * Fitting the comment into GitHub's limit, at its exact boundary, and the re-fit loop that makes room for the
 * closing of blocks the cut left open; the marker the reviewed-apply check reads back.
 */
import { describe, expect, test } from '@jest/globals'
import {
  COMMENT_LIMIT,
  composeCommentBody,
  explain,
  findStickyComment,
  fitCommentBody,
  formatMarker,
  getPullRequestHead,
  parseMarker,
  readApprovedPlan,
  resolveIdentity,
  sameLogin,
  upsertStickyComment,
  type Octokit,
} from '../../src/github/comment.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'

const MARKER = formatMarker({ cluster: 'opsfleet-dev-cluster', planId: '0123456789abcdef', sha: 'abc1234' })

/** The notice fitCommentBody appends, as the user reads it. */
function notice(length: number, limit: number, runUrl?: string): string {
  const where = runUrl ? `the [job summary of this run](${runUrl})` : "this run's job summary and log"
  return (
    `\n\n> [!WARNING]\n> This comment was cut short (${length.toLocaleString('en-US')} characters; GitHub allows ` +
    `${limit.toLocaleString('en-US')}). The full plan is in ${where}.\n`
  )
}

describe('the size boundary', () => {
  test('GitHub allows 65,536 characters', () => {
    expect(COMMENT_LIMIT).toBe(65_536)
  })

  test('the notice counts as en-US does: 1,234,567 characters, a limit of 999', () => {
    expect(fitCommentBody('x\n'.repeat(617_283) + 'x', {}).endsWith(notice(1_234_567, COMMENT_LIMIT))).toBe(true)
    expect(notice(1_234_567, COMMENT_LIMIT)).toContain('(1,234,567 characters; GitHub allows 65,536)')
    expect(fitCommentBody('y'.repeat(2000), { limit: 999 })).toContain('(2,000 characters; GitHub allows 999)')
  })

  test('a body of exactly the limit is left whole; one character more is cut to fit', () => {
    const exact = `${MARKER}\n${'x'.repeat(COMMENT_LIMIT - MARKER.length - 1)}`
    expect(exact).toHaveLength(COMMENT_LIMIT)
    expect(fitCommentBody(exact)).toBe(exact)
    const over = `${exact}y`
    const fitted = fitCommentBody(over)
    expect(fitted.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(fitted).not.toBe(over)
    expect(fitted.startsWith(`${MARKER}\n`)).toBe(true)
    expect(fitted.endsWith(notice(over.length, COMMENT_LIMIT))).toBe(true)
  })

  test('the cut keeps every line that fits: the result is as long as the limit allows on line boundaries', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `row ${String(i).padStart(2, '0')}`) // 6 characters each
    const body = `${MARKER}\n${lines.join('\n')}`
    const limit = 500
    const fitted = fitCommentBody(body, { limit })
    const tail = notice(body.length, limit)
    const budget = limit - MARKER.length - 1 - tail.length
    const kept = Math.floor((budget + 1) / 7) // each line and its newline, the last newline dropped
    expect(fitted).toBe(`${MARKER}\n${lines.slice(0, kept).join('\n')}${tail}`)
    expect(limit - fitted.length).toBeLessThan(7)
  })

  test('a cut that lands exactly on the limit is taken as it is', () => {
    // Lines of one character: a budget of odd length ends exactly at a line end.
    const body = `${MARKER}\n${Array.from({ length: 400 }, () => 'z').join('\n')}`
    for (const limit of [400, 401]) {
      const fitted = fitCommentBody(body, { limit })
      expect(fitted.length).toBeLessThanOrEqual(limit)
      expect(fitted.length).toBeGreaterThanOrEqual(limit - 1)
    }
  })

  test('without a marker the body is cut the same way, and nothing is put before it', () => {
    const body = Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n')
    const fitted = fitCommentBody(body, { limit: 400, runUrl: 'https://github.com/o/r/actions/runs/1' })
    expect(fitted.startsWith('line 0\nline 1\n')).toBe(true)
    expect(fitted.length).toBeLessThanOrEqual(400)
    expect(fitted).toContain(
      'The full plan is in the [job summary of this run](https://github.com/o/r/actions/runs/1).',
    )
    expect(fitted).toContain(`(${body.length.toLocaleString('en-US')} characters; GitHub allows 400)`)
  })

  test('a marker after other text is moved to the first line', () => {
    const body = `intro\n\n${MARKER}\n${'row\n'.repeat(200)}`
    const fitted = fitCommentBody(body, { limit: 400 })
    expect(fitted.startsWith(`${MARKER}\nintro\n`)).toBe(true)
    expect(fitted.match(/karpenter-action:plan/g)).toHaveLength(1)
  })

  test('a limit too small for the marker and the notice is an error, not an endless loop', () => {
    const body = `${MARKER}\n${'x\n'.repeat(500)}`
    expect(() => fitCommentBody(body, { limit: 100 })).toThrow(
      new RangeError('comment limit 100 is too small to hold the marker and the truncation notice'),
    )
    const room = MARKER.length + 1 + notice(body.length, 300).length
    expect(() => fitCommentBody(body, { limit: room })).toThrow(RangeError)
    expect(fitCommentBody(body, { limit: room + 2 })).toBe(`${MARKER}\nx${notice(body.length, room + 2)}`)
  })
})

describe('the re-fit loop', () => {
  test('closing what the cut left open takes room: the text is cut again until all of it fits', () => {
    // Every row opens a <details>: the closers for the kept rows come on top of the cut.
    const rows = Array.from({ length: 200 }, (_, i) => `<details><summary>r${String(i).padStart(3, '0')}</summary>`)
    const body = `${MARKER}\n${rows.join('\n')}`
    const limit = 2000
    const fitted = fitCommentBody(body, { limit })
    expect(fitted.length).toBeLessThanOrEqual(limit)
    const kept = fitted.split('\n').filter((l) => l.startsWith('<details>'))
    expect(fitted.match(/<\/details>/g)).toHaveLength(kept.length)
    expect(kept).toEqual(rows.slice(0, kept.length))
    // Cut again, not given up: most of the room is still used.
    expect(kept.length).toBeGreaterThan(20)
    expect(fitted.length).toBeGreaterThan(limit * 0.8)
    expect(fitted.endsWith(`\n</details>${notice(body.length, limit)}`)).toBe(true)
  })

  test('an open fence is closed with its own fence, inside the limit', () => {
    const body = `${MARKER}\n\`\`\`\`diff\n${'+ added line\n'.repeat(300)}`
    const fitted = fitCommentBody(body, { limit: 1000 })
    expect(fitted.length).toBeLessThanOrEqual(1000)
    expect(fitted).toMatch(/\+ added line\n````\n\n> \[!WARNING\]/)
  })

  test('a fence closed by a longer fence of the same kind counts as closed; another kind does not close it', () => {
    const closed = `${MARKER}\n~~~\ncode\n~~~~\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(closed, { limit: 600 }).match(/~~~/g)).toHaveLength(2)
    const open = `${MARKER}\n~~~\ncode\n\`\`\`\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(open, { limit: 600 })).toMatch(/row\n~~~\n\n> \[!WARNING\]/)
    const short = `${MARKER}\n\`\`\`\`\ncode\n\`\`\`\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(short, { limit: 600 })).toMatch(/row\n````\n\n> \[!WARNING\]/)
  })

  test('<details> inside a fence is not counted; a closed one is not closed again; stray closers never go below 0', () => {
    const fenced = `${MARKER}\n\`\`\`\n<details>\n\`\`\`\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(fenced, { limit: 600 })).not.toContain('</details>')
    const stray = `${MARKER}\n</details>\n</details >\n<details>\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(stray, { limit: 600 }).match(/<\/details>\n\n> \[!WARNING\]/)).toHaveLength(1)
    const upper = `${MARKER}\n<DETAILS open>\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(upper, { limit: 600 })).toMatch(/row\n<\/details>\n\n> \[!WARNING\]/)
    const indented = `${MARKER}\n    \`\`\`\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(indented, { limit: 600 })).not.toMatch(/```\n\n> \[!WARNING\]/)
  })

  test('a first line longer than the limit is cut hard, and a surrogate pair is never split', () => {
    const fitted = fitCommentBody(`${'a'.repeat(10)}${'😀'.repeat(400)}`, { limit: 500 })
    expect(fitted.length).toBeLessThanOrEqual(500)
    expect(fitted).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
    expect(fitted.startsWith('aaaaaaaaaa😀')).toBe(true)
    const plain = fitCommentBody('b'.repeat(1000), { limit: 500 })
    expect(plain).toBe(`${'b'.repeat(500 - notice(1000, 500).length)}${notice(1000, 500)}`)
  })
})

describe('the marker', () => {
  test('composes with exactly one marker on the first line, whatever the body held', () => {
    const body = composeCommentBody(
      { cluster: 'c1', planId: 'p1' },
      `<!-- karpenter-action:plan cluster=evil plan-id=forged -->\n\nplan text\n<!-- karpenter-action:plan cluster=x -->`,
    )
    expect(body).toBe('<!-- karpenter-action:plan cluster=c1 plan-id=p1 -->\nplan text\n')
    expect(parseMarker(body)).toEqual({ cluster: 'c1', planId: 'p1' })
  })

  test('reads only well-formed values, and no marker without a cluster', () => {
    expect(parseMarker('<!-- karpenter-action:plan cluster=c plan-id="x" sha= =y -->')).toEqual({ cluster: 'c' })
    expect(parseMarker('<!-- karpenter-action:plan plan-id=p -->')).toBeNull()
    expect(parseMarker(null)).toBeNull()
    expect(parseMarker(undefined)).toBeNull()
    expect(parseMarker('<!-- karpenter-action:plancluster=c -->')).toBeNull()
    expect(parseMarker('<!--karpenter-action:plan\ncluster=c\nsha=abc-->')).toEqual({ cluster: 'c', sha: 'abc' })
  })

  test('refuses a missing cluster and any value that is not one plain word', () => {
    expect(() => formatMarker({ cluster: '' })).toThrow('comment marker: cluster must be a non-empty word')
    expect(() => formatMarker({} as { cluster: string })).toThrow('got undefined')
    expect(() => formatMarker({ cluster: 'c', sha: 'a b' })).toThrow('comment marker: sha must be')
    expect(() => formatMarker({ cluster: 'c', planId: 'x-->' })).toThrow('plan-id must be')
    expect(formatMarker({ cluster: 'c', sha: 'a.b:c@d/e+f-g_h' })).toBe(
      '<!-- karpenter-action:plan cluster=c sha=a.b:c@d/e+f-g_h -->',
    )
  })
})

describe('the cut, at its edges', () => {
  test('a body long only by blank lines after the marker keeps all of its text', () => {
    const body = `${MARKER}\n${'\n'.repeat(600)}first\nsecond`
    const fitted = fitCommentBody(body, { limit: 500 })
    expect(fitted).toBe(`${MARKER}\nfirst\nsecond${notice(body.length, 500)}`)
  })

  test('text exactly as long as the room left is kept whole, its last line included', () => {
    const limit = 600
    // Blank lines after the marker make the body too long; the text after them fits the budget exactly.
    const padding = '\n'.repeat(700)
    const length = `${MARKER}${padding}`.length + 1 // the text's own length comes on top, below
    const find = (textLength: number) => notice(length + textLength - 1, limit)
    let textLength = limit - MARKER.length - 1 - find(0).length
    while (limit - MARKER.length - 1 - find(textLength).length !== textLength) textLength--
    const text = `${'a'.repeat(textLength - 4)}\nbcd`
    const body = `${MARKER}${padding}${text}`
    const fitted = fitCommentBody(body, { limit })
    expect(fitted).toBe(`${MARKER}\n${text}${notice(body.length, limit)}`)
    expect(fitted).toHaveLength(limit)
  })

  test('a body starting with a line end and a line too long is cut hard, not to nothing', () => {
    const body = `\n${'a'.repeat(1000)}`
    const fitted = fitCommentBody(body, { limit: 500 })
    const tail = notice(1001, 500)
    expect(fitted).toBe(`${body.slice(0, 500 - tail.length)}${tail}`)
  })

  test('a hard cut right after a surrogate pair keeps the pair; right inside one drops its first half', () => {
    const limit = 500
    const room = limit - notice(1000, limit).length
    // The pair ends exactly at the cut: kept whole.
    const ends = `${'a'.repeat(room - 2)}😀${'b'.repeat(1000 - room)}`
    expect(ends).toHaveLength(1000)
    expect(fitCommentBody(ends, { limit })).toBe(`${'a'.repeat(room - 2)}😀${notice(1000, limit)}`)
    // The cut falls between its two halves: the pair goes, and the character after it does not matter.
    const inside = `${'a'.repeat(room - 1)}😀${'b'.repeat(999 - room)}`
    expect(inside).toHaveLength(1000)
    expect(fitCommentBody(inside, { limit })).toBe(`${'a'.repeat(room - 1)}${notice(1000, limit)}`)
    // The first and the last high surrogates count as such.
    for (const pair of ['\ud800\udc00', '\udbff\udfff']) {
      const edge = `${'a'.repeat(room - 1)}${pair}${'b'.repeat(999 - room)}`
      expect(fitCommentBody(edge, { limit })).toBe(`${'a'.repeat(room - 1)}${notice(1000, limit)}`)
    }
    // A character above the surrogates is one unit: cut right after it.
    const wide = 'ｱ'.repeat(1000)
    expect(fitCommentBody(wide, { limit })).toBe(`${'ｱ'.repeat(room)}${notice(1000, limit)}`)
  })

  test('a closing tag with a space before its > closes, and nothing is added for it', () => {
    const body = `${MARKER}\n<details>\n</details >\n${'row\n'.repeat(300)}`
    const fitted = fitCommentBody(body, { limit: 600 })
    expect(fitted).not.toMatch(/<\/details>/)
    expect(fitted).toMatch(/row\n\n> \[!WARNING\]/)
  })

  test('only a line of fence characters alone closes a fence: not one with text before or after them', () => {
    const before = `${MARKER}\n\`\`\`\ntext \`\`\`\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(before, { limit: 600 })).toMatch(/row\n```\n\n> \[!WARNING\]/)
    const after = `${MARKER}\n\`\`\`\n\`\`\`diff\n${'row\n'.repeat(300)}`
    expect(fitCommentBody(after, { limit: 600 })).toMatch(/row\n```\n\n> \[!WARNING\]/)
    // Trailing spaces are allowed on a closing fence.
    const spaced = `${MARKER}\n\`\`\`\ncode\n\`\`\`   \n${'row\n'.repeat(300)}`
    expect(fitCommentBody(spaced, { limit: 600 })).toMatch(/row\n\n> \[!WARNING\]/)
  })
})

describe('the marker, read and written', () => {
  test('a word without = next to the marker is no value, whatever it starts with', () => {
    expect(parseMarker('<!-- karpenter-action:plan cluster=c sha1 plan-idX -->')).toEqual({ cluster: 'c' })
  })

  test('the body after the marker keeps its lines; only blank lines at its start go', () => {
    const marker = { cluster: 'c1' }
    expect(composeCommentBody(marker, 'plan text\nmore text')).toBe(
      '<!-- karpenter-action:plan cluster=c1 -->\nplan text\nmore text',
    )
    expect(composeCommentBody(marker, '\nplan')).toBe('<!-- karpenter-action:plan cluster=c1 -->\nplan')
    expect(composeCommentBody(marker, '  \n\nplan')).toBe('<!-- karpenter-action:plan cluster=c1 -->\nplan')
  })
})

// ---------------------------------------------------------------------------------------------------------------
// GitHub's answers the stand-in cannot give: a client whose answers each test sets.
// ---------------------------------------------------------------------------------------------------------------

interface ListedComment {
  id: number
  body: string
  user: { login: string } | null
  created_at: string
  updated_at?: string
}

function httpError(status: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { status })
}

/** A client with `comments` listed, `user` as GET /user's answer (or an error), and hooks for writes. */
function client(options: {
  comments?: ListedComment[]
  user?: string | Error
  update?: (id: number, body: string) => unknown
  create?: (body: string) => unknown
  pull?: () => unknown
}) {
  const calls: string[] = []
  const octokit = {
    rest: {
      users: {
        getAuthenticated: async () => {
          calls.push('GET /user')
          if (options.user instanceof Error) throw options.user
          return { data: { login: options.user ?? 'karpenter-ci' } }
        },
      },
      issues: {
        listComments: async () => ({ data: options.comments ?? [] }),
        updateComment: async (p: { comment_id: number; body: string }) => {
          calls.push(`PATCH ${p.comment_id}`)
          return { data: options.update!(p.comment_id, p.body) }
        },
        createComment: async (p: { body: string }) => {
          calls.push('POST')
          return { data: options.create!(p.body) }
        },
      },
      pulls: { get: async () => ({ data: options.pull!() }) },
    },
    paginate: async (fn: () => Promise<{ data: unknown[] }>) => {
      calls.push('GET comments')
      return (await fn()).data
    },
  }
  return { octokit: octokit as unknown as Octokit, calls }
}

const where = { owner: 'opsfleet', repo: 'infrastructure', issueNumber: 42 }
const ours = (
  id: number,
  createdAt: string,
  body = `${formatMarker({ cluster: 'c', planId: `p${id}`, sha: 's' })}\nplan`,
) =>
  ({
    id,
    body,
    user: { login: 'karpenter-ci' },
    created_at: createdAt,
    updated_at: createdAt,
    html_url: `u/${id}`,
  }) as ListedComment

describe('the sticky comment, as GitHub may answer', () => {
  const stdout = captureStdoutOfEachTest()

  test('the newest of two comments is the one used, whatever order GitHub lists them in; a warning says so', async () => {
    for (const comments of [
      [ours(2, '2026-01-02T00:00:00Z'), ours(1, '2026-01-01T00:00:00Z')],
      [ours(1, '2026-01-01T00:00:00Z'), ours(2, '2026-01-02T00:00:00Z')],
      // Written in the same second: the later id is the newer.
      [ours(2, '2026-01-01T00:00:00Z'), ours(1, '2026-01-01T00:00:00Z')],
      [ours(1, '2026-01-01T00:00:00Z'), ours(2, '2026-01-01T00:00:00Z')],
    ]) {
      const { octokit } = client({ comments })
      const found = await findStickyComment(octokit, { ...where, cluster: 'c' })
      expect(found).toMatchObject({ id: 2, count: 2, marker: { planId: 'p2' } })
    }
    // The newer by time wins even with the smaller id.
    const { octokit } = client({ comments: [ours(9, '2026-01-01T00:00:00Z'), ours(3, '2026-01-05T00:00:00Z')] })
    expect(await findStickyComment(octokit, { ...where, cluster: 'c' })).toMatchObject({ id: 3 })
    expect(stdout()).toContain('::warning::found 2 plan comments for c on #42; updating the newest')
  })

  test('one comment is no cause for a warning; a comment of a deleted user (no user) is skipped', async () => {
    const { octokit } = client({
      comments: [ours(1, '2026-01-01T00:00:00Z'), { ...ours(2, '2026-01-02T00:00:00Z'), user: null }],
    })
    expect(await findStickyComment(octokit, { ...where, cluster: 'c' })).toMatchObject({ id: 1, count: 1 })
    expect(stdout()).not.toContain('::warning::')
    expect(stdout()).toContain('::debug::2 comment(s) on #42, 1 by karpenter-ci for c')
  })

  test('the identity is asked once per client', async () => {
    const { octokit, calls } = client({ user: 'karpenter-ci' })
    await resolveIdentity(octokit)
    await resolveIdentity(octokit)
    expect(calls.filter((c) => c === 'GET /user')).toHaveLength(1)
    expect(stdout()).toContain('::debug::comment author: karpenter-ci (token)')
  })

  test('GET /user: 403 is the workflow token, 401 a clear error, anything else passes through', async () => {
    await expect(resolveIdentity(client({ user: httpError(403) }).octokit)).resolves.toEqual({
      login: 'github-actions[bot]',
      source: 'github-actions',
    })
    expect(stdout()).toContain(
      '::debug::GET /user answered 403 (an installation token): assuming comments are by github-actions[bot]',
    )
    await expect(resolveIdentity(client({ user: httpError(401) }).octokit)).rejects.toThrow(
      'GitHub rejected the token (401 Bad credentials): check the `github-token` input',
    )
    const outage = httpError(502, 'Bad Gateway')
    await expect(resolveIdentity(client({ user: outage }).octokit)).rejects.toBe(outage)
  })

  test('a comment deleted between the read and the update is posted again', async () => {
    const posted: string[] = []
    const { octokit, calls } = client({
      comments: [ours(1, '2026-01-01T00:00:00Z')],
      update: () => {
        throw httpError(404)
      },
      create: (body) => {
        posted.push(body)
        return { id: 5, html_url: 'u/5', user: { login: 'karpenter-ci' } }
      },
    })
    const result = await upsertStickyComment(octokit, { ...where, marker: { cluster: 'c', planId: 'p9' }, body: 'new' })
    expect(result).toEqual({ id: 5, url: 'u/5', action: 'created' })
    expect(calls).toEqual(['GET /user', 'GET comments', 'PATCH 1', 'POST'])
    expect(posted).toEqual(['<!-- karpenter-action:plan cluster=c plan-id=p9 -->\nnew'])
    expect(stdout()).toContain('Plan comment 1 was deleted meanwhile; posting a new one')
    expect(stdout()).toContain('Posted plan comment: u/5')
    expect(stdout()).not.toContain('::warning::')
  })

  test('an update that fails for another cause fails, and posts no second comment', async () => {
    const { octokit, calls } = client({
      comments: [ours(1, '2026-01-01T00:00:00Z')],
      update: () => {
        throw httpError(500, 'Server Error')
      },
      create: () => ({ id: 5, html_url: 'u/5' }),
    })
    await expect(
      upsertStickyComment(octokit, { ...where, marker: { cluster: 'c', planId: 'p9' }, body: 'new' }),
    ).rejects.toThrow('Server Error')
    expect(calls).not.toContain('POST')
  })

  test('what an update, an unchanged body and a new comment say', async () => {
    const existing = ours(1, '2026-01-01T00:00:00Z')
    const update = client({
      comments: [existing],
      update: (id) => ({ id, html_url: `u/${id}` }),
    })
    await expect(
      upsertStickyComment(update.octokit, { ...where, marker: { cluster: 'c', planId: 'p9' }, body: 'new' }),
    ).resolves.toEqual({ id: 1, url: 'u/1', action: 'updated' })
    expect(stdout()).toContain('Updated plan comment: u/1')
    const same = client({ comments: [existing] })
    await expect(
      upsertStickyComment(same.octokit, { ...where, marker: { cluster: 'c', planId: 'p1', sha: 's' }, body: 'plan' }),
    ).resolves.toEqual({ id: 1, url: 'u/1', action: 'unchanged' })
    expect(same.calls).toEqual(['GET /user', 'GET comments'])
    expect(stdout()).toContain('Plan comment unchanged: u/1')
  })

  test('a new comment answered without its author, or by the expected one, warns of nothing', async () => {
    for (const user of [null, { login: 'KARPENTER-CI' }]) {
      const { octokit } = client({ create: () => ({ id: 7, html_url: 'u/7', user }) })
      await expect(
        upsertStickyComment(octokit, { ...where, marker: { cluster: 'c' }, body: 'x' }),
      ).resolves.toMatchObject({ id: 7, action: 'created' })
    }
    expect(stdout()).not.toContain('::warning::')
  })

  test('a comment recording a plan id but no head commit is no reviewed plan', async () => {
    const body = `${formatMarker({ cluster: 'c', planId: 'p1' })}\nplan`
    const { octokit } = client({ comments: [{ ...ours(1, '2026-01-01T00:00:00Z'), body }] })
    await expect(readApprovedPlan(octokit, { ...where, prNumber: 42, cluster: 'c' })).resolves.toBeNull()
    expect(stdout()).toContain('::debug::plan comment u/1 records no plan-id or sha')
  })

  test('the base commit the comment recorded is read back; a comment of an older version has none', async () => {
    const withBase = `${formatMarker({ cluster: 'c', planId: 'p1', sha: 's1', base: 'b1' })}\nplan`
    const a = client({ comments: [{ ...ours(1, '2026-01-01T00:00:00Z'), body: withBase }] })
    await expect(readApprovedPlan(a.octokit, { ...where, prNumber: 42, cluster: 'c' })).resolves.toEqual({
      planId: 'p1',
      sha: 's1',
      base: 'b1',
      count: 1,
      commentUrl: 'u/1',
      commentId: 1,
      updatedAt: '2026-01-01T00:00:00Z',
      body: withBase,
    })
    const b = client({ comments: [ours(1, '2026-01-01T00:00:00Z')] })
    const old = await readApprovedPlan(b.octokit, { ...where, prNumber: 42, cluster: 'c' })
    expect(old).not.toHaveProperty('base')
    expect(old).toMatchObject({ planId: 'p1', sha: 's' })
  })

  test('the pull request head: its author and mergeable state when GitHub gives them', async () => {
    const data = {
      number: 42,
      head: { sha: 'h' },
      base: { sha: 'b' },
      state: 'open',
      merged: false,
      mergeable: true,
      html_url: 'pr/42',
    }
    const full = client({ pull: () => ({ ...data, user: { login: 'octo-dev' }, mergeable_state: 'clean' }) })
    await expect(getPullRequestHead(full.octokit, { ...where, prNumber: 42 })).resolves.toEqual({
      number: 42,
      headSha: 'h',
      baseSha: 'b',
      author: 'octo-dev',
      state: 'open',
      merged: false,
      mergeable: true,
      mergeableState: 'clean',
      url: 'pr/42',
    })
    const bare = client({ pull: () => ({ ...data, user: null, mergeable_state: '' }) })
    const head = await getPullRequestHead(bare.octokit, { ...where, prNumber: 42 })
    expect(head).not.toHaveProperty('author')
    expect(head).not.toHaveProperty('mergeableState')
  })
})

describe('what GitHub refused, explained', () => {
  const cause = (e: unknown) => (e as { cause?: unknown }).cause

  test('403 on a write: the permission to give, with what GitHub said, the error kept as its cause', () => {
    const refused = httpError(403, 'Resource not accessible by integration')
    const e = explain(refused, where, 'write') as Error
    expect(e.message).toBe(
      'the token cannot write pull-request comments on opsfleet/infrastructure#42: give the workflow ' +
        '`permissions: pull-requests: write` (and for forks, note GITHUB_TOKEN is read-only) ' +
        '(GitHub said: Resource not accessible by integration)',
    )
    expect(cause(e)).toBe(refused)
  })

  test('403 on a read, a rate limit on a write, and other statuses pass through untouched', () => {
    for (const [err, access] of [
      [httpError(403, 'Forbidden'), 'read'],
      [httpError(403, 'API rate limit exceeded for installation'), 'write'],
      [httpError(500, 'Server Error'), 'write'],
      [httpError(422, 'Validation Failed'), 'read'],
    ] as const) {
      expect(explain(err, where, access)).toBe(err)
    }
    expect(explain(null, where, 'write')).toBeNull()
    const stringly = { status: '404' }
    expect(explain(stringly, where, 'read')).toBe(stringly)
  })

  test('404: the pull request is named, and which repository the token must read', () => {
    const missing = httpError(404, 'Not Found')
    const e = explain(missing, where, 'read') as Error
    expect(e.message).toBe(
      'pull request opsfleet/infrastructure#42 was not found: check the pull-request number, and that the token can ' +
        'read opsfleet/infrastructure (GitHub said: Not Found)',
    )
    expect(cause(e)).toBe(missing)
    // Not an Error: nothing to quote.
    expect((explain({ status: 404 }, where, 'write') as Error).message).toMatch(/can read opsfleet\/infrastructure$/)
  })

  test('422 on a write: GitHub rejected the comment, saying why', () => {
    const invalid = httpError(422, 'Validation Failed: body is too long')
    const e = explain(invalid, where, 'write') as Error
    expect(e.message).toBe(
      'GitHub rejected the plan comment on opsfleet/infrastructure#42 (GitHub said: Validation Failed: body is too long)',
    )
    expect(cause(e)).toBe(invalid)
  })

  test('logins compare without case; no login is nobody', () => {
    expect(sameLogin('GitHub-Actions[bot]', 'github-actions[bot]')).toBe(true)
    expect(sameLogin('karpenter-ci', 'karpenter-cd')).toBe(false)
    expect(sameLogin(undefined, 'karpenter-ci')).toBe(false)
  })
})
