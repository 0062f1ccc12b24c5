import type { Kube, KubeObject } from '../kube/kubectl.js'
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../kube/kubectl.js'
import { durationMs } from '../kube/objects.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import { waitUntil } from './kube-object.js'

const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const

/** The namespace Karpenter runs in, labelled as managed by this action. */
export class Namespace implements Resource<KubeObject> {
  readonly kind = 'namespace'
  readonly id: string
  readonly dependsOn: string[] = []
  readonly wanted = true

  /**
   * `keepOnDestroy`: a destroy leaves the namespace (it holds the record of a Helm release that stays, the
   * CRD chart's when karpenter.destroyCrds is false).
   */
  constructor(
    private readonly kube: Kube,
    readonly name: string,
    private readonly timeout: string,
    readonly keepOnDestroy = false,
  ) {
    this.id = `namespace.${name}`
  }

  private desired(): KubeObject {
    return { ...NAMESPACE, metadata: { name: this.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } } }
  }

  read(): Promise<KubeObject | undefined> {
    return this.kube.get('namespace', this.name)
  }

  diff(actual: KubeObject | undefined): Decision {
    if (!actual) return decide(undefined, [field(`metadata.labels.${MANAGED_BY_LABEL}`, undefined, MANAGED_BY_VALUE)])
    const label = actual.metadata.labels?.[MANAGED_BY_LABEL]
    if (label === MANAGED_BY_VALUE) return decide(actual, [])
    return decide(
      actual,
      [field(`metadata.labels.${MANAGED_BY_LABEL}`, label, MANAGED_BY_VALUE)],
      'adopting the existing namespace',
    )
  }

  async apply(): Promise<void> {
    await this.kube.apply([this.desired()])
  }

  /** Deletes the namespace and waits (bounded by karpenter.timeout) until its contents are gone. */
  async destroy(): Promise<void> {
    const deadline = Date.now() + durationMs(this.timeout)
    await this.kube.api.delete({ ...NAMESPACE, name: this.name })
    await waitUntil(
      deadline,
      async () => !(await this.kube.api.get({ ...NAMESPACE, name: this.name })),
      () => `namespace ${this.name} is still terminating after karpenter.timeout (${this.timeout})`,
    )
  }
}
