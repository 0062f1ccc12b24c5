import { describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeApiError, KubeClient } from '../../src/kube/client.js'
import { checkRendering, renderChart, renderedHooks, upgradeRelease } from '../../src/kube/helm.js'
import type { KubeObject } from '../../src/kube/types.js'
import { failureReasonOf } from '../../src/outcome.js'
import {
  chartMetadata,
  chartError,
  chartSource,
  decodeReleaseSecret,
  localChartMatches,
  mergeValues,
  readRelease,
  type HelmRelease,
} from '../../src/kube/helm.js'
import { desiredResources, ids, karpenterValues } from '../../src/graph.js'
import type { IamRole } from '../../src/resources/iam-role.js'
import type { PodIdentityAssociation } from '../../src/resources/pod-identity.js'
import { charts, exampleConfig, releaseSecret, unitContext } from '../support/kube-fixtures.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')

/** A release record as Helm 3 writes it (the fields this action reads, and some it does not). */
function stored(version: number, status = 'deployed', config: object = { replicas: 1 }) {
  return {
    name: 'karpenter',
    namespace: 'karpenter',
    version,
    info: { status, first_deployed: '2026-11-25T18:00:00Z', description: 'Upgrade complete' },
    chart: {
      metadata: { name: 'karpenter', version: '1.13.0', appVersion: '1.13.0', apiVersion: 'v2' },
      templates: [{ name: 'templates/deployment.yaml', data: b64('kind: Deployment\n') }],
      values: { replicas: 2 },
      files: [{ name: 'README.md', data: b64('# readme') }],
    },
    config,
    manifest:
      '---\n# Source: karpenter/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: karpenter\n',
    hooks: [],
  }
}

describe('Helm releases', () => {
  it("decodes a release Secret (base64 of Helm's base64 of gzip of JSON)", () => {
    const r = decodeReleaseSecret(releaseSecret(stored(3)))
    expect(r).toEqual({
      name: 'karpenter',
      namespace: 'karpenter',
      revision: 3,
      status: 'deployed',
      chart: { name: 'karpenter', version: '1.13.0', appVersion: '1.13.0' },
      values: { replicas: 1 },
      manifest: stored(3).manifest,
      chartTemplates: { 'templates/deployment.yaml': 'kind: Deployment\n' },
      chartValues: { replicas: 2 },
    })
    expect(() => decodeReleaseSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).toThrow(
      'Secret x holds no Helm release',
    )
  })

  it('reads the latest revision: listing names and labels only, then fetching that one Secret', async () => {
    const secrets = [1, 3, 2].map((v) => releaseSecret(stored(v, v === 3 ? 'deployed' : 'superseded')))
    const calls: { path: string; query?: object; accept?: string }[] = []
    const api = {
      getPath: async (path: string, opts: { query?: object; accept?: string } = {}) => {
        calls.push({ path, query: opts.query, accept: opts.accept })
        if (path.endsWith('/secrets')) return { items: secrets.map((s) => ({ metadata: s.metadata })) }
        return secrets.find((s) => path.endsWith(`/${s.metadata.name}`))
      },
    } as unknown as KubeClient
    const r = await readRelease(api, 'karpenter', 'karpenter')
    expect(r?.revision).toBe(3)
    expect(calls).toEqual([
      {
        path: '/api/v1/namespaces/karpenter/secrets',
        query: { labelSelector: 'owner=helm,name=karpenter' },
        accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
      },
      {
        path: '/api/v1/namespaces/karpenter/secrets/sh.helm.release.v1.karpenter.v3',
        query: undefined,
        accept: undefined,
      },
    ])
    const none = { getPath: async () => ({ items: [] }) } as unknown as KubeClient
    expect(await readRelease(none, 'karpenter', 'karpenter')).toBeUndefined()
  })

  it('tells OCI references from chart folders, and names the config key when neither', () => {
    expect(chartSource('oci://public.ecr.aws/karpenter/karpenter', '1.14.1', 'karpenter.chart')).toEqual({
      ref: 'oci://public.ecr.aws/karpenter/karpenter',
      local: false,
      version: '1.14.1',
      key: 'karpenter.chart',
    })
    expect(chartSource('charts/karpenter', '1.14.1', 'karpenter.chart', '/repo')).toEqual({
      ref: '/repo/charts/karpenter',
      local: true,
      key: 'karpenter.chart',
    })
    expect(() => chartSource('https://charts.example/karpenter', '1', 'karpenter.chart')).toThrow(
      /^karpenter\.chart: "https:\/\/charts\.example\/karpenter" is neither an oci:\/\/ reference nor a folder/,
    )
  })

  it('knows the chart version without helm: Chart.yaml of a folder, the asked version of an OCI chart', () => {
    expect(chartMetadata(chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart'))).toEqual({
      name: 'karpenter',
      version: '1.13.0',
      appVersion: '1.13.0',
    })
    expect(chartMetadata(chartSource('oci://public.ecr.aws/karpenter/karpenter-crd', '1.14.1', 'k'))).toEqual({
      name: 'karpenter-crd',
      version: '1.14.1',
    })
    expect(() => chartMetadata(chartSource('/nonexistent', '1', 'karpenter.crdChart'))).toThrow(
      /^karpenter\.crdChart: \/nonexistent is not a chart folder \(no Chart\.yaml\)/,
    )
  })

  it('sees whether a chart folder still holds what the release was installed from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ka-chart-'))
    mkdirSync(join(dir, 'templates'))
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: karpenter\nversion: 1.13.0\n')
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 2\n')
    writeFileSync(join(dir, 'templates', 'deployment.yaml'), 'kind: Deployment\n')
    const src = chartSource(dir, '1.13.0', 'karpenter.chart')
    const release = decodeReleaseSecret(releaseSecret(stored(1))) as HelmRelease
    expect(localChartMatches(src, release)).toBe(true)
    writeFileSync(join(dir, 'templates', 'deployment.yaml'), 'kind: Deployment # edited\n')
    expect(localChartMatches(src, release)).toBe(false)
    writeFileSync(join(dir, 'templates', 'deployment.yaml'), 'kind: Deployment\n')
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 3\n')
    expect(localChartMatches(src, release)).toBe(false)
  })

  it('merges values as Helm does: maps key by key, lists and scalars replaced', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3], e: true }, d: null, f: { g: 1 } })).toEqual({
      a: { b: 1, c: [3], e: true },
      d: null,
      f: { g: 1 },
    })
  })
})

