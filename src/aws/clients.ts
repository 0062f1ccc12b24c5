import type { AwsCredentialIdentity } from '@aws-sdk/types'
import type { IAMClient } from '@aws-sdk/client-iam'
import type { EKSClient } from '@aws-sdk/client-eks'
import type { SQSClient } from '@aws-sdk/client-sqs'
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import type { S3Client } from '@aws-sdk/client-s3'
import type { STSClient } from '@aws-sdk/client-sts'
import type { CallRecorder } from '../calls.js'

/** Who we are in AWS and where: everything a client needs. */
export interface AwsSession {
  region: string
  partition: string
  /** Assumed-role credentials; undefined: the SDK's default chain (environment, profile...). */
  credentials?: AwsCredentialIdentity
  /** Told of every call the session's clients make (benchmarks and tests install one). */
  recorder?: CallRecorder
}

const READ_ONLY = /^(Get|List|Describe|Head|Lookup)/

export function isMutating(command: string): boolean {
  return !READ_ONLY.test(command.replace(/Command$/, ''))
}

interface ClientConfig {
  region: string
  maxAttempts: number
  credentials?: AwsCredentialIdentity
  forcePathStyle?: boolean
}

/**
 * Shared settings: region, the SDK's own retries (jittered backoff, its classification of throttling and transient
 * errors), the endpoint from AWS_ENDPOINT_URL (read by the SDK).
 */
function clientConfig(session: AwsSession, region = session.region): ClientConfig {
  return { region, maxAttempts: 6, ...(session.credentials ? { credentials: session.credentials } : {}) }
}

interface MiddlewareStack {
  middlewareStack: {
    add: (
      mw: (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (a: unknown) => Promise<unknown>,
      opts: object,
    ) => void
  }
}

function recording<T>(service: string, client: T, recorder: CallRecorder | undefined): T {
  if (!recorder) return client
  ;(client as unknown as MiddlewareStack).middlewareStack.add(
    (next, ctx) => async (args) => {
      const command = (ctx.commandName ?? 'Unknown').replace(/Command$/, '')
      const mutating = isMutating(command)
      // A read's input (names and ids, never a secret) lets the bench replay the reads of a plan one by one.
      recorder.awsCall({
        service,
        command,
        mutating,
        ...(mutating ? {} : { input: (args as { input?: unknown }).input }),
      })
      return next(args)
    },
    { step: 'initialize', name: 'karpenterActionCallRecorder' },
  )
  return client
}

/** The clients of each session, by service (and region): one of each, made when first asked for. */
const made = new WeakMap<AwsSession, Map<string, Promise<unknown>>>()

/** A client factory for one service; its SDK package is loaded only when first used (start-up stays fast). */
function factory<C>(
  service: string,
  load: () => Promise<new (config: ClientConfig) => C>,
  extra: () => Partial<ClientConfig> = () => ({}),
) {
  return (session: AwsSession, region = session.region): Promise<C> => {
    let clients = made.get(session)
    if (!clients) made.set(session, (clients = new Map()))
    const key = `${service}|${region}`
    let client = clients.get(key) as Promise<C> | undefined
    if (!client) {
      const Client = load()
      client = Client.then((C) =>
        recording(service, new C({ ...clientConfig(session, region), ...extra() }), session.recorder),
      )
      clients.set(key, client)
    }
    return client
  }
}

export const clients = {
  sts: factory<STSClient>('sts', async () => (await import('@aws-sdk/client-sts')).STSClient),
  iam: factory<IAMClient>('iam', async () => (await import('@aws-sdk/client-iam')).IAMClient),
  eks: factory<EKSClient>('eks', async () => (await import('@aws-sdk/client-eks')).EKSClient),
  sqs: factory<SQSClient>('sqs', async () => (await import('@aws-sdk/client-sqs')).SQSClient),
  events: factory<EventBridgeClient>(
    'events',
    async () => (await import('@aws-sdk/client-eventbridge')).EventBridgeClient,
  ),
  // Path-style addressing keeps bucket names out of host names (needed for a local endpoint).
  s3: factory<S3Client>(
    's3',
    async () => (await import('@aws-sdk/client-s3')).S3Client,
    () => ({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL }),
  ),
}

/**
 * The environment's static credentials, as the SDK's default chain takes them first: AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), unless AWS_PROFILE names a profile to use instead.
 */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentity | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY
  if (env.AWS_PROFILE || !accessKeyId || !secretAccessKey) return undefined
  const sessionToken = env.AWS_SESSION_TOKEN
  const expiration = env.AWS_CREDENTIAL_EXPIRATION
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  }
}

/**
 * The session's credentials: the assumed role's; else the environment's (no SDK loaded for them); else whatever
 * the rest of the SDK's default chain finds (a profile, SSO, the container or instance metadata...).
 */
export async function sessionCredentials(session: AwsSession): Promise<AwsCredentialIdentity> {
  if (session.credentials) return session.credentials
  const fromEnvironment = environmentCredentials()
  if (fromEnvironment) return fromEnvironment
  const sts = await clients.sts(session)
  return sts.config.credentials()
}

/** The SDK client each kind of AWS resource changes through (its reads are our own: src/aws/*-query.ts). */
const WRITE_CLIENTS: Record<string, keyof typeof clients> = {
  'iam-role': 'iam',
  'iam-policy': 'iam',
  'iam-instance-profile': 'iam',
  'iam-oidc-provider': 'iam',
  'sqs-queue': 'sqs',
  'event-rule': 'events',
  'eks-access-entry': 'eks',
  'eks-pod-identity': 'eks',
}

/**
 * Starts loading the SDK clients the planned changes will write through (resource ids `<kind>.<name>`), while the
 * lock is taken and the plan confirmed: loading a client's code takes the one JavaScript thread for tens of
 * milliseconds, better spent while waiting on the lock's requests than before the first change. Nothing is sent.
 */
export function loadWriteClients(aws: AwsSession, ids: readonly string[]): void {
  const quiet = () => undefined
  const wanted = new Set(ids.map((id) => WRITE_CLIENTS[id.slice(0, id.indexOf('.'))]).filter(Boolean))
  for (const service of wanted) void clients[service](aws).catch(quiet)
}
