/**
 * The EC2 Query client's mechanics against a local stand-in: the request it signs and sends, pages followed to the
 * end, what is retried and what fails at once, and the endpoint it picks. Its answers beside the SDK's on moto are
 * in test/integration/aws-ec2-query.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { createHash, createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { paginate } from '../../src/aws/calls.js'
import type { AwsSession } from '../../src/aws/clients.js'
import { ec2, ec2Endpoint, Ec2Error, queryParams } from '../../src/aws/ec2-query.js'
import { awsStandIn, type Seen } from '../support/aws-stand-in.js'

const stand = awsStandIn()

function session(): AwsSession {
  process.env.AWS_ENDPOINT_URL_EC2 = stand.url
  return {
    region: 'eu-west-1',
    partition: 'aws',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example', sessionToken: 'session-example' },
  }
}

/**
 * SigV4 of a received request (the headers its Authorization names), computed from the specification with
 * node:crypto alone, to check the signer's output independently.
 */
function expectedSignature(req: Seen, secret: string): string {
  const auth = /Credential=[^/]+\/([^,]+), SignedHeaders=([^,]+),/.exec(String(req.headers.authorization))!
  const [scope, signed] = [auth[1], auth[2]]
  const sha = (s: string) => createHash('sha256').update(s).digest('hex')
  const canonical = [
    req.method,
    req.url,
    '',
    ...signed.split(';').map((h) => `${h}:${String(req.headers[h]).trim()}`),
    '',
    signed,
    sha(req.body),
  ].join('\n')
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), scope, sha(canonical)].join('\n')
  const [day, region, service] = scope.split('/')
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request')
  return createHmac('sha256', key).update(toSign).digest('hex')
}

const subnets = (ids: string[], next?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>r-1</requestId>
  <subnetSet>${ids
    .map(
      (id) =>
        `<item><subnetId>${id}</subnetId><vpcId>vpc-1</vpcId><availabilityZone>eu-west-1a</availabilityZone>` +
        `<tagSet><item><key>Name</key><value>${id} &amp; co</value></item></tagSet></item>`,
    )
    .join('')}</subnetSet>
  ${next ? `<nextToken>${next}</nextToken>` : ''}
</DescribeSubnetsResponse>`

const ec2Failure = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-9</RequestID></Response>`

describe('the request', () => {
  it('encodes lists as EC2 does: Filter.N.Name, Filter.N.Value.M, VpcId.N, and the paging fields', () => {
    expect(
      queryParams('DescribeInstanceTypeOfferings', {
        LocationType: 'availability-zone',
        Filters: [
          { Name: 'instance-type', Values: ['m5.large', 'c6g.xlarge'] },
          { Name: 'location', Values: ['eu-west-1a'] },
        ],
        VpcIds: ['vpc-1', 'vpc-2'],
        SubnetIds: ['subnet-1'],
        NextToken: 'tok',
      }),
    ).toEqual({
      Action: 'DescribeInstanceTypeOfferings',
      Version: '2016-11-15',
      'Filter.1.Name': 'instance-type',
      'Filter.1.Value.1': 'm5.large',
      'Filter.1.Value.2': 'c6g.xlarge',
      'Filter.2.Name': 'location',
      'Filter.2.Value.1': 'eu-west-1a',
      'VpcId.1': 'vpc-1',
      'VpcId.2': 'vpc-2',
      'SubnetId.1': 'subnet-1',
      LocationType: 'availability-zone',
      NextToken: 'tok',
    })
    expect(queryParams('DescribeVpcs', {})).toEqual({ Action: 'DescribeVpcs', Version: '2016-11-15' })
  })

  it('is a signed form POST for the ec2 service of the region, with the session token', async () => {
    stand.answers = [{ status: 200, body: subnets(['subnet-a']) }]
    const page = await ec2.describeSubnets(session(), { Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] })
    expect(page).toEqual({
      items: [
        {
          SubnetId: 'subnet-a',
          VpcId: 'vpc-1',
          AvailabilityZone: 'eu-west-1a',
          Tags: [{ Key: 'Name', Value: 'subnet-a & co' }],
        },
      ],
    })
    expect(stand.seen).toHaveLength(1)
    const [req] = stand.seen
    expect(req.method).toBe('POST')
    expect(req.url).toBe('/')
    expect(new URLSearchParams(req.body).toString()).toBe(
      'Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1',
    )
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8')
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ec2\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    )
    expect(req.headers['x-amz-security-token']).toBe('session-example')
    expect(req.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/)
    // The signature covers the body, the host and the date: computed here from the specification.
    expect(req.headers.authorization).toContain(`Signature=${expectedSignature(req, 'secret-example')}`)
  })

  it('tells the recorder of each read with its input, as a read', async () => {
    stand.answers = [{ status: 200, body: subnets([]) }]
    const calls: unknown[] = []
    const s = { ...session(), recorder: { awsCall: (c: unknown) => calls.push(c), apiRequest() {}, process() {} } }
    await ec2.describeSubnets(s, { SubnetIds: ['subnet-a'] })
    expect(calls).toEqual([
      { service: 'ec2', command: 'DescribeSubnets', mutating: false, input: { SubnetIds: ['subnet-a'] } },
    ])
  })
})

