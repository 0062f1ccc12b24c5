/** The `apply-requires` input and the comparison of a comment's visible text with the plan's rendering. */
import { describe, expect, it } from '@jest/globals'
import { parseApplyRequires } from '../../src/github/apply-requires.js'
import { fitCommentBody } from '../../src/github/comment.js'
import { compareVisible, unifiedDiff, visiblePlan } from '../../src/github/visible-plan.js'

describe('apply-requires', () => {
  it('defaults to approved with a pull request, to nothing without one; none turns it off', () => {
    expect(parseApplyRequires('', true)).toEqual({ requires: ['approved'] })
    expect(parseApplyRequires('', false)).toEqual({ requires: [] })
    expect(parseApplyRequires('none', true)).toEqual({ requires: [] })
    expect(parseApplyRequires(' Mergeable , undiverged,approved,mergeable', true)).toEqual({
      requires: ['mergeable', 'undiverged', 'approved'],
    })
  })

  it('refuses unknown words and requirements that cannot be checked without a pull request', () => {
    expect(parseApplyRequires('approved,reviewed', true)).toEqual({
      problem:
        'input `apply-requires` holds "reviewed"; it must be a comma list of approved, mergeable, undiverged, or none',
    })
    expect(parseApplyRequires('approved', false)).toMatchObject({ problem: expect.stringContaining('set `pr-number`') })
  })
})

const META =
  'mode `plan` · commit `3f78685` · plan `a1b2c3d4e5f60718` · [workflow run](https://github.com/o/r/actions/runs/1)'

describe('the visible plan', () => {
  it('leaves out the hidden blocks and the metadata line only', () => {
    const body = `<!-- karpenter-action:plan cluster=c plan-id=ab sha=cd -->\n<!-- karpenter-action:reviewed-plan xyz -->\n### Karpenter plan\n\n${META}\n\n| row |\n`
    expect(visiblePlan(body)).toEqual({ lines: ['### Karpenter plan', '', '', '| row |'], cut: false })
    // A metadata line that says more is compared like any other.
    expect(visiblePlan(`${META} · trust me`).lines).toEqual([`${META} · trust me`])
  })

  it('a cut comment matches when its lines begin the whole rendering', () => {
    const whole = [
      '### Karpenter plan',
      '',
      META,
      '',
      '```diff',
      ...Array.from({ length: 400 }, (_, i) => `+ line ${i}`),
      '```',
    ].join('\n')
    const cut = fitCommentBody(whole, { limit: 2000, runUrl: 'https://github.com/o/r/actions/runs/1' })
    expect(cut.length).toBeLessThanOrEqual(2000)
    const reviewed = visiblePlan(cut)
    expect(reviewed.cut).toBe(true)
    expect(compareVisible(reviewed, visiblePlan(whole))).toBeUndefined()
    const tampered = visiblePlan(cut.replace('+ line 3\n', '+ line 33\n'))
    expect(compareVisible(tampered, visiblePlan(whole))).toEqual(expect.arrayContaining(['-+ line 33', '++ line 3']))
  })

  it('a unified diff with hunk headers and context, cut to its bound', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
    const b = ['a', 'b', 'C', 'd', 'e', 'f', 'g', 'h']
    expect(unifiedDiff(a, b)).toEqual(['@@ -1 +1 @@', ' a', ' b', '-c', '+C', ' d', ' e', ' f', ' g', '+h'])
    expect(unifiedDiff(['x'], ['y'], 1)).toEqual(['@@ -1 +1 @@', '... 2 more lines of difference'])
  })
})
