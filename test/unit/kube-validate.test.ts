import { describe, expect, it } from '@jest/globals'
import { KubeApiError, type KubeClient } from '../../src/kube/client.js'
import type { KubeObject } from '../../src/kube/types.js'
import { RejectedError, schemaFromCrds, Validator } from '../../src/kube/validate.js'
import { exampleConfig, fixtureCrd } from '../support/kube-fixtures.js'
import { nodePoolObject } from '../../src/resources/nodepool.js'

/** An API stand-in: serves NodePools or not, and answers dry runs from a table of API server messages. */
function fakeApi(served: boolean, refusals: Record<string, string> = {}) {
  const dryRuns: string[] = []
  const api = {
    resource: async () => (served ? { plural: 'nodepools', namespaced: false } : undefined),
    // Only dry runs: a stored apply (kube.apply) is not there to be called.
    dryRunApply: async (o: KubeObject) => {
      dryRuns.push(o.metadata.name)
      const message = refusals[o.metadata.name]
      if (message) throw new KubeApiError('PATCH', `/x/${o.metadata.name}`, 422, 'Invalid', message)
      return { ...o, spec: { ...(o.spec as object), defaulted: true } }
    },
  }
  return { api: api as unknown as KubeClient, dryRuns }
}

const pool = (name: string, consolidateAfter = '30s') =>
  nodePoolObject({ ...exampleConfig().nodePools[0], name, consolidateAfter })

describe('plan-time checks', () => {
  it('dry-runs served kinds and hands back what the API server would store', async () => {
    const { api, dryRuns } = fakeApi(true)
    const v = new Validator(api)
    const [a, b] = await Promise.all([v.check(pool('a')), v.check(pool('b'))])
    expect(dryRuns).toEqual(['a', 'b'])
    expect(a).toMatchObject({ by: 'api-server', result: { spec: { defaulted: true } } })
    expect(b.by).toBe('api-server')
  })

  it('refuses the whole batch with every refusal in the API server’s own words', async () => {
    const { api } = fakeApi(true, {
      a: 'NodePool.karpenter.sh "a" is invalid: spec.disruption.consolidateAfter: Invalid value: "30"',
      c: 'NodePool.karpenter.sh "c" is invalid: spec.template.spec.requirements: Invalid value: "array": requirements with operator \'In\' must have a value defined',
    })
    const v = new Validator(api)
    const results = await Promise.allSettled(['a', 'b', 'c'].map((n) => v.check(pool(n))))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    const error = (results[1] as PromiseRejectedResult).reason as RejectedError
    expect(error).toBeInstanceOf(RejectedError)
    expect(error.message).toBe(
      'the desired objects were rejected at plan time, before anything was applied:\n' +
        '  - NodePool a: NodePool.karpenter.sh "a" is invalid: spec.disruption.consolidateAfter: Invalid value: "30"\n' +
        '  - NodePool c: NodePool.karpenter.sh "c" is invalid: spec.template.spec.requirements: Invalid value: "array": requirements with operator \'In\' must have a value defined',
    )
  })

  it('checks against the schema of the CRDs the plan installs when the kind is not served yet', async () => {
    const crds = [fixtureCrd('1.14.1', 'karpenter.sh_nodepools.yaml')]
    const { api, dryRuns } = fakeApi(false)
    const v = new Validator(api, async (apiVersion, kind) => schemaFromCrds(crds, apiVersion, kind))
    expect(await v.check(pool('good'))).toMatchObject({ by: 'crd-schema' })
    await expect(v.check(pool('bad', '5 minutes'))).rejects.toThrow(
      "NodePool bad: spec.disruption.consolidateAfter: must match '^(([0-9]+(s|m|h))+|Never)$' (checked against the CRD schema the apply would install)",
    )
    expect(dryRuns).toEqual([])
    const unknown = new Validator(api, async () => undefined)
    expect(await unknown.check(pool('x'))).toMatchObject({ by: 'none' })
  })

  it('lets an object in a namespace the plan creates wait for the apply', async () => {
    const api = {
      resource: async () => ({ plural: 'configmaps', namespaced: true }),
      dryRunApply: async () => {
        throw new KubeApiError(
          'PATCH',
          '/api/v1/namespaces/new/configmaps/x',
          404,
          'NotFound',
          'namespaces "new" not found',
        )
      },
    } as unknown as KubeClient
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'new' } }
    expect(await new Validator(api).check(cm)).toEqual({
      by: 'none',
      note: 'namespace new does not exist yet: the API server checks it when it is applied',
    })
  })
})
