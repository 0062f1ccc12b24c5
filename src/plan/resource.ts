/**
 * The lifecycle every managed thing shares, the way Terraform providers and Kubernetes controllers work:
 *
 *   read()           what exists, with whatever else diff() needs (a rendering, a dry run): Terraform's prior state
 *                    and private data in one value. Side-effect free; the engine runs reads concurrently.
 *   exists(read)     whether that read found the thing (the engine plans deletions only of what exists).
 *   diff(read)       pure: the Decision, i.e. the action, the fields a reviewer sees, and the typed operations that
 *                    carry it out.
 *   apply(ops)       runs exactly those operations, in order; nothing is worked out again from spec and state.
 *   destroy(read)    deletes what the read found.
 *
 * Nothing a read learns is kept on the resource: a resource can be planned any number of times, and a plan (its
 * Steps, plain JSON) made in one process can be applied in another by a resource built from the same configuration.
 */
import type { Action, FieldChange } from './types.js'

declare const resourceIdBrand: unique symbol

/** A resource's stable id, e.g. `iam-role.node`; made only by resourceId(), so a dependency is never a loose string. */
export type ResourceId = string & { readonly [resourceIdBrand]: true }

export function resourceId(kind: string, name: string): ResourceId {
  return `${kind}.${name}` as ResourceId
}

/** What diff() decides for one resource. */
export interface Decision<Op = unknown> {
  action: Action
  fields: FieldChange[]
  note?: string
  /** What apply() runs, in order; empty for a no-op (and for a delete, which runs destroy()). */
  ops: Op[]
  /** The thing's name as the read found it, when that is not the configured one (a CRD release followed elsewhere). */
  name?: string
}

export interface Resource<R = unknown, Op = unknown> {
  readonly id: ResourceId
  /** Human kind, e.g. `iam role`. */
  readonly kind: string
  /** Name of the thing in its system. */
  readonly name: string
  readonly dependsOn: readonly ResourceId[]
  /** false: the configuration wants it gone (e.g. a node pool that left the config). */
  readonly wanted: boolean
  /** Kept on `mode: destroy` (e.g. the CRDs unless asked). */
  readonly keepOnDestroy?: boolean
  read(): Promise<R>
  /**
   * Whether what `read` found still holds, by a cheap look (a resourceVersion, a release revision): asked under the
   * lock, so that the plan made before it can be applied without planning again. Without it the engine reads again
   * and compares the two reads.
   */
  unchanged?(read: R): Promise<boolean>
  exists(read: R): boolean
  /**
   * Why a deletion (destroy, or no longer wanted) leaves what the read found, as the plan's note; undefined: it is
   * deleted. E.g. a resource the action adopted rather than created.
   */
  keep?(read: R): string | undefined
  /** Only called when the resource is wanted. */
  diff(read: R): Decision<Op>
  apply(ops: readonly Op[]): Promise<void>
  destroy(read: R): Promise<void>
}

/** The decision for a thing that is absent (create), unchanged (no-op), or differs (update, or replace when a field forces it). */
export function decide<Op>(exists: boolean, fields: FieldChange[], ops: Op[], note?: string): Decision<Op> {
  if (!exists) return { action: 'create', fields, ops, ...(note ? { note } : {}) }
  if (fields.length === 0) return { action: 'noop', fields: [], ops: [], ...(note ? { note } : {}) }
  const action = fields.some((f) => f.forcesReplacement) ? 'replace' : 'update'
  return { action, fields, ops, ...(note ? { note } : {}) }
}
