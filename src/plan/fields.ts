/** Building the field changes of a plan: one value, the leaves of a new one, the differences between two. */
import { deepEqual, isPlainObject } from '../json.js'
import { isSecretPair } from './redact.js'
import type { FieldChange } from './types.js'

export function field(path: string, before: unknown, after: unknown, extra: Partial<FieldChange> = {}): FieldChange {
  return { path, before, after, ...extra }
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** Appends a key to a display path: `a.b`, `labels["app.kubernetes.io/name"]`, `items[2]`. */
export function joinPath(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`
  if (SIMPLE_KEY.test(key)) return prefix ? `${prefix}.${key}` : key
  return `${prefix}[${JSON.stringify(key)}]`
}

/**
 * The keys that name the entries of a list, as Kubernetes merges them (`env`, `containers`, `volumes` by `name`;
 * NodePool `requirements` and `taints` by `key`; `volumeMounts` by `mountPath`): the first whose value is a string
 * in every entry and unique among them.
 */
const MERGE_KEYS = ['name', 'key', 'mountPath', 'devicePath'] as const

/** The merge key of a list of objects, or undefined when its entries can only be told apart by position. */
export function listKey(list: readonly unknown[]): string | undefined {
  if (!list.length || !list.every(isPlainObject)) return undefined
  const items = list as Record<string, unknown>[]
  for (const k of MERGE_KEYS) {
    const values = items.map((x) => x[k])
    if (values.every((v) => typeof v === 'string' && v !== '') && new Set(values).size === values.length) return k
  }
  return undefined
}

const BARE_ENTRY = /^(?![0-9]+$)[A-Za-z0-9_./-]+$/

/** The display path of a list entry named by its key: `env[LOG_LEVEL]`, `requirements[kubernetes.io/arch]`. */
export function entryPath(prefix: string, keyValue: string): string {
  return `${prefix}[${BARE_ENTRY.test(keyValue) ? keyValue : JSON.stringify(keyValue)}]`
}

/**
 * Leaves of a value by display path, for showing a new object. Empty objects and arrays are leaves themselves; a
 * list of scalars stays one value (`values = ["m5.large","c5.large"]` reads better than one line per item), and so
 * does a flat item of a list (`requirements[1] = {"key":"kubernetes.io/arch","operator":"In","values":["amd64"]}`).
 */
export function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>()
  const walk = (v: unknown, path: string, inList = false) => {
    if (inList && isFlat(v)) out.set(path, v)
    else if (Array.isArray(v) && v.length && v.some((x) => typeof x === 'object' && x !== null)) {
      const key = listKey(v)
      v.forEach((x, i) => walk(x, key ? entryPath(path, (x as Record<string, string>)[key]) : joinPath(path, i), true))
    } else if (isPlainObject(v) && Object.keys(v).length) {
      for (const k of Object.keys(v).sort()) if (v[k] !== undefined) walk(v[k], joinPath(path, k))
    } else out.set(path, v)
  }
  walk(value, prefix)
  return out
}

/** A mapping of scalars and lists of scalars: short enough to show as one value. */
function isFlat(v: unknown): boolean {
  const scalar = (x: unknown) => x === null || typeof x !== 'object'
  return isPlainObject(v) && Object.values(v).every((x) => scalar(x) || (Array.isArray(x) && x.every(scalar)))
}

/** The leaves of a new value as field changes (`after` only). */
export function creationFields(value: unknown, prefix = ''): FieldChange[] {
  return [...leaves(value, prefix)].map(([path, after]) => ({ path, after }))
}

/**
 * Field changes between two values, leaf by leaf. Lists whose entries have a merge key (both sides the same) are
 * compared entry by entry under that key, whatever their order or length: `env[LOG_LEVEL].value`, an added
 * `env[NEW]`, a removed one; only a change of order alone shows the list whole. Other lists: a list whose length
 * changed is shown whole (item-by-item shifts read badly); same-length lists item by item.
 */
export function diffValues(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  const out: FieldChange[] = []
  // Beneath a name/value pair named like a secret (`{name: API_TOKEN, value: ...}`), the leaves lose the name
  // that tells: they are marked sensitive here (src/plan/redact.ts marks the rest).
  const walk = (a: unknown, b: unknown, path: string, secret: boolean) => {
    if (deepEqual(a, b)) return
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
      const inPair = secret || isSecretPair(a) || isSecretPair(b)
      for (const k of keys) walk(a[k], b[k], joinPath(path, k), inPair)
      return
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const key = listKey(a)
      if (key && listKey(b) === key) {
        const before = new Map(a.map((x) => [(x as Record<string, string>)[key], x]))
        const after = new Map(b.map((x) => [(x as Record<string, string>)[key], x]))
        const count = out.length
        for (const k of new Set([...before.keys(), ...after.keys()])) {
          const [x, y] = [before.get(k), after.get(k)]
          walk(x, y, entryPath(path, k), secret || isSecretPair(x) || isSecretPair(y))
        }
        if (out.length === count) out.push({ path, before: a, after: b, ...(secret ? { sensitive: true } : {}) })
        return
      }
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], joinPath(path, i), secret))
      return
    }
    out.push({ path, before: a, after: b, ...(secret ? { sensitive: true } : {}) })
  }
  walk(before, after, prefix, false)
  return out
}
