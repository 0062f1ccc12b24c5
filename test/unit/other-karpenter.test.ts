import { describe, expect, it } from '@jest/globals'
import type { KubeClient } from '../../src/kube/client.js'
import type { KubeObject, ObjectRef } from '../../src/kube/types.js'
import { failureReasonOf } from '../../src/outcome.js'
import { installations, otherKarpenterProblem, refuseOtherKarpenter } from '../../src/resources/other-karpenter.js'

const helm = (release: string, namespace: string) => ({
  'meta.helm.sh/release-name': release,
  'meta.helm.sh/release-namespace': namespace,
})
const deployment = (namespace: string, name: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name,
    namespace,
    labels: { 'app.kubernetes.io/name': 'karpenter' },
    ...(annotations ? { annotations } : {}),
  },
})
const clusterRole = (name: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels: { 'app.kubernetes.io/name': 'karpenter' }, ...(annotations ? { annotations } : {}) },
})
const configured = { namespace: 'karpenter', release: 'karpenter' }

describe('one Karpenter per cluster', () => {
  it('the configured release is adopted: nothing else installed, no problem', () => {
    const found = installations(
      [deployment('karpenter', 'karpenter', helm('karpenter', 'karpenter'))],
      [
        clusterRole('karpenter', helm('karpenter', 'karpenter')),
        clusterRole('karpenter-core', helm('karpenter', 'karpenter')),
      ],
    )
    expect(found).toEqual([
      {
        namespace: 'karpenter',
        release: 'karpenter',
        evidence: ['Deployment karpenter/karpenter', 'ClusterRole karpenter', 'ClusterRole karpenter-core'],
      },
    ])
    expect(otherKarpenterProblem(found, configured)).toBeUndefined()
    expect(otherKarpenterProblem([], configured)).toBeUndefined()
  })

  it('one installed per the guide (kube-system) is refused with the exact config change that adopts it', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'nodepools.karpenter.sh', annotations: helm('karpenter-crd', 'kube-system') },
    }
    const found = installations(
      [deployment('kube-system', 'karpenter', helm('karpenter', 'kube-system'))],
      [clusterRole('karpenter', helm('karpenter', 'kube-system'))],
      crd,
    )
    const e = otherKarpenterProblem(found, configured)!
    expect(failureReasonOf(e)).toBe('other-karpenter')
    expect(e.message).toBe(
      'another Karpenter is installed in this cluster: helm release kube-system/karpenter (Deployment kube-system/karpenter, ' +
        'ClusterRole karpenter, its CRDs belong to helm release kube-system/karpenter-crd). The config asks for helm release ' +
        'karpenter/karpenter, and two Karpenter controllers would fight over the same NodePools and nodes (Helm would also ' +
        'refuse the second release halfway through an apply). Fix: to manage that one, set karpenter.namespace: kube-system ' +
        'and karpenter.release: karpenter in the config (it is then adopted and upgraded in place); or uninstall it first ' +
        '(`helm uninstall karpenter -n kube-system`). Nothing was changed.',
    )
    // The same Karpenter under the same namespace but another release name is another one too.
    expect(otherKarpenterProblem(found, { namespace: 'kube-system', release: 'karpenter-2' })?.message).toContain(
      'set karpenter.namespace: kube-system and karpenter.release: karpenter',
    )
    expect(otherKarpenterProblem(found, { namespace: 'kube-system', release: 'karpenter' })).toBeUndefined()
  })

  it('a Karpenter Helm does not manage, or several, are refused with what to remove', () => {
    const found = installations(
      [deployment('tools', 'karpenter'), deployment('a', 'karpenter', helm('k1', 'a'))],
      [clusterRole('karpenter-b', helm('k2', 'b')), clusterRole('orphan')],
    )
    expect(found.map((i) => [i.namespace, i.release])).toEqual([
      ['tools', undefined],
      ['a', 'k1'],
      ['b', 'k2'],
    ])
    const message = otherKarpenterProblem(found, configured)!.message
    expect(message).toContain('a Karpenter in tools that Helm does not manage (Deployment tools/karpenter)')
    expect(message).toContain('keep one: uninstall the others (`helm uninstall k1 -n a`, `helm uninstall k2 -n b`)')
    expect(message).toContain('remove what Helm does not manage (Deployment tools/karpenter)')
  })

  it('reads with two lists and one get through the API client, concurrently', async () => {
    const asked: string[] = []
    let inFlight = 0
    let most = 0
    const reply = async <T>(what: string, value: T): Promise<T> => {
      asked.push(what)
      most = Math.max(most, ++inFlight)
      await new Promise((r) => setTimeout(r, 10))
      inFlight--
      return value
    }
    const kube = {
      list: (ref: ObjectRef, selector?: string) =>
        reply(
          `list ${ref.kind} ${selector}`,
          ref.kind === 'Deployment' ? [deployment('kube-system', 'karpenter', helm('karpenter', 'kube-system'))] : [],
        ),
      get: (ref: ObjectRef & { name: string }) => reply(`get ${ref.kind} ${ref.name}`, undefined),
    } as unknown as KubeClient
    await expect(refuseOtherKarpenter(kube, configured)).rejects.toThrow(
      'set karpenter.namespace: kube-system and karpenter.release: karpenter',
    )
    expect(asked.sort()).toEqual([
      'get CustomResourceDefinition nodepools.karpenter.sh',
      'list ClusterRole app.kubernetes.io/name=karpenter',
      'list Deployment app.kubernetes.io/name=karpenter',
    ])
    expect(most).toBe(3)
  })
})
