import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClusterFacts } from '../../src/aws/cluster.js'
import { ConfigError } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'
import {
  PreflightError,
  ec2Problems,
  ec2Warnings,
  matchesSelector,
  staticProblems,
  type Ec2Facts,
} from '../../src/aws/preflight.js'
import { repoRoot } from '../support/sandbox.js'

const example = readFileSync(join(repoRoot, 'examples/opsfleet-dev.yaml'), 'utf8')
const VPC = 'vpc-06f7a571cfcef0a0c'
const config = (text = example) => parseConfig(text, 'karpenter.yaml')

const cluster: ClusterFacts = {
  name: 'opsfleet-dev-cluster',
  arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/opsfleet-dev-cluster',
  status: 'ACTIVE',
  oidcIssuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC',
  vpcId: VPC,
  subnetIds: [],
}

const discovery = [{ Key: 'karpenter.sh/discovery', Value: 'opsfleet-dev-cluster' }]
function facts(over: Partial<Ec2Facts> = {}): Ec2Facts {
  const zones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']
  return {
    vpcId: VPC,
    vpcExists: true,
    subnets: zones.map((z, i) => ({ SubnetId: `subnet-0${i}`, AvailabilityZone: z, VpcId: VPC, Tags: discovery })),
    securityGroups: [{ GroupId: 'sg-01', VpcId: VPC, Tags: discovery }],
    instanceTypes: new Map([
      ['m6g.large', ['arm64']],
      ['c6g.large', ['arm64']],
      ['m5.large', ['x86_64']],
      ['c5.large', ['x86_64']],
      ['p4d.24xlarge', ['x86_64']],
    ]),
    offerings: new Map([
      ['m6g.large', new Set(zones)],
      ['c6g.large', new Set(zones)],
      ['m5.large', new Set(zones)],
      ['c5.large', new Set(zones)],
      ['p4d.24xlarge', new Set(['eu-west-1c'])],
    ]),
    ...over,
  }
}

const fields = (problems: { field: string }[]) => problems.map((p) => p.field)

describe('pre-flight without AWS calls', () => {
  it('passes the example on an ACTIVE cluster', () => {
    expect(staticProblems(config(), cluster)).toEqual([])
  })

  it('names the cluster that is not ACTIVE, irsa without an issuer, and node access the cluster cannot use', () => {
    const text = example.replace('nodeAccess: auto', 'nodeAccess: access-entry')
    const problems = staticProblems(config(text), { ...cluster, status: 'CREATING', oidcIssuer: undefined })
    expect(fields(problems)).toEqual(['cluster.name', 'karpenter.auth', 'iam.nodeAccess'])
    expect(problems[0].message).toContain('CREATING, not ACTIVE')
    expect(problems[2].fix).toContain('API_AND_CONFIG_MAP')
    const apiOnly = staticProblems(config(example.replace('nodeAccess: auto', 'nodeAccess: aws-auth')), {
      ...cluster,
      authenticationMode: 'API',
    })
    expect(apiOnly).toEqual([
      expect.objectContaining({ field: 'iam.nodeAccess', message: expect.stringContaining('no effect') }),
    ])
  })

  it('checks names against IAM and SQS limits, and refuses ARNs where names belong', () => {
    const c = config()
    c.iam.controllerRole = 'r'.repeat(65)
    c.iam.instanceProfile = 'arn:aws:iam::123456789012:instance-profile/x'
    c.interruption.queue = 'https://sqs.eu-west-1.amazonaws.com/123456789012/q'
    c.karpenter.version = '0.37.0'
    const problems = staticProblems(c, cluster)
    expect(fields(problems)).toEqual([
      'iam.controllerRole',
      'iam.instanceProfile',
      'interruption.queue',
      'karpenter.version',
    ])
    expect(problems[0].message).toContain('at most 64')
    expect(problems[1].message).toContain('is an ARN or URL, not an instance profile name')
    expect(problems[2].fix).toBe('write just the name')
  })
})

