import type { Kube, KubeObject } from '../kube/kubectl.js'
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../kube/kubectl.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'

/** The namespace Karpenter runs in, labelled as managed by this action. */
export class Namespace implements Resource<KubeObject> {
  readonly kind = 'namespace'
  readonly id: string
  readonly dependsOn: string[] = []
  readonly wanted = true

  constructor(
    private readonly kube: Kube,
    readonly name: string,
    private readonly timeout: string,
  ) {
    this.id = `namespace.${name}`
  }

  private desired(): KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
    }
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

  async destroy(): Promise<void> {
    await this.kube.kubectl([
      'delete',
      'namespace',
      this.name,
      '--ignore-not-found',
      '--wait=true',
      `--timeout=${this.timeout}`,
    ])
  }
}
