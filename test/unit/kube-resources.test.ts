import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { desiredResources, ids, type Context, type GraphOptions } from '../../src/graph.js'
import { chartSource, decodeReleaseSecret } from '../../src/kube/helm.js'
import type { KubeObject } from '../../src/kube/types.js'
import { applyPlan, dependencyOrder } from '../../src/plan/engine.js'
import type { Resource } from '../../src/plan/resource.js'
import { ChartRenderings, HelmReleaseResource } from '../../src/resources/helm-release.js'
import { loadExtraManifests } from '../../src/resources/manifests.js'
import { charts, exampleConfig, releaseSecret, unitContext } from '../support/kube-fixtures.js'

const byId = (rs: Resource[]) => Object.fromEntries(rs.map((r) => [r.id, r]))
/** The cluster's side of the graph alone, depending on no AWS resource. */
const kubeResources = (ctx: Context, options: GraphOptions = {}) =>
  desiredResources(ctx, { ...options, scope: 'cluster' })
const labelled = { 'app.kubernetes.io/managed-by': 'karpenter-action' }

describe('the Kubernetes resources of a configuration', () => {
  it('orders namespace, CRD chart, main chart, then each EC2NodeClass before its NodePool', () => {
    const rs = kubeResources(unitContext())
    expect(dependencyOrder(rs).map((r) => r.id)).toEqual([
      'namespace.karpenter',
      'helm-release.karpenter-crd',
      'helm-release.karpenter',
      'ec2nodeclass.default',
      'nodepool.default',
    ])
    const r = byId(rs)
    expect(r['nodepool.default'].dependsOn).toContain('ec2nodeclass.default')
    expect(r['ec2nodeclass.default'].dependsOn).toEqual(['helm-release.karpenter-crd', 'helm-release.karpenter'])
    expect(r['helm-release.karpenter'].name).toBe('karpenter/karpenter')
  })

  it('depends on the AWS resources of the same plan that it needs, and only on those', () => {
    const r = byId(desiredResources(unitContext()))
    expect(r['helm-release.karpenter'].dependsOn).toEqual([
      'namespace.karpenter',
      'helm-release.karpenter-crd',
      ids.controllerRole,
      ids.queue,
    ])
    expect(r['ec2nodeclass.default'].dependsOn).toContain(ids.instanceProfile)
    expect(r['ec2nodeclass.default'].dependsOn).toContain(ids.awsAuth)
    expect(r['ec2nodeclass.default'].dependsOn).not.toContain(ids.accessEntry)
    expect(r['nodepool.default'].dependsOn).not.toContain(ids.instanceProfile)
  })

  it('keeps the CRD release and its namespace on destroy unless karpenter.destroyCrds', () => {
    const kept = byId(kubeResources(unitContext()))
    expect(kept['helm-release.karpenter-crd'].keepOnDestroy).toBe(true)
    expect(kept['namespace.karpenter'].keepOnDestroy).toBe(true)
    const gone = byId(
      kubeResources(unitContext(exampleConfig((t) => t.replace('values: {}', 'values: {}\n  destroyCrds: true')))),
    )
    expect(gone['helm-release.karpenter-crd'].keepOnDestroy).toBe(false)
    expect(gone['namespace.karpenter'].keepOnDestroy).toBe(false)
    const noCrds = byId(
      kubeResources(unitContext(exampleConfig((t) => t.replace('values: {}', 'values: {}\n  installCrds: false')))),
    )
    expect(noCrds['helm-release.karpenter-crd']).toBeUndefined()
    expect(noCrds['helm-release.karpenter'].dependsOn).toEqual(['namespace.karpenter'])
  })

  it('deletes what the action created that left the config, and never what it did not create', () => {
    const found: KubeObject[] = [
      { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'old', labels: labelled } },
      {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'old', labels: labelled },
        spec: { template: { spec: { nodeClassRef: { name: 'old' } } } },
      },
      { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'default', labels: labelled } },
      { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'theirs' } },
      // Left the config, but someone else's NodePool still uses it: it stays.
      { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'shared', labels: labelled } },
      {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'theirs-too' },
        spec: { template: { spec: { nodeClassRef: { name: 'shared' } } } },
      },
    ]
    const rs = kubeResources(unitContext(), { found })
    const r = byId(rs)
    expect(rs.map((x) => [x.id, x.wanted])).toEqual([
      ['namespace.karpenter', true],
      ['helm-release.karpenter-crd', true],
      ['helm-release.karpenter', true],
      ['ec2nodeclass.default', true],
      ['nodepool.default', true],
      ['ec2nodeclass.old', false],
      ['nodepool.old', false],
    ])
    expect(r['nodepool.old'].dependsOn).toContain('ec2nodeclass.old')
  })

  it('destroys in the order that leaves nothing running: NodePools, EC2NodeClasses, the controller, the CRDs, the namespace', async () => {
    const config = exampleConfig((t) => t.replace('values: {}', 'values: {}\n  destroyCrds: true'))
    const rs = kubeResources(unitContext(config), { mode: 'destroy' })
    const order: string[] = []
    for (const r of rs) r.destroy = async () => void order.push(r.id)
    const results = await applyPlan(
      rs.map((r) => ({ id: r.id, action: 'delete' as const, ops: [], prior: {} })),
      rs,
    )
    expect(results.every((x) => x.status === 'done')).toBe(true)
    expect(order).toEqual([
      'nodepool.default',
      'ec2nodeclass.default',
      'helm-release.karpenter',
      'helm-release.karpenter-crd',
      'namespace.karpenter',
    ])
  })

  it('applies extra manifests after the controller, namespaces and CRDs among them first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ka-extras-'))
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'a-ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n')
    writeFileSync(
      join(dir, 'sub', 'b.yml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: team, labels: {x: y}}\ndata: {k: v}\n',
    )
    writeFileSync(join(dir, 'notes.txt'), 'not a manifest')
    const extras = loadExtraManifests(dir)
    expect(extras.map((o) => o.metadata.labels)).toEqual([labelled, { x: 'y', ...labelled }])
    const r = byId(kubeResources(unitContext(), { extraManifests: extras }))
    expect(r['manifest.namespace.team'].dependsOn).toEqual(['helm-release.karpenter-crd', 'helm-release.karpenter'])
    expect(r['manifest.configmap.team.c'].dependsOn).toEqual([
      'helm-release.karpenter-crd',
      'helm-release.karpenter',
      'manifest.namespace.team',
    ])
    expect(ids.manifest(extras[1])).toBe('manifest.configmap.team.c')
  })

  it('names the key and the fix for a missing folder or an object defined twice', () => {
    expect(() => loadExtraManifests('nope', '/tmp')).toThrow(
      'karpenter.extraManifests: the folder nope does not exist (relative paths start at /tmp). Fix: commit it, or remove karpenter.extraManifests.',
    )
    const dir = mkdtempSync(join(tmpdir(), 'ka-extras-'))
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\n'
    writeFileSync(join(dir, 'a.yaml'), cm)
    writeFileSync(join(dir, 'b.yaml'), cm)
    expect(() => loadExtraManifests(dir, dir)).toThrow(
      'karpenter.extraManifests b.yaml: ConfigMap n/c is also defined in karpenter.extraManifests a.yaml. Fix: keep one.',
    )
  })
})

