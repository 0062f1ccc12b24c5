/**
 * The Kubernetes side through the engine against the sandbox's real kube-apiserver (kwok nodes make the
 * controller's Deployment Available), the real helm and the real Karpenter charts of ../shared/fixtures.
 *
 * One life of an installation, in order (each step starts from what the previous left): pre-v1 CRDs
 * refused; a bad NodePool refused before the CRDs exist; CRDs left unowned by an earlier install; the first
 * install (adopting them; verified up to the controller's part, which no controller can do here); a second run with nothing to do; bad NodePools refused with the API server's
 * message; a changed value; a failed upgrade rolled back; the upgrade 1.13.1 → 1.14.1; a removed node pool;
 * destroy with and without the CRDs. Namespace, release and pool names are unique per run; the CRDs are
 * cluster-wide and only these tests touch them.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { desiredGraph, ids as kubeIds } from '../../src/graph.js'
import { KubeClient } from '../../src/kube/client.js'
import { readRelease } from '../../src/kube/helm.js'
import { CRD, EC2NODECLASS, NODECLAIM, NODEPOOL, type KubeObject } from '../../src/kube/types.js'
import { applyPlan, type Step } from '../../src/plan/engine.js'
import type { ChangeResult } from '../../src/plan/types.js'
import { HELM_RELEASE_NAME } from '../../src/resources/crds.js'
import { VerifyError, verifyKarpenter, type VerifyReport } from '../../src/verify.js'
import type { Resource } from '../../src/plan/resource.js'
import { runnerStatus } from '../support/cluster.js'
import { sandboxContext, type RecordedContext } from '../support/context.js'
import { charts, planKube, removeLeftovers } from '../support/kube-fixtures.js'
import { uniqueSuffix, useSandbox } from '../support/sandbox.js'

// Helm waits for real rollouts (seconds on kwok) and the failed upgrade waits out its own timeout.
jest.setTimeout(240_000)

const suffix = uniqueSuffix()
const ns = `ka-kube-${suffix}`
const release = `karpenter-${suffix}`
const poolA = `kt-${suffix}-a`
const poolB = `kt-${suffix}-b`
const foreign = `kt-${suffix}-foreign`

type Version = '1.13.1' | '1.14.1'

function pool(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    instanceTypes: ['m5.large', 'c5.large'],
    architectures: ['amd64'],
    zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    subnetSelector: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' },
    securityGroupSelector: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' },
    consolidateAfter: '30s',
    ...extra,
  }
}

/** A sandbox Context with a fresh Kube (so each plan opens its own connection, as a run of the action does). */
async function context(
  version: Version,
  opts: { pools?: object[]; karpenter?: Record<string, unknown> } = {},
): Promise<RecordedContext> {
  return sandboxContext({
    karpenter: {
      version,
      chart: charts(version).main,
      crdChart: charts(version).crd,
      namespace: ns,
      release,
      timeout: '2m',
      values: {},
      ...opts.karpenter,
    },
    nodePools: opts.pools ?? [pool(poolA), pool(poolB)],
  })
}

function expectAllDone(results: ChangeResult[]) {
  expect(results.filter((r) => r.status !== 'done')).toEqual([])
}

let api: KubeClient
const open: RecordedContext[] = []
async function withContext<T>(ctx: RecordedContext, fn: (ctx: RecordedContext) => Promise<T>): Promise<T> {
  open.push(ctx)
  try {
    return await fn(ctx)
  } finally {
    await ctx.kube.close()
  }
}

/**
 * The verify step of an install here: everything but the controller's part passes. No controller can reconcile these
 * NodePools: the controller role trusts the service account of the sandbox's own installation (karpenter/karpenter), so
 * the sandbox's runner, checking as STS would, gives this namespace's controller no credentials (it stays stopped),
 * and verify, after its wait (shortened here from 2 minutes), says no controller has reconciled them. The real
 * controller reconciling to Ready is test/integration/karpenter-controller.test.ts.
 */
