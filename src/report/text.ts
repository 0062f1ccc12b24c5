import { oneLine } from './escape.js'
import {
  hasChanges,
  isLeft,
  type Action,
  type Change,
  type EngineEvent,
  type FieldChange,
  type Plan,
} from '../plan/types.js'

export const SYMBOL: Record<Action, string> = { create: '+', update: '~', delete: '-', replace: '-/+', noop: ' ' }

export function summaryLine(plan: Plan): string {
  const { add, change, destroy } = plan.summary
  if (!hasChanges(plan)) return 'No changes. The cluster matches the configuration.'
  return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`
}

/** A value as one short line for the plan. */
export function showValue(v: unknown, f?: FieldChange): string {
  if (f?.sensitive) return '(sensitive)'
  if (v === undefined) return '(none)'
  return oneLine(JSON.stringify(v))
}

export function fieldLine(f: FieldChange): string {
  const mark = f.before === undefined ? '+' : f.after === undefined ? '-' : '~'
  const replace = f.forcesReplacement ? ' # forces replacement' : ''
  const path = oneLine(f.path)
  if (mark === '+') return `${mark} ${path} = ${showValue(f.after, f)}${replace}`
  if (mark === '-') return `${mark} ${path} = ${showValue(f.before, f)}${replace}`
  return `${mark} ${path}: ${showValue(f.before, f)} -> ${showValue(f.after, f)}${replace}`
}

/** One change's line. Kinds and names come from the user's manifests too: each is kept to its line (src/report/escape.ts). */
export function changeLine(c: Change): string {
  return `${SYMBOL[c.action].padStart(3)} ${oneLine(c.kind)} ${oneLine(c.name)}${c.note ? `  (${oneLine(c.note)})` : ''}`
}

/** The plan as Terraform prints it: one line per changing resource, field diffs beneath, the summary last. */
export function renderText(plan: Plan): string {
  const lines: string[] = []
  for (const c of plan.changes) {
    if (c.action === 'noop' && !isLeft(c)) continue
    lines.push(changeLine(c))
    for (const f of c.fields) lines.push(`        ${fieldLine(f)}`)
  }
  if (lines.length) lines.push('')
  for (const w of plan.warnings) lines.push(`Warning: ${oneLine(w)}`)
  lines.push(summaryLine(plan))
  return lines.join('\n')
}

const VERB = { create: 'creating', update: 'updating', replace: 'replacing', delete: 'deleting' } as const

/** A log line for what happens to one change while it is applied. */
export function eventLine(e: EngineEvent): string {
  const took = (ms: number) => `${(ms / 1000).toFixed(1)}s`
  const what = `${oneLine(e.kind)} ${oneLine(e.name)}`
  if (e.type === 'started') return `${VERB[e.action]} ${what} ...`
  if (e.type === 'done') return `${what}: ${e.action} done in ${took(e.durationMs)}`
  // A failure is logged with core.error, whose workflow-command escaping keeps the error's lines in its annotation.
  return `${what}: ${e.action} failed after ${took(e.durationMs)}: ${e.error}`
}
