import { describe, expect, it } from '@jest/globals'
import type { KubeClient } from '../../src/kube/client.js'
import { RolloutError, waitForRollout, workloadState } from '../../src/kube/rollout.js'
import type { KubeObject } from '../../src/kube/types.js'

const deployment = (status: Record<string, unknown>, replicas = 2, generation = 3): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'karpenter', namespace: 'kube-system', generation },
  spec: { replicas },
  status,
})

describe('when a workload has rolled out', () => {
  it('a Deployment: the latest spec seen, every replica updated and available, no older one left', () => {
    const done = { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }
    expect(workloadState(deployment(done)).ready).toBe(true)
    expect(workloadState(deployment({ ...done, observedGeneration: 2 })).ready).toBe(false)
    expect(workloadState(deployment({ ...done, updatedReplicas: 1 })).ready).toBe(false)
    expect(workloadState(deployment({ ...done, replicas: 3 })).ready).toBe(false) // an old pod is still there
    expect(workloadState(deployment({ ...done, availableReplicas: 1 })).ready).toBe(false)
    expect(workloadState(deployment({ observedGeneration: 3 }, 0)).ready).toBe(true)
    const stuck = workloadState(
      deployment({
        observedGeneration: 3,
        conditions: [
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'took too long' },
        ],
      }),
    )
    expect(stuck).toMatchObject({ ready: false, failed: 'took too long' })
  })

  it('a StatefulSet and a DaemonSet', () => {
    const sts = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's', generation: 1 },
      spec: { replicas: 2 },
      status,
    })
    expect(workloadState(sts({ observedGeneration: 1, updatedReplicas: 2, readyReplicas: 2 })).ready).toBe(true)
    expect(workloadState(sts({ observedGeneration: 1, updatedReplicas: 2, readyReplicas: 1 })).ready).toBe(false)
    const ds = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'd', generation: 1 },
      status,
    })
    const full = { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }
    expect(workloadState(ds(full)).ready).toBe(true)
    expect(workloadState(ds({ ...full, numberAvailable: 2 })).ready).toBe(false)
  })
})

describe('waiting for a rollout', () => {
  /** A client whose Deployment rolls out on its third look. */
  function rollingOut(looksUntilReady: number) {
    let looks = 0
    const kube = {
      get: async () => {
        looks++
        return deployment(
          looks >= looksUntilReady
            ? { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }
            : { observedGeneration: 3, replicas: 3, updatedReplicas: 1, availableReplicas: 1 },
        )
      },
    } as unknown as KubeClient
    return { kube, looks: () => looks }
  }
  const manifest = [deployment({}), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' } }] as KubeObject[]

  it('looks until the workloads are ready, and only at the workloads', async () => {
    const { kube, looks } = rollingOut(3)
    await waitForRollout(kube, manifest, 'kube-system', Date.now() + 10_000, async () => undefined)
    expect(looks()).toBe(3)
  })

  it('past the deadline names what is not rolled out, and how far it got', async () => {
    const { kube } = rollingOut(1000)
    const e = await waitForRollout(
      kube,
      manifest,
      'kube-system',
      Date.now() + 30,
      (ms) => new Promise((r) => setTimeout(r, ms)),
    ).catch((x: unknown) => x as RolloutError)
    expect(e).toBeInstanceOf(RolloutError)
    expect(e!.timedOut).toBe(true)
    expect(e!.message).toBe(
      'not rolled out: Deployment kube-system/karpenter: 1/2 replicas available, 1 updated, 3 in all',
    )
  })
})
