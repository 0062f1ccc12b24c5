/**
 * The verify step's waits, with a stub API (the Helm release record, the Deployment, the NodePool and EC2NodeClass
 * as the controller leaves them) and a clock that moves only when verify sleeps. The same step against the real
 * controller: test/integration/karpenter-controller.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import type { KubeClient } from '../../src/kube/client.js'
import type { KubeObject, NamedRef } from '../../src/kube/types.js'
import {
  NOT_READY_TIMEOUT_MS,
  RECONCILE_TIMEOUT_MS,
  VERIFY_FAST_MS,
  VERIFY_POLL_MS,
  VERIFY_SLOW_POLL_MS,
  verify,
  type Condition,
} from '../../src/verify.js'
import { releaseSecret } from '../support/kube-fixtures.js'

const ns = 'karpenter'
const nodeClass: KubeObject = {
  apiVersion: 'karpenter.k8s.aws/v1',
  kind: 'EC2NodeClass',
  metadata: { name: 'default' },
  spec: { role: 'karpenter-role' },
}
const nodePool: KubeObject = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'default' },
  spec: { template: { spec: { nodeClassRef: { name: 'default' } } } },
}

const ready = (status: string, extra: Partial<Condition> = {}): Condition[] => [{ type: 'Ready', status, ...extra }]

/**
 * A cluster in which the conditions of the two objects are what `conditionsAt(elapsed)` says at each moment (the
 * clock starts when verify first reads them).
 */
function cluster(conditionsAt: (elapsedMs: number, kind: string) => Condition[] | undefined) {
  let clock = 0
  const sleeps: { at: number; ms: number }[] = []
  const secret = releaseSecret({
    name: 'karpenter',
    namespace: ns,
    version: 1,
    info: { status: 'deployed' },
    chart: { metadata: { name: 'karpenter', version: '1.14.1' } },
    manifest: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: karpenter\n  namespace: ${ns}\n`,
  })
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'karpenter', namespace: ns },
    spec: { replicas: 2 },
    status: { availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] },
  }
  const kube = {
    getPath: (path: string) =>
      Promise.resolve(
        path.endsWith('/secrets') ? { items: [secret] } : path.includes('/secrets/') ? secret : undefined,
      ),
    get: (ref: NamedRef) => {
      if (ref.kind === 'Deployment') return Promise.resolve(deployment)
      const want = ref.kind === 'NodePool' ? nodePool : nodeClass
      const conditions = conditionsAt(clock, ref.kind)
      return Promise.resolve({ ...want, status: conditions ? { conditions } : {} })
    },
  } as unknown as KubeClient
  const run = () =>
    verify(kube, {
      namespace: ns,
      release: 'karpenter',
      desired: [nodeClass, nodePool],
      timeout: '1m',
      now: () => clock,
      sleep: (ms) => {
        sleeps.push({ at: clock, ms })
        clock += ms
        return Promise.resolve()
      },
    })
  return { run, elapsed: () => clock, sleeps }
}

describe('verify waits for the controller to make the NodePools and EC2NodeClasses Ready', () => {
  it('passes once both are Ready=True, waiting through Unknown', async () => {
    const c = cluster((t) => (t < 40_000 ? ready('Unknown', { reason: 'AwaitingReconciliation' }) : ready('True')))
    const report = await c.run()
    expect(report.problems).toEqual([])
    expect(report.objects.map((o) => [o.object, o.conditions.map((x) => `${x.type}=${x.status}`)])).toEqual([
      ['EC2NodeClass default', ['Ready=True']],
      ['NodePool default', ['Ready=True']],
    ])
    expect(c.elapsed()).toBe(40_000)
  })

  it('looks every 100 ms for the first 20 s (a fresh controller is Ready within seconds), then every second', async () => {
    const c = cluster((t) => (t < 30_000 ? ready('Unknown') : ready('True')))
    expect((await c.run()).problems).toEqual([])
    const fast = c.sleeps.filter((s) => s.at < VERIFY_FAST_MS)
    const slow = c.sleeps.filter((s) => s.at >= VERIFY_FAST_MS)
    expect(new Set(fast.map((s) => s.ms))).toEqual(new Set([VERIFY_POLL_MS]))
    expect(fast).toHaveLength(VERIFY_FAST_MS / VERIFY_POLL_MS)
    expect(new Set(slow.map((s) => s.ms))).toEqual(new Set([VERIFY_SLOW_POLL_MS]))
    expect(slow).toHaveLength((30_000 - VERIFY_FAST_MS) / VERIFY_SLOW_POLL_MS)
    expect(c.elapsed()).toBe(30_000)
  })

  it('fails after Ready=False for 60 s, naming the conditions that are not True and their messages', async () => {
    const c = cluster((t, kind) =>
      kind === 'EC2NodeClass' && t >= 5_000
        ? [
            { type: 'SubnetsReady', status: 'True' },
            {
              type: 'InstanceProfileReady',
              status: 'False',
              reason: 'InstanceProfileNotFound',
              message: 'instance profile opsfleet_dev_karpenter_profile not found',
            },
            { type: 'Ready', status: 'False', reason: 'UnhealthyDependents', message: 'InstanceProfileReady=False' },
          ]
        : ready(kind === 'NodePool' ? 'True' : 'Unknown'),
    )
    const report = await c.run()
    expect(report.problems).toEqual([
      'EC2NodeClass default is not Ready (Ready=False for 1 minute(s)): ' +
        'InstanceProfileReady=False (InstanceProfileNotFound): instance profile opsfleet_dev_karpenter_profile not found ' +
        '[the controller reads the instance profile with iam:GetInstanceProfile]; ' +
        'Ready=False (UnhealthyDependents): InstanceProfileReady=False',
    ])
    // From the first False seen (5 s in), not from the start.
    expect(c.elapsed()).toBe(5_000 + NOT_READY_TIMEOUT_MS)
  })

  it('a Ready=False that turns True within the 60 s passes', async () => {
    const c = cluster((t) => (t < 50_000 ? ready('False', { message: 'not yet' }) : ready('True')))
    expect((await c.run()).problems).toEqual([])
  })

  it('fails after 2 minutes without any condition: no Karpenter controller has reconciled it', async () => {
    const c = cluster((_, kind) => (kind === 'NodePool' ? undefined : ready('True')))
    const report = await c.run()
    expect(report.problems).toEqual([
      'NodePool default has no status conditions after 2 minute(s): no Karpenter controller has reconciled it. ' +
        'Is the controller running and allowed in? See `kubectl -n karpenter logs deployment/karpenter`',
    ])
    expect(c.elapsed()).toBe(RECONCILE_TIMEOUT_MS)
  })

  it('fails after 2 minutes of conditions that never settle, listing them', async () => {
    const c = cluster(() => [{ type: 'AMIsReady', status: 'Unknown', reason: 'Resolving' }])
    const report = await c.run()
    expect(report.problems).toEqual([
      'EC2NodeClass default is not Ready after 2 minute(s): AMIsReady=Unknown (Resolving) [the controller resolves the AMI alias through SSM parameters and ec2:DescribeImages]',
      'NodePool default is not Ready after 2 minute(s): AMIsReady=Unknown (Resolving) [the controller resolves the AMI alias through SSM parameters and ec2:DescribeImages]',
    ])
  })
})
