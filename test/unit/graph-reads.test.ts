import { describe, expect, it } from '@jest/globals'
import { desiredGraph, ids, readingGraph, type Context } from '../../src/graph.js'
import type { KubeClient } from '../../src/kube/client.js'
import type { KubeObject, ObjectRef } from '../../src/kube/types.js'
import { plan } from '../../src/plan/engine.js'
import { unitContext } from '../support/kube-fixtures.js'

/** A NodePool the action made that the configuration no longer has. */
const leftPool: KubeObject = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'retired', labels: { 'app.kubernetes.io/managed-by': 'karpenter-action' } },
  spec: { template: { spec: { nodeClassRef: { name: 'default' } } } },
}

/**
 * A cluster whose LISTs (what observe() and the check for another Karpenter ask) wait until `open()`; every other
 * call is recorded and answered with nothing, so that the resources' reads run (and fail or find nothing).
 */
function gatedCluster() {
  const calls: string[] = []
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const kube = new Proxy(
    {},
    {
      get: (_t, name) => {
        if (name === 'then') return undefined
        return (ref?: ObjectRef) => {
          calls.push(`${String(name)} ${ref?.kind ?? ''}`.trim())
          if (name === 'list') return gate.then(() => (ref?.kind === 'NodePool' ? [leftPool] : []))
          return Promise.resolve(undefined)
        }
      },
    },
  ) as unknown as KubeClient
  return { calls, open, kube }
}

const contextWith = (kube: KubeClient): Context => ({ ...unitContext(), kube })
const settle = () => new Promise((r) => setTimeout(r, 20))

describe('the graph starts its reads while the cluster is looked at', () => {
  it('reads every configured resource before observe() has answered; the objects that left follow it', async () => {
    const { calls, open, kube } = gatedCluster()
    const graph = readingGraph(contextWith(kube), { mode: 'plan', scope: 'cluster' })
    await settle()
    const beforeObserve = [...calls]
    // The LISTs are asked for, and resources were read meanwhile (the namespace, the releases' records).
    expect(beforeObserve).toContain('list NodePool')
    expect(beforeObserve.filter((c) => !c.startsWith('list')).length).toBeGreaterThan(0)
    expect(beforeObserve).toContain('get Namespace')
    open()
    const { resources, started } = await graph
    const configured = [
      ids.namespace('karpenter'),
      ids.crdRelease('karpenter'),
      ids.release('karpenter'),
      ids.nodeClass('default'),
      ids.nodePool('default'),
    ]
    expect([...started.keys()].sort()).toEqual([...configured].sort())
    // The NodePool that left the config is in the graph (to be deleted) and read by the engine, not early.
    expect(resources.map((r) => r.id)).toContain(ids.nodePool('retired'))
    expect(started.has(ids.nodePool('retired'))).toBe(false)
  })

  it('the engine uses the reads already under way instead of reading again', async () => {
    const { open, kube } = gatedCluster()
    open()
    const { resources, started } = await readingGraph(contextWith(kube), { mode: 'plan', scope: 'cluster' })
    let reread = 0
    for (const r of resources) {
      const read = r.read.bind(r)
      r.read = () => {
        reread++
        return read()
      }
    }
    // Each read resolves to what the fake answered; only the leftover NodePool is read by plan() itself.
    await plan({ mode: 'plan', cluster: 'c', region: 'eu-west-1', resources, started, outputs: {} }).catch(
      () => undefined,
    )
    expect(reread).toBe(1)
  })

  it('a destroy reads nothing before observe() (its CRD release checks what observe() finds)', async () => {
    const { calls, open, kube } = gatedCluster()
    const graph = readingGraph(contextWith(kube), { mode: 'destroy', scope: 'cluster' })
    await settle()
    expect(calls.every((c) => c.startsWith('list'))).toBe(true)
    open()
    const { started } = await graph
    expect(started.size).toBe(0)
  })

  it('desiredGraph() (what carries out reviewed steps) reads nothing: only the lists observe() asks for', async () => {
    const { calls, open, kube } = gatedCluster()
    open()
    const resources = await desiredGraph(contextWith(kube), { mode: 'apply', scope: 'cluster' })
    await settle()
    expect(resources.map((r) => r.id)).toContain(ids.release('karpenter'))
    expect(calls.filter((c) => !c.startsWith('list'))).toEqual(['get CustomResourceDefinition'])
  })

  it('another Karpenter still stops the run, whatever the early reads found', async () => {
    const { open, kube } = gatedCluster()
    const other = new Proxy(kube as object, {
      get: (t, name) =>
        name === 'list'
          ? async (ref: ObjectRef) => {
              await (t as KubeClient).list(ref)
              return ref.kind === 'Deployment'
                ? [
                    {
                      apiVersion: 'apps/v1',
                      kind: 'Deployment',
                      metadata: {
                        name: 'karpenter',
                        namespace: 'kube-system',
                        labels: { 'app.kubernetes.io/name': 'karpenter' },
                      },
                    },
                  ]
                : []
            }
          : Reflect.get(t, name),
    }) as KubeClient
    open()
    await expect(readingGraph(contextWith(other), { mode: 'plan', scope: 'cluster' })).rejects.toThrow(/kube-system/)
  })
})
