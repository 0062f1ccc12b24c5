import type { AwsSession } from '../aws/clients.js'
import { isAwsError, type Tags } from '../aws/calls.js'
import { decide, type Decision, type ResourceId } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { ManagedResource } from './base.js'
import { adoptionNote, creationTags, isCreated, LEFT_ADOPTED, tagChange } from './tags.js'

/** What every AWS kind's spec holds. */
export interface AwsSpec {
  id: ResourceId
  tags: Tags
  dependsOn?: readonly ResourceId[]
  /** false: should not exist (deleted only when this action made it, or adopted it and `destroyAdopted` is set). */
  wanted?: boolean
  /** The config's `destroyAdopted`: deletions take adopted resources too. */
  destroyAdopted?: boolean
}

/** What every AWS kind reads: at least its tags. */
export interface Tagged {
  tags: Tags
}

/** Create the thing with `input` (the kind's own create request, planned whole). */
export type CreateOp<C> = { op: 'create'; input: C }
/** Add or correct the action's tags on what `target` names (an ARN, a name or a URL, as the kind's API wants). */
export type TagOp = { op: 'tag'; target: string; tags: Tags }

/** How an existing one differs from the spec (tags aside), and the operations that make it match. */
export interface Differences<Op> {
  fields: FieldChange[]
  ops: Op[]
}

/**
 * The mechanics of every AWS kind, written once:
 * - diff: absent → create (one `create` operation holding the whole request); present → the kind's differences,
 *   then the tags (only missing or different ones are added; others' tags stay), with the adoption note for a thing
 *   the action did not make; a difference that forces replacement → delete then create.
 * - apply: runs the planned operations in order. A create that finds the thing already there (made by an
 *   interrupted run, or meanwhile) is create-or-adopt: it reads what is there and brings it to the same desired
 *   state the planned create described, never recreating it.
 * - ownership: a create request carries the ownership tag (tags.ts); what lacks it was adopted, and a deletion
 *   (destroy, or a config that no longer wants it) leaves it, saying so, unless `destroyAdopted`.
 */
export abstract class AwsResource<
  S extends AwsSpec,
  A extends Tagged,
  Op extends { op: string } = never,
  C = unknown,
> extends ManagedResource<A | undefined, Op | CreateOp<C> | TagOp> {
  /** How the plan names an existing one it adopts: `adopting the existing <noun>`. */
  protected abstract readonly noun: string
  /** Error names of a create that found the thing already there. */
  protected readonly alreadyExists: readonly string[] = ['EntityAlreadyExists']

  protected constructor(
    protected readonly aws: AwsSession,
    readonly spec: S,
    identity: { name: string; keepOnDestroy?: boolean },
  ) {
    super({ id: spec.id, dependsOn: spec.dependsOn, wanted: spec.wanted, ...identity })
  }

  /** The fields a creation shows, and the create request it sends. */
  protected abstract creation(): { fields: FieldChange[]; input: C }
  protected abstract differences(actual: A): Differences<Op>
  /** What the kind's tagging call names. */
  protected abstract tagTarget(actual: A): string
  protected abstract create(input: C): Promise<void>
  protected abstract tag(target: string, tags: Tags): Promise<void>
  /** Runs one of the kind's own operations. */
  protected abstract perform(op: Op): Promise<void>

  /** The tags a create request carries: the desired ones and the ownership tag. */
  protected get createTags(): Tags {
    return creationTags(this.spec.tags)
  }

  /** True when the thing found was adopted (it lacks the ownership tag a create sets). */
  protected adopted(actual: A): boolean {
    return !isCreated(actual.tags)
  }

  /** A deletion leaves what the action adopted, unless the config says `destroyAdopted`. */
  keep(actual: A | undefined): string | undefined {
    if (!actual || this.spec.destroyAdopted) return undefined
    return this.adopted(actual) ? LEFT_ADOPTED : undefined
  }

  diff(actual: A | undefined): Decision<Op | CreateOp<C> | TagOp> {
    if (!actual) {
      const { fields, input } = this.creation()
      return decide(false, fields, [{ op: 'create', input }])
    }
    const { fields, ops } = this.differences(actual)
    const tags = tagChange(this.spec.tags, actual.tags)
    const note = adoptionNote(this.noun, actual.tags, fields.length > 0)
    if (tags) fields.push(tags.field)
    if (fields.some((f) => f.forcesReplacement)) {
      return decide(true, fields, [{ op: 'create', input: this.creation().input }], note)
    }
    const tagOps: TagOp[] = tags ? [{ op: 'tag', target: this.tagTarget(actual), tags: tags.tags }] : []
    return decide<Op | CreateOp<C> | TagOp>(true, fields, [...ops, ...tagOps], note)
  }

  async apply(ops: readonly (Op | CreateOp<C> | TagOp)[]): Promise<void> {
    for (const op of ops) {
      if (op.op === 'create') await this.createOrAdopt((op as CreateOp<C>).input)
      else if (op.op === 'tag') await this.tag((op as TagOp).target, (op as TagOp).tags)
      else await this.perform(op as Op)
    }
  }

  private async createOrAdopt(input: C): Promise<void> {
    try {
      await this.create(input)
    } catch (e) {
      if (!isAwsError(e, ...this.alreadyExists)) throw e
      const found = await this.read()
      const converge = found && this.diff(found)
      if (!converge || (converge.action !== 'update' && converge.action !== 'noop')) throw e
      await this.apply(converge.ops)
    }
  }
}
