import { describe, expect, it } from '@jest/globals'
import type { KubeObject } from '../../src/kube/types.js'
import type { KubeClient } from '../../src/kube/client.js'
import { preV1Problem, waitForEstablished } from '../../src/resources/crds.js'
import { fixtureCrd } from '../support/kube-fixtures.js'

/** A CRD as the API server returns it: the chart's object plus the status it keeps. */
function installed(file: string, storedVersions: string[]): KubeObject {
  return { ...fixtureCrd('1.14.1', file), status: { storedVersions } }
}
const crds = (...objs: KubeObject[]) => Object.fromEntries(objs.map((o) => [o.metadata.name, o]))

describe('pre-v1 Karpenter', () => {
  it('lets a cluster whose CRDs store only v1 through', () => {
    expect(
      preV1Problem(
        crds(
          installed('karpenter.sh_nodepools.yaml', ['v1']),
          installed('karpenter.sh_nodeclaims.yaml', ['v1']),
          installed('karpenter.k8s.aws_ec2nodeclasses.yaml', ['v1']),
        ),
      ),
    ).toBeUndefined()
    expect(preV1Problem({})).toBeUndefined()
  })

  it('refuses v1beta1 among the stored versions, naming each CRD and the way out', () => {
    const problem = preV1Problem(
      crds(
        installed('karpenter.sh_nodepools.yaml', ['v1beta1', 'v1']),
        installed('karpenter.sh_nodeclaims.yaml', ['v1']),
        installed('karpenter.k8s.aws_ec2nodeclasses.yaml', ['v1beta1']),
      ),
    )
    expect(problem).toMatch(
      /^Karpenter's CRDs still list pre-v1 stored versions: nodepools\.karpenter\.sh \(v1beta1\); ec2nodeclasses\.karpenter\.k8s\.aws \(v1beta1\)\./,
    )
    expect(problem).toContain('upgrade through Karpenter 1.0.x first')
    expect(problem).toContain('--subresource=status')
    expect(problem).not.toContain('nodeclaims.karpenter.sh (')
  })

  it('refuses the v1alpha5 CRDs (Provisioner, AWSNodeTemplate)', () => {
    const provisioners: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'provisioners.karpenter.sh' },
      status: { storedVersions: ['v1alpha5'] },
    }
    expect(preV1Problem(crds(provisioners))).toMatch(
      /v1alpha5 CRDs \(provisioners\.karpenter\.sh\).*migrate them to v1beta1 NodePools/,
    )
  })
})

/** A stand-in for the API: each CRD answers its listed states in turn (the last one stays), and counts the GETs. */
function crdApi(states: Record<string, (object | undefined)[]>) {
  const gets: string[] = []
  const kube = {
    getPath: async (path: string) => {
      const name = decodeURIComponent(path.split('/').pop()!)
      gets.push(name)
      const list = states[name] ?? [undefined]
      const status = list.length > 1 ? list.shift() : list[0]
      return status === undefined ? undefined : { metadata: { name }, status }
    },
  } as unknown as KubeClient
  return { kube, gets }
}
const cond = (type: string, status: string, message?: string) => ({ type, status, ...(message ? { message } : {}) })

describe('waiting for CRDs to be Established', () => {
  it('returns once every CRD is Established, asking again only for those that are not', async () => {
    const { kube, gets } = crdApi({
      'a.example.com': [{ conditions: [cond('NamesAccepted', 'True'), cond('Established', 'True')] }],
      'b.example.com': [
        undefined,
        { conditions: [cond('Established', 'False', 'installing')] },
        { conditions: [cond('Established', 'True')] },
      ],
    })
    await waitForEstablished(kube, ['a.example.com', 'b.example.com'], 5_000, 'release x', 1)
    expect(gets).toEqual(['a.example.com', 'b.example.com', 'b.example.com', 'b.example.com'])
  })

  it("fails at once when the API server refuses a CRD's names", async () => {
    const { kube } = crdApi({
      'a.example.com': [{ conditions: [cond('NamesAccepted', 'False', '"widgets" is already in use')] }],
    })
    await expect(waitForEstablished(kube, ['a.example.com'], 5_000, 'release x', 1)).rejects.toThrow(
      'release x: the API server refused CRD a.example.com:',
    )
  })

  it('fails after the timeout, naming what is not served and its conditions', async () => {
    const { kube } = crdApi({
      'a.example.com': [{ conditions: [cond('Established', 'True')] }],
      'b.example.com': [{ conditions: [cond('Established', 'False', 'not yet')] }],
      'c.example.com': [undefined],
    })
    await expect(
      waitForEstablished(kube, ['a.example.com', 'b.example.com', 'c.example.com'], 30, 'release x', 5),
    ).rejects.toThrow(
      /^release x: CRDs not Established within karpenter.timeout \(0s\): b.example.com: Established=False \(not yet\); c.example.com: not found\./,
    )
  })
})
