/**
 * What a reviewer saw, kept recoverable: a compact digest of the plan (resource ids, actions, field paths and a
 * short hash of each field's values) travels in a hidden block of the sticky comment. When the apply's fresh plan
 * has another fingerprint, comparing the two digests says which resources and fields differ.
 *
 * Values themselves never enter the digest; a sensitive field gets no hash either (a short hash of a low-entropy
 * secret could be guessed), so a change in its value shows only through the fingerprint.
 */
import { createHash } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { canonicalJson } from '../json.js'
import { changing, type Action, type Plan } from '../plan/types.js'

export interface DigestField {
  path: string
  /** First 10 hex digits of sha256(canonical {before, after}); absent for sensitive fields. */
  h?: string
}

export interface DigestChange {
  id: string
  kind: string
  name: string
  action: Action
  /** Absent when the digest had to drop field details to stay small. */
  fields?: DigestField[]
}

export interface PlanDigest {
  v: 1
  planId: string
  cluster: string
  region: string
  changes: DigestChange[]
  /** Some detail was dropped to respect the size bound (`fields`: field lists; `changes`: resources too). */
  cut?: 'fields' | 'changes'
}

/** Upper bound of the hidden block, in characters: a small share of the 65,536 a comment may hold. */
export const MAX_DIGEST_CHARS = 12_000

const BLOCK_TAG = 'karpenter-action:reviewed-plan'
const BLOCK_PATTERN = /<!--\s*karpenter-action:reviewed-plan\s+([A-Za-z0-9_-]+)\s*-->/

export function planDigest(plan: Plan, planId: string): PlanDigest {
  return {
    v: 1,
    planId,
    cluster: plan.cluster,
    region: plan.region,
    changes: changing(plan).map(({ id, kind, name, action, fields }) => ({
      id,
      kind,
      name,
      action,
      fields: fields.map((f) => (f.sensitive ? { path: f.path } : { path: f.path, h: valueHash(f.before, f.after) })),
    })),
  }
}

function valueHash(before: unknown, after: unknown): string {
  return createHash('sha256').update(canonicalJson({ before, after })).digest('hex').slice(0, 10)
}

/**
 * The hidden block: `<!-- karpenter-action:reviewed-plan <base64url of deflated JSON> -->`. Base64url keeps `--`
 * and `>` out of the HTML comment whatever the names hold; deflate makes the repetitive JSON about five times
 * smaller. Over `maxChars`, field lists go first, then resources from the end.
 */
export function formatDigestBlock(digest: PlanDigest, maxChars = MAX_DIGEST_CHARS): string {
  const encode = (d: PlanDigest) =>
    `<!-- ${BLOCK_TAG} ${deflateRawSync(JSON.stringify(d), { level: 9 }).toString('base64url')} -->`
  let block = encode(digest)
  if (block.length <= maxChars) return block
  const lean: PlanDigest = { ...digest, cut: 'fields', changes: digest.changes.map(({ fields: _, ...c }) => c) }
  block = encode(lean)
  let kept = lean.changes.length
  while (block.length > maxChars && kept > 0) {
    kept = Math.floor(kept * 0.8)
    block = encode({ ...lean, cut: 'changes', changes: lean.changes.slice(0, kept) })
  }
  return block
}

/** The digest in a comment body, or undefined when there is none or it cannot be read. */
export function parseDigestBlock(body: string | null | undefined): PlanDigest | undefined {
  const match = BLOCK_PATTERN.exec(body ?? '')
  if (!match) return undefined
  try {
    const data = JSON.parse(inflateRawSync(Buffer.from(match[1], 'base64url')).toString('utf8')) as PlanDigest
    if (data?.v !== 1 || typeof data.planId !== 'string' || !Array.isArray(data.changes)) return undefined
    return data
  } catch {
    return undefined
  }
}

/** One way the plan now differs from the reviewed one, as a line for the log and the job summary. */
export interface PlanDifference {
  id: string
  /** `+` planned now only, `-` reviewed only, `~` planned both times but differently. */
  mark: '+' | '-' | '~'
  text: string
}

/**
 * Which resources and fields differ between the reviewed plan and the plan now. Empty when the digests agree on
 * everything they hold (a sensitive value or a cut digest can hide the difference the fingerprint caught).
 */
export function comparePlans(reviewed: PlanDigest, now: PlanDigest): PlanDifference[] {
  const out: PlanDifference[] = []
  if (reviewed.cluster !== now.cluster || reviewed.region !== now.region) {
    out.push({
      id: '(cluster)',
      mark: '~',
      text: `the plan was for ${reviewed.cluster} in ${reviewed.region}, now for ${now.cluster} in ${now.region}`,
    })
  }
  const before = new Map(reviewed.changes.map((c) => [c.id, c]))
  const after = new Map(now.changes.map((c) => [c.id, c]))
  for (const c of now.changes) {
    const r = before.get(c.id)
    if (!r) {
      if (reviewed.cut === 'changes') continue
      out.push({ id: c.id, mark: '+', text: `${describe(c)}: ${c.action} is new since the review` })
      continue
    }
    if (r.name !== c.name || r.kind !== c.kind) {
      out.push({ id: c.id, mark: '~', text: `${describe(c)}: was ${describe(r)} in the review` })
    }
    if (r.action !== c.action) {
      out.push({ id: c.id, mark: '~', text: `${describe(c)}: reviewed as ${r.action}, now ${c.action}` })
      continue
    }
    out.push(...compareFields(r, c))
  }
  for (const r of reviewed.changes) {
    if (!after.has(r.id))
      out.push({ id: r.id, mark: '-', text: `${describe(r)}: reviewed ${r.action} is no longer planned` })
  }
  return out
}

function compareFields(reviewed: DigestChange, now: DigestChange): PlanDifference[] {
  if (!reviewed.fields || !now.fields) return []
  const out: PlanDifference[] = []
  const before = new Map(reviewed.fields.map((f) => [f.path, f]))
  const after = new Map(now.fields.map((f) => [f.path, f]))
  const what = describe(now)
  for (const f of now.fields) {
    const r = before.get(f.path)
    if (!r) out.push({ id: now.id, mark: '~', text: `${what}: field ${f.path} changes now, not in the review` })
    else if (r.h !== f.h) out.push({ id: now.id, mark: '~', text: `${what}: field ${f.path} changes to another value` })
  }
  for (const r of reviewed.fields) {
    if (!after.has(r.path)) {
      out.push({ id: now.id, mark: '~', text: `${what}: field ${r.path} was in the review, no longer changes` })
    }
  }
  return out
}

/** Fields whose values the digest cannot compare (sensitive ones): where an unexplained difference may hide. */
export function unverifiableFields(digest: PlanDigest): string[] {
  return digest.changes.flatMap((c) =>
    (c.fields ?? []).filter((f) => f.h === undefined).map((f) => `${describe(c)}: field ${f.path} (sensitive)`),
  )
}

function describe(c: DigestChange): string {
  return `${c.kind} ${c.name}`
}

/** A difference as one line: its mark, then the text. */
export function differenceLine(d: PlanDifference): string {
  return `${d.mark} ${d.text}`
}
