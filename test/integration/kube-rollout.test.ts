/**
 * The main chart's install waited for through the API and undone on failure, as `helm --wait --atomic` did, against
 * the sandbox's real API server, controllers and kwok nodes (the upgrade's rollback is in kube-lifecycle.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { KubeClient } from '../../src/kube/client.js'
import { chartSource, latestRevision, uninstallRelease, upgradeRelease } from '../../src/kube/helm.js'
import { DEPLOYMENT, NAMESPACE } from '../../src/kube/types.js'
import { charts } from '../support/kube-fixtures.js'
import { uniqueSuffix, useSandbox } from '../support/sandbox.js'

let kube: KubeClient
const namespace = `rollout-${uniqueSuffix()}`
const release = 'rollout'

beforeAll(async () => {
  useSandbox()
  kube = new KubeClient(process.env.KUBECONFIG!)
  await kube.apply({ ...NAMESPACE, metadata: { name: namespace } })
})

afterAll(async () => {
  await uninstallRelease(kube, namespace, release, '60s').catch(() => undefined)
  await kube.delete({ ...NAMESPACE, name: namespace })
  await kube.close()
})

const install = (values: Record<string, unknown>, timeout: string) =>
  upgradeRelease(kube, chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart'), {
    release,
    namespace,
    values: { settings: { clusterName: 'opsfleet-dev-cluster' }, ...values },
    timeout,
    skipCrds: true,
  })

describe('installing the main chart', () => {
  test('a first install that never becomes ready is uninstalled again, naming what did not roll out', async () => {
    const e = await install({ replicas: 1, nodeSelector: { 'ka-test/nowhere': 'true' } }, '5s').catch(
      (x: unknown) => x as Error,
    )
    expect(e).toBeInstanceOf(Error)
    expect(e!.message).toMatch(
      new RegExp(`not rolled out: Deployment ${namespace}/${release}-karpenter: 0/1 replicas available`),
    )
    expect(e!.message).toContain('the new release was uninstalled again (nothing ran before it)')
    expect(e!.message).toContain('karpenter.timeout (5s)')
    expect(await latestRevision(kube, namespace, release)).toBeUndefined()
  }, 60_000)

  test('an install returns once its Deployment has rolled out, not a poll of helm later', async () => {
    await install({ replicas: 1 }, '60s')
    const d = await kube.get({ ...DEPLOYMENT, name: `${release}-karpenter`, namespace })
    const status = d?.status as { availableReplicas?: number; updatedReplicas?: number }
    expect(status.availableReplicas).toBe(1)
    expect(status.updatedReplicas).toBe(1)
    expect(await latestRevision(kube, namespace, release)).toMatchObject({ revision: 1 })
  }, 60_000)
})
