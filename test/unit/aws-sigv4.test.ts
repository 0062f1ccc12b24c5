import { describe, expect, it } from '@jest/globals'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { amzDate, signRequest, uriEncode, type SignInput } from '../../src/aws/sigv4.js'

const now = new Date('2026-12-03T06:42:17.123Z')
const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }

/** The SDK's signer on the same request: what AWS's own clients send. */
async function sdkSigned(input: SignInput): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: input.service,
    region: input.region,
    credentials: input.credentials,
    sha256: Sha256,
    uriEscapePath: true,
    // x-amz-content-sha256 is S3's; the other services' clients leave it out, as we do.
    applyChecksum: false,
  })
  const query: Record<string, string | string[]> = {}
  for (const k of new Set(input.url.searchParams.keys())) {
    const all = input.url.searchParams.getAll(k)
    query[k] = all.length === 1 ? all[0] : all
  }
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: input.url.protocol,
      hostname: input.url.hostname,
      ...(input.url.port ? { port: Number(input.url.port) } : {}),
      path: input.url.pathname,
      query,
      headers: { host: input.url.host, ...input.headers },
      body: input.body,
    },
    { signingDate: now },
  )
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]))
}

const cases: [string, SignInput][] = [
  [
    'an EC2 Query POST (form body)',
    {
      method: 'POST',
      url: new URL('https://ec2.eu-west-1.amazonaws.com/'),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-0abc',
      service: 'ec2',
      region: 'eu-west-1',
      credentials: keys,
    },
  ],
  [
    'an STS POST with a session token, on a local endpoint with a port',
    {
      method: 'POST',
      url: new URL('http://127.0.0.1:18725/'),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      service: 'sts',
      region: 'us-gov-west-1',
      credentials: { ...keys, sessionToken: 'FwoGZXIvYXdzE/session+token==' },
    },
  ],
  [
    'an EKS REST GET of a path with characters to encode, and a query',
    {
      method: 'GET',
      url: new URL('https://eks.eu-west-1.amazonaws.com/clusters/my%20cluster/access-entries/x?b=2&a=1&a=0&c=sp%20ace'),
      headers: { accept: 'application/json' },
      body: '',
      service: 'eks',
      region: 'eu-west-1',
      credentials: keys,
    },
  ],
  [
    'a JSON-protocol POST (x-amz-target), a header value with runs of spaces',
    {
      method: 'POST',
      url: new URL('https://sqs.eu-west-1.amazonaws.com/'),
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.GetQueueUrl',
        'x-custom': '  a   b  ',
      },
      body: '{"QueueName":"q"}',
      service: 'sqs',
      region: 'eu-west-1',
      credentials: keys,
    },
  ],
]

describe('SigV4 of our own requests', () => {
  it.each(cases)('signs %s exactly as the SDK does', async (_name, input) => {
    const ours = signRequest({ ...input, now })
    const sdk = await sdkSigned(input)
    expect(ours.authorization).toBe(sdk.authorization)
    expect(ours['x-amz-date']).toBe(sdk['x-amz-date'])
    expect(ours['x-amz-security-token']).toBe(sdk['x-amz-security-token'])
    expect(ours.host).toBe(input.url.host)
  })

  it('a different body, secret, region or time gives a different signature', () => {
    const [, base] = cases[0]
    const sig = (i: SignInput) => signRequest({ ...i, now }).authorization
    const first = sig(base)
    expect(sig({ ...base, body: `${base.body}&x=1` })).not.toBe(first)
    expect(sig({ ...base, credentials: { ...keys, secretAccessKey: 'other' } })).not.toBe(first)
    expect(sig({ ...base, region: 'eu-west-2' })).not.toBe(first)
    expect(signRequest({ ...base, now: new Date(now.getTime() + 1000) }).authorization).not.toBe(first)
  })

  it('encodes as RFC 3986 and writes the date as AWS wants', () => {
    expect(uriEncode("a b!'()*~._-/")).toBe('a%20b%21%27%28%29%2A~._-%2F')
    expect(amzDate(now)).toBe('20261203T064217Z')
  })
})
