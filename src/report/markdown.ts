import type { Plan } from '../plan/types.js'
import { fieldLine, SYMBOL, summaryLine } from './text.js'

export interface MarkdownContext {
  planId: string
  commit?: string
  runUrl?: string
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The whole plan as Markdown: the job summary (and, later, the pull-request comment). */
export function renderMarkdown(plan: Plan, ctx: MarkdownContext): string {
  const out: string[] = []
  out.push(`### Karpenter ${plan.mode} for \`${plan.cluster}\` (${plan.region})`)
  const meta = [`plan \`${ctx.planId}\``]
  if (ctx.commit) meta.push(`commit \`${ctx.commit.slice(0, 7)}\``)
  if (ctx.runUrl) meta.push(`[run](${ctx.runUrl})`)
  out.push(meta.join(' · '), '')
  out.push(`**${summaryLine(plan)}**`, '')
  const changing = plan.changes.filter((c) => c.action !== 'noop')
  if (changing.length) {
    out.push('| | resource | name | |', '|---|---|---|---|')
    for (const c of changing) {
      out.push(
        `| \`${SYMBOL[c.action]}\` | ${c.kind} | \`${escapeCell(c.name)}\` | ${escapeCell(c.note ?? c.action)} |`,
      )
    }
    out.push('')
    for (const c of changing) {
      if (!c.fields.length) continue
      out.push(`<details><summary><code>${SYMBOL[c.action]} ${c.kind} ${c.name}</code></summary>`, '', '```diff')
      for (const f of c.fields) {
        out.push(fieldLine(f))
        for (const d of f.detail ?? []) out.push(`    ${d}`)
      }
      out.push('```', '', '</details>', '')
    }
  }
  for (const w of plan.warnings) out.push(`> [!WARNING]`, `> ${w}`, '')
  return out.join('\n')
}
