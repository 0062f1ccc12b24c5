/** Pre-flight against the sandbox's moto_server: its VPC, subnets, security groups and EC2 offering data. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PreflightError, preflight } from '../../src/aws/preflight.js'
import { sandboxContext, type RecordedContext } from '../support/context.js'

let ctx: RecordedContext
let world: { vpcId: string; subnets: Record<string, string> }

beforeAll(async () => {
  ctx = await sandboxContext()
  world = JSON.parse(readFileSync(join(process.env.KA_SANDBOX_DIR!, 'aws.json'), 'utf8')) as typeof world
})

afterAll(() => ctx.kube.close())

describe('pre-flight in the sandbox', () => {
  it('passes the sandbox configuration with a few concurrent EC2 reads and changes nothing', async () => {
    const from = ctx.calls.mark()
    const result = await preflight(ctx)
    expect(result).toEqual({ vpcId: world.vpcId, warnings: [] })
    const calls = ctx.calls.since(from).aws
    expect(calls.map((c) => c.command).sort()).toEqual([
      'DescribeInstanceTypeOfferings',
      'DescribeInstanceTypes',
      'DescribeSecurityGroups',
      'DescribeSubnets',
      'DescribeVpcs',
    ])
    expect(calls.filter((c) => c.mutating)).toEqual([])
  })

  it('lists every problem of a broken configuration with its key', async () => {
    const broken = await sandboxContext({
      nodePools: [
        {
          name: 'broken',
          instanceTypes: ['m5.large', 'x9.huge', 'p4d.24xlarge'],
          architectures: ['amd64', 'arm64'],
          zones: ['eu-west-1a', 'eu-west-1b'],
          subnetIds: [world.subnets['eu-west-1a']],
          securityGroupSelector: { 'karpenter.sh/discovery': 'another-cluster' },
        },
      ],
    })
    try {
      const err = await preflight(broken).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(PreflightError)
      expect((err as PreflightError).problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
        `nodePools[0].securityGroupSelector: karpenter.sh/discovery=another-cluster matches no security group in ${world.vpcId}`,
        'nodePools[0].zones: no selected subnet is in eu-west-1b',
        'nodePools[0].instanceTypes: x9.huge is not an EC2 instance type in eu-west-1',
        // moto's offering data for eu-west-1 has p4d.24xlarge in eu-west-1c only.
        'nodePools[0].instanceTypes: p4d.24xlarge is not offered in eu-west-1a, eu-west-1b',
        'nodePools[0].architectures: lists arm64, but none of the instance types is arm64 (m5.large, p4d.24xlarge)',
      ])
      expect((err as Error).message).toMatch(
        /^pre-flight: 5 problems found in AWS for sandbox-test.yaml; nothing was changed/,
      )
    } finally {
      await broken.kube.close()
    }
  })

  it('reports a configured VPC that does not exist', async () => {
    const wrong = await sandboxContext({ cluster: { vpcId: 'vpc-0123456789abcdef0' } })
    try {
      await expect(preflight(wrong)).rejects.toThrow(/cluster.vpcId: the VPC vpc-0123456789abcdef0 does not exist/)
    } finally {
      await wrong.kube.close()
    }
  })
})
