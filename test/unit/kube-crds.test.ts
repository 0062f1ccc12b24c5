import { describe, expect, it } from '@jest/globals'
import type { KubeObject } from '../../src/kube/types.js'
import { preV1Problem } from '../../src/resources/crds.js'
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
