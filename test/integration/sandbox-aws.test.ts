/**
 * What the sandbox's AWS (scripts/sandbox/aws_server.py) answers in front of moto, where moto's own answer only
 * cost the real controller time: an EC2 Describe* dry run answers DryRunOperation as EC2 does (moto ignored the
 * flag and sent its whole instance catalogue), the same DescribeInstanceTypes request gets the same catalogue again
 * with a request id of its own, and the Price List API (which moto lacks: it answered 500 with an HTML page) answers
 * like a query no product matches.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2'
import { useSandbox } from '../support/sandbox.js'

const REGION = 'eu-west-1'
let ec2: EC2Client

beforeAll(() => {
  useSandbox()
  ec2 = new EC2Client({ region: REGION, maxAttempts: 1 })
})

/** One Price List API request as the SDK sends it (JSON protocol); moto does not check signatures. */
async function priceList(operation: string, body: object): Promise<{ status: number; json: unknown; type: string }> {
  const r = await fetch(process.env.AWS_ENDPOINT_URL!, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSPriceListService.${operation}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=testing/20261202/us-east-1/pricing/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(body),
  })
  return { status: r.status, json: await r.json(), type: r.headers.get('content-type') ?? '' }
}

describe('the sandbox AWS in front of moto', () => {
  it('a DescribeInstanceTypes dry run answers DryRunOperation (412), not the catalogue', async () => {
    const e = await ec2.send(new DescribeInstanceTypesCommand({ DryRun: true })).then(
      () => undefined,
      (err: unknown) => err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } },
    )
    expect(e?.name).toBe('DryRunOperation')
    expect(e?.message).toBe('Request would have succeeded, but DryRun flag is set.')
    expect(e?.$metadata?.httpStatusCode).toBe(412)
  })

  it('the same DescribeInstanceTypes request gets the same catalogue, each answer with its own request id', async () => {
    const ask = () =>
      ec2.send(
        new DescribeInstanceTypesCommand({
          Filters: [{ Name: 'supported-virtualization-type', Values: ['hvm'] }],
        }),
      )
    const first = await ask()
    const second = await ask()
    expect(first.InstanceTypes!.length).toBeGreaterThan(500)
    expect(second.InstanceTypes).toEqual(first.InstanceTypes)
    expect(second.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(second.$metadata.requestId).not.toBe(first.$metadata.requestId)
    // Another request is answered for itself, not from what was kept for the first.
    const one = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large'] }))
    expect(one.InstanceTypes!.map((t) => t.InstanceType)).toEqual(['m5.large'])
  })

  it('the Price List API answers like a query that matches no product', async () => {
    const products = await priceList('GetProducts', {
      ServiceCode: 'AmazonEC2',
      Filters: [{ Field: 'regionCode', Type: 'TERM_MATCH', Value: REGION }],
    })
    expect(products).toEqual({
      status: 200,
      json: { FormatVersion: 'aws_v1', PriceList: [] },
      type: 'application/x-amz-json-1.1',
    })
    expect((await priceList('DescribeServices', {})).json).toEqual({ FormatVersion: 'aws_v1', Services: [] })
    expect((await priceList('GetAttributeValues', { ServiceCode: 'AmazonEC2', AttributeName: 'x' })).json).toEqual({
      AttributeValues: [],
    })
  })
})
