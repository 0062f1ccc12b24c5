import type { Tags } from '../aws/calls.js'
import { field } from '../plan/fields.js'
import type { FieldChange } from '../plan/types.js'

/** Tags on every AWS resource the action creates or adopts. */
export const MANAGED_TAG = 'managed-by'
export const MANAGED_TAG_VALUE = 'karpenter-action'
export const CLUSTER_TAG = 'karpenter-action/cluster'
/**
 * The ownership tag: set only in the request that creates a resource, never on one the action adopts. What carries it
 * is the action's own (destroy deletes it); what lacks it was adopted (destroy leaves it, unless `destroyAdopted`).
 */
export const CREATED_TAG = 'karpenter-action/created'
export const CREATED_TAG_VALUE = 'true'

/** The note of a resource that a destroy (or a config that no longer wants it) leaves because it was adopted. */
export const LEFT_ADOPTED = 'left: adopted, not created by this action'

export function managedTags(cluster: string, extra: Tags = {}): Tags {
  return { ...extra, [MANAGED_TAG]: MANAGED_TAG_VALUE, [CLUSTER_TAG]: cluster }
}

export function isManaged(tags: Tags): boolean {
  return tags[MANAGED_TAG] === MANAGED_TAG_VALUE
}

/** Created by this action (it carries the ownership tag), as opposed to adopted. */
export function isCreated(tags: Tags): boolean {
  return tags[CREATED_TAG] === CREATED_TAG_VALUE
}

/** The tags of a create request: the desired ones and the ownership tag. */
export function creationTags(tags: Tags): Tags {
  return { ...tags, [CREATED_TAG]: CREATED_TAG_VALUE }
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

/**
 * The note shown for a resource that exists but was not made by this action: being adopted (not tagged yet), or a
 * change to one adopted earlier. None for what the action created, nor for an adopted one left as it is.
 */
export function adoptionNote(noun: string, tags: Tags, changing: boolean): string | undefined {
  if (isCreated(tags)) return undefined
  if (!isManaged(tags)) return `adopting the existing ${noun}`
  return changing ? `change to an adopted ${noun}, not created by this action` : undefined
}
