/** Tags on every AWS resource the action creates or adopts. */
export const MANAGED_TAG = 'managed-by'
export const MANAGED_TAG_VALUE = 'karpenter-action'
export const CLUSTER_TAG = 'karpenter-action/cluster'

export function managedTags(cluster: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [MANAGED_TAG]: MANAGED_TAG_VALUE, [CLUSTER_TAG]: cluster }
}

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key] }))
}

export function tagMap(list: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const t of list ?? []) if (t.Key) out[t.Key] = t.Value ?? ''
  return out
}

/** The desired tags that are missing or different in `actual` (tags others added are left alone). */
export function missingTags(desired: Record<string, string>, actual: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(desired)) if (actual[k] !== v) out[k] = v
  return out
}

export function isManaged(tags: Record<string, string>): boolean {
  return tags[MANAGED_TAG] === MANAGED_TAG_VALUE
}

/**
 * The `tags` field of a plan: the desired tags that are missing or different, with their current values
 * (undefined when none of them is set yet). Undefined when nothing changes.
 */
export function tagsField(
  desired: Record<string, string>,
  actual: Record<string, string>,
): { path: string; before?: Record<string, string>; after: Record<string, string> } | undefined {
  const after = missingTags(desired, actual)
  if (Object.keys(after).length === 0) return undefined
  const before: Record<string, string> = {}
  for (const k of Object.keys(after)) if (k in actual) before[k] = actual[k]
  return { path: 'tags', before: Object.keys(before).length ? before : undefined, after }
}

/** The note shown for a resource that exists but was not made by this action. */
export function adoptionNote(kind: string, tags: Record<string, string>): string | undefined {
  return isManaged(tags) ? undefined : `adopting the existing ${kind}`
}
