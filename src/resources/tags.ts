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
