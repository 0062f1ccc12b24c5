/**
 * Who owns Karpenter's CRDs, against the sandbox's real kube-apiserver and helm: a CRD release installed
 * elsewhere (as the Karpenter docs do, into its own namespace) is followed and upgraded in place; an owner
 * that is gone is replaced by adoption; a CRD another release owns stops the plan.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { ids } from '../../src/graph.js'
import { KubeClient } from '../../src/kube/client.js'
import { readRelease } from '../../src/kube/helm.js'
import { CRD } from '../../src/kube/types.js'
import { applyPlan } from '../../src/plan/engine.js'
import { HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE } from '../../src/resources/crds.js'
import { sandboxContext, type RecordedContext } from '../support/context.js'
import { charts, planKube, removeLeftovers } from '../support/kube-fixtures.js'
import { uniqueSuffix, useSandbox } from '../support/sandbox.js'

jest.setTimeout(180_000)

const suffix = uniqueSuffix()
const ns = `ka-kube-${suffix}`
const elsewhere = `ka-kube-${suffix}-sys`
const release = `karpenter-${suffix}`
let api: KubeClient

async function context(version: '1.13.1' | '1.14.1'): Promise<RecordedContext> {
  const ctx = await sandboxContext({
    // The sandbox's node pool stays in the config (one is required); only the CRD release is applied here.
    karpenter: { version, chart: charts(version).main, crdChart: charts(version).crd, namespace: ns, release },
  })
  return ctx
}

/** Plans with a fresh Context and returns the CRD release's change (named as the plan shows it). */
async function planCrds(version: '1.13.1' | '1.14.1') {
  const ctx = await context(version)
  try {
    const p = await planKube(ctx)
    const change = p.plan.changes.find((c) => c.id === ids.crdRelease(release))!
    return { p, ctx, change, name: change.name }
  } finally {
    await ctx.kube.close()
  }
}

beforeAll(async () => {
  useSandbox()
  api = new KubeClient(process.env.KUBECONFIG!)
  await removeLeftovers(api)
})

afterAll(async () => {
  await removeLeftovers(api).catch(() => undefined)
  for (const n of [ns, elsewhere]) await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: n })
  await api.close()
})

describe('owners of the Karpenter CRDs', () => {
  it('follows a CRD release installed elsewhere and upgrades that one', async () => {
    await api.helm(['install', 'karpenter-crd', charts('1.13.1').crd, '-n', elsewhere, '--create-namespace', '--wait'])
    const same = await planCrds('1.13.1')
    expect(same.name).toBe(`${elsewhere}/karpenter-crd`)
    expect(same.change.action).toBe('noop')

    const up = await planCrds('1.14.1')
    expect(up.change.action).toBe('update')
    expect(up.change.note).toContain(
      `the CRDs belong to helm release ${elsewhere}/karpenter-crd: that release is upgraded`,
    )
    const ctx = await context('1.14.1')
    try {
      const p = await planKube(ctx)
      const results = await applyPlan(
        p.steps.filter((s) => s.id === ids.crdRelease(release)),
        p.resources,
      )
      expect(results.map((r) => r.status)).toEqual(['done'])
    } finally {
      await ctx.kube.close()
    }
    expect(await readRelease(api, elsewhere, 'karpenter-crd')).toMatchObject({
      revision: 2,
      chart: { version: '1.13.0' },
    })
    expect(await readRelease(api, ns, `${release}-crd`)).toBeUndefined()
  })

  it('adopts CRDs whose owner release is gone into the configured release', async () => {
    // Deleting the namespace that held the release's records leaves the CRDs naming a release that is gone.
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: elsewhere })
    for (let i = 0; i < 300 && (await api.get({ apiVersion: 'v1', kind: 'Namespace', name: elsewhere })); i++) {
      await new Promise((r) => setTimeout(r, 100))
    }
    const gone = await planCrds('1.14.1')
    expect(gone.name).toBe(`${ns}/${release}-crd`)
    expect(gone.change.action).toBe('create')
    expect(gone.change.fields).toContainEqual({
      path: 'crds["nodepools.karpenter.sh"].owner',
      before: `${elsewhere}/karpenter-crd (release gone)`,
      after: `${ns}/${release}-crd`,
    })
  })

  it('stops when a CRD the chart ships belongs to another release', async () => {
    await api.mergePatch(
      { ...CRD, name: 'capacitybuffers.autoscaling.x-k8s.io' },
      {
        metadata: {
          annotations: { [HELM_RELEASE_NAME]: 'cluster-autoscaler', [HELM_RELEASE_NAMESPACE]: 'kube-system' },
        },
      },
      'ka-test',
    )
    try {
      // The NodePool CRD still names the gone release, so the configured one is planned; the buffer CRD is foreign.
      await expect(planCrds('1.14.1')).rejects.toThrow(
        /ships CRDs that another Helm release owns: capacitybuffers\.autoscaling\.x-k8s\.io \(helm release kube-system\/cluster-autoscaler\)/,
      )
    } finally {
      await api.mergePatch(
        { ...CRD, name: 'capacitybuffers.autoscaling.x-k8s.io' },
        { metadata: { annotations: { [HELM_RELEASE_NAME]: null, [HELM_RELEASE_NAMESPACE]: null } } },
        'ka-test',
      )
    }
  })
})