describe('the answers', () => {
  it('follows nextToken to the end, sending each token back', async () => {
    stand.answers = [
      { status: 200, body: subnets(['subnet-a', 'subnet-b'], 'page-2') },
      { status: 200, body: subnets(['subnet-c'], 'page-3') },
      { status: 200, body: subnets([]) },
    ]
    const s = session()
    const all = await paginate((NextToken) => ec2.describeSubnets(s, { NextToken }))
    expect(all.map((x) => x.SubnetId)).toEqual(['subnet-a', 'subnet-b', 'subnet-c'])
    expect(stand.seen.map((r) => new URLSearchParams(r.body).get('NextToken'))).toEqual([null, 'page-2', 'page-3'])
  })

  it('reads security groups, instance types (their architectures) and offerings; a list of one is a list', async () => {
    stand.answers = [
      {
        status: 200,
        body:
          '<DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-1</groupId><groupName>n</groupName>' +
          '<vpcId>vpc-1</vpcId><tagSet/></item></securityGroupInfo></DescribeSecurityGroupsResponse>',
      },
    ]
    expect((await ec2.describeSecurityGroups(session(), {})).items).toEqual([
      { GroupId: 'sg-1', GroupName: 'n', VpcId: 'vpc-1', Tags: [] },
    ])
    stand.answers = [
      {
        status: 200,
        body:
          '<DescribeInstanceTypesResponse><instanceTypeSet>' +
          '<item><instanceType>m5.large</instanceType><processorInfo><supportedArchitectures><item>i386</item>' +
          '<item>x86_64</item></supportedArchitectures></processorInfo></item>' +
          '<item><instanceType>m6g.large</instanceType><processorInfo><supportedArchitectures><item>arm64</item>' +
          '</supportedArchitectures></processorInfo></item>' +
          '</instanceTypeSet></DescribeInstanceTypesResponse>',
      },
    ]
    expect((await ec2.describeInstanceTypes(session(), {})).items).toEqual([
      { InstanceType: 'm5.large', ProcessorInfo: { SupportedArchitectures: ['i386', 'x86_64'] } },
      { InstanceType: 'm6g.large', ProcessorInfo: { SupportedArchitectures: ['arm64'] } },
    ])
    stand.answers = [
      {
        status: 200,
        body:
          '<DescribeInstanceTypeOfferingsResponse><instanceTypeOfferingSet><item><instanceType>m5.large</instanceType>' +
          '<locationType>availability-zone</locationType><location>eu-west-1b</location></item>' +
          '</instanceTypeOfferingSet></DescribeInstanceTypeOfferingsResponse>',
      },
    ]
    expect((await ec2.describeInstanceTypeOfferings(session(), {})).items).toEqual([
      { InstanceType: 'm5.large', Location: 'eu-west-1b' },
    ])
    stand.answers = [{ status: 200, body: '<DescribeVpcsResponse><vpcSet/></DescribeVpcsResponse>' }]
    expect(await ec2.describeVpcs(session(), { VpcIds: ['vpc-1'] })).toEqual({ items: [] })
  })

  it('an answer that is not the action asked for is an InvalidResponse error', async () => {
    stand.answers = [{ status: 200, body: '<SomethingElse><x>1</x></SomethingElse>' }]
    const e = await ec2.describeVpcs(session(), {}).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(Ec2Error)
    expect((e as Ec2Error).name).toBe('InvalidResponse')
    expect((e as Error).message).toBe('EC2 answered DescribeVpcs without a DescribeVpcsResponse')
    expect(stand.seen).toHaveLength(1)
  })
})

