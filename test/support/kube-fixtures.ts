import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { parse } from 'yaml'
import { parseConfig } from '../../src/config/load.js'
import type { Config } from '../../src/config/types.js'
import type { Context } from '../../src/context.js'
import { apiCallLog, type KubeApi } from '../../src/kube/api.js'
import { processLog } from '../../src/kube/exec.js'
import { Kube, type KubeObject } from '../../src/kube/kubectl.js'
import { plan } from '../../src/plan/engine.js'
import type { Mode } from '../../src/plan/types.js'
import { CRD, HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE, KARPENTER_CRDS } from '../../src/resources/crds.js'
import { kubeResourcesFor } from '../../src/resources/kube.js'
import { fixtures, repoRoot } from './sandbox.js'

/** The real Karpenter charts of ../shared/fixtures (read-only). */
export const charts = (version: '1.13.1' | '1.14.1') => ({
  main: join(fixtures, 'charts', version, 'karpenter'),
  crd: join(fixtures, 'charts', version, 'karpenter-crd'),
})

/** The example configuration (examples/opsfleet-dev.yaml) with the charts pointed at a fixture folder. */
export function exampleConfig(edit: (text: string) => string = (t) => t): Config {
  const text = readFileSync(join(repoRoot, 'examples/opsfleet-dev.yaml'), 'utf8')
  return parseConfig(edit(text), 'examples/opsfleet-dev.yaml')
}

/** A Context for unit tests: no AWS, and a Kube whose proxy is never started unless used. */
export function unitContext(config: Config = exampleConfig()): Context {
  return {
    config,
    session: { region: config.cluster.region, partition: 'aws' },
    accountId: '123456789012',
    cluster: {
      name: config.cluster.name,
      arn: `arn:aws:eks:${config.cluster.region}:123456789012:cluster/${config.cluster.name}`,
      status: 'ACTIVE',
      endpoint: 'https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
      subnetIds: [],
    },
    kube: new Kube('/nonexistent/kubeconfig'),
  }
}

/** A CRD of the fixture charts, parsed. */
export function fixtureCrd(version: '1.13.1' | '1.14.1', file: string): KubeObject {
  return parse(readFileSync(join(charts(version).main, 'crds', file), 'utf8')) as KubeObject
}

/** A Secret as Helm's secrets driver stores a release: data.release = base64(base64(gzip(JSON))). */
export function releaseSecret(release: Record<string, unknown>): KubeObject {
  const helm = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `sh.helm.release.v1.${String(release.name)}.v${String(release.version)}`,
      labels: { owner: 'helm', name: String(release.name), version: String(release.version) },
    },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(helm).toString('base64') },
  }
}

/**
 * Plans the Kubernetes side alone through the engine, as the action's pipeline does, and records the
 * helm/kubectl processes and API calls the plan made.
 */
export async function planKube(ctx: Context, mode: Mode = 'apply') {
  const p0 = processLog.length
  const a0 = apiCallLog.length
  const resources = await kubeResourcesFor(ctx, mode)
  const result = await plan({
    mode,
    cluster: ctx.config.cluster.name,
    region: ctx.config.cluster.region,
    resources,
    outputs: {},
  })
  const actions = Object.fromEntries(result.plan.changes.map((c) => [c.id, c.action]))
  return {
    ...result,
    resources,
    actions,
    processes: processLog.slice(p0),
    mutatingCalls: () => apiCallLog.slice(a0).filter((c) => c.mutating),
  }
}

/**
 * Removes the Karpenter CRDs (and the CRD releases owning them) that an earlier run of the kube-* tests left,
 * whose namespaces start with `ka-kube-`. CRDs owned by anyone else stop the tests instead.
 */
export async function removeLeftovers(api: KubeApi, kube: Kube): Promise<void> {
  for (const name of [...KARPENTER_CRDS, 'provisioners.karpenter.sh']) {
    const crd = await api.get({ ...CRD, name })
    if (!crd) continue
    const owner = crd.metadata.annotations?.[HELM_RELEASE_NAME]
    const ownerNs = crd.metadata.annotations?.[HELM_RELEASE_NAMESPACE] ?? ''
    if (owner && !ownerNs.startsWith('ka-kube-')) {
      throw new Error(`${name} belongs to helm release ${ownerNs}/${owner}: another run uses the Karpenter CRDs`)
    }
    if (owner) await kube.helm(['uninstall', owner, '-n', ownerNs, '--wait'], { allowFailure: true })
    await api.delete({ ...CRD, name })
    for (let i = 0; i < 100 && (await api.get({ ...CRD, name })); i++) await new Promise((r) => setTimeout(r, 100))
  }
}
