import { createHash } from 'node:crypto'
import { CORE_SCHEMA, loadAll, YAMLException } from 'js-yaml'
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
    collect(doc.toJS() as unknown, `${source}: document ${i + 1}`, out)
  })
  return out
}

/** The most nodes a rendered manifest may expand to through YAML aliases, per character of its text (and at least). */
const ALIAS_EXPANSION = { perChar: 2, least: 100_000 }

/**
 * The objects of what helm printed or stored (`helm template` output, a release's manifest), as parseObjects()
 * gives them, read with js-yaml's core schema (YAML 1.2, as parseObjects reads): several times faster on the
 * large manifests a plan reads, and with no line positions, which helm's output never needs. A chart is
 * untrusted, so a manifest whose aliases would expand past ALIAS_EXPANSION is refused (js-yaml shares an
 * aliased node instead of copying it; everything after it would walk every copy).
 */
export function parseRendered(text: string, source: string): KubeObject[] {
  let docs: unknown[]
  try {
    docs = loadAll(text, undefined, { schema: CORE_SCHEMA })
  } catch (e) {
    const reason = e instanceof YAMLException ? `${e.reason}${e.mark ? ` (line ${e.mark.line + 1})` : ''}` : String(e)
    throw new Error(`${source}: ${reason}`)
  }
  const bound = Math.max(ALIAS_EXPANSION.least, ALIAS_EXPANSION.perChar * text.length)
  const out: KubeObject[] = []
  docs.forEach((value, i) => {
    if (expandedSize(value, new Map(), bound) > bound) {
      throw new Error(`${source}: document ${i + 1}: its YAML aliases expand to more than ${bound} nodes`)
    }
    collect(value, `${source}: document ${i + 1}`, out)
  })
  return out
}

/** How many nodes `v` has with every alias expanded, counted once per shared node (stops past `bound`). */
function expandedSize(v: unknown, seen: Map<object, number>, bound: number): number {
  if (v === null || typeof v !== 'object') return 1
  const known = seen.get(v)
  if (known !== undefined) return known
  seen.set(v, bound + 1) // a cycle (a recursive alias) counts as too large
  let n = 1
  for (const child of Array.isArray(v) ? v : Object.values(v)) {
    n += expandedSize(child, seen, bound)
    if (n > bound) break
  }
  seen.set(v, n)
  return n
}

/** One parsed document: nothing (empty), one object, or a `List`'s items. */
function collect(value: unknown, where: string, out: KubeObject[]): void {
  if (value === null || value === undefined) return
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where} is not a Kubernetes object (a mapping with apiVersion and kind)`)
  }
  const o = value as Partial<KubeObject> & { items?: unknown[] }
  if (o.kind === 'List' && Array.isArray(o.items)) {
    for (const item of o.items) out.push(checkObject(item, where))
  } else out.push(checkObject(o, where))
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
