import type { Action, FieldChange } from './types.js'

/** What diff() decides for one resource. */
export interface Decision {
  action: Action
  fields: FieldChange[]
  note?: string
}

/**
 * One managed thing with the small lifecycle every provider shares. `A` is its actual state as read.
 * read() has no side effects; apply() and destroy() are the only places that mutate, and are idempotent.
 */
export interface Resource<A = unknown> {
  readonly id: string
  readonly kind: string
  readonly name: string
  readonly dependsOn: string[]
  /** false: the configuration wants it gone (e.g. a node pool that left the config). */
  readonly wanted: boolean
  /** Kept on `mode: destroy` (e.g. the CRDs unless asked). */
  readonly keepOnDestroy?: boolean
  read(): Promise<A | undefined>
  /** Compares the desired state with `actual` (undefined: absent). Not called when `wanted` is false. */
  diff(actual: A | undefined): Decision
  apply(decision: Decision, actual: A | undefined): Promise<void>
  destroy(actual: A): Promise<void>
}

/** Helpers for building field changes. */
export function field(path: string, before: unknown, after: unknown, extra: Partial<FieldChange> = {}): FieldChange {
  return { path, before, after, ...extra }
}

export function decide(actual: unknown, fields: FieldChange[], note?: string): Decision {
  if (actual === undefined) return { action: 'create', fields, note }
  if (fields.length === 0) return { action: 'noop', fields: [], note }
  return { action: fields.some((f) => f.forcesReplacement) ? 'replace' : 'update', fields, note }
}
