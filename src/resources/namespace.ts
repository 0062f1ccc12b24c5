import type { KubeClient } from '../kube/client.js'
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, NAMESPACE, ownedLabels, type KubeObject } from '../kube/types.js'
import { field } from '../plan/fields.js'
import { decide, type Decision, type ResourceId } from '../plan/resource.js'
import { ManagedResource } from './base.js'
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
}

/** The namespace Karpenter runs in, labelled as managed by this action. */
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
    const ops: ApplyObjectOp[] = [
      { op: 'apply', object: { ...NAMESPACE, metadata: { name: this.name, labels: ownedLabels() } } },
    ]
    const path = `metadata.labels.${MANAGED_BY_LABEL}`
    if (!actual) return decide(false, [field(path, undefined, MANAGED_BY_VALUE)], ops)
    const label = actual.metadata.labels?.[MANAGED_BY_LABEL]
    if (label === MANAGED_BY_VALUE) return decide(true, [], [])
    return decide(true, [field(path, label, MANAGED_BY_VALUE)], ops, 'adopting the existing namespace')
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
