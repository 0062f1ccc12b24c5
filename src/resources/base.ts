import type { Decision, Resource, ResourceId } from '../plan/resource.js'

/** Who a resource is in the plan. */
export interface Identity {
  id: ResourceId
  /** Name of the thing in its system. */
  name: string
  dependsOn?: readonly ResourceId[]
  /** false: the configuration wants it gone (default true). */
  wanted?: boolean
  keepOnDestroy?: boolean
}

/**
 * What every kind shares: its identity in the plan, and "found" meaning "the read returned something". Each kind's
 * file holds only what is its own: read, diff, the operations it plans, how it runs them, destroy.
 */
export abstract class ManagedResource<R, Op> implements Resource<R, Op> {
  abstract readonly kind: string
  readonly id: ResourceId
  readonly name: string
  readonly dependsOn: readonly ResourceId[]
  readonly wanted: boolean
  readonly keepOnDestroy: boolean

  protected constructor(identity: Identity) {
    this.id = identity.id
    this.name = identity.name
    this.dependsOn = identity.dependsOn ?? []
    this.wanted = identity.wanted ?? true
    this.keepOnDestroy = identity.keepOnDestroy ?? false
  }

  exists(read: R): boolean {
    return read !== undefined
  }

  abstract read(): Promise<R>
  abstract diff(read: R): Decision<Op>
  abstract apply(ops: readonly Op[]): Promise<void>
  abstract destroy(read: R): Promise<void>
}