describe('pre-flight on EC2 facts', () => {
  it('passes the example in the sandbox world', () => {
    expect(ec2Problems(config(), cluster, facts())).toEqual([])
    expect(ec2Warnings(config(), facts())).toEqual([])
  })

  it('reports a missing VPC and stops there', () => {
    const problems = ec2Problems(config(), cluster, facts({ vpcExists: false }))
    expect(problems).toEqual([
      expect.objectContaining({ field: 'cluster.vpcId', message: expect.stringContaining('does not exist') }),
    ])
  })

  it('reports a configured VPC that is not the cluster one', () => {
    const problems = ec2Problems(config(), { ...cluster, vpcId: 'vpc-0ther' }, facts())
    expect(problems[0]).toMatchObject({ field: 'cluster.vpcId', fix: 'set it to vpc-0ther or remove it' })
  })

  it('reports selectors that match nothing, ids outside the VPC, and zones without a subnet', () => {
    const text = example
      .replace(
        'subnetSelector: { karpenter.sh/discovery: opsfleet-dev-cluster }',
        'subnetIds: [subnet-00, subnet-0feedbeef]',
      )
      .replace(
        'securityGroupSelector: { karpenter.sh/discovery: opsfleet-dev-cluster }',
        'securityGroupSelector: { team: nobody }',
      )
    const problems = ec2Problems(config(text), cluster, facts())
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      `nodePools[0].subnetIds: subnet-0feedbeef is not a subnet of ${VPC}`,
      `nodePools[0].securityGroupSelector: team=nobody matches no security group in ${VPC}`,
      'nodePools[0].zones: no selected subnet is in eu-west-1b',
      'nodePools[0].zones: no selected subnet is in eu-west-1c',
    ])
  })

  it('matches tag selectors the way Karpenter does, * meaning any value', () => {
    expect(matchesSelector(discovery, { 'karpenter.sh/discovery': '*' })).toBe(true)
    expect(matchesSelector(discovery, { 'karpenter.sh/discovery': 'other' })).toBe(false)
    expect(matchesSelector(discovery, { 'karpenter.sh/discovery': 'opsfleet-dev-cluster', extra: '*' })).toBe(false)
  })

  it('reports unknown instance types, types offered in none of the zones, and architectures without a type', () => {
    const text = example
      .replace(
        'instanceTypes: [m6g.large, m5.large, c6g.large, c5.large]',
        'instanceTypes: [m5.large, x9.huge, p4d.24xlarge]',
      )
      .replace('zones: [eu-west-1a, eu-west-1b, eu-west-1c]', 'zones: [eu-west-1a, eu-west-1b]')
    const problems = ec2Problems(config(text), cluster, facts())
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'nodePools[0].instanceTypes: x9.huge is not an EC2 instance type in eu-west-1',
      'nodePools[0].instanceTypes: p4d.24xlarge is not offered in eu-west-1a, eu-west-1b',
      'nodePools[0].architectures: lists arm64, but none of the instance types is arm64 (m5.large, p4d.24xlarge)',
    ])
    expect(problems[1].fix).toContain('eu-west-1c')
    expect(problems[2].fix).toContain('m6g.large')
  })

  it('warns about a type missing from some zones, or of an architecture the pool does not list', () => {
    const text = example
      .replace(
        'instanceTypes: [m6g.large, m5.large, c6g.large, c5.large]',
        'instanceTypes: [m5.large, p4d.24xlarge, m6g.large]',
      )
      .replace('architectures: [amd64, arm64]', 'architectures: [amd64]')
    expect(ec2Problems(config(text), cluster, facts())).toEqual([])
    expect(ec2Warnings(config(text), facts())).toEqual([
      'nodePools[0].instanceTypes: p4d.24xlarge is not offered in eu-west-1a, eu-west-1b; Karpenter will launch it only in the other zones.',
      'nodePools[0].instanceTypes: m6g.large (arm64) never launches: its architecture is not in architectures (amd64).',
    ])
  })
})

describe('PreflightError', () => {
  it('lists every problem with its key and fix, and is a ConfigError', () => {
    const e = new PreflightError('karpenter.yaml', [
      { field: 'nodePools[0].zones', message: 'no selected subnet is in eu-west-1d', fix: 'remove it' },
      { field: 'cluster.name', message: 'is DELETING', fix: 'wait' },
    ])
    expect(e).toBeInstanceOf(ConfigError)
    expect(e.message.split('\n')).toEqual([
      'pre-flight: 2 problems found in AWS for karpenter.yaml; nothing was changed',
      '  karpenter.yaml: nodePools[0].zones: no selected subnet is in eu-west-1d. Fix: remove it',
      '  karpenter.yaml: cluster.name: is DELETING. Fix: wait',
    ])
  })
})
