/**
 * The action's own EC2 Query reads (src/aws/ec2-query.ts) against the sandbox's moto_server, answer for answer
 * beside the SDK's EC2 client on the same calls: the same subnets, security groups, instance types and offerings,
 * the same pages followed to the end, the same error names.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2'
import { paginate } from '../../src/aws/calls.js'
import { environmentSession } from '../../src/aws/credentials.js'
import { ec2, Ec2Error } from '../../src/aws/ec2-query.js'
import { CallLog } from '../../src/calls.js'
import { useSandbox, uniqueSuffix } from '../support/sandbox.js'

const REGION = 'eu-west-1'
let sdk: EC2Client
let vpcId: string
const subnetIds: string[] = []
const groupIds: string[] = []
const calls = new CallLog()
let session: ReturnType<typeof environmentSession>
const suffix = uniqueSuffix()

beforeAll(async () => {
  useSandbox()
  session = environmentSession(REGION, { recorder: calls })
  sdk = new EC2Client({ region: REGION })
  vpcId = (await sdk.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc!.VpcId!
  // Seven subnets over three zones, the last without tags.
  for (let i = 0; i < 7; i++) {
    const zone = `${REGION}${'abc'[i % 3]}`
    const tags =
      i < 6
        ? [
            { Key: 'karpenter.sh/discovery', Value: `ec2q-${suffix}` },
            { Key: 'n', Value: `${i}` },
          ]
        : []
    const out = await sdk.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.77.${i}.0/24`,
        AvailabilityZone: zone,
        ...(tags.length ? { TagSpecifications: [{ ResourceType: 'subnet', Tags: tags }] } : {}),
      }),
    )
    subnetIds.push(out.Subnet!.SubnetId!)
  }
  for (const [i, value] of ['a & <b>', ''].entries()) {
    const out = await sdk.send(
      new CreateSecurityGroupCommand({
        VpcId: vpcId,
        GroupName: `ec2q-${suffix}-${i}`,
        Description: 'ec2 query test',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'purpose', Value: value }] }],
      }),
    )
    groupIds.push(out.GroupId!)
  }
})

afterAll(async () => {
  for (const id of groupIds) await sdk.send(new DeleteSecurityGroupCommand({ GroupId: id }))
  for (const id of subnetIds) await sdk.send(new DeleteSubnetCommand({ SubnetId: id }))
  await sdk.send(new DeleteVpcCommand({ VpcId: vpcId }))
  sdk.destroy()
})

const byVpc = () => [{ Name: 'vpc-id', Values: [vpcId] }]
const sortBy =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b))
const tagsOf = (t: { Key?: string; Value?: string }[] | undefined) => (t ?? []).map((x) => `${x.Key}=${x.Value}`).sort()

describe('EC2 Query reads beside the SDK', () => {
  it('DescribeVpcs: the VPC, and the SDK error name for one that does not exist', async () => {
    expect((await ec2.describeVpcs(session, { VpcIds: [vpcId] })).items).toEqual([{ VpcId: vpcId }])
    const ours = await ec2.describeVpcs(session, { VpcIds: ['vpc-0000000000000dead'] }).catch((e: unknown) => e)
    const theirs = await sdk.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0000000000000dead'] })).catch((e) => e)
    expect(ours).toBeInstanceOf(Ec2Error)
    expect((ours as Ec2Error).name).toBe((theirs as Error).name)
    expect((ours as Ec2Error).name).toBe('InvalidVpcID.NotFound')
    expect((ours as Ec2Error).message).toMatch(/vpc-0000000000000dead/)
    expect((ours as Ec2Error).$metadata.httpStatusCode).toBe(400)
  })

  // moto answers these five reads in one page: following pages is tested against a
  // stand-in in test/unit/aws-ec2-query.test.ts.
  it('DescribeSubnets: every subnet of the VPC with its zone and tags', async () => {
    const theirs = (await sdk.send(new DescribeSubnetsCommand({ Filters: byVpc() }))).Subnets ?? []
    const ours = await paginate((NextToken) => ec2.describeSubnets(session, { Filters: byVpc(), NextToken }))
    const view = (s: { SubnetId?: string; VpcId?: string; AvailabilityZone?: string; Tags?: object[] }) => ({
      SubnetId: s.SubnetId,
      VpcId: s.VpcId,
      AvailabilityZone: s.AvailabilityZone,
      Tags: tagsOf(s.Tags),
    })
    const key = sortBy((s: { SubnetId?: string }) => s.SubnetId ?? '')
    expect(ours.map(view).sort(key)).toEqual(theirs.map(view).sort(key))
    expect(ours.map((s) => s.SubnetId).sort()).toEqual([...subnetIds].sort())
    expect(ours.find((s) => s.SubnetId === subnetIds[4])).toEqual({
      SubnetId: subnetIds[4],
      VpcId: vpcId,
      AvailabilityZone: `${REGION}b`,
      Tags: [
        { Key: 'karpenter.sh/discovery', Value: `ec2q-${suffix}` },
        { Key: 'n', Value: '4' },
      ],
    })
    expect(ours.find((s) => s.SubnetId === subnetIds[6])?.Tags).toEqual([])
    // By id, as pre-flight asks for the VPC of the cluster's first subnet.
    expect((await ec2.describeSubnets(session, { SubnetIds: [subnetIds[2]] })).items.map((s) => s.VpcId)).toEqual([
      vpcId,
    ])
  })

  it('DescribeSecurityGroups: the groups with their tags, escaped characters and empty values included', async () => {
    const theirs = (await sdk.send(new DescribeSecurityGroupsCommand({ Filters: byVpc() }))).SecurityGroups ?? []
    const ours = await paginate((NextToken) => ec2.describeSecurityGroups(session, { Filters: byVpc(), NextToken }))
    const view = (g: { GroupId?: string; GroupName?: string; VpcId?: string; Tags?: object[] }) => ({
      GroupId: g.GroupId,
      GroupName: g.GroupName,
      VpcId: g.VpcId,
      Tags: tagsOf(g.Tags),
    })
    const key = sortBy((g: { GroupId?: string }) => g.GroupId ?? '')
    expect(ours.map(view).sort(key)).toEqual(theirs.map(view).sort(key))
    // The VPC's default group, and ours.
    expect(ours.length).toBe(3)
    expect(ours.find((g) => g.GroupId === groupIds[0])?.Tags).toEqual([{ Key: 'purpose', Value: 'a & <b>' }])
    expect(ours.find((g) => g.GroupId === groupIds[1])?.Tags).toEqual([{ Key: 'purpose', Value: '' }])
  })

  it('DescribeInstanceTypes: the types that exist, with their architectures', async () => {
    const Filters = [{ Name: 'instance-type', Values: ['m5.large', 'm6g.large', 'x9.huge'] }]
    const theirs = (await sdk.send(new DescribeInstanceTypesCommand({ Filters }))).InstanceTypes ?? []
    const ours = await paginate((NextToken) => ec2.describeInstanceTypes(session, { Filters, NextToken }))
    const view = (t: { InstanceType?: string; ProcessorInfo?: { SupportedArchitectures?: string[] } }) =>
      `${t.InstanceType}: ${(t.ProcessorInfo?.SupportedArchitectures ?? []).join(',')}`
    expect(ours.map(view).sort()).toEqual(theirs.map(view).sort())
    expect(ours.map(view).sort()).toEqual(['m5.large: x86_64', 'm6g.large: arm64'])
  })

  it('DescribeInstanceTypeOfferings: the zones offering each type', async () => {
    const input = {
      LocationType: 'availability-zone' as const,
      Filters: [{ Name: 'instance-type', Values: ['m5.large', 'p4d.24xlarge'] }],
    }
    const theirs = (await sdk.send(new DescribeInstanceTypeOfferingsCommand(input))).InstanceTypeOfferings ?? []
    const ours = await paginate((NextToken) => ec2.describeInstanceTypeOfferings(session, { ...input, NextToken }))
    const view = (o: { InstanceType?: string; Location?: string }) => `${o.InstanceType}@${o.Location}`
    expect(ours.map(view).sort()).toEqual(theirs.map(view).sort())
    expect(ours.map(view)).toContain(`m5.large@${REGION}a`)
    expect(ours.length).toBeGreaterThan(2)
  })

  it('tells the call log of each read in the SDK shape, and makes no mutating call', () => {
    const ec2Calls = calls.aws.filter((c) => c.service === 'ec2')
    expect(ec2Calls.map((c) => c.command)).toEqual([
      'DescribeVpcs',
      'DescribeVpcs',
      'DescribeSubnets',
      'DescribeSubnets',
      'DescribeSecurityGroups',
      'DescribeInstanceTypes',
      'DescribeInstanceTypeOfferings',
    ])
    expect(ec2Calls.filter((c) => c.mutating)).toEqual([])
    expect(ec2Calls[0]).toEqual({
      service: 'ec2',
      command: 'DescribeVpcs',
      mutating: false,
      input: { VpcIds: [vpcId] },
    })
  })
})
