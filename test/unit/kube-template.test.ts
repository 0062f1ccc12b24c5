import { describe, expect, it } from '@jest/globals'
import { fillTemplate, TemplateError } from '../../src/kube/template.js'
import { schemaProblems, schemaFromCrds } from '../../src/kube/validate.js'
import { DEFAULT_AMI_ALIAS } from '../../src/config/load.js'
import { ec2NodeClassObject, nodePoolObject } from '../../src/resources/nodepool.js'
import { exampleConfig, fixtureCrd } from '../support/kube-fixtures.js'

const requirement = (o: ReturnType<typeof nodePoolObject>, key: string) =>
  (
    o.spec as { template: { spec: { requirements: { key: string; operator: string; values: string[] }[] } } }
  ).template.spec.requirements.find((r) => r.key === key)

describe('manifest templates', () => {
  it('fills placeholders with values of any type and drops what is unset', () => {
    const t = {
      a: '${a}',
      b: '${b}',
      list: [
        { k: 1, v: '${v}' },
        { k: 2, v: 'fixed' },
      ],
      keep: 'x ${a}',
    }
    expect(fillTemplate(t, { a: [1, 2], b: undefined, v: undefined })).toEqual({
      a: [1, 2],
      list: [{ k: 2, v: 'fixed' }],
      keep: 'x ${a}',
    })
    expect(fillTemplate(t, { a: { m: true }, b: 'B', v: ['z'] })).toEqual({
      a: { m: true },
      b: 'B',
      list: [
        { k: 1, v: ['z'] },
        { k: 2, v: 'fixed' },
      ],
      keep: 'x ${a}',
    })
  })

  it('refuses a placeholder the caller has no entry for (a typo in a template)', () => {
    expect(() => fillTemplate({ a: '${nmae}' }, { name: 'x' })).toThrow(TemplateError)
  })

  it('renders the seed NodePool: requirements, WhenEmpty after 30s, never expiring, labelled as ours', () => {
    const np = nodePoolObject(exampleConfig().nodePools[0])
    expect(np).toMatchObject({
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'default', labels: { 'app.kubernetes.io/managed-by': 'karpenter-action' } },
      spec: {
        disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '30s' },
        template: {
          spec: {
            expireAfter: 'Never',
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
          },
        },
      },
    })
    expect(requirement(np, 'kubernetes.io/os')?.values).toEqual(['linux'])
    expect(requirement(np, 'node.kubernetes.io/instance-type')?.values).toEqual([
      'm6g.large',
      'm5.large',
      'c6g.large',
      'c5.large',
    ])
    expect(requirement(np, 'kubernetes.io/arch')?.values).toEqual(['amd64', 'arm64'])
    expect(requirement(np, 'topology.kubernetes.io/zone')?.values).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c'])
    expect(requirement(np, 'karpenter.sh/capacity-type')?.values).toEqual(['on-demand'])
    // No node labels configured: the template's `metadata: {labels: ...}` goes whole.
    expect((np.spec as { template: object }).template).not.toHaveProperty('metadata')
    expect(np.spec).not.toHaveProperty('limits')
    expect(np.spec).not.toHaveProperty('weight')
  })

  it('leaves a requirement out when the config does not restrict it, keeps an empty list for the API server to judge', () => {
    const base = exampleConfig().nodePools[0]
    const open = nodePoolObject({ ...base, zones: undefined, instanceTypes: undefined })
    expect(requirement(open, 'topology.kubernetes.io/zone')).toBeUndefined()
    expect(requirement(open, 'node.kubernetes.io/instance-type')).toBeUndefined()
    expect(
      requirement(nodePoolObject({ ...base, instanceTypes: [] }), 'node.kubernetes.io/instance-type')?.values,
    ).toEqual([])
  })

  it('renders the EC2NodeClass with the instance profile, a pinned alias and selector terms', () => {
    const config = exampleConfig()
    const nc = ec2NodeClassObject(config.nodePools[0], config)
    expect(nc).toEqual({
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: 'default', labels: { 'app.kubernetes.io/managed-by': 'karpenter-action' } },
      spec: {
        instanceProfile: 'opsfleet_dev_karpenter_profile',
        amiSelectorTerms: [{ alias: DEFAULT_AMI_ALIAS }],
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' } }],
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' } }],
      },
    })
    const byId = ec2NodeClassObject(
      { ...config.nodePools[0], subnetSelector: undefined, subnetIds: ['subnet-1', 'subnet-2'], tags: { team: 'x' } },
      config,
    )
    expect((byId.spec as Record<string, unknown>).subnetSelectorTerms).toEqual([{ id: 'subnet-1' }, { id: 'subnet-2' }])
    expect((byId.spec as Record<string, unknown>).tags).toEqual({ team: 'x' })
  })

  it('gives objects the real v1 CRDs accept, and the CRD schema refuses a consolidateAfter without a unit', async () => {
    const config = exampleConfig()
    const crds = [
      fixtureCrd('1.14.1', 'karpenter.sh_nodepools.yaml'),
      fixtureCrd('1.14.1', 'karpenter.k8s.aws_ec2nodeclasses.yaml'),
    ]
    const poolSchema = schemaFromCrds(crds, 'karpenter.sh/v1', 'NodePool')!
    const classSchema = schemaFromCrds(crds, 'karpenter.k8s.aws/v1', 'EC2NodeClass')!
    expect(await schemaProblems(poolSchema, nodePoolObject(config.nodePools[0]))).toEqual([])
    expect(await schemaProblems(classSchema, ec2NodeClassObject(config.nodePools[0], config))).toEqual([])
    const bad = nodePoolObject({ ...config.nodePools[0], consolidateAfter: '30' })
    expect(await schemaProblems(poolSchema, bad)).toEqual([
      "spec.disruption.consolidateAfter: must match '^(([0-9]+(s|m|h))+|Never)$'",
    ])
    expect(schemaFromCrds(crds, 'karpenter.sh/v1beta1', 'NodePool')).toBeUndefined()
  })
})
