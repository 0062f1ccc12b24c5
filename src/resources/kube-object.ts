import type { KubeClient } from '../kube/client.js'
import { durationMs, objectKey, redact } from '../kube/objects.js'
import { isOwned, refOf, type KubeObject, type NamedRef } from '../kube/types.js'
import type { Checked, Validator } from '../kube/validate.js'
import { creationFields, diffValues } from '../plan/fields.js'
import { decide, type Decision, type ResourceId } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { ManagedResource } from './base.js'

/** Server-side apply of `object` under the action's field manager: what every Kubernetes object kind plans. */
export type ApplyObjectOp = { op: 'apply'; object: KubeObject }

export interface KubeObjectSpec {
  id: ResourceId
  /** Kind as the plan shows it, e.g. `nodepool`. */
  kind: string
  /** The desired object; for an unwanted one, enough to find it (apiVersion, kind, metadata.name/namespace). */
  object: KubeObject
  dependsOn: readonly ResourceId[]
  /** false: the action created it and the configuration no longer has it, so it is deleted. */
  wanted: boolean
  /** Checks the desired object at plan time; absent when nothing is applied (destroy). */
  validator?: Validator
  /** Bound of the waits after a delete (karpenter.timeout). */
  timeout: string
  /** Extra waiting after the delete request, before the object itself must be gone (NodePool: its NodeClaims). */
  afterDelete?: (kube: KubeClient, deadline: number) => Promise<void>
}

/** What the read found: the live object (absent: undefined), and how the desired one was checked at plan time. */
export interface KubeObjectRead {
  live?: KubeObject
  check?: Checked
}

/**
 * One Kubernetes object applied with server-side apply under the action's field manager: a NodePool, an
 * EC2NodeClass, or an object of the user's extra manifests. Planned with a server-side dry run: the plan
 * compares the live object with what the API server says it would become, so defaults and fields others
 * own never show as changes, and the API server's validation runs at plan time.
 */
export class KubeObjectResource extends ManagedResource<KubeObjectRead, ApplyObjectOp> {
  readonly kind: string

  constructor(
    private readonly kube: KubeClient,
    readonly spec: KubeObjectSpec,
  ) {
    const ns = spec.object.metadata.namespace
    const name = ns ? `${ns}/${spec.object.metadata.name}` : spec.object.metadata.name
    super({ id: spec.id, name, dependsOn: spec.dependsOn, wanted: spec.wanted })
    this.kind = spec.kind
  }

  override exists(read: KubeObjectRead): boolean {
    return read.live !== undefined
  }

  async read(): Promise<KubeObjectRead> {
    const check = this.wanted && this.spec.validator ? this.spec.validator.check(this.spec.object) : undefined
    const [live, checked] = await Promise.all([this.kube.get(refOf(this.spec.object)), check])
    return { ...(live ? { live } : {}), ...(checked ? { check: checked } : {}) }
  }

  /** The live object's resourceVersion is the one read (or it is still absent): one GET, no dry run. */
  async unchanged(read: KubeObjectRead): Promise<boolean> {
    const live = await this.kube.get(refOf(this.spec.object))
    return live?.metadata.resourceVersion === read.live?.metadata.resourceVersion && !live === !read.live
  }

  diff({ live, check }: KubeObjectRead): Decision<ApplyObjectOp> {
    const ops: ApplyObjectOp[] = [{ op: 'apply', object: this.spec.object }]
    const note = check && check.by !== 'api-server' ? check.note : undefined
    if (!live)
      return decide(
        false,
        secretData(this.spec.object, creationFields(comparable(redact(this.spec.object)))),
        ops,
        note,
      )
    const adopt = isOwned(live)
      ? undefined
      : `adopting the existing ${this.spec.object.kind} (not created by this action)`
    const wouldBe = check?.by === 'api-server' ? check.result : undefined
    // Served kinds are always dry-run; without a result there is nothing sound to compare.
    if (!wouldBe) return decide(true, [], [], [adopt, note].filter(Boolean).join('; ') || undefined)
    const fields = secretData(this.spec.object, diffValues(comparable(redact(live)), comparable(redact(wouldBe))))
    return decide(true, fields, ops, adopt)
  }

  async apply(ops: readonly ApplyObjectOp[]): Promise<void> {
    for (const op of ops) await this.kube.apply(op.object)
  }

  async destroy(): Promise<void> {
    const ref = refOf(this.spec.object)
    await deleteAndWait(this.kube, ref, this.spec.timeout, {
      afterDelete: this.spec.afterDelete,
      why: () => `${objectKey(this.spec.object)} still exists (a finalizer holds it)`,
    })
  }
}

/**
 * Deletes an object and waits, bounded by `timeout` (karpenter.timeout), until it is gone; `afterDelete` waits for
 * what must go first (a NodePool's NodeClaims).
 */
export async function deleteAndWait(
  kube: KubeClient,
  ref: NamedRef,
  timeout: string,
  opts: { why: () => string; afterDelete?: (kube: KubeClient, deadline: number) => Promise<void> },
): Promise<void> {
  const deadline = Date.now() + durationMs(timeout)
  await kube.delete(ref)
  await opts.afterDelete?.(kube, deadline)
  await waitUntil(
    deadline,
    async () => !(await kube.get(ref)),
    () => `${opts.why()} after karpenter.timeout (${timeout})`,
  )
}

/** A Secret's data and stringData never show, not even as digests (a short hash of a weak secret can be guessed). */
function secretData(o: KubeObject, fields: FieldChange[]): FieldChange[] {
  if (o.kind !== 'Secret') return fields
  return fields.map((f) => (/^(?:data|stringData)\b/.test(f.path) ? { ...f, sensitive: true } : f))
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