describe('Karpenter values', () => {
  it('come from the config and the AWS facts, with karpenter.values merged last', () => {
    const ctx = unitContext()
    expect(karpenterValues(ctx)).toEqual({
      settings: {
        clusterName: 'opsfleet-dev-cluster',
        clusterEndpoint: 'https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
        interruptionQueue: 'opsfleet-dev-cluster-karpenter',
      },
      serviceAccount: {
        name: 'karpenter',
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/karpenter-controller' },
      },
    })
  })

  it('name the service account the controller role trusts, whatever the release is called', () => {
    const trusted = (ctx: ReturnType<typeof unitContext>) => {
      const role = desiredResources(ctx, { scope: 'aws' }).find((r) => r.id === ids.controllerRole) as IamRole
      const [statement] = [role.spec.trustPolicy.Statement].flat() as unknown as {
        Condition: { StringEquals: Record<string, string> }
      }[]
      return Object.entries(statement.Condition.StringEquals).find(([k]) => k.endsWith(':sub'))![1]
    }
    const saName = (ctx: ReturnType<typeof unitContext>) =>
      (karpenterValues(ctx).serviceAccount as { name: string }).name
    // A release whose name does not contain "karpenter": the chart alone would name the account `kp-karpenter`.
    const renamed = unitContext(exampleConfig((t) => t.replace(/release: karpenter/, 'release: kp')))
    expect(renamed.config.karpenter.release).toBe('kp')
    expect(saName(renamed)).toBe('karpenter')
    expect(trusted(renamed)).toBe(`system:serviceaccount:${renamed.config.karpenter.namespace}:karpenter`)
    // A name of the user's (karpenter.values) is the one trusted.
    const own = unitContext(exampleConfig((t) => t.replace('values: {}', 'values: {serviceAccount: {name: ctl}}')))
    expect(saName(own)).toBe('ctl')
    expect(trusted(own)).toBe(`system:serviceaccount:${own.config.karpenter.namespace}:ctl`)
    // Pod Identity associates the same account.
    const pi = unitContext(
      exampleConfig((t) =>
        t.replace('auth: irsa', 'auth: pod-identity').replace('values: {}', 'values: {serviceAccount: {name: ctl}}'),
      ),
    )
    const assoc = desiredResources(pi, { scope: 'aws' }).find((r) => r.id === ids.podIdentity) as PodIdentityAssociation
    expect(assoc.spec.serviceAccount).toBe('ctl')
    expect(saName(pi)).toBe('ctl')
  })

  it('leave out the IRSA annotation for pod identity and the queue when interruption is off; add resources', () => {
    const config = exampleConfig((t) =>
      t
        .replace('auth: irsa', 'auth: pod-identity')
        .replace('interruption:\n  enabled: true', 'interruption:\n  enabled: false')
        .replace(
          'values: {}',
          'resources: {requests: {cpu: 500m, memory: 512Mi}}\n  values: {settings: {featureGates: {spotToSpotConsolidation: true}}, replicas: 1}',
        ),
    )
    const values = karpenterValues(unitContext(config))
    expect(values).toEqual({
      settings: {
        clusterName: 'opsfleet-dev-cluster',
        clusterEndpoint: 'https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
        featureGates: { spotToSpotConsolidation: true },
      },
      serviceAccount: { name: 'karpenter' },
      controller: { resources: { requests: { cpu: '500m', memory: '512Mi' } } },
      replicas: 1,
    })
  })

  it('let karpenter.values override what the action sets', () => {
    const config = exampleConfig((t) => t.replace('values: {}', 'values: {settings: {clusterName: other}}'))
    expect((karpenterValues(unitContext(config)).settings as Record<string, unknown>).clusterName).toBe('other')
  })
})

