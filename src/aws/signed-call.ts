/**
 * One signed request of our own to an AWS service (the EC2 reads, STS GetCallerIdentity, EKS DescribeCluster): the
 * endpoint as the SDK finds it (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else the region's), the session's
 * credentials, a SigV4 signature (src/aws/sigv4.ts), the same retries as the SDK clients are given (throttling, 5xx
 * answers and failed connections, src/retry.ts), and the call told to the session's recorder like the SDK's calls.
 * What the answer means is the caller's: each protocol says its errors its own way.
 */
import { httpCall, type HttpAnswer } from '../runner.js'
import { retry } from '../retry.js'
import { AwsHttpError } from './calls.js'
import { sessionCredentials, type AwsSession } from './clients.js'
import { configuredEndpoint, partitionOfRegion, regionProblem } from './regions.js'
import { signRequest } from './sigv4.js'

/** Attempts in all, as the SDK clients are configured (src/aws/clients.ts). */
const ATTEMPTS = 6
const BASE_DELAY_MS = 100

export interface ServiceId {
  /** The SDK's service id in AWS_ENDPOINT_URL_<id> (EC2, STS, EKS). */
  endpointId: string
  /** The endpoint's host prefix and the signing name (ec2, sts, eks). */
  name: string
  /** The endpoint, when it is not `<name>.<region>.<dns suffix>` (IAM's is global). */
  endpoint?: URL
}

/** The service's endpoint: the origin AWS_ENDPOINT_URL_<id> / AWS_ENDPOINT_URL names, or the region's. */
export function serviceEndpoint(service: ServiceId, region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const custom = configuredEndpoint(service.endpointId, env, (message) => new Error(message))
  if (custom) return custom
  const problem = regionProblem(region)
  if (problem) throw new Error(`The AWS region ${problem}.`)
  return new URL(`https://${service.name}.${region}.${partitionOfRegion(region)!.dnsSuffix}/`)
}

export interface SignedRequest {
  method: 'GET' | 'POST'
  /** The path below the endpoint's (already encoded), with its query. */
  path: string
  headers: Record<string, string>
  body: string
  /** The operation, for the recorder and errors (DescribeCluster...). */
  command: string
  /** Its input as the SDK would name it (the recorder keeps a read's input). */
  input: unknown
}

/**
 * Sends the request, and again while the failure is transient (src/retry.ts): what `answerOf` makes of the answer,
 * which throws the service's refusal as an error of `errorClass` (a failed connection is one too).
 */
export async function signedCall<T>(
  session: AwsSession,
  service: ServiceId,
  req: SignedRequest,
  answerOf: (answer: HttpAnswer) => T | Promise<T>,
  errorClass: typeof AwsHttpError = AwsHttpError,
  region = session.region,
): Promise<T> {
  session.recorder?.awsCall({ service: service.name, command: req.command, mutating: false, input: req.input })
  const endpoint = service.endpoint ?? serviceEndpoint(service, region)
  const url = new URL(endpoint.pathname.replace(/\/$/, '') + req.path, endpoint)
  const credentials = await sessionCredentials(session)
  return retry(
    async () => {
      const headers = signRequest({
        method: req.method,
        url,
        headers: req.headers,
        body: req.body,
        service: service.name,
        region,
        credentials,
      })
      let answer: HttpAnswer
      try {
        answer = await httpCall(url.href, {
          method: req.method,
          headers,
          ...(req.method === 'POST' ? { body: req.body } : {}),
          timeoutMs: 30_000,
        })
      } catch (e) {
        throw errorClass.fromConnection(e, `${req.command}: `)
      }
      return answerOf(answer)
    },
    { attempts: ATTEMPTS, baseDelayMs: BASE_DELAY_MS },
  )
}

/**
 * A JSON-protocol service's refusal (EKS's REST JSON, SQS's and EventBridge's JSON): the error code from the
 * x-amzn-errortype header or the body's `__type` / `code`, the part before any `:` and after any `#`
 * (`com.amazonaws.sqs#QueueDoesNotExist` → QueueDoesNotExist), its message, the status and the request id. Undefined
 * for a 2xx answer.
 */
export function jsonRefusal<E extends AwsHttpError>(
  answer: HttpAnswer,
  command: string,
  errorClass: new (name: string, message: string, $metadata: { httpStatusCode: number; requestId?: string }) => E,
  throttled: string,
): E | undefined {
  if (answer.status >= 200 && answer.status < 300) return undefined
  let body: { message?: unknown; Message?: unknown; __type?: unknown; code?: unknown } = {}
  try {
    body = JSON.parse(answer.body) as typeof body
  } catch {
    /* not JSON: the status says it */
  }
  const header = answer.headers['x-amzn-errortype']
  const type = (typeof header === 'string' ? header : undefined) ?? body.__type ?? body.code
  const code =
    typeof type === 'string' && type
      ? type.split(':')[0].split('#').pop()!
      : answer.status === 429
        ? throttled
        : `HTTP${answer.status}`
  const message = body.message ?? body.Message
  const requestId = answer.headers['x-amzn-requestid']
  return new errorClass(code, typeof message === 'string' ? message : `${command} answered ${answer.status}`, {
    httpStatusCode: answer.status,
    ...(typeof requestId === 'string' ? { requestId } : {}),
  })
}
