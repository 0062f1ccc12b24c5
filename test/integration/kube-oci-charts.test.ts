/**
 * The default chart source for real: the sandbox's OCI registry (distribution, TLS from the sandbox CA) serving the
 * fixture charts, pulled anonymously by the real helm. A pinned version installs and upgrades; a version the
 * registry lacks and a registry that cannot be reached stop the plan with reason `chart`, naming the config keys and
 * the fix, before anything changes.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ids } from '../../src/graph.js'
import { KubeClient } from '../../src/kube/client.js'
import { readRelease } from '../../src/kube/helm.js'
import { failureReasonOf } from '../../src/outcome.js'
import { applyPlan } from '../../src/plan/engine.js'
import { sandboxContext, type RecordedContext } from '../support/context.js'
import { planKube, removeLeftovers } from '../support/kube-fixtures.js'
import { uniqueSuffix, useSandbox } from '../support/sandbox.js'

jest.setTimeout(240_000)

const suffix = uniqueSuffix()
const ns = `ka-kube-oci-${suffix}`
const release = `karpenter-${suffix}`
let api: KubeClient
let registry: string
const open: RecordedContext[] = []

async function context(version: string, repo = registry, extra: Record<string, unknown> = {}) {
  const ctx = await sandboxContext({
    karpenter: {
      version,
      chart: `${repo}/karpenter`,
      crdChart: `${repo}/karpenter-crd`,
      namespace: ns,
      release,
      timeout: '2m',
      values: {},
      ...extra,
    },
  })
  open.push(ctx)
  return ctx
}

/** A 127.0.0.1 port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  await new Promise((r) => server.close(r))
  return port
}

beforeAll(async () => {
  const env = useSandbox()
  registry = env.KA_SANDBOX_OCI
  // Anonymous: helm is given a registry config holding no credentials at all.
  const dir = mkdtempSync(join(tmpdir(), 'ka-helm-anon-'))
  writeFileSync(join(dir, 'config.json'), '{"auths":{}}\n')
  process.env.HELM_REGISTRY_CONFIG = join(dir, 'config.json')
  api = new KubeClient(process.env.KUBECONFIG!)
  await removeLeftovers(api)
})

afterAll(async () => {
  try {
    await api.helm(['uninstall', release, '-n', ns, '--wait'], { allowFailure: true })
    await api.helm(['uninstall', `${release}-crd`, '-n', ns, '--wait'], { allowFailure: true })
    await api.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
    await removeLeftovers(api).catch(() => undefined)
  } finally {
    delete process.env.HELM_REGISTRY_CONFIG
    await Promise.all([api.close(), ...open.map((c) => c.kube.close())])
  }
})

describe('charts from the OCI registry', () => {
  it('a version the registry lacks stops the plan (reason chart), naming karpenter.version and the fix', async () => {
    const ctx = await context('9.9.9')
    const mark = ctx.calls.mark()
    const failure = await planKube(ctx).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(failureReasonOf(failure)).toBe('chart')
    expect(failure?.message).toMatch(
      /karpenter\.(crdChart|chart) \(oci:\/\/127\.0\.0\.1:\d+\/karpenter\/karpenter(-crd)?, karpenter\.version 9\.9\.9\): the registry has no chart version 9\.9\.9/,
    )
    expect(failure?.message).toContain('Fix: set karpenter.version to a version the registry serves')
    expect(ctx.calls.since(mark).kube.filter((c) => c.mutating)).toEqual([])
    expect(await api.get({ apiVersion: 'v1', kind: 'Namespace', name: ns })).toBeUndefined()
  })

  it('a registry that cannot be reached (a closed port) stops the plan (reason chart), saying so', async () => {
    const ctx = await context('1.14.1', `oci://127.0.0.1:${await closedPort()}/karpenter`)
    const failure = await planKube(ctx).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(failureReasonOf(failure)).toBe('chart')
    expect(failure?.message).toMatch(/the registry cannot be reached \(.*connection refused\)/)
    expect(failure?.message).toMatch(/Fix: check the registry address in karpenter\.(crdChart|chart)/)
  })

  it('installs the pinned version anonymously, then upgrades to the next pinned version', async () => {
    const first = await context('1.13.1')
    const p = await planKube(first)
    const main = p.plan.changes.find((c) => c.id === ids.release(release))!
    expect(main.fields).toContainEqual({ path: 'chart', after: 'karpenter-1.13.1' })
    expect(p.processes.length).toBeLessThanOrEqual(3)
    expect((await applyPlan(p.steps, p.resources)).filter((r) => r.status !== 'done')).toEqual([])
    expect(await readRelease(api, ns, release)).toMatchObject({ status: 'deployed', chart: { version: '1.13.1' } })
    expect(await readRelease(api, ns, `${release}-crd`)).toMatchObject({ chart: { version: '1.13.1' } })

    const next = await context('1.14.1')
    const up = await planKube(next)
    expect(up.plan.changes.find((c) => c.id === ids.release(release))!.fields[0]).toEqual({
      path: 'chart',
      before: 'karpenter-1.13.1',
      after: 'karpenter-1.14.1',
    })
    expect((await applyPlan(up.steps, up.resources)).filter((r) => r.status !== 'done')).toEqual([])
    expect(await readRelease(api, ns, release)).toMatchObject({
      status: 'deployed',
      revision: 2,
      chart: { version: '1.14.1' },
    })

    const destroy = await context('1.14.1', registry, { destroyCrds: true })
    const d = await planKube(destroy, 'destroy')
    expect((await applyPlan(d.steps, d.resources)).filter((r) => r.status !== 'done')).toEqual([])
    expect(await readRelease(api, ns, release)).toBeUndefined()
  })
})
