import { createHash } from 'node:crypto'
import type { Plan } from './types.js'

/** JSON with object keys sorted at every level, so equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}

/**
 * The plan's identity: a hash of what it would change, on normalized data. Mode, warnings, notes and
 * no-op resources are left out, so the plan posted on a pull request and the one re-made before the
 * apply match exactly when they would do the same thing.
 */
export function planFingerprint(plan: Plan): string {
  const material = {
    v: plan.formatVersion,
    cluster: plan.cluster,
    region: plan.region,
    changes: plan.changes
      .filter((c) => c.action !== 'noop')
      .map((c) => ({
        id: c.id,
        action: c.action,
        fields: c.fields.map((f) => ({ path: f.path, before: f.before, after: f.after })),
      })),
  }
  return createHash('sha256').update(canonicalJson(material)).digest('hex').slice(0, 16)
}
