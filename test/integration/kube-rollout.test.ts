/**
 * The main chart's install waited for through the API and undone on failure, as `helm --wait --atomic` did, against
 * the sandbox's real API server, controllers and kwok nodes (the upgrade's rollback is in kube-lifecycle.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { KubeClient } from '../../src/kube/client.js'
import { checkRendering, chartSource, latestRevision, uninstallRelease, upgradeRelease } from '../../src/kube/helm.js'
import { CRD, DEPLOYMENT, NAMESPACE, type KubeObject } from '../../src/kube/types.js'
import { ids } from '../../src/graph.js'
import { ChartRenderings, HelmReleaseResource } from '../../src/resources/helm-release.js'
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

async function waitFor(ok: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('not within the time given')
    await new Promise((r) => setTimeout(r, 100))
  }
}

const install = (values: Record<string, unknown>, timeout: string) =>
  upgradeRelease(kube, chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart'), {
    release,
    namespace,
    values: { settings: { clusterName: 'opsfleet-dev-cluster' }, ...values },
    timeout,
    skipCrds: true,
  })

describe('installing the main chart', () => {
  test("the plan renders the chart as helm install will: with the cluster's API versions (a ServiceMonitor where it is served)", async () => {
    const src = chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart')
    const values = { settings: { clusterName: 'opsfleet-dev-cluster' }, serviceMonitor: { enabled: true } }
    const at = { release: 'monitored', namespace }
    const kinds = async () =>
      (await new ChartRenderings(kube).render(src, at, values)).map((o) => `${o.apiVersion} ${o.kind}`)
    expect(await kinds()).not.toContain('monitoring.coreos.com/v1 ServiceMonitor')
    // The Prometheus operator's kind, as a cluster that runs it serves it (its schema left open here).
    const crd = {
      ...CRD,
      metadata: { name: 'servicemonitors.monitoring.coreos.com' },
      spec: {
        group: 'monitoring.coreos.com',
        scope: 'Namespaced',
        names: {
          plural: 'servicemonitors',
          singular: 'servicemonitor',
          kind: 'ServiceMonitor',
          listKind: 'ServiceMonitorList',
        },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    }
    await kube.apply(crd)
    try {
      await waitFor(async () => (await kube.apiVersions()).includes('monitoring.coreos.com/v1'))
      const rendered = await new ChartRenderings(kube).render(src, at, values)
      expect(rendered.map((o) => `${o.apiVersion} ${o.kind}`)).toContain('monitoring.coreos.com/v1 ServiceMonitor')
      // The rendering policy/v1 PodDisruptionBudget included: what this cluster serves, not helm's defaults.
      expect(rendered.map((o) => `${o.apiVersion} ${o.kind}`)).toContain('policy/v1 PodDisruptionBudget')
      kube.forgetDiscovery()
      await checkRendering(kube, rendered, namespace, 'helm release monitored')
    } finally {
      await kube.delete({ ...CRD, name: crd.metadata.name })
    }
  }, 60_000)

  test('the rendering the plan showed is dry-run by the API server first: an object it refuses stops the install before helm', async () => {
    const src = chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart')
    const values = { settings: { clusterName: 'opsfleet-dev-cluster' }, replicas: 1 }
    const at = { release: 'checked', namespace }
    const rendered = await new ChartRenderings(kube).render(src, at, values)
    // The real rendering passes, and a dry run leaves nothing behind.
    await checkRendering(kube, rendered, namespace, 'helm release checked')
    expect(await kube.get({ ...DEPLOYMENT, name: 'checked-karpenter', namespace })).toBeUndefined()
    // One misspelt field in the Deployment: the API server's Strict field validation names it.
    const bad = rendered.map((o): KubeObject => {
      if (o.kind !== 'Deployment') return o
      const spec = structuredClone(o.spec) as { template: { spec: { containers: Record<string, unknown>[] } } }
      spec.template.spec.containers[0].imagePullPolicyy = 'Always'
      return { ...o, spec }
    })
    const resource = new HelmReleaseResource(
      kube,
      {
        id: ids.release('checked'),
        ...at,
        chart: src,
        values,
        timeout: '60s',
        skipCrds: true,
        dependsOn: [],
        render: true,
      },
      new ChartRenderings(kube),
    )
    const op = { op: 'upgrade' as const, ...at, chart: src, values, timeout: '60s', skipCrds: true, checked: bad }
    const e = await resource.apply([op]).catch((x: unknown) => x as Error)
    expect(e).toBeInstanceOf(Error)
    expect(e!.message).toContain(`helm release ${namespace}/checked: the API server refused the chart's objects`)
    expect(e!.message).toMatch(
      new RegExp(`- Deployment ${namespace}/checked-karpenter: .*imagePullPolicyy: field not declared in schema`),
    )
    // helm never ran: no revision, no objects.
    expect(await latestRevision(kube, namespace, 'checked')).toBeUndefined()
    expect(await kube.get({ ...DEPLOYMENT, name: 'checked-karpenter', namespace })).toBeUndefined()
  }, 60_000)

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