describe('chart sources that cannot be fetched (reason `chart`)', () => {
  const oci = chartSource('oci://registry.example/karpenter/karpenter', '9.9.9', 'karpenter.chart')
  // helm's own words (helm v3.22 against a distribution registry).
  const notFound = 'failed to perform "FetchReference" on source: registry.example/karpenter/karpenter:9.9.9: not found'
  const refused =
    'failed to perform "FetchReference" on source: Get "https://127.0.0.1:1/v2/karpenter/karpenter/manifests/9.9.9": dial tcp 127.0.0.1:1: connect: connection refused'
  const untrusted =
    'failed to perform "FetchReference" on source: Get "https://registry.example/v2/karpenter/karpenter/manifests/9.9.9": tls: failed to verify certificate: x509: certificate signed by unknown authority'

  it('a missing version names karpenter.chart, karpenter.version and the fix', () => {
    const e = chartError(oci, notFound)!
    expect(failureReasonOf(e)).toBe('chart')
    expect(e.message).toBe(
      'karpenter.chart (oci://registry.example/karpenter/karpenter, karpenter.version 9.9.9): the registry has no chart version 9.9.9 ' +
        '(registry.example/karpenter/karpenter:9.9.9: not found). Fix: set karpenter.version to a version the registry serves, ' +
        'or point karpenter.chart at a registry that has it (`helm show chart oci://registry.example/karpenter/karpenter --version <version>` tells). Nothing was changed.',
    )
  })

  it('an unreachable or untrusted registry says so, with the key of the chart that needs it', () => {
    const crd = chartSource('oci://127.0.0.1:1/karpenter/karpenter-crd', '9.9.9', 'karpenter.crdChart')
    for (const helm of [refused, untrusted]) {
      const e = chartError(crd, helm)!
      expect(failureReasonOf(e)).toBe('chart')
      expect(e.message).toMatch(
        /^karpenter\.crdChart \(oci:\/\/127\.0\.0\.1:1\/karpenter\/karpenter-crd, karpenter\.version 9\.9\.9\): the registry cannot be reached/,
      )
      expect(e.message).toContain('Fix: check the registry address in karpenter.crdChart')
    }
    expect(chartError(oci, 'unexpected status from HEAD request: 401 Unauthorized')!.message).toContain(
      'the registry refused the pull',
    )
  })

  it('a chart folder, or a chart that fetched but does not render, is no `chart` failure', () => {
    expect(chartError(chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart'), notFound)).toBeUndefined()
    expect(chartError(oci, 'template: karpenter/templates/deployment.yaml:12: nil pointer')).toBeUndefined()
  })

  it("renderChart turns helm's failure into it", async () => {
    const kube = new KubeClient('/k')
    ;(kube as unknown as { helm: () => Promise<never> }).helm = () =>
      Promise.reject(Object.assign(new Error('helm failed'), { stderr: `Error: ${notFound}\n` }))
    const attempt = renderChart(kube, oci, { release: 'karpenter', namespace: 'karpenter', values: {} })
    await expect(attempt).rejects.toThrow(/the registry has no chart version 9\.9\.9/)
    expect(failureReasonOf(await attempt.catch((e: unknown) => e))).toBe('chart')
  })
})

describe('the planned rendering, dry-run by the API server before helm installs it', () => {
  const oci = chartSource('oci://registry.example/karpenter/karpenter', '1.14.1', 'karpenter.chart')
  const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'karpenter' } }
  const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'k' } }
  const deploy: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'karpenter', namespace: 'karpenter' },
    spec: { template: { spec: { containers: [{ name: 'c', imagePullPolicyy: 'Always' }] } } },
  }
  const odd: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }
  /** A client whose discovery knows the built-in kinds and whose dry runs refuse the misspelt field. */
  function stub() {
    const sent: KubeObject[] = []
    const kube = {
      resource: (apiVersion: string, kind: string) =>
        Promise.resolve(apiVersion === 'example.com/v1' ? undefined : { namespaced: kind !== 'ClusterRole', kind }),
      dryRunApply: (o: KubeObject) => {
        sent.push(o)
        if (JSON.stringify(o).includes('imagePullPolicyy')) {
          const path = '/apis/apps/v1/namespaces/karpenter/deployments/karpenter'
          // What the API server answers a server-side apply with an undeclared field (500, not 422).
          const msg = '.spec.template.spec.containers[0].imagePullPolicyy: field not declared in schema'
          return Promise.reject(
            new KubeApiError('PATCH', path, 500, 'Error', `failed to create typed patch object (x): ${msg}`),
          )
        }
        return Promise.resolve(o)
      },
    } as unknown as KubeClient
    return { kube, sent }
  }

  it('sends every object at once, a namespaced one without a namespace in the release namespace', async () => {
    const { kube, sent } = stub()
    await checkRendering(kube, [sa, role], 'karpenter', 'helm release karpenter/karpenter')
    expect(sent.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['ServiceAccount', 'karpenter'],
      ['ClusterRole', undefined],
    ])
  })

  it('refuses with every object the API server refused and every kind it does not serve, before helm runs', async () => {
    const { kube } = stub()
    const e = await checkRendering(kube, [sa, deploy, odd], 'karpenter', 'helm release karpenter/karpenter').catch(
      (x: unknown) => x as Error,
    )
    expect(e).toBeInstanceOf(Error)
    expect(e!.message).toBe(
      "helm release karpenter/karpenter: the API server refused the chart's objects in a dry run, so helm was not run and nothing of it was installed:\n" +
        '  - Deployment karpenter/karpenter: failed to create typed patch object (x): .spec.template.spec.containers[0].imagePullPolicyy: field not declared in schema\n' +
        '  - Widget w: Widget (example.com/v1) is not served by this cluster\n' +
        'Fix: correct the values (karpenter.values) or the chart that render these objects.',
    )
  })

  it("a failure that is not the API server's judgement of an object is not turned into one", async () => {
    const broken = {
      resource: () => Promise.resolve({ namespaced: true }),
      dryRunApply: () => Promise.reject(new KubeApiError('PATCH', '/x', 500, 'InternalError', 'etcdserver: timeout')),
    } as unknown as KubeClient
    await expect(checkRendering(broken, [sa], 'karpenter', 'x')).rejects.toThrow('etcdserver: timeout')
    const kube = {
      resource: () => Promise.resolve({ namespaced: true }),
      dryRunApply: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    } as unknown as KubeClient
    await expect(checkRendering(kube, [sa], 'karpenter', 'x')).rejects.toThrow('connect ECONNREFUSED')
  })

  it("helm's own OpenAPI check is skipped only for a rendering the API server has checked", async () => {
    const calls: string[][] = []
    const kube = new KubeClient('/k')
    ;(kube as unknown as { helm: (a: string[]) => Promise<unknown> }).helm = (a) => {
      calls.push(a)
      return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' })
    }
    const src = chartSource(charts('1.14.1').main, '1.14.1', 'karpenter.chart')
    const opts = { release: 'k', namespace: 'k', values: {}, timeout: '1m', skipCrds: true, wait: false as const }
    await upgradeRelease(kube, src, { ...opts, checked: [] })
    await upgradeRelease(kube, src, opts)
    expect(calls.map((a) => a.includes('--disable-openapi-validation'))).toEqual([true, false])
  })

  it('a rendering that had hooks says so: they are not in it, so helm keeps checking them', async () => {
    const kube = new KubeClient('/k')
    const hook =
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n'
    const plain = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: karpenter\n'
    const render = async (stdout: string) => {
      ;(kube as unknown as { helm: () => Promise<unknown> }).helm = () =>
        Promise.resolve({ exitCode: 0, stdout, stderr: '' })
      return renderChart(kube, oci, { release: 'karpenter', namespace: 'karpenter', values: {} })
    }
    const withHook = await render(`${plain}---\n${hook}`)
    expect(withHook.map((o) => o.kind)).toEqual(['ServiceAccount'])
    expect(renderedHooks(withHook)).toBe(true)
    expect(renderedHooks(await render(plain))).toBe(false)
  })
})
