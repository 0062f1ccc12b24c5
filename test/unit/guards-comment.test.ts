/**
 * Fitting the comment into GitHub's limit, at its exact boundary, and the re-fit loop that makes room for the
 * closing of blocks the cut left open; the marker the reviewed-apply check reads back.
 */
import { describe, expect, test } from '@jest/globals'
import {
  COMMENT_LIMIT,
  composeCommentBody,
  fitCommentBody,
  formatMarker,
  parseMarker,
} from '../../src/github/comment.js'

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
