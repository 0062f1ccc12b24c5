/**
 * The namespace against the sandbox's API server: one the action creates is annotated as its own and deleted by
 * destroy; a shared one that existed before is adopted (labelled) and left by destroy, with what it holds.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { KubeClient } from '../../src/kube/client.js'
import { NAMESPACE } from '../../src/kube/types.js'
import { applyPlan, plan } from '../../src/plan/engine.js'
import { resourceId } from '../../src/plan/resource.js'
import { Namespace } from '../../src/resources/namespace.js'
import { CREATED_TAG, LEFT_ADOPTED } from '../../src/resources/tags.js'
import { uniqueSuffix, useSandbox } from '../support/sandbox.js'

let kube: KubeClient

beforeAll(() => {
  useSandbox()
  kube = new KubeClient(process.env.KUBECONFIG!)
})

afterAll(() => kube.close())

const namespace = (name: string) =>
  new Namespace(kube, { id: resourceId('namespace', name), name, timeout: '1m', keepOnDestroy: false })

async function run(ns: Namespace, mode: 'apply' | 'destroy') {
  const planned = await plan({ mode, cluster: 'c', region: 'eu-west-1', resources: [ns], outputs: {} })
  const results = await applyPlan(planned.steps, [ns])
  return { ...planned, results }
}

describe('namespace ownership', () => {
  test('a shared namespace that existed is adopted by apply and left by destroy, with its contents', async () => {
    const name = `shared-${uniqueSuffix()}`
    await kube.apply({ ...NAMESPACE, metadata: { name } }, 'someone-else')
    await kube.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'theirs', namespace: name }, data: { a: 'b' } },
      'someone-else',
    )
    const ns = namespace(name)

    const applied = await run(ns, 'apply')
    expect(applied.plan.changes[0]).toMatchObject({ action: 'update', note: 'adopting the existing namespace' })
    const adopted = await kube.get({ ...NAMESPACE, name })
    expect(adopted?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('karpenter-action')
    expect(adopted?.metadata.annotations?.[CREATED_TAG]).toBeUndefined()

    const destroyed = await run(ns, 'destroy')
    expect(destroyed.plan.changes).toEqual([expect.objectContaining({ action: 'noop', note: LEFT_ADOPTED })])
    expect(destroyed.steps).toEqual([])
    const after = await kube.get({ ...NAMESPACE, name })
    expect(after?.metadata.deletionTimestamp).toBeUndefined()
    expect(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'theirs', namespace: name })).toBeDefined()
    await kube.delete({ ...NAMESPACE, name })
  })

  test('a namespace the action created is annotated as its own and deleted by destroy', async () => {
    const name = `own-${uniqueSuffix()}`
    const ns = namespace(name)
    const applied = await run(ns, 'apply')
    expect(applied.plan.changes[0]).toMatchObject({ action: 'create' })
    expect((await kube.get({ ...NAMESPACE, name }))?.metadata.annotations?.[CREATED_TAG]).toBe('true')
    const destroyed = await run(ns, 'destroy')
    expect(destroyed.plan.changes[0]).toMatchObject({ action: 'delete' })
    expect(destroyed.results).toEqual([expect.objectContaining({ status: 'done' })])
    expect(await kube.get({ ...NAMESPACE, name })).toBeUndefined()
  })
})
