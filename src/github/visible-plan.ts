/**
 * What reviewers saw: the visible text of the plan comment. Any workflow of the repository that uses GITHUB_TOKEN
 * writes as the same bot, so the comment's hidden marker and digest prove nothing about who wrote the text around
 * them. The apply therefore renders the comment again from its fresh plan and compares the visible text, line for
 * line, with the comment's: only the hidden blocks (marker, digest) and the run's metadata line (mode, commit, plan
 * id, run link: they differ between the plan run and the apply run by design) are left out of the comparison.
 */

/** Our hidden blocks: the marker and the reviewed-plan digest. */
const HIDDEN_BLOCK = /<!--\s*karpenter-action:[a-z-]+\s[\s\S]*?-->/g
/**
 * The metadata line renderMarkdown writes (src/report/markdown.ts metaLine), matched strictly: a line that says
 * anything more is compared like every other line.
 */
const META_LINE =
  /^mode `(?:plan|apply|destroy)`(?: · commit (?:\[`[0-9a-f]{7}`\]\(https?:\/\/[^\s()]+\/commit\/[0-9a-f]{40}\)|`[0-9a-f]{7}`))? · plan `[0-9a-f]+`(?: · \[workflow run\]\(https?:\/\/[^\s()]+\))?$/
/** The notice fitCommentBody appends to a cut comment (src/github/comment.ts), its run link left out. */
const CUT_NOTICE =
  /^> This comment was cut short \([\d,]+ characters; GitHub allows [\d,]+\)\. The full plan is in (?:the \[job summary of this run\]\(https?:\/\/[^\s()]+\)|this run's job summary and log)\.$/

export interface VisiblePlan {
  lines: string[]
  /** The comment was cut to GitHub's limit: its lines are a prefix of the whole view. */
  cut: boolean
}

/** The visible lines of a plan comment, without the hidden blocks and the run's metadata line. */
export function visiblePlan(body: string): VisiblePlan {
  const lines = body.replace(/\r\n?/g, '\n').replace(HIDDEN_BLOCK, '').split('\n')
  let metaSeen = false
  let cut = false
  const kept: string[] = []
  for (const line of lines) {
    if (!metaSeen && META_LINE.test(line)) {
      metaSeen = true
      continue
    }
    if (CUT_NOTICE.test(line)) {
      cut = true
      // The notice's `> [!WARNING]` line came just before it.
      if (kept[kept.length - 1] === '> [!WARNING]') kept.pop()
      continue
    }
    kept.push(line)
  }
  while (kept.length && kept[0].trim() === '') kept.shift()
  while (kept.length && kept[kept.length - 1].trim() === '') kept.pop()
  return { lines: kept, cut }
}

/** Lines fitCommentBody adds after a cut to close what the cut left open. */
function isCloser(line: string): boolean {
  return /^(?:`{3,}|~{3,}|<\/details>)$/.test(line.trim()) || line.trim() === ''
}

/**
 * Whether the comment shows exactly the fresh rendering: equal lines, or for a cut comment, its lines a prefix of
 * the fresh ones (the closers the cut added aside). Returns undefined when it does, else a short unified diff.
 */
export function compareVisible(reviewed: VisiblePlan, fresh: VisiblePlan, maxLines = 40): string[] | undefined {
  const a = reviewed.lines
  const b = fresh.lines
  if (reviewed.cut) {
    let i = 0
    while (i < a.length && i < b.length && a[i] === b[i]) i++
    if (a.slice(i).every(isCloser)) return undefined
  } else if (a.length === b.length && a.every((l, i) => l === b[i])) return undefined
  return unifiedDiff(a, b, maxLines)
}

/**
 * A unified diff of two line lists (`-` in the comment only, `+` in the fresh plan only), with 2 lines of context
 * and `@@` hunk headers, cut to `maxLines`. Every line starts with a mark, so none can be a workflow command.
 */
export function unifiedDiff(a: string[], b: string[], maxLines = 40, context = 2): string[] {
  const ops = diffOps(a, b)
  const out: string[] = []
  let i = 0
  while (i < ops.length) {
    if (ops[i].mark === ' ') {
      i++
      continue
    }
    const start = Math.max(0, i - context)
    let end = i
    // Extend the hunk over changes closer than twice the context.
    for (let j = i; j < ops.length; j++) {
      if (ops[j].mark !== ' ') end = j
      else if (j - end > context * 2) break
    }
    const stop = Math.min(ops.length, end + context + 1)
    const first = ops[start]
    out.push(`@@ -${first.a + 1} +${first.b + 1} @@`)
    for (const op of ops.slice(start, stop)) out.push(`${op.mark}${op.text}`)
    i = stop
  }
  if (out.length > maxLines) {
    const more = out.length - maxLines
    return [...out.slice(0, maxLines), `... ${more} more line${more === 1 ? '' : 's'} of difference`]
  }
  return out
}

interface DiffOp {
  mark: ' ' | '-' | '+'
  text: string
  /** Index in a (for ' ' and '-') or of the next line of a; likewise b. */
  a: number
  b: number
}

/** The longest common subsequence of lines, as keep/remove/add operations (common prefix and suffix first). */
function diffOps(a: string[], b: string[]): DiffOp[] {
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  const x = a.slice(pre, a.length - suf)
  const y = b.slice(pre, b.length - suf)
  const ops: DiffOp[] = []
  for (let k = 0; k < pre; k++) ops.push({ mark: ' ', text: a[k], a: k, b: k })
  // Past a size where a full table costs too much, the middle is shown as removed then added.
  if (x.length * y.length > 4_000_000) {
    x.forEach((t, k) => ops.push({ mark: '-', text: t, a: pre + k, b: pre }))
    y.forEach((t, k) => ops.push({ mark: '+', text: t, a: pre + x.length, b: pre + k }))
  } else {
    const n = x.length
    const m = y.length
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
    let i = 0
    let j = 0
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) {
        ops.push({ mark: ' ', text: x[i], a: pre + i, b: pre + j })
        i++
        j++
      } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.push({ mark: '-', text: x[i], a: pre + i, b: pre + j })
        i++
      } else {
        ops.push({ mark: '+', text: y[j], a: pre + i, b: pre + j })
        j++
      }
    }
  }
  for (let k = 0; k < suf; k++) {
    const ai = a.length - suf + k
    const bi = b.length - suf + k
    ops.push({ mark: ' ', text: a[ai], a: ai, b: bi })
  }
  return ops
}