async function verifyWithoutController(ctx: RecordedContext, resources: Resource[]): Promise<VerifyReport> {
  const failed = await verifyKarpenter(ctx, resources, { reconcileTimeoutMs: 3000, pollMs: 500 }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(failed).toBeInstanceOf(VerifyError)
  const report = (failed as VerifyError).report
  expect(report.deployment.available).toBe(true)
  const reconciled = report.objects.filter((o) => /^(NodePool|EC2NodeClass) /.test(o.object))
  expect(report.problems).toEqual(
    reconciled.map(
      (o) =>
        `${o.object} has no status conditions after 3 s: no Karpenter controller has reconciled it. ` +
        `Is the controller running and allowed in? See \`kubectl -n ${ns} logs deployment/${release}\``,
    ),
  )
  const controller = runnerStatus().controllers.find((c) => c.deployment === `${ns}/${release}`)
  expect(controller?.running ?? false).toBe(false)
  return report
}

const helmReleaseOf = () => readRelease(api, ns, release)
const nodePool = (name: string) => api.get({ ...NODEPOOL, name })
const nodeClass = (name: string) => api.get({ ...EC2NODECLASS, name })

beforeAll(async () => {
  useSandbox()
  api = new KubeClient(process.env.KUBECONFIG!)
  await removeLeftovers(api)
})

afterAll(async () => {
  await api.helm(['uninstall', release, '-n', ns, '--wait'], { allowFailure: true })
  await api.helm(['uninstall', `${release}-crd`, '-n', ns, '--wait'], { allowFailure: true })
  for (const name of [poolA, poolB, foreign]) await api.delete({ ...NODEPOOL, name })
  for (const name of [poolA, poolB]) await api.delete({ ...EC2NODECLASS, name })
  await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
  await removeLeftovers(api).catch(() => undefined)
  await Promise.all([api.close(), ...open.map((c) => c.kube.close())])
})

describe('Kubernetes side against the sandbox', () => {
  it('refuses to upgrade CRDs that still store pre-v1 (v1beta1) objects, saying what to do', async () => {
    // A NodePool CRD as a v1beta1-era install leaves it: v1beta1 is (and was) the storage version.
    const legacy: KubeObject = {
      ...CRD,
      metadata: { name: 'nodepools.karpenter.sh' },
      spec: {
        group: 'karpenter.sh',
        scope: 'Cluster',
        names: { kind: 'NodePool', plural: 'nodepools', singular: 'nodepool', listKind: 'NodePoolList' },
        versions: [
          {
            name: 'v1beta1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    }
    await api.apply(legacy, 'ka-test')
    try {
      await withContext(await context('1.13.1'), async (ctx) => {
        const attempt = planKube(ctx)
        await expect(attempt).rejects.toThrow(/pre-v1 stored versions: nodepools\.karpenter\.sh \(v1beta1\)/)
        await expect(attempt).rejects.toThrow(/upgrade through Karpenter 1\.0\.x first/)
      })
      expect(await helmReleaseOf()).toBeUndefined()
    } finally {
      await api.delete({ ...CRD, name: 'nodepools.karpenter.sh' })
      await waitGone(() => api.get({ ...CRD, name: 'nodepools.karpenter.sh' }))
    }
  })

  it('refuses a bad NodePool before the CRDs exist, checking it against the schema of the CRDs it would install', async () => {
    const bad = await context('1.13.1', { pools: [pool(poolA)] })
    // The config loader refuses a duration without a unit itself; this is the CRD schema's check when one gets through.
    bad.config.nodePools[0].consolidateAfter = '30'
    await withContext(bad, async (ctx) => {
      const attempt = planKube(ctx)
      await expect(attempt).rejects.toThrow(/rejected at plan time, before anything was applied/)
      await expect(attempt).rejects.toThrow(
        `NodePool ${poolA}: spec.disruption.consolidateAfter: must match '^(([0-9]+(s|m|h))+|Never)$' (checked against the CRD schema the apply would install)`,
      )
    })
    expect(await api.get({ apiVersion: 'v1', kind: 'Namespace', name: ns })).toBeUndefined()
  })

  it('finds CRDs an earlier `helm install` of the main chart left behind without Helm ownership', async () => {
    // The main chart installs its crds/ folder unowned, and `helm uninstall` leaves them.
    const scratch = `${ns}-old`
    await api.helm([
      'install',
      `old-${suffix}`,
      charts('1.13.1').main,
      '-n',
      scratch,
      '--create-namespace',
      '--set',
      'settings.clusterName=old',
    ])
    await api.helm(['uninstall', `old-${suffix}`, '-n', scratch, '--wait'])
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: scratch })
    const crd = await api.get({ ...CRD, name: 'nodepools.karpenter.sh' })
    expect(crd?.metadata.labels?.['app.kubernetes.io/managed-by']).toBeUndefined()
    expect(crd?.metadata.annotations?.[HELM_RELEASE_NAME]).toBeUndefined()
  })

  it('first install: plans in at most 3 helm/kubectl processes, adopts the unowned CRDs, applies and verifies', async () => {
    await withContext(await context('1.13.1'), async (ctx) => {
      const p = await planKube(ctx)
      expect(p.actions).toEqual({
        [kubeIds.namespace(ns)]: 'create',
        [kubeIds.crdRelease(release)]: 'create',
        [kubeIds.release(release)]: 'create',
        [kubeIds.nodeClass(poolA)]: 'create',
        [kubeIds.nodePool(poolA)]: 'create',
        [kubeIds.nodeClass(poolB)]: 'create',
        [kubeIds.nodePool(poolB)]: 'create',
      })
      expect(p.processes.length).toBeLessThanOrEqual(3)
      expect(p.mutatingCalls()).toEqual([])
      const crds = p.plan.changes.find((c) => c.id === kubeIds.crdRelease(release))!
      expect(crds.note).toMatch(/adopting 4 CRD\(s\) that Helm did not own/)
      expect(crds.fields).toContainEqual({
        path: 'crds["nodepools.karpenter.sh"].owner',
        before: 'none',
        after: `${ns}/${release}-crd`,
      })
      const main = p.plan.changes.find((c) => c.id === kubeIds.release(release))!
      expect(main.fields).toContainEqual({ path: 'values.settings.clusterName', after: 'opsfleet-dev-cluster' })
      // The release is not called "karpenter": without the value, the chart would name the account after it.
      expect(main.fields).toContainEqual({ path: 'values.serviceAccount.name', after: 'karpenter' })
      expect(main.fields).toContainEqual({
        path: 'values.serviceAccount.annotations["eks.amazonaws.com/role-arn"]',
        after: `arn:aws:iam::${ctx.accountId}:role/karpenter-controller`,
      })
      // The CRDs left behind serve NodePool already: the pools were dry-run by the API server.
      expect(p.plan.changes.find((c) => c.id === kubeIds.nodePool(poolA))!.note).toBeUndefined()

      expectAllDone(await applyPlan(p.steps, p.resources))
      const report = await verifyWithoutController(ctx, p.resources)
      expect(report.objects.map((o) => [o.object, o.specMatches])).toEqual([
        [`EC2NodeClass ${poolA}`, true],
        [`NodePool ${poolA}`, true],
        [`EC2NodeClass ${poolB}`, true],
        [`NodePool ${poolB}`, true],
      ])
    })
    const r = await helmReleaseOf()
    expect(r).toMatchObject({ revision: 1, status: 'deployed', chart: { name: 'karpenter', version: '1.12.1' } })
    const crd = await api.get({ ...CRD, name: 'nodepools.karpenter.sh' })
    expect(crd?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm')
    expect(crd?.metadata.annotations?.[HELM_RELEASE_NAME]).toBe(`${release}-crd`)
    expect((await nodePool(poolA))?.spec).toMatchObject({
      disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '30s' },
      template: { spec: { expireAfter: 'Never' } },
    })
  })

  it('second run: nothing to do, one process to plan, no mutating call and no new Helm revision', async () => {
    const before = await Promise.all([helmReleaseOf(), nodePool(poolA), nodeClass(poolA)])
    await withContext(await context('1.13.1'), async (ctx) => {
      const p = await planKube(ctx)
      expect(Object.values(p.actions).every((a) => a === 'noop')).toBe(true)
      // The API server is reached directly (the sandbox's kubeconfig has a client certificate): no process at all.
      expect(p.processes.map((x) => x.args.find((a) => ['proxy', 'template', 'upgrade'].includes(a)))).toEqual([])
      expect(await applyPlan(p.steps, p.resources)).toEqual([])
      expect(p.mutatingCalls()).toEqual([])
    })
    const after = await Promise.all([helmReleaseOf(), nodePool(poolA), nodeClass(poolA)])
    expect(after[0]?.revision).toBe(before[0]?.revision)
    expect(after[1]?.metadata.resourceVersion).toBe(before[1]?.metadata.resourceVersion)
    expect(after[2]?.metadata.resourceVersion).toBe(before[2]?.metadata.resourceVersion)
  })

  it("refuses bad NodePools at plan time with the API server's own messages, before anything is applied", async () => {
    const live = await nodePool(poolA)
    const extras = mkdtempSync(join(tmpdir(), 'ka-extra-'))
    writeFileSync(
      join(extras, 'pool.yaml'),
      [
        'apiVersion: karpenter.sh/v1',
        'kind: NodePool',
        'metadata:',
        `  name: ${poolB}-extra`,
        'spec:',
        '  template:',
        '    spec:',
        `      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: ${poolB}}`,
        '      requirements:',
        '        - {key: node.kubernetes.io/instance-type, operator: In, values: []}',
      ].join('\n'),
    )
    const ctx = await context('1.13.1', {
      pools: [pool(poolA), pool(poolB)],
      karpenter: { extraManifests: extras },
    })
    // The config loader refuses both itself; this is what the API server says when they get through.
    ctx.config.nodePools[0].consolidateAfter = '30'
    ctx.config.nodePools[1].instanceTypes = []
    await withContext(ctx, async (ctx) => {
      const mark = ctx.calls.mark()
      const attempt = planKube(ctx)
      await expect(attempt).rejects.toThrow(/rejected at plan time, before anything was applied/)
      const message = await attempt.then(
        () => '',
        (e: Error) => e.message,
      )
      expect(message).toContain(
        `NodePool ${poolA}: NodePool.karpenter.sh "${poolA}" is invalid: spec.disruption.consolidateAfter: Invalid value: "30": spec.disruption.consolidateAfter in body should match '^(([0-9]+(s|m|h))+|Never)$'`,
      )
      expect(message).toContain(`NodePool ${poolB}: NodePool.karpenter.sh "${poolB}" is invalid`)
      expect(message).toContain("requirements with operator 'In' must have a value defined")
      expect(message).toContain(`NodePool ${poolB}-extra:`)
      expect(ctx.calls.since(mark).kube.filter((c) => c.mutating)).toEqual([])
      expect(ctx.calls.since(mark).processes.some((p) => p.args.includes('upgrade'))).toBe(false)
    })
    expect((await nodePool(poolA))?.metadata.resourceVersion).toBe(live?.metadata.resourceVersion)
    expect(await nodePool(`${poolB}-extra`)).toBeUndefined()
  })

  it('a changed value: the plan shows the value and the rendered object it changes; the apply makes one revision', async () => {
    const before = (await helmReleaseOf())!.revision
    // With it, an extra manifest of the user's: applied the same way, once Karpenter is ready.
    const extras = mkdtempSync(join(tmpdir(), 'ka-extra-'))
    writeFileSync(
      join(extras, 'settings.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: team-settings, namespace: ${ns}}\ndata: {owner: platform}\n`,
    )
    const ctx = await context('1.13.1', { karpenter: { values: { replicas: 1 }, extraManifests: extras } })
    await withContext(ctx, async (ctx) => {
      const p = await planKube(ctx)
      const extraId = `manifest.configmap.${ns}.team-settings`
      expect(Object.entries(p.actions).filter(([, a]) => a !== 'noop')).toEqual([
        [kubeIds.release(release), 'update'],
        [extraId, 'create'],
      ])
      expect(p.plan.changes.find((c) => c.id === extraId)!.fields).toContainEqual({
        path: 'data.owner',
        after: 'platform',
      })
      const main = p.plan.changes.find((c) => c.id === kubeIds.release(release))!
      expect(main.fields).toEqual([
        { path: 'values.replicas', before: undefined, after: 1 },
        { path: `manifest["Deployment ${ns}/${release}"].spec.replicas`, before: 2, after: 1 },
      ])
      expect(p.processes.length).toBe(1) // one helm template (the API server is reached directly)
      expectAllDone(await applyPlan(p.steps, p.resources))
      await verifyWithoutController(ctx, p.resources)
    })
    expect((await helmReleaseOf())!.revision).toBe(before + 1)
    const deploy = await api.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: release, namespace: ns })
    expect((deploy?.spec as { replicas: number }).replicas).toBe(1)
    const cm = await api.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'team-settings', namespace: ns })
    expect(cm?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'karpenter-action' })
    expect((cm?.metadata.managedFields as { manager: string }[]).map((f) => f.manager)).toEqual(['karpenter-action'])
  })

  it('a failed upgrade rolls back (--atomic): the release and the Deployment stay as they were', async () => {
    const before = (await helmReleaseOf())!
    // No node has this label: the new pods never schedule, and helm's wait runs out. (Two replicas: with one,
    // the chart's maxUnavailable of 1 lets helm call zero ready pods enough.)
    const broken = { replicas: 2, nodeSelector: { 'ka-test/nowhere': 'true' } }
    await withContext(await context('1.13.1', { karpenter: { values: broken, timeout: '15s' } }), async (ctx) => {
      const p = await planKube(ctx)
      expect(p.actions[kubeIds.release(release)]).toBe('update')
      const results = await applyPlan(p.steps, p.resources)
      const failed = results.find((r) => r.id === kubeIds.release(release))!
      expect(failed.status).toBe('failed')
      expect(failed.error).toMatch(/rolled back/)
      expect(failed.error).toMatch(/karpenter\.timeout \(15s\)/)
      // Nothing after the failure ran.
      expect(results.filter((r) => r.status === 'done')).toEqual([])
    })
    const after = (await helmReleaseOf())!
    expect(after.status).toBe('deployed')
    expect(after.revision).toBe(before.revision + 2) // the failed upgrade, then the rollback
    expect(after.values).toEqual(before.values)
    const deploy = await api.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: release, namespace: ns })
    expect(JSON.stringify(deploy?.spec)).not.toContain('ka-test/nowhere')
    // And the next plan with the good values has nothing to do.
    await withContext(await context('1.13.1', { karpenter: { values: { replicas: 1 } } }), async (ctx) => {
      const p = await planKube(ctx)
      expect(Object.values(p.actions).every((a) => a === 'noop')).toBe(true)
    })
  })

  it('upgrades 1.13.1 → 1.14.1: the CRD chart first, then the main chart; the plan shows both versions', async () => {
    const before = (await helmReleaseOf())!.revision
    await withContext(await context('1.14.1', { karpenter: { values: { replicas: 1 } } }), async (ctx) => {
      const p = await planKube(ctx)
      expect(Object.entries(p.actions).filter(([, a]) => a !== 'noop')).toEqual([
        [kubeIds.crdRelease(release), 'update'],
        [kubeIds.release(release), 'update'],
      ])
      const crds = p.plan.changes.find((c) => c.id === kubeIds.crdRelease(release))!
      expect(crds.fields[0]).toEqual({ path: 'chart', before: 'karpenter-crd-1.12.1', after: 'karpenter-crd-1.13.0' })
      expect(crds.fields).toContainEqual({
        path: 'manifest["CustomResourceDefinition capacitybuffers.autoscaling.x-k8s.io"]',
        after: 'apiextensions.k8s.io/v1',
      })
      const main = p.plan.changes.find((c) => c.id === kubeIds.release(release))!
      expect(main.fields[0]).toEqual({ path: 'chart', before: 'karpenter-1.12.1', after: 'karpenter-1.13.0' })
      expect(main.fields.map((f) => f.path)).toContain(
        `manifest["Deployment ${ns}/${release}"].spec.template.spec.containers[controller].image`,
      )
      expect(p.processes.length).toBeLessThanOrEqual(3)
      // Carried out as a reviewed plan is: written down as JSON, then applied by resources built again from the
      // same configuration, with a client of their own (another process would have nothing else).
      const steps = JSON.parse(JSON.stringify(p.steps)) as Step[]
      await withContext(await context('1.14.1', { karpenter: { values: { replicas: 1 } } }), async (later) => {
        const resources = await desiredGraph(later, { mode: 'apply', scope: 'cluster' })
        const mark = later.calls.mark()
        const results = await applyPlan(steps, resources)
        expectAllDone(results)
        expect(results.map((r) => r.id)).toEqual([kubeIds.crdRelease(release), kubeIds.release(release)])
        // It ran the two planned upgrades and no helm template: nothing was worked out again.
        const helm = later.calls
          .since(mark)
          .processes.filter((x) => x.tool === 'helm')
          .map((x) => x.args[2])
        expect(helm).toEqual(['upgrade', 'upgrade'])
        await verifyWithoutController(later, resources)
      })
    })
    expect(await helmReleaseOf()).toMatchObject({ revision: before + 1, chart: { version: '1.13.0' } })
    expect(await api.get({ ...CRD, name: 'capacitybuffers.autoscaling.x-k8s.io' })).toBeDefined()
  })

  it('a removed node pool: its NodePool goes, its NodeClaims are waited for, then its EC2NodeClass; others are untouched', async () => {
    // A NodePool the action did not create, using one of its EC2NodeClasses.
    await api.apply(
      {
        ...NODEPOOL,
        metadata: { name: foreign },
        spec: {
          template: {
            spec: {
              nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: poolA },
              requirements: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }],
            },
          },
        },
      },
      'someone-else',
    )
    // A NodeClaim of the pool that goes, owned by it, held by a finalizer as a terminating instance would be.
    const owner = (await nodePool(poolB))!
    const claim = `${poolB}-x1`
    await api.apply(
      {
        ...NODECLAIM,
        metadata: {
          name: claim,
          labels: { 'karpenter.sh/nodepool': poolB },
          finalizers: ['ka-test/instance-terminating'],
          ownerReferences: [
            {
              apiVersion: 'karpenter.sh/v1',
              kind: 'NodePool',
              name: poolB,
              uid: owner.metadata.uid,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: poolB },
          requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }],
        },
      },
      'ka-test',
    )
    // Plays Karpenter (and the garbage collector, which notices new CRDs only after a while): once the NodePool
    // is being deleted, deletes its claim; while the claim terminates, notes whether its EC2NodeClass is still
    // there, then lets the claim go.
    let classPresentWhileClaimTerminating: boolean | undefined
    let stop = false
    const controller = (async () => {
      while (!stop) {
        const c = await api.get({ ...NODECLAIM, name: claim })
        if (!c) return
        const owner = await nodePool(poolB)
        if (!c.metadata.deletionTimestamp && (!owner || owner.metadata.deletionTimestamp)) {
          await api.delete({ ...NODECLAIM, name: claim })
          continue
        }
        if (c.metadata.deletionTimestamp) {
          classPresentWhileClaimTerminating = Boolean(await nodeClass(poolB))
          await new Promise((r) => setTimeout(r, 1500))
          await api.mergePatch({ ...NODECLAIM, name: claim }, { metadata: { finalizers: null } }, 'ka-test')
          return
        }
        await new Promise((r) => setTimeout(r, 200))
      }
    })()
    try {
      await withContext(
        await context('1.14.1', { pools: [pool(poolA)], karpenter: { values: { replicas: 1 } } }),
        async (ctx) => {
          const p = await planKube(ctx)
          expect(Object.entries(p.actions).filter(([, a]) => a !== 'noop')).toEqual([
            [kubeIds.nodeClass(poolB), 'delete'],
            [kubeIds.nodePool(poolB), 'delete'],
          ])
          expect(p.actions[kubeIds.nodePool(foreign)]).toBeUndefined()
          const results = await applyPlan(p.steps, p.resources)
          expectAllDone(results)
          expect(results.map((r) => r.id)).toEqual([kubeIds.nodePool(poolB), kubeIds.nodeClass(poolB)])
        },
      )
    } finally {
      stop = true
      await controller
    }
    expect(classPresentWhileClaimTerminating).toBe(true)
    expect(await api.get({ ...NODECLAIM, name: claim })).toBeUndefined()
    expect(await nodePool(poolB)).toBeUndefined()
    expect(await nodeClass(poolB)).toBeUndefined()
    expect(await nodePool(foreign)).toBeDefined()
    expect(await nodePool(poolA)).toBeDefined()
  })

  it('destroy: NodePools, EC2NodeClasses, the release; the CRDs (and their namespace) stay unless destroyCrds', async () => {
    await withContext(await context('1.14.1', { pools: [pool(poolA)] }), async (ctx) => {
      const p = await planKube(ctx, 'destroy')
      // A destroy renders nothing, and the API server is reached directly: no process.
      expect(p.processes).toEqual([])
      expect(p.plan.changes.filter((c) => c.action !== 'noop').map((c) => [c.id, c.action])).toEqual([
        [kubeIds.nodePool(poolA), 'delete'],
        [kubeIds.nodeClass(poolA), 'delete'],
        [kubeIds.release(release), 'delete'],
      ])
      const results = await applyPlan(p.steps, p.resources)
      expectAllDone(results)
      expect(results.map((r) => r.id)).toEqual([
        kubeIds.nodePool(poolA),
        kubeIds.nodeClass(poolA),
        kubeIds.release(release),
      ])
    })
    expect(await helmReleaseOf()).toBeUndefined()
    expect(await nodePool(poolA)).toBeUndefined()
    expect(await api.get({ ...CRD, name: 'nodepools.karpenter.sh' })).toBeDefined()
    expect(await nodePool(foreign)).toBeDefined() // not the action's

    // Deleting the CRDs would delete someone else's NodePool too: refused at plan time, naming it, nothing changed.
    await withContext(
      await context('1.14.1', { pools: [pool(poolA)], karpenter: { destroyCrds: true } }),
      async (ctx) => {
        const attempt = planKube(ctx, 'destroy')
        await expect(attempt).rejects.toThrow(
          /karpenter\.destroyCrds: deleting Karpenter's CRDs would also delete 1 object\(s\) this destroy does not own: NodePool kt-[a-z0-9]+-foreign\./,
        )
      },
    )
    expect(await api.get({ ...CRD, name: 'nodepools.karpenter.sh' })).toBeDefined()
    await api.delete({ ...NODEPOOL, name: foreign })
    await waitGone(() => nodePool(foreign))
    await withContext(
      await context('1.14.1', { pools: [pool(poolA)], karpenter: { destroyCrds: true } }),
      async (ctx) => {
        const p = await planKube(ctx, 'destroy')
        expect(p.plan.changes.filter((c) => c.action !== 'noop').map((c) => c.id)).toEqual([
          kubeIds.crdRelease(release),
          kubeIds.namespace(ns),
        ])
        expectAllDone(await applyPlan(p.steps, p.resources))
      },
    )
    expect(await api.get({ ...CRD, name: 'nodepools.karpenter.sh' })).toBeUndefined()
    expect(await api.get({ apiVersion: 'v1', kind: 'Namespace', name: ns })).toBeUndefined()
  })
})

async function waitGone(get: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 100 && (await get()); i++) await new Promise((r) => setTimeout(r, 100))
}