describe('failures', () => {
  it("EC2's refusal fails at once, with its code as the name, its message, the status and the request id", async () => {
    stand.answers = [
      { status: 403, body: ec2Failure('UnauthorizedOperation', 'You are not authorized to perform this operation.') },
    ]
    const e = (await ec2.describeVpcs(session(), {}).catch((x: unknown) => x)) as Ec2Error
    expect(e).toBeInstanceOf(Ec2Error)
    expect(e.name).toBe('UnauthorizedOperation')
    expect(e.message).toBe('You are not authorized to perform this operation.')
    expect(e.$metadata).toEqual({ httpStatusCode: 403, requestId: 'req-9' })
    expect(stand.seen).toHaveLength(1)
  })

  it('throttling and 5xx answers are tried again, and the call then succeeds', async () => {
    stand.answers = [
      { status: 503, body: ec2Failure('RequestLimitExceeded', 'Request limit exceeded.') },
      { status: 500, body: '<html>oops</html>' },
      { status: 200, body: subnets(['subnet-z']) },
    ]
    const page = await ec2.describeSubnets(session(), {})
    expect(page.items.map((s) => s.SubnetId)).toEqual(['subnet-z'])
    expect(stand.seen).toHaveLength(3)
    // Each attempt is signed anew.
    expect(new Set(stand.seen.map((r) => r.body)).size).toBe(1)
  })

  it('a server that keeps failing: six attempts, then its last answer as the error', async () => {
    stand.answers = [{ status: 500, body: 'not xml' }]
    const e = (await ec2.describeVpcs(session(), {}).catch((x: unknown) => x)) as Ec2Error
    expect(e.name).toBe('HTTP500')
    expect(e.message).toBe('EC2 answered 500')
    expect(stand.seen).toHaveLength(6)
  })

  it('a refused connection is a named error after the attempts', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const s = session()
    process.env.AWS_ENDPOINT_URL_EC2 = `http://127.0.0.1:${port}/`
    const e = (await ec2.describeVpcs(s, {}).catch((x: unknown) => x)) as Ec2Error
    expect(e).toBeInstanceOf(Ec2Error)
    expect(e.name).toBe('ECONNREFUSED')
    expect(e.code).toBe('ECONNREFUSED')
    expect(e.message).toMatch(/^DescribeVpcs: /)
  })
})

describe('the endpoint', () => {
  it("is the region's, in its partition's domain", () => {
    expect(ec2Endpoint('eu-west-1', {}).href).toBe('https://ec2.eu-west-1.amazonaws.com/')
    expect(ec2Endpoint('cn-north-1', {}).href).toBe('https://ec2.cn-north-1.amazonaws.com.cn/')
    expect(ec2Endpoint('us-gov-west-1', {}).href).toBe('https://ec2.us-gov-west-1.amazonaws.com/')
  })

  it('AWS_ENDPOINT_URL_EC2 comes before AWS_ENDPOINT_URL, which comes before the region', () => {
    expect(ec2Endpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:1/' }).href).toBe('http://127.0.0.1:1/')
    expect(
      ec2Endpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:1/', AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:2/' })
        .href,
    ).toBe('http://127.0.0.1:2/')
  })

  it('no region can steer the request elsewhere, and a bad endpoint is refused', () => {
    expect(() => ec2Endpoint('eu-west-1.evil.example/', {})).toThrow(/is not an AWS region/)
    expect(() => ec2Endpoint('@127.0.0.1', {})).toThrow(/is not an AWS region/)
    expect(() => ec2Endpoint('eu-west-1', { AWS_ENDPOINT_URL: 'not a url' })).toThrow(
      'AWS_ENDPOINT_URL(_EC2) is not a URL: set it to e.g. https://ec2.example.internal',
    )
    expect(() => ec2Endpoint('eu-west-1', { AWS_ENDPOINT_URL: 'ftp://127.0.0.1/' })).toThrow(/http\(s\) URL/)
    expect(() => ec2Endpoint('eu-west-1', { AWS_ENDPOINT_URL: 'http://u:p@127.0.0.1/' })).toThrow(/without credentials/)
  })
})
