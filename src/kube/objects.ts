import { createHash } from 'node:crypto'
import { parseAllDocuments } from 'yaml'
import { canonicalJson } from '../plan/fingerprint.js'
import type { FieldChange } from '../plan/types.js'
import type { KubeObject } from './kubectl.js'

/** `Deployment karpenter/karpenter`, `NodePool default`: how the plan names an object. */
export function objectKey(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : ''
  return `${o.kind} ${ns}${o.metadata.name}`
}

/**
 * The objects of a YAML stream (a Helm manifest, a user's file): empty documents skipped, `List`s expanded.
 * `source` names the text in errors.
 */
export function parseObjects(text: string, source: string): KubeObject[] {
  const out: KubeObject[] = []
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length) throw new Error(`${source}: document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`)
    const value = doc.toJS() as unknown
    if (value === null || value === undefined) return
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${source}: document ${i + 1} is not a Kubernetes object (a mapping with apiVersion and kind)`)
    }
    const o = value as Partial<KubeObject> & { items?: unknown[] }
    if (o.kind === 'List' && Array.isArray(o.items)) {
      for (const item of o.items) out.push(checkObject(item, `${source}: document ${i + 1}`))
    } else out.push(checkObject(o, `${source}: document ${i + 1}`))
  })
  return out
}

function checkObject(value: unknown, where: string): KubeObject {
  const o = value as Partial<KubeObject>
  if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
    throw new Error(`${where}: not a Kubernetes object: apiVersion and kind are required`)
  }
  if (!o.metadata || typeof o.metadata.name !== 'string' || !o.metadata.name) {
    throw new Error(`${where}: ${o.kind} has no metadata.name`)
  }
  return o as KubeObject
}

/** Objects that Helm keeps out of the release manifest (hooks, tests). */
export function isHelmHook(o: KubeObject): boolean {
  return Boolean(o.metadata.annotations?.['helm.sh/hook'])
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/

/** Appends a key to a display path: `a.b`, `labels["app.kubernetes.io/name"]`, `items[2]`. */
export function joinPath(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`
  if (SIMPLE_KEY.test(key)) return prefix ? `${prefix}.${key}` : key
  return `${prefix}[${JSON.stringify(key)}]`
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Leaves of a value by display path. Empty objects and arrays are leaves themselves. */
export function flatten(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>()
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v) && v.length) v.forEach((x, i) => walk(x, joinPath(path, i)))
    else if (isPlainObject(v) && Object.keys(v).length) {
      for (const k of Object.keys(v).sort()) if (v[k] !== undefined) walk(v[k], joinPath(path, k))
    } else out.set(path, v)
  }
  walk(value, prefix)
  return out
}

/**
 * Leaves for showing a new object: like flatten(), but a list of scalars stays one value
 * (`values = ["m5.large","c5.large"]` reads better than one line per item), and so does a flat item of a
 * list (`requirements[1] = {"key":"kubernetes.io/arch","operator":"In","values":["amd64"]}`).
 */
export function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>()
  const walk = (v: unknown, path: string, inList = false) => {
    if (inList && isFlat(v)) out.set(path, v)
    else if (Array.isArray(v) && v.length && v.some((x) => typeof x === 'object' && x !== null)) {
      v.forEach((x, i) => walk(x, joinPath(path, i), true))
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

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b)
}

/**
 * Field changes between two values, leaf by leaf. A list whose length changed is shown whole (item-by-item
 * shifts read badly); same-length lists item by item.
 */
export function diffValues(before: unknown, after: unknown, prefix = ''): FieldChange[] {
  const out: FieldChange[] = []
  const walk = (a: unknown, b: unknown, path: string) => {
    if (deepEqual(a, b)) return
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
      for (const k of keys) walk(a[k], b[k], joinPath(path, k))
      return
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], joinPath(path, i)))
      return
    }
    out.push({ path, before: a, after: b })
  }
  walk(before, after, prefix)
  return out
}

/** True when every leaf of `want` is present with the same value in `have` (defaults added by the server are fine). */
export function isSubset(want: unknown, have: unknown): boolean {
  if (isPlainObject(want)) {
    if (!isPlainObject(have)) return false
    return Object.entries(want).every(([k, v]) => v === undefined || isSubset(v, have[k]))
  }
  if (Array.isArray(want)) {
    return Array.isArray(have) && want.length === have.length && want.every((v, i) => isSubset(v, have[i]))
  }
  return deepEqual(want, have)
}

/** A short digest that shows a secret value changed without showing it. */
export function digest(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12)}`
}

/** A copy of the object with Secret data replaced by digests (for plans, logs and comments). */
export function redact(o: KubeObject): KubeObject {
  if (o.kind !== 'Secret' || o.apiVersion !== 'v1') return o
  const copy: KubeObject = { ...o }
  for (const key of ['data', 'stringData']) {
    const data = o[key]
    if (isPlainObject(data)) {
      copy[key] = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, digest(v)]))
    }
  }
  return copy
}

/** Parses a Go duration (`10m`, `1h30m`, `45s`, `500ms`) to milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  let total = 0
  let rest = text.trim()
  if (!rest) throw new Error('empty duration')
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest)
    if (!m) throw new Error(`"${text}" is not a duration like 10m or 90s`)
    total += Number(m[1]) * units[m[2]]
    rest = rest.slice(m[0].length)
  }
  return total
}
