import { createHash } from 'node:crypto'
import { parseAllDocuments } from 'yaml'
import { canonicalJson, deepEqual, isPlainObject } from '../json.js'
import type { KubeObject } from './types.js'

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
