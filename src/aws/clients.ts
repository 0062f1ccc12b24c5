import type { AwsCredentialIdentity } from '@aws-sdk/types'
import type { IAMClient } from '@aws-sdk/client-iam'
import type { EC2Client } from '@aws-sdk/client-ec2'
import type { EKSClient } from '@aws-sdk/client-eks'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import type { S3Client } from '@aws-sdk/client-s3'
import type { STSClient } from '@aws-sdk/client-sts'

/** Who we are in AWS and where: everything a client needs. */
export interface AwsSession {
  region: string
  partition: string
  /** Assumed-role credentials; undefined: the SDK's default chain (environment, profile...). */
  credentials?: AwsCredentialIdentity
}

/** Every AWS call made in this process, by client and command: what `npm run bench` counts. */
export const awsCallLog: { service: string; command: string; mutating: boolean }[] = []

const READ_ONLY = /^(Get|List|Describe|Head|Lookup)/

export function isMutating(command: string): boolean {
  return !READ_ONLY.test(command.replace(/Command$/, ''))
}

interface AnyClient {
  middlewareStack: {
    add: (
      mw: (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (a: unknown) => Promise<unknown>,
      opts: object,
    ) => void
  }
}

/** Shared settings: region, retries with jittered backoff, the endpoint from AWS_ENDPOINT_URL (read by the SDK). */
export function clientConfig(session: AwsSession, region = session.region) {
  return {
    region,
    maxAttempts: 6,
    ...(session.credentials ? { credentials: session.credentials } : {}),
  }
}

function instrument<T>(service: string, client: T): T {
  ;(client as unknown as AnyClient).middlewareStack.add(
    (next, ctx) => async (args) => {
      const command = (ctx.commandName ?? 'Unknown').replace(/Command$/, '')
      awsCallLog.push({ service, command, mutating: isMutating(command) })
      return next(args)
    },
    { step: 'initialize', name: 'karpenterActionCallLog' },
  )
  return client
}

const cache = new Map<string, Promise<unknown>>()

/** One client per service and session, each SDK package loaded only when first used (start-up stays fast). */
function lazy<T>(service: string, session: AwsSession, make: () => Promise<T>): Promise<T> {
  const key = `${service}|${session.region}|${session.credentials?.accessKeyId ?? 'default'}`
  let p = cache.get(key) as Promise<T> | undefined
  if (!p) {
    p = make().then((c) => instrument(service, c))
    cache.set(key, p)
  }
  return p
}

export const clients = {
  sts: (s: AwsSession): Promise<STSClient> =>
    lazy('sts', s, async () => new (await import('@aws-sdk/client-sts')).STSClient(clientConfig(s))),
  iam: (s: AwsSession): Promise<IAMClient> =>
    lazy('iam', s, async () => new (await import('@aws-sdk/client-iam')).IAMClient(clientConfig(s))),
  ec2: (s: AwsSession): Promise<EC2Client> =>
    lazy('ec2', s, async () => new (await import('@aws-sdk/client-ec2')).EC2Client(clientConfig(s))),
  eks: (s: AwsSession): Promise<EKSClient> =>
    lazy('eks', s, async () => new (await import('@aws-sdk/client-eks')).EKSClient(clientConfig(s))),
  sqs: (s: AwsSession): Promise<SQSClient> =>
    lazy('sqs', s, async () => new (await import('@aws-sdk/client-sqs')).SQSClient(clientConfig(s))),
  events: (s: AwsSession): Promise<EventBridgeClient> =>
    lazy('events', s, async () => new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient(clientConfig(s))),
  s3: (s: AwsSession, region?: string): Promise<S3Client> =>
    lazy(`s3-${region ?? s.region}`, s, async () => {
      const { S3Client } = await import('@aws-sdk/client-s3')
      // Path-style addressing keeps bucket names out of host names (needed for a local endpoint).
      return new S3Client({ ...clientConfig(s, region), forcePathStyle: !!process.env.AWS_ENDPOINT_URL })
    }),
}

/** The error name of an AWS SDK error (e.g. NoSuchEntity), or undefined. */
export function awsErrorName(e: unknown): string | undefined {
  return (e as { name?: string })?.name
}

export function isNotFound(e: unknown): boolean {
  const name = awsErrorName(e) ?? ''
  return (
    /NoSuchEntity|NotFound|NonExistent|ResourceNotFound|NoSuchKey/.test(name) ||
    (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404
  )
}
