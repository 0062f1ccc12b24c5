import type { KubeApi } from '../kube/api.js'
import { FIELD_MANAGER, MANAGED_BY_LABEL, MANAGED_BY_VALUE, type KubeObject } from '../kube/kubectl.js'
import { diffValues, durationMs, leaves, objectKey, redact } from '../kube/objects.js'
import type { Checked, Validator } from '../kube/validate.js'
import { decide, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'

export interface KubeObjectSpec {
  id: string
  /** Kind as the plan shows it, e.g. `nodepool`. */
  kind: string
  /** The desired object; for an unwanted one, enough to find it (apiVersion, kind, metadata.name/namespace). */
  object: KubeObject
  dependsOn: string[]
  /** false: the action created it and the configuration no longer has it, so it is deleted. */
  wanted: boolean
  /** Checks the desired object at plan time; absent when nothing is applied (destroy). */
  validator?: Validator
  /** Bound of the waits after a delete (karpenter.timeout). */
  timeout: string
  /** Extra waiting after the delete request, before the object itself must be gone (NodePool: its NodeClaims). */
  afterDelete?: (api: KubeApi, deadline: number) => Promise<void>
}

export interface KubeObjectActual {
  live: KubeObject
}

/**
 * One Kubernetes object applied with server-side apply under the action's field manager: a NodePool, an
 * EC2NodeClass, or an object of the user's extra manifests. Planned with a server-side dry run: the plan
 * compares the live object with what the API server says it would become, so defaults and fields others
 * own never show as changes, and the API server's validation runs at plan time.
 */
export class KubeObjectResource implements Resource<KubeObjectActual> {
  readonly id: string
  readonly kind: string
  readonly name: string
  readonly dependsOn: string[]
  readonly wanted: boolean
  private checked?: Checked

  constructor(
    private readonly api: KubeApi,
    readonly spec: KubeObjectSpec,
  ) {
    this.id = spec.id
    this.kind = spec.kind
    const ns = spec.object.metadata.namespace
    this.name = ns ? `${ns}/${spec.object.metadata.name}` : spec.object.metadata.name
    this.dependsOn = spec.dependsOn
    this.wanted = spec.wanted
  }

  private get ref() {
    const o = this.spec.object
    return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }
  }

  async read(): Promise<KubeObjectActual | undefined> {
    const check = this.wanted && this.spec.validator ? this.spec.validator.check(this.spec.object) : undefined
    const [live, checked] = await Promise.all([this.api.get(this.ref), check])
    this.checked = checked
    return live ? { live } : undefined
  }

  diff(actual: KubeObjectActual | undefined): Decision {
    const note = this.checked && this.checked.by !== 'api-server' ? this.checked.note : undefined
    if (!actual) {
      const fields: FieldChange[] = []
      for (const [path, after] of leaves(comparable(redact(this.spec.object)))) fields.push({ path, after })
      return decide(undefined, fields, note)
    }
    const owned = actual.live.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE
    const adopt = owned ? undefined : `adopting the existing ${this.spec.object.kind} (not created by this action)`
    const wouldBe = this.checked?.by === 'api-server' ? this.checked.result : undefined
    if (!wouldBe) {
      // Served kinds are always dry-run; without a result there is nothing sound to compare.
      return decide(actual, [], [adopt, note].filter(Boolean).join('; ') || undefined)
    }
    const fields = diffValues(comparable(redact(actual.live)), comparable(redact(wouldBe)))
    return decide(actual, fields, adopt)
  }

  async apply(): Promise<void> {
    await this.api.apply(this.spec.object, FIELD_MANAGER)
  }

  async destroy(): Promise<void> {
    const deadline = Date.now() + durationMs(this.spec.timeout)
    await this.api.delete(this.ref)
    await this.spec.afterDelete?.(this.api, deadline)
    await waitUntil(
      deadline,
      async () => !(await this.api.get(this.ref)),
      () => {
        return `${objectKey(this.spec.object)} still exists (a finalizer holds it) after karpenter.timeout (${this.spec.timeout})`
      },
    )
  }
}

/** What the plan compares: every top-level field but status, and the labels and annotations. */
export function comparable(o: KubeObject): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status' || k === 'metadata') continue
    out[k] = v
  }
  const { labels, annotations } = o.metadata
  const metadata: Record<string, unknown> = {}
  if (labels && Object.keys(labels).length) metadata.labels = labels
  if (annotations && Object.keys(annotations).length) {
    // Annotations the API machinery writes are not the user's intent.
    const kept = Object.fromEntries(
      Object.entries(annotations).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration'),
    )
    if (Object.keys(kept).length) metadata.annotations = kept
  }
  if (Object.keys(metadata).length) out.metadata = metadata
  return out
}

/** Polls `done` every second until it is true; past the deadline throws with `why()`. */
export async function waitUntil(deadline: number, done: () => Promise<boolean>, why: () => string): Promise<void> {
  for (;;) {
    if (await done()) return
    if (Date.now() > deadline) throw new Error(why())
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(50, deadline - Date.now()))))
  }
}