describe('a Helm release in the plan', () => {
  const ctx = unitContext()
  const release = (values: object, chartVersion = '1.12.1') =>
    decodeReleaseSecret(
      releaseSecret({
        name: 'karpenter',
        namespace: 'karpenter',
        version: 4,
        info: { status: 'deployed' },
        chart: { metadata: { name: 'karpenter', version: chartVersion }, templates: [], values: {} },
        config: values,
        manifest: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: karpenter, namespace: karpenter}\n',
      }),
    )
  const chart = chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart')
  const resource = (values: Record<string, unknown>, expectedVersion = '1.14.1') =>
    new HelmReleaseResource(
      ctx.kube,
      {
        id: ids.release('karpenter'),
        release: 'karpenter',
        namespace: 'karpenter',
        chart,
        values,
        timeout: '10m',
        skipCrds: true,
        dependsOn: [],
        render: true,
        expectedVersion,
      },
      new ChartRenderings(ctx.kube),
    )

  it('is a no-op when nothing was rendered (chart, values and chart files all unchanged)', () => {
    expect(resource({ a: 1 }).diff({ release: release({ a: 1 }) })).toEqual({ action: 'noop', fields: [], ops: [] })
  })

  it('shows the chart version, the values and the rendered objects that change, and plans the upgrade', () => {
    const r = resource({ replicas: 1 })
    const rendered: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'karpenter', namespace: 'karpenter' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'karpenter', namespace: 'karpenter' } },
    ]
    expect(r.diff({ release: release({ replicas: 2 }), rendered })).toEqual({
      action: 'update',
      note: "the chart folder's Chart.yaml says 1.13.0; karpenter.version is 1.14.1",
      fields: [
        { path: 'chart', before: 'karpenter-1.12.1', after: 'karpenter-1.13.0' },
        { path: 'values.replicas', before: 2, after: 1 },
        { path: 'manifest["Service karpenter/karpenter"]', after: 'v1' },
      ],
      ops: [
        {
          op: 'upgrade',
          release: 'karpenter',
          namespace: 'karpenter',
          chart,
          values: { replicas: 1 },
          timeout: '10m',
          skipCrds: true,
          // The rendering the plan shows is what the API server dry-runs before helm installs it.
          checked: rendered,
        },
      ],
    })
  })

  it('is a no-op when the rendering shows nothing would change', () => {
    const r = resource({ replicas: 2 }, '1.13.0')
    const rendered = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'karpenter', namespace: 'karpenter' } },
    ]
    expect(r.diff({ release: release({ replicas: 2 }, '1.13.0'), rendered })).toEqual({
      action: 'noop',
      fields: [],
      ops: [],
    })
  })

  it('can be planned twice, the same way: nothing the read learnt stays on the resource', () => {
    const r = resource({ replicas: 1 })
    const rendered = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'karpenter', namespace: 'karpenter' } },
    ]
    const read = { release: release({ replicas: 2 }), rendered }
    const first = r.diff(read)
    expect(r.diff({ release: release({ replicas: 2 }) })).toEqual({ action: 'noop', fields: [], ops: [] })
    expect(r.diff(read)).toEqual(first)
  })
})
