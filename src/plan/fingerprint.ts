import { createHash } from 'node:crypto'
import { canonicalJson } from '../json.js'
import { changing, type Plan } from './types.js'

/**
 * The plan's identity: a hash of what it would change, on normalized data. Mode, warnings, notes and
 * no-op resources are left out, so the plan posted on a pull request and the one re-made before the
 * apply match exactly when they would do the same thing.
 */
export function planFingerprint(plan: Plan): string {
  const changes = changing(plan).map(({ id, action, fields }) => ({
    id,
    action,
    fields: fields.map(({ path, before, after }) => ({ path, before, after })),
  }))
  const material = { v: plan.formatVersion, cluster: plan.cluster, region: plan.region, changes }
  return createHash('sha256').update(canonicalJson(material)).digest('hex').slice(0, 16)
}
