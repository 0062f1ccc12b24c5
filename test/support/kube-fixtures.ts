import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { parse } from 'yaml'
import { CallLog } from '../../src/calls.js'
import { parseConfig } from '../../src/config/load.js'
import type { Config } from '../../src/config/types.js'
import { desiredGraph } from '../../src/graph.js'
import { KubeClient } from '../../src/kube/client.js'
import { CRD, type KubeObject } from '../../src/kube/types.js'
import { plan } from '../../src/plan/engine.js'
import type { Mode } from '../../src/plan/types.js'
import { HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE, KARPENTER_CRDS } from '../../src/resources/crds.js'
import type { RecordedContext } from './context.js'
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

/** A Context for unit tests: no AWS, and a Kubernetes client whose proxy is never started unless used. */
export function unitContext(config: Config = exampleConfig()): RecordedContext {
  const calls = new CallLog()
  return {
    config,
    aws: { region: config.cluster.region, partition: 'aws', recorder: calls },
    accountId: '123456789012',
    cluster: {
      name: config.cluster.name,
      arn: `arn:aws:eks:${config.cluster.region}:123456789012:cluster/${config.cluster.name}`,
      status: 'ACTIVE',
      endpoint: 'https://0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
      oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF',
      subnetIds: [],
    },
    kube: new KubeClient('/nonexistent/kubeconfig', { recorder: calls }),
    calls,
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
export async function planKube(ctx: RecordedContext, mode: Mode = 'apply') {
  const mark = ctx.calls.mark()
  const resources = await desiredGraph(ctx, { mode, scope: 'cluster' })
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
    processes: ctx.calls.since(mark).processes,
    mutatingCalls: () => ctx.calls.since(mark).kube.filter((c) => c.mutating),
  }
}

/**
 * Removes the Karpenter CRDs (and the CRD releases owning them) that an earlier run of the kube-* tests left,
 * whose namespaces start with `ka-kube-`. CRDs owned by anyone else stop the tests instead.
 */
export async function removeLeftovers(kube: KubeClient): Promise<void> {
  for (const name of [...KARPENTER_CRDS, 'provisioners.karpenter.sh']) {
    const crd = await kube.get({ ...CRD, name })
    if (!crd) continue
    const owner = crd.metadata.annotations?.[HELM_RELEASE_NAME]
    const ownerNs = crd.metadata.annotations?.[HELM_RELEASE_NAMESPACE] ?? ''
    if (owner && !ownerNs.startsWith('ka-kube-')) {
      throw new Error(`${name} belongs to helm release ${ownerNs}/${owner}: another run uses the Karpenter CRDs`)
    }
    if (owner) await kube.helm(['uninstall', owner, '-n', ownerNs, '--wait'], { allowFailure: true })
    await kube.delete({ ...CRD, name })
    for (let i = 0; i < 100 && (await kube.get({ ...CRD, name })); i++) await new Promise((r) => setTimeout(r, 100))
  }
}
