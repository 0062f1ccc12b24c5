/**
 * IAM policy documents: types, a canonical form for comparing what we want with what AWS returns,
 * a short human diff for plan output, and the size IAM counts against its limits.
 *
 * AWS hands documents back URL-encoded and in whatever shape they were written (a string where an
 * array was sent, another order), so every comparison goes through `normalizePolicy`.
 */

export type StringOrList = string | string[]

/** `"*"` or a map such as `{ "Service": ["ec2.amazonaws.com"] }`. */
export type Principal = '*' | Record<string, StringOrList>

/** Condition values may be written as JSON booleans or numbers; IAM compares them as strings. */
export type ConditionValue = string | number | boolean
export type ConditionBlock = Record<string, Record<string, ConditionValue | ConditionValue[]>>

export interface Statement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Principal?: Principal
  NotPrincipal?: Principal
  Action?: StringOrList
  NotAction?: StringOrList
  Resource?: StringOrList
  NotResource?: StringOrList
  Condition?: ConditionBlock
}

export interface PolicyDocument {
  Version?: string
  Id?: string
  Statement: Statement | Statement[]
}

/** A policy document in canonical form: every list an array, sorted and without duplicates. */
export interface CanonicalStatement {
  Sid?: string
  Effect: string
  Principal?: '*' | Record<string, string[]>
  NotPrincipal?: '*' | Record<string, string[]>
  Action?: string[]
  NotAction?: string[]
  Resource?: string[]
  NotResource?: string[]
  Condition?: Record<string, Record<string, string[]>>
}

export interface CanonicalPolicy {
  Version?: string
  Id?: string
  Statement: CanonicalStatement[]
}

/** What the functions here accept: a document, its JSON text, or that text URL-encoded as IAM returns it. */
export type PolicyInput = PolicyDocument | string

export const POLICY_VERSION = '2012-10-17'

export function parsePolicy(input: PolicyInput): PolicyDocument {
  const doc = typeof input === 'string' ? parsePolicyText(input) : input
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error('policy document must be a JSON object')
  }
  if (doc.Statement === undefined) throw new Error('policy document has no Statement')
  return doc
}

function parsePolicyText(text: string): PolicyDocument {
  const trimmed = text.trim()
  // JSON text starts with `{`; IAM's URL-encoded form starts with `%7B`.
  const json = trimmed.startsWith('{') ? trimmed : decodePolicyText(trimmed)
  try {
    return JSON.parse(json) as PolicyDocument
  } catch (err) {
    throw new Error(`policy document is not valid JSON: ${(err as Error).message}`)
  }
}

function decodePolicyText(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new Error('policy document is neither JSON nor URL-encoded JSON')
  }
}

/** A policy as written (decoded when IAM URL-encoded it), for plans: readable, while comparisons use the canonical form. */
export function displayPolicy(input: PolicyInput): PolicyDocument {
  const doc = parsePolicy(input)
  return { ...doc, Statement: statementsOf(doc) }
}

export function statementsOf(doc: PolicyDocument): Statement[] {
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
}

/**
 * The canonical form of a policy: two documents IAM treats as the same compare equal (deeply, or
 * through `canonicalPolicyJson`). What is folded and what is kept:
 * - Version, Id, Sid and Effect are kept as written.
 * - Action/NotAction: lower-cased, because IAM matches action names case-insensitively.
 * - Resource/NotResource, principal values and condition values: case kept (ARNs and most values
 *   are case-sensitive), made arrays, sorted, deduplicated. Condition booleans/numbers become strings.
 * - Condition operators and keys: sorted, case kept. IAM reads key names case-insensitively, but
 *   keeping their case is the safe side: the worst it costs is one needless update after someone
 *   re-cased a key by hand.
 * - Principal `"*"` stays distinct from `{"AWS": "*"}`: IAM documents both as "everyone", yet some
 *   services treat them differently in resource policies (e.g. whether anonymous callers match).
 * - Statements are sorted by their canonical JSON and exact duplicates dropped.
 */
export function normalizePolicy(input: PolicyInput): CanonicalPolicy {
  const doc = parsePolicy(input)
  const statements = sortedStatements(statementsOf(doc).map(normalizeStatement))
  return { ...dropUndefined({ Version: doc.Version, Id: doc.Id }), Statement: statements }
}

function sortedStatements(statements: CanonicalStatement[]): CanonicalStatement[] {
  const byKey = new Map(statements.map((s) => [JSON.stringify(s), s]))
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as CanonicalStatement)
}

export function normalizeStatement(statement: Statement): CanonicalStatement {
  if (statement === null || typeof statement !== 'object') throw new Error('policy statement must be an object')
  // Key order is fixed here so that JSON.stringify of the result is canonical.
  const canonical: CanonicalStatement = {
    Sid: statement.Sid,
    Effect: statement.Effect,
    Principal: normalizePrincipal(statement.Principal),
    NotPrincipal: normalizePrincipal(statement.NotPrincipal),
    Action: normalizeActions(statement.Action),
    NotAction: normalizeActions(statement.NotAction),
    Resource: normalizeList(statement.Resource),
    NotResource: normalizeList(statement.NotResource),
    Condition: normalizeCondition(statement.Condition),
  }
  return dropUndefined(canonical)
}

function normalizeActions(actions: StringOrList | undefined): string[] | undefined {
  return actions === undefined ? undefined : sortedUnique(toList(actions).map((a) => a.toLowerCase()))
}

function normalizeList(values: StringOrList | undefined): string[] | undefined {
  return values === undefined ? undefined : sortedUnique(toList(values))
}

