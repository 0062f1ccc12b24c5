/**
 * The action's own signed calls at start-up (STS GetCallerIdentity, EKS DescribeCluster: src/aws/sts-web-identity.ts,
 * src/aws/cluster.ts) against the sandbox's moto_server, beside the SDK's clients on the same calls: the same
 * account and identity, the same cluster facts, the same error names; and the environment's credentials taken as the
 * SDK's default chain takes them.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { environmentCredentials, sessionCredentials } from '../../src/aws/clients.js'
import { ClusterError, describeCluster } from '../../src/aws/cluster.js'
import { callerAccount, environmentSession } from '../../src/aws/credentials.js'
import { CallLog } from '../../src/calls.js'
import { useSandbox } from '../support/sandbox.js'

const REGION = 'eu-west-1'
const CLUSTER = 'opsfleet-dev-cluster'
const calls = new CallLog()
let session: ReturnType<typeof environmentSession>
const saved = { ...process.env }

beforeAll(() => {
  useSandbox()
  Object.assign(saved, process.env)
  session = environmentSession(REGION, { recorder: calls })
})

afterEach(() => {
  process.env = { ...saved }
})

describe('start-up calls of our own beside the SDK', () => {
  it('GetCallerIdentity: the same account and ARN as the SDK, and the call is recorded as a read', async () => {
    const theirs = await new STSClient({ region: REGION }).send(new GetCallerIdentityCommand({}))
    const ours = await callerAccount(session)
    expect(ours).toEqual({ accountId: theirs.Account, arn: theirs.Arn })
    expect(calls.aws.at(-1)).toMatchObject({ service: 'sts', command: 'GetCallerIdentity', mutating: false })
  })

  it("DescribeCluster: the facts the SDK's answer holds", async () => {
    const cluster = (await new EKSClient({ region: REGION }).send(new DescribeClusterCommand({ name: CLUSTER })))
      .cluster!
    const facts = await describeCluster(session, CLUSTER)
    expect(facts).toEqual({
      name: CLUSTER,
      arn: cluster.arn,
      status: cluster.status,
      endpoint: cluster.endpoint,
      certificateAuthority: cluster.certificateAuthority?.data,
      oidcIssuer: cluster.identity?.oidc?.issuer,
      authenticationMode: cluster.accessConfig?.authenticationMode,
      vpcId: cluster.resourcesVpcConfig?.vpcId,
      subnetIds: cluster.resourcesVpcConfig?.subnetIds ?? [],
      version: cluster.version,
    })
    expect(facts.status).toBe('ACTIVE')
    expect(facts.subnetIds.length).toBeGreaterThan(0)
    expect(calls.aws.at(-1)).toMatchObject({ service: 'eks', command: 'DescribeCluster', input: { name: CLUSTER } })
  })

  it('DescribeCluster of a cluster that does not exist: the SDK error name, told as the config field to fix', async () => {
    const theirs = (await new EKSClient({ region: REGION })
      .send(new DescribeClusterCommand({ name: 'no-such-cluster' }))
      .catch((e: unknown) => e)) as Error
    expect(theirs.name).toBe('ResourceNotFoundException')
    const ours = (await describeCluster(session, 'no-such-cluster').catch((e: unknown) => e)) as Error
    expect(ours).toBeInstanceOf(ClusterError)
    expect(ours.message).toMatch(/cluster\.name: the EKS cluster "no-such-cluster" does not exist in eu-west-1/)
  })

  it('a cluster name with characters to encode reaches EKS as that name (and is not found)', async () => {
    const ours = (await describeCluster(session, 'a b/c').catch((e: unknown) => e)) as Error
    expect(ours.message).toMatch(/"a b\/c" does not exist/)
  })

  it("takes the environment's keys as the SDK's default chain does; AWS_PROFILE set leaves them to the SDK", async () => {
    process.env.AWS_SESSION_TOKEN = 'session-token-example'
    const fromEnv = environmentCredentials()
    expect(fromEnv).toEqual({
      accessKeyId: process.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
      sessionToken: 'session-token-example',
    })
    const sdk = await new STSClient({ region: REGION }).config.credentials()
    expect(await sessionCredentials(environmentSession(REGION))).toMatchObject({
      accessKeyId: sdk.accessKeyId,
      secretAccessKey: sdk.secretAccessKey,
      sessionToken: sdk.sessionToken,
    })
    process.env.AWS_PROFILE = 'someone'
    expect(environmentCredentials()).toBeUndefined()
    delete process.env.AWS_PROFILE
    delete process.env.AWS_SECRET_ACCESS_KEY
    expect(environmentCredentials()).toBeUndefined()
  })
})
