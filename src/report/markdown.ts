/**
 * The plan as Markdown: the job summary (always the whole plan) and the pull-request comment (the same view plus
 * the next step, cut to GitHub's limit by src/github/comment.ts). Sensitive values never reach the text: field
 * lines go through text.ts, which prints `(sensitive)` for them, and their detail lines are left out.
 */
import {
  changing,
  hasChanges,
  isLeft,
  type Change,
  type ChangeResult,
  type FieldChange,
  type Plan,
} from '../plan/types.js'
import { graphLegend, renderMermaid } from './mermaid.js'
import { fieldLine, SYMBOL, summaryLine } from './text.js'

export interface MarkdownContext {
  planId: string
  /** The commit the plan was made from (the pull request's head on a pull request). */
  commit?: string
  /** `https://github.com/<owner>/<repo>`: links the commit. */
  repoUrl?: string
  runUrl?: string
  /** Results of the apply or destroy that carried the plan out: the report becomes its outcome. */
  results?: ChangeResult[]
  /** `comment` adds the next step for the pull request's reviewers. Default `summary`. */
  target?: 'summary' | 'comment'
  /** The pull request the plan is for: named in the next step. */
  prNumber?: number
  /** A scheduled drift check: changes are called drift. */
  drift?: boolean
  /** Leave out the Mermaid graph. */
  graph?: boolean
}

/** Longest error text shown in a result cell; the log has the whole message. */
const MAX_ERROR_CHARS = 300

export function renderMarkdown(plan: Plan, ctx: MarkdownContext): string {
  const out: string[] = []
  const changes = changing(plan)
  const left = plan.changes.filter(isLeft)
  const unchanged = plan.changes.filter((c) => c.action === 'noop' && !isLeft(c))
  const results = ctx.results && new Map(ctx.results.map((r) => [r.id, r]))

  out.push(`### ${title(plan, ctx)}`, '')
  out.push(`**${headline(plan, ctx)}**`, '')
  out.push(metaLine(plan, ctx), '')
  for (const w of plan.warnings) out.push('> [!WARNING]', `> ${html(oneLine(w))}`, '')

  if (changes.length) out.push(...resourceTable(changes, results), '')
  if (left.length) out.push(...leftList(left), '')
  if (changes.length) {
    if (unchanged.length) out.push(...unchangedList(unchanged), '')
    const withFields = changes.filter((c) => c.fields.length)
    if (withFields.length) {
      out.push('#### Changes', '')
      for (const c of withFields) out.push(...fieldDetails(c), '')
    }
  } else if (unchanged.length) {
    out.push(...unchangedList(unchanged), '')
  }

  // The graph shows what a change touches; with nothing changing it would be noise.
  if (ctx.graph !== false && changes.length) {
    const graph = renderMermaid(plan.changes, { results: ctx.results })
    if (graph) {
      out.push('<details><summary>Dependency graph</summary>', '', '```mermaid', graph, '```', '')
      out.push(`<sub>${graphLegend(plan.changes, ctx.results)}</sub>`, '', '</details>', '')
    }
  }
  if (ctx.target === 'comment') out.push(...nextStep(plan, ctx))
  return out.join('\n').replace(/\n{3,}/g, '\n\n')
}

function title(plan: Plan, ctx: MarkdownContext): string {
  const where = `\`${plan.cluster}\` (${plan.region})`
  if (ctx.results) return `Karpenter ${plan.mode === 'destroy' ? 'destroy' : 'apply'} for ${where}`
  if (ctx.drift) return `Karpenter drift check for ${where}`
  return `Karpenter ${plan.mode === 'plan' ? 'plan' : `${plan.mode} plan`} for ${where}`
}

function headline(plan: Plan, ctx: MarkdownContext): string {
  if (ctx.results) {
    const count = (s: ChangeResult['status']) => ctx.results!.filter((r) => r.status === s).length
    const [done, failed, skipped] = [count('done'), count('failed'), count('skipped')]
    const verb = plan.mode === 'destroy' ? 'Destroy' : 'Apply'
    if (ctx.results.length === 0) return `${verb}: nothing to do. The cluster matches the configuration.`
    if (failed === 0) return `${verb} complete: ${done} of ${ctx.results.length} change(s) done.`
    return `${verb} failed: ${failed} change(s) failed, ${done} done, ${skipped} not started.`
  }
  if (hasChanges(plan) && ctx.drift) return `Drift detected. ${summaryLine(plan)}`
  return summaryLine(plan)
}

