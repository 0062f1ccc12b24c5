/**
 * The mechanics of the plan's IAM, SQS and EventBridge reads of our own, against a local stand-in: IAM's endpoint
 * per partition, the request signed and sent, IAM's pages followed, errors named as the services name them, what
 * is retried. Their answers beside the SDK's on moto are in test/integration/aws-reads.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { iamPage, paginate } from '../../src/aws/calls.js'
import type { AwsSession } from '../../src/aws/clients.js'
import { IamError, iamReads, iamTarget } from '../../src/aws/iam-query.js'
import { eventReads, JsonServiceError, sqsReads } from '../../src/aws/json-query.js'
import { awsStandIn } from '../support/aws-stand-in.js'

const stand = awsStandIn()

function session(): AwsSession {
  process.env.AWS_ENDPOINT_URL = stand.url
  return {
    region: 'eu-west-1',
    partition: 'aws',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' },
  }
}

const policiesPage = (arns: string[], marker?: string) =>
  `<ListPoliciesResponse><ListPoliciesResult><Policies>${arns
    .map((a) => `<member><Arn>${a}</Arn><PolicyName>p</PolicyName></member>`)
    .join('')}</Policies><IsTruncated>${marker ? 'true' : 'false'}</IsTruncated>${
    marker ? `<Marker>${marker}</Marker>` : ''
  }</ListPoliciesResult></ListPoliciesResponse>`

describe("IAM's endpoint", () => {
  it('is global per partition, signed for its home region; a configured endpoint is signed for the region', () => {
    const env = {}
    expect(iamTarget({ partition: 'aws', region: 'eu-west-1' }, env)).toEqual({
      url: new URL('https://iam.amazonaws.com/'),
      signingRegion: 'us-east-1',
    })
    expect(iamTarget({ partition: 'aws-cn', region: 'cn-northwest-1' }, env).signingRegion).toBe('cn-north-1')
    expect(iamTarget({ partition: 'aws-us-gov', region: 'us-gov-east-1' }, env).url.host).toBe(
      'iam.us-gov.amazonaws.com',
    )
    expect(() => iamTarget({ partition: 'aws-iso', region: 'us-iso-east-1' }, env)).toThrow(/AWS_ENDPOINT_URL_IAM/)
    expect(
      iamTarget({ partition: 'aws', region: 'eu-west-1' }, { AWS_ENDPOINT_URL_IAM: 'https://iam.internal:8443' }),
    ).toEqual({ url: new URL('https://iam.internal:8443'), signingRegion: 'eu-west-1' })
  })
})

describe('IAM Query reads', () => {
  it('sends a signed form (Action, Version, the input) and follows IsTruncated/Marker to the end', async () => {
    stand.answers = [
      { status: 200, body: policiesPage(['arn:1', 'arn:2'], 'next-1') },
      { status: 200, body: policiesPage(['arn:3']) },
    ]
    const s = session()
    const arns = await paginate(async (Marker) => {
      const out = await iamReads.listPolicies(s, { Scope: 'Local', PathPrefix: '/k/', Marker })
      return iamPage(
        out.Policies.map((p) => p.Arn!),
        out,
      )
    })
    expect(arns).toEqual(['arn:1', 'arn:2', 'arn:3'])
    expect(stand.seen).toHaveLength(2)
    expect(new URLSearchParams(stand.seen[0].body).get('Action')).toBe('ListPolicies')
    expect(new URLSearchParams(stand.seen[0].body).get('Version')).toBe('2010-05-08')
    expect(new URLSearchParams(stand.seen[0].body).get('PathPrefix')).toBe('/k/')
    expect(new URLSearchParams(stand.seen[0].body).has('Marker')).toBe(false)
    expect(new URLSearchParams(stand.seen[1].body).get('Marker')).toBe('next-1')
    expect(String(stand.seen[0].headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/iam\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    )
  })

  it("a role's document stays URL-encoded and XML entities are read; no Tags element leaves Tags out", async () => {
    stand.answers = [
      {
        status: 200,
        body:
          '<GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName><Arn>arn:aws:iam::1:role/r</Arn><Path>/</Path>' +
          '<AssumeRolePolicyDocument>%7B%22a%22%3A1%7D</AssumeRolePolicyDocument>' +
          '<Description>a &amp; b &lt;c&gt;</Description></Role></GetRoleResult></GetRoleResponse>',
      },
    ]
    const out = await iamReads.getRole(session(), { RoleName: 'r' })
    expect(out.Role).toEqual({
      RoleName: 'r',
      RoleId: undefined,
      Arn: 'arn:aws:iam::1:role/r',
      Path: '/',
      AssumeRolePolicyDocument: '%7B%22a%22%3A1%7D',
      Description: 'a & b <c>',
    })
  })

  it("IAM's refusal fails at once with its code, message, status and request id; throttling is tried again", async () => {
    stand.answers = [
      {
        status: 404,
        body:
          '<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name x cannot be ' +
          'found.</Message></Error><RequestId>req-7</RequestId></ErrorResponse>',
      },
    ]
    const e = (await iamReads.getRole(session(), { RoleName: 'x' }).catch((x: unknown) => x)) as IamError
    expect(e).toBeInstanceOf(IamError)
    expect(e.name).toBe('NoSuchEntity')
    expect(e.message).toBe('The role with name x cannot be found.')
    expect(e.$metadata).toEqual({ httpStatusCode: 404, requestId: 'req-7' })
    expect(stand.seen).toHaveLength(1)
    stand.seen = []
    stand.answers = [
      {
        status: 400,
        body: '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
      },
      { status: 200, body: policiesPage([]) },
    ]
    expect((await iamReads.listPolicies(session(), {})).Policies).toEqual([])
    expect(stand.seen).toHaveLength(2)
  })

  it('an answer without the Result asked for is an InvalidResponse error', async () => {
    stand.answers = [{ status: 200, body: '<Other><x>1</x></Other>' }]
    const e = (await iamReads.getPolicy(session(), { PolicyArn: 'arn:p' }).catch((x: unknown) => x)) as IamError
    expect(e.name).toBe('InvalidResponse')
    expect(e.message).toBe('IAM answered GetPolicy without a GetPolicyResult')
  })
})

describe('JSON-protocol reads (SQS, EventBridge)', () => {
  it('posts the input as JSON with the operation in X-Amz-Target, and reads the output', async () => {
    stand.answers = [{ status: 200, body: '{"QueueUrl":"http://q/1/x"}', type: 'application/x-amz-json-1.0' }]
    expect(await sqsReads.getQueueUrl(session(), { QueueName: 'x' })).toEqual({ QueueUrl: 'http://q/1/x' })
    expect(stand.seen[0].headers['x-amz-target']).toBe('AmazonSQS.GetQueueUrl')
    expect(stand.seen[0].headers['content-type']).toBe('application/x-amz-json-1.0')
    expect(JSON.parse(stand.seen[0].body)).toEqual({ QueueName: 'x' })
    stand.answers = [{ status: 200, body: '{"RuleNames":["a"]}', type: 'application/x-amz-json-1.1' }]
    await eventReads.listRuleNamesByTarget(session(), { TargetArn: 'arn:q' })
    expect(stand.seen[1].headers['x-amz-target']).toBe('AWSEvents.ListRuleNamesByTarget')
    expect(stand.seen[1].headers['content-type']).toBe('application/x-amz-json-1.1')
    // An absent NextToken is not sent at all.
    expect(JSON.parse(stand.seen[1].body)).toEqual({ TargetArn: 'arn:q' })
  })

  it('errors are named by __type after its #, and a 5xx is tried again', async () => {
    stand.answers = [
      {
        status: 400,
        body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
        type: 'application/x-amz-json-1.0',
      },
    ]
    const e = (await sqsReads.getQueueUrl(session(), { QueueName: 'x' }).catch((x: unknown) => x)) as JsonServiceError
    expect(e).toBeInstanceOf(JsonServiceError)
    expect(e.name).toBe('QueueDoesNotExist')
    expect(e.message).toBe('The specified queue does not exist.')
    expect(stand.seen).toHaveLength(1)
    stand.seen = []
    stand.answers = [
      { status: 503, body: 'busy', type: 'text/plain' },
      { status: 200, body: '{"Tags":[]}', type: 'application/x-amz-json-1.1' },
    ]
    expect((await eventReads.listTagsForResource(session(), { ResourceARN: 'arn:r' })).Tags).toEqual([])
    expect(stand.seen).toHaveLength(2)
  })
})
