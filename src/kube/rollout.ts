import type { KubeClient } from './client.js'
import type { KubeObject } from './types.js'

/**
 * Whether a release's workloads have rolled out, looked at through the API every ROLLOUT_POLL_MS. This is what
 * `helm --wait` waited for, seen sooner: helm looks every 2 s, and a fresh Deployment is never ready at its first
 * look, so each install or upgrade paid about 2 s of waiting after its pods were ready.
 *
 * Ready as `kubectl rollout status` has it: the controller has seen the latest spec (observedGeneration), every
 * desired replica runs the new template and is available, and no replica of an older one is left (Deployments);
 * every replica updated and ready (StatefulSets); every scheduled pod updated and available (DaemonSets). A
 * Deployment past its progress deadline fails at once.
 */

/** Time between two looks at the workloads. */
export const ROLLOUT_POLL_MS = 100

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet'])

interface Status {
  observedGeneration?: number
  replicas?: number
  updatedReplicas?: number
  availableReplicas?: number
  readyReplicas?: number
  desiredNumberScheduled?: number
  updatedNumberScheduled?: number
  numberAvailable?: number
  conditions?: { type: string; status: string; reason?: string; message?: string }[]
}

/** Where one workload stands: ready, failed for good (why), or still rolling out (what it shows now). */
export function workloadState(o: KubeObject): { ready: boolean; failed?: string; shows: string } {
  const st = (o.status ?? {}) as Status
  const generation = Number(o.metadata.generation ?? 0)
  const seen = (st.observedGeneration ?? 0) >= generation
  if (o.kind === 'DaemonSet') {
    const want = st.desiredNumberScheduled ?? 0
    const shows = `${st.numberAvailable ?? 0}/${want} pods available, ${st.updatedNumberScheduled ?? 0} updated`
    return { ready: seen && (st.updatedNumberScheduled ?? 0) >= want && (st.numberAvailable ?? 0) >= want, shows }
  }
  const want = Number((o.spec as { replicas?: number } | undefined)?.replicas ?? 1)
  if (o.kind === 'StatefulSet') {
    const shows = `${st.readyReplicas ?? 0}/${want} replicas ready, ${st.updatedReplicas ?? 0} updated`
    return { ready: seen && (st.updatedReplicas ?? 0) >= want && (st.readyReplicas ?? 0) >= want, shows }
  }
  const updated = st.updatedReplicas ?? 0
  const shows = `${st.availableReplicas ?? 0}/${want} replicas available, ${updated} updated, ${st.replicas ?? 0} in all`
  const stuck = st.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')
  if (seen && stuck) return { ready: false, failed: stuck.message ?? 'its progress deadline was exceeded', shows }
  return {
    ready: seen && updated >= want && (st.replicas ?? 0) <= updated && (st.availableReplicas ?? 0) >= want,
    shows,
  }
}

/** The release's workloads did not roll out: `timedOut` when the bound ran out (else one failed for good). */
export class RolloutError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message)
    this.name = 'RolloutError'
  }
}

/**
 * Waits until every Deployment, StatefulSet and DaemonSet of `objects` (a release's manifest; objects without a
 * namespace are in `namespace`) has rolled out, or throws a RolloutError naming those that have not, past
 * `deadline` (epoch ms) or as soon as one fails for good.
 */
export async function waitForRollout(
  kube: KubeClient,
  objects: KubeObject[],
  namespace: string,
  deadline: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  let pending = objects
    .filter((o) => o.apiVersion === 'apps/v1' && WORKLOADS.has(o.kind))
    .map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      namespace: o.metadata.namespace ?? namespace,
    }))
  for (;;) {
    const seen = await Promise.all(pending.map((ref) => kube.get(ref)))
    const notReady: string[] = []
    const still: typeof pending = []
    for (const [i, ref] of pending.entries()) {
      const live = seen[i]
      const what = `${ref.kind} ${ref.namespace}/${ref.name}`
      if (!live) {
        notReady.push(`${what} does not exist`)
        still.push(ref)
        continue
      }
      const state = workloadState(live)
      if (state.failed) throw new RolloutError(`${what} failed: ${state.failed} (${state.shows})`, false)
      if (!state.ready) {
        notReady.push(`${what}: ${state.shows}`)
        still.push(ref)
      }
    }
    pending = still
    if (!pending.length) return
    if (Date.now() >= deadline) throw new RolloutError(`not rolled out: ${notReady.join('; ')}`, true)
    await sleep(Math.min(ROLLOUT_POLL_MS, Math.max(0, deadline - Date.now())))
  }
}
