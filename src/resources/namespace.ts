import type { KubeClient } from '../kube/client.js'
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, NAMESPACE, ownedLabels, type KubeObject } from '../kube/types.js'
import { field } from '../plan/fields.js'
import { decide, type Decision, type ResourceId } from '../plan/resource.js'
import { ManagedResource } from './base.js'
import { CREATED_TAG, CREATED_TAG_VALUE, LEFT_ADOPTED } from './tags.js'
import { deleteAndWait, type ApplyObjectOp } from './kube-object.js'

export interface NamespaceSpec {
  id: ResourceId
  name: string
  /** Bound of the wait for its contents to go on delete (karpenter.timeout). */
  timeout: string
  /**
   * A destroy leaves the namespace (it holds the record of a Helm release that stays: the CRD chart's when
   * karpenter.destroyCrds is false).
   */
  keepOnDestroy: boolean
  /** The config's `destroyAdopted`: a destroy deletes the namespace even when the action did not create it. */
  destroyAdopted?: boolean
}

/** Whether the namespace found was created by this action (the annotation its create sets; never set on adoption). */
export function createdByAction(ns: KubeObject): boolean {
  return ns.metadata.annotations?.[CREATED_TAG] === CREATED_TAG_VALUE
}

/**
 * The namespace Karpenter runs in, labelled as managed by this action. One it creates is also annotated as created by
 * it; one that existed (a shared namespace) is adopted: labelled, and left by a destroy unless `destroyAdopted`.
 */
export class Namespace extends ManagedResource<KubeObject | undefined, ApplyObjectOp> {
  readonly kind = 'namespace'

  constructor(
    private readonly kube: KubeClient,
    readonly spec: NamespaceSpec,
  ) {
    super(spec)
  }

  read(): Promise<KubeObject | undefined> {
    return this.kube.get({ ...NAMESPACE, name: this.name })
  }

  diff(actual: KubeObject | undefined): Decision<ApplyObjectOp> {
    const created = !actual || createdByAction(actual)
    const metadata = {
      name: this.name,
      labels: ownedLabels(),
      ...(created ? { annotations: { [CREATED_TAG]: CREATED_TAG_VALUE } } : {}),
    }
    const ops: ApplyObjectOp[] = [{ op: 'apply', object: { ...NAMESPACE, metadata } }]
    const path = `metadata.labels.${MANAGED_BY_LABEL}`
    if (!actual) return decide(false, [field(path, undefined, MANAGED_BY_VALUE)], ops)
    const label = actual.metadata.labels?.[MANAGED_BY_LABEL]
    if (label === MANAGED_BY_VALUE) return decide(true, [], [])
    const note = created ? undefined : 'adopting the existing namespace'
    return decide(true, [field(path, label, MANAGED_BY_VALUE)], ops, note)
  }

  /** A destroy leaves a namespace the action did not create (a shared one), unless `destroyAdopted`. */
  keep(actual: KubeObject | undefined): string | undefined {
    if (!actual || this.spec.destroyAdopted) return undefined
    return createdByAction(actual) ? undefined : LEFT_ADOPTED
  }

  async apply(ops: readonly ApplyObjectOp[]): Promise<void> {
    for (const op of ops) await this.kube.apply(op.object)
  }

  /** Deletes the namespace and waits (bounded by karpenter.timeout) until its contents are gone. */
  async destroy(): Promise<void> {
    await deleteAndWait(this.kube, { ...NAMESPACE, name: this.name }, this.spec.timeout, {
      why: () => `namespace ${this.name} is still terminating`,
    })
  }
}
