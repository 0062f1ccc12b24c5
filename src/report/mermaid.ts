/**
 * The plan as a Mermaid flowchart: one node per resource, an arrow from each dependency to what needs it, and
 * each node coloured by what the plan (or the apply) does to it. GitHub renders ```mermaid blocks in comments and
 * job summaries.
 */
import type { Action, Change, ChangeResult } from '../plan/types.js'
import { SYMBOL } from './text.js'

/** Past this many nodes the graph stops being readable (and GitHub's renderer slows down): leave it out. */
export const MAX_GRAPH_NODES = 80

const CLASSES: Record<Action | 'failed' | 'skipped', string> = {
  create: 'fill:#dafbe1,stroke:#1a7f37,color:#0d3a1c',
  update: 'fill:#fff8c5,stroke:#9a6700,color:#3b2300',
  delete: 'fill:#ffebe9,stroke:#cf222e,color:#5c0f14',
  replace: 'fill:#fbefff,stroke:#8250df,color:#2e1065',
  noop: 'fill:#f6f8fa,stroke:#8c959f,color:#57606a',
  failed: 'fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#5c0f14',
  skipped: 'fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:4 3,color:#57606a',
}

const LEGEND: Record<Action, string> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  replace: 'replace',
  noop: 'unchanged',
}

export interface GraphOptions {
  /** Results of an apply: failed and not-started resources get their own style. */
  results?: ChangeResult[]
  maxNodes?: number
}

/** Mermaid source (without the fence), or undefined when there is nothing to draw or too much. */
export function renderMermaid(changes: Change[], options: GraphOptions = {}): string | undefined {
  const max = options.maxNodes ?? MAX_GRAPH_NODES
  let shown = changes
  // A big plan: the unchanged resources go first, keeping the ones that change and the edges between them.
  if (shown.length > max) shown = changes.filter((c) => c.action !== 'noop')
  if (shown.length === 0 || shown.length > max) return undefined

  const nodeId = new Map(shown.map((c, i) => [c.id, `r${i}`]))
  const status = new Map((options.results ?? []).map((r) => [r.id, r.status]))
  const lines = ['flowchart LR']
  for (const c of shown) {
    const symbol = c.action === 'noop' ? '' : `${SYMBOL[c.action]} `
    lines.push(`  ${nodeId.get(c.id)}["${label(`${symbol}${c.kind}`)}<br/>${label(c.name)}"]`)
  }
  for (const c of shown) {
    for (const dep of c.dependsOn) {
      const from = nodeId.get(dep)
      if (from) lines.push(`  ${from} --> ${nodeId.get(c.id)}`)
    }
  }
  const members = new Map<string, string[]>()
  for (const c of shown) {
    const s = status.get(c.id)
    const cls = s === 'failed' || s === 'skipped' ? s : c.action
    members.set(cls, [...(members.get(cls) ?? []), nodeId.get(c.id)!])
  }
  for (const [cls, style] of Object.entries(CLASSES)) {
    const nodes = members.get(cls)
    if (nodes) lines.push(`  class ${nodes.join(',')} ${cls}`, `  classDef ${cls} ${style}`)
  }
  return lines.join('\n')
}

/** A one-line legend of the colours the graph uses, e.g. `green: create · yellow: update`. */
export function graphLegend(changes: Change[], results?: ChangeResult[]): string {
  const colour: Record<string, string> = {
    create: 'green',
    update: 'yellow',
    delete: 'red',
    replace: 'purple',
    noop: 'grey',
  }
  const actions = new Set(changes.map((c) => c.action))
  const parts = (['create', 'update', 'replace', 'delete', 'noop'] as Action[])
    .filter((a) => actions.has(a))
    .map((a) => `${colour[a]}: ${LEGEND[a]}`)
  if (results?.some((r) => r.status === 'failed')) parts.push('thick red border: failed')
  if (results?.some((r) => r.status === 'skipped')) parts.push('dashed: not started')
  return parts.join(' · ')
}

/**
 * Text inside a quoted Mermaid label: quotes and angle brackets become entity codes (Mermaid's `#quot;` form),
 * so a name can neither end the label nor inject markup.
 */
function label(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[\r\n]+/g, ' ')
}