function normalizePrincipal(principal: Principal | undefined): CanonicalStatement['Principal'] {
  if (principal === undefined) return undefined
  if (principal === '*') return '*'
  return mapSortedKeys(principal, (values) => sortedUnique(toList(values)))
}

function normalizeCondition(condition: ConditionBlock | undefined): CanonicalStatement['Condition'] {
  if (condition === undefined) return undefined
  return mapSortedKeys(condition, (keys) => mapSortedKeys(keys, (values) => sortedUnique(toList(values).map(String))))
}

function mapSortedKeys<V, R>(record: Record<string, V>, fn: (value: V) => R): Record<string, R> {
  const out: Record<string, R> = {}
  for (const key of Object.keys(record).sort()) out[key] = fn(record[key])
  return out
}

function toList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value]
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort()
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/** A stable string for a policy: equal for documents IAM considers equal. Suitable for hashing. */
export function canonicalPolicyJson(input: PolicyInput): string {
  return JSON.stringify(normalizePolicy(input))
}

export function policiesEqual(a: PolicyInput, b: PolicyInput): boolean {
  return canonicalPolicyJson(a) === canonicalPolicyJson(b)
}

/**
 * The size IAM counts against its managed-policy limit: the document as we send it, minified.
 * IAM ignores whitespace; whitespace inside string values is still counted here, which can only
 * overestimate.
 */
export function policySize(input: PolicyInput): number {
  return JSON.stringify(parsePolicy(input)).length
}

/**
 * Short, human lines describing how `after` differs from `before`, for plan output:
 * `+`/`-` for statements only on one side, `~` for a statement whose Sid exists on both sides.
 * Empty when the documents are equal.
 */
export function diffPolicies(before: PolicyInput, after: PolicyInput): string[] {
  const a = parsePolicy(before)
  const b = parsePolicy(after)
  return [
    ...diffScalar('Version', a.Version, b.Version),
    ...diffScalar('Id', a.Id, b.Id),
    ...diffStatements(statementsOf(a), statementsOf(b)),
  ]
}

function diffScalar(name: string, before: string | undefined, after: string | undefined): string[] {
  return before === after ? [] : [`~ ${name}: ${JSON.stringify(before ?? null)} → ${JSON.stringify(after ?? null)}`]
}

interface Keyed {
  raw: Statement
  canonical: CanonicalStatement
  key: string
}

function keyed(statements: Statement[]): Keyed[] {
  return statements.map((raw) => {
    const canonical = normalizeStatement(raw)
    return { raw, canonical, key: JSON.stringify(canonical) }
  })
}

function diffStatements(beforeStatements: Statement[], afterStatements: Statement[]): string[] {
  const before = keyed(beforeStatements)
  const after = keyed(afterStatements)
  const beforeKeys = new Set(before.map((s) => s.key))
  const afterKeys = new Set(after.map((s) => s.key))
  const added = after.filter((s) => !beforeKeys.has(s.key))
  const removed = before.filter((s) => !afterKeys.has(s.key))

  const lines: string[] = []
  for (const old of removed) {
    const match = old.raw.Sid === undefined ? -1 : added.findIndex((s) => s.raw.Sid === old.raw.Sid)
    if (match < 0) {
      lines.push(`- statement ${statementLabel(old.raw)}`)
      continue
    }
    const [updated] = added.splice(match, 1)
    lines.push(`~ statement ${old.raw.Sid}: ${statementChanges(old.canonical, updated.canonical).join('; ')}`)
  }
  for (const s of added) lines.push(`+ statement ${statementLabel(s.raw)}`)
  return lines
}

function statementChanges(before: CanonicalStatement, after: CanonicalStatement): string[] {
  const changes: string[] = []
  if (before.Effect !== after.Effect) changes.push(`Effect ${before.Effect} → ${after.Effect}`)
  for (const field of ['Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource'] as const) {
    changes.push(...listChange(field, flattenField(before[field]), flattenField(after[field])))
  }
  changes.push(...listChange('Condition', flattenCondition(before.Condition), flattenCondition(after.Condition)))
  return changes
}

function listChange(field: string, before: string[], after: string[]): string[] {
  const added = after.filter((v) => !before.includes(v)).map((v) => `+${v}`)
  const removed = before.filter((v) => !after.includes(v)).map((v) => `-${v}`)
  const parts = [...added, ...removed]
  return parts.length === 0 ? [] : [`${field} ${parts.join(' ')}`]
}

function flattenField(value: CanonicalStatement[keyof CanonicalStatement]): string[] {
  if (value === undefined) return []
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value
  return Object.entries(value).flatMap(([type, values]) => (values as string[]).map((v) => `${type}:${v}`))
}

function flattenCondition(condition: CanonicalStatement['Condition']): string[] {
  if (condition === undefined) return []
  return Object.entries(condition).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, values]) => `${operator}(${key}=${values.join('|')})`),
  )
}

/** A statement's Sid, or a one-line summary of it when it has none. */
export function statementLabel(statement: Statement): string {
  if (statement.Sid) return statement.Sid
  const actions = summarizeList(statement.Action ?? statement.NotAction)
  const target = summarizeList(statement.Resource ?? statement.NotResource)
  const principal = summarizeList(flattenField(normalizePrincipal(statement.Principal)))
  return `(${[statement.Effect, actions, target && `on ${target}`, principal && `for ${principal}`].filter(Boolean).join(' ')})`
}

function summarizeList(value: StringOrList | undefined, shown = 2): string {
  if (value === undefined) return ''
  const list = toList(value)
  const more = list.length > shown ? ` and ${list.length - shown} more` : ''
  return list.slice(0, shown).join(', ') + more
}
