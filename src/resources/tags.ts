import type { Tags } from '../aws/calls.js'
import { field } from '../plan/fields.js'
import type { FieldChange } from '../plan/types.js'

/** Tags on every AWS resource the action creates or adopts. */
export const MANAGED_TAG = 'managed-by'
export const MANAGED_TAG_VALUE = 'karpenter-action'
export const CLUSTER_TAG = 'karpenter-action/cluster'

export function managedTags(cluster: string, extra: Tags = {}): Tags {
  return { ...extra, [MANAGED_TAG]: MANAGED_TAG_VALUE, [CLUSTER_TAG]: cluster }
}

export function isManaged(tags: Tags): boolean {
  return tags[MANAGED_TAG] === MANAGED_TAG_VALUE
}

/**
 * The tags to add: the desired ones that are missing or different in `actual` (tags others added are left alone),
 * with the plan's `tags` field (their current values; before is undefined when none of them is set yet).
 * Undefined when nothing changes.
 */
export function tagChange(desired: Tags, actual: Tags): { field: FieldChange; tags: Tags } | undefined {
  const tags: Tags = {}
  for (const [k, v] of Object.entries(desired)) if (actual[k] !== v) tags[k] = v
  if (Object.keys(tags).length === 0) return undefined
  const before: Tags = {}
  for (const k of Object.keys(tags)) if (k in actual) before[k] = actual[k]
  return { field: field('tags', Object.keys(before).length ? before : undefined, tags), tags }
}

/** The note shown for a resource that exists but was not made by this action. */
export function adoptionNote(noun: string, tags: Tags): string | undefined {
  return isManaged(tags) ? undefined : `adopting the existing ${noun}`
}