function metaLine(plan: Plan, ctx: MarkdownContext): string {
  const meta = [`mode \`${plan.mode}\``]
  if (ctx.commit) {
    const short = `\`${ctx.commit.slice(0, 7)}\``
    meta.push(`commit ${ctx.repoUrl ? `[${short}](${ctx.repoUrl}/commit/${ctx.commit})` : short}`)
  }
  meta.push(`plan \`${ctx.planId}\``)
  if (ctx.runUrl) meta.push(`[workflow run](${ctx.runUrl})`)
  return meta.join(' · ')
}

function resourceTable(changing: Change[], results: Map<string, ChangeResult> | undefined): string[] {
  const rows = results
    ? ['| | Resource | Name | Change | Result |', '|:-:|---|---|---|---|']
    : ['| | Resource | Name | Change |', '|:-:|---|---|---|']
  for (const c of changing) {
    const cells = [`\`${SYMBOL[c.action]}\``, cell(c.kind), code(c.name), cell(changeText(c))]
    if (results) cells.push(resultText(results.get(c.id)))
    rows.push(`| ${cells.join(' | ')} |`)
  }
  return rows
}

function changeText(c: Change): string {
  const fields = c.fields.length ? ` (${c.fields.length} field${c.fields.length === 1 ? '' : 's'})` : ''
  return `${c.action}${fields}${c.note ? `: ${c.note}` : ''}`
}

function resultText(r: ChangeResult | undefined): string {
  if (!r) return 'not run'
  const took = `${(r.durationMs / 1000).toFixed(1)}s`
  if (r.status === 'done') return `done in ${took}`
  if (r.status === 'skipped') return 'not started'
  const error = r.error ?? 'unknown error'
  const shown = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error
  return `**failed** after ${took}: ${cell(shown)}`
}

/** What a deletion leaves in place, and why: in view, not folded away with the unchanged ones. */
function leftList(left: Change[]): string[] {
  const items = left.map((c) => `- ${cell(c.kind)} ${code(c.name)}: ${cell(c.note ?? '')}`)
  return [`**Left in place** (${left.length}):`, '', ...items]
}

function unchangedList(unchanged: Change[]): string[] {
  const n = unchanged.length
  const items = unchanged.map((c) => `- ${cell(c.kind)} ${code(c.name)}${c.note ? ` (${cell(c.note)})` : ''}`)
  return [`<details><summary>${n} resource${n === 1 ? '' : 's'} unchanged</summary>`, '', ...items, '', '</details>']
}

function fieldDetails(c: Change): string[] {
  const lines: string[] = []
  for (const f of c.fields) {
    lines.push(fieldLine(f))
    for (const d of detailLines(f)) lines.push(`    ${d}`)
  }
  const fence = fenceFor(lines)
  const n = c.fields.length
  const summary = `<code>${html(`${SYMBOL[c.action]} ${c.kind} ${c.name}`)}</code>: ${n} field${n === 1 ? '' : 's'}`
  return [`<details><summary>${summary}</summary>`, '', `${fence}diff`, ...lines, fence, '', '</details>']
}

/** A sensitive field's detail lines could quote its value: they are never shown. */
function detailLines(f: FieldChange): string[] {
  if (f.sensitive) return []
  return (f.detail ?? []).flatMap((d) => d.split(/\r?\n/))
}

function nextStep(plan: Plan, ctx: MarkdownContext): string[] {
  if (ctx.results || !hasChanges(plan)) return []
  const pr = ctx.prNumber ? ` with \`pr-number: ${ctx.prNumber}\`` : ''
  return [
    '---',
    `<sub>To apply, run the apply workflow${pr}. It plans again first and refuses if the result differs from this ` +
      'comment or if commits were pushed after it. The job summary of the run holds the whole plan.</sub>',
    '',
  ]
}

/** A fence longer than any run of backticks inside, so no value can close it early. */
function fenceFor(lines: string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))))
  return '`'.repeat(Math.max(3, longest + 1))
}

/** Inline code that survives backticks and table pipes in the text (code spans show `<` as it is). */
function code(text: string): string {
  const ticks = '`'.repeat(Math.max(1, ...(text.match(/`+/g) ?? []).map((m) => m.length + 1)))
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${oneLine(text).replace(/\|/g, '\\|')}${pad}${ticks}`
}

/** Plain text for a table cell or a list item: one line, no markup of its own. */
function cell(text: string): string {
  return html(oneLine(text)).replace(/\|/g, '\\|')
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ')
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
