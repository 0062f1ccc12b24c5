/**
 * STS AssumeRoleWithWebIdentity over plain HTTPS. The call is unsigned (the OIDC token is the proof), so it
 * needs no SDK: sparing the STS client's load keeps start-up short. Honors AWS_ENDPOINT_URL_STS and
 * AWS_ENDPOINT_URL like the SDK. Errors carry the STS error code as `name`, as SDK errors do.
 */
import { ActionFailure } from '../outcome.js'
import { httpCall, type HttpAnswer } from '../runner.js'
import { AwsHttpError } from './calls.js'
import type { AwsSession } from './clients.js'
import { configuredEndpoint, partitionOfRegion, regionProblem } from './regions.js'
import { signedCall } from './signed-call.js'

export interface WebIdentityRequest {
  region: string
  partition: string
  roleArn: string
  sessionName: string
  token: string
  durationSeconds: number
  /** Bound of the exchange, ms (15 s by default). */
  timeoutMs?: number
}

export interface WebIdentityCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration?: Date
}

/** STS's refusal (its error code as `name`), or a failed exchange (the connection's error code as `name` and `code`). */
export class StsError extends AwsHttpError {}

/** Where the OIDC token may go, and the host it must reach there. */
export interface StsTarget {
  url: string
  /** The exact host (with port, when not the default) the request must be sent to. */
  host: string
}

/** A region or endpoint that would send the token elsewhere than STS (reason `config`); nothing is sent. */
export class StsEndpointError extends ActionFailure {
  constructor(message: string) {
    super('config', message)
    this.name = 'StsEndpointError'
  }
}

/**
 * The STS endpoint of a region: https://sts.<region>.<partition's DNS suffix>/, built only from a region name of the
 * exact shape of one (src/aws/regions.ts), or the origin AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL names where set.
 * The URL is parsed back and its host compared with the one intended, so no region can steer the token elsewhere.
 */
export function stsTarget(region: string, env: NodeJS.ProcessEnv = process.env): StsTarget {
  const problem = regionProblem(region)
  if (problem) throw new StsEndpointError(`The AWS region ${problem} (the \`aws-region\` input or cluster.region).`)
  const custom = configuredEndpoint('STS', env, (message) => new StsEndpointError(message))
  if (custom) return { url: custom.href, host: custom.host }
  const host = `sts.${region}.${partitionOfRegion(region)!.dnsSuffix}`
  return { url: checkedTarget(`https://${host}/`, host), host }
}

/** `url` when it is https (or http for a custom endpoint) to exactly `host`; a StsEndpointError otherwise. */
function checkedTarget(url: string, host: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StsEndpointError(`the STS endpoint ${JSON.stringify(url)} is not a URL`)
  }
  if (parsed.host !== host || parsed.username || parsed.password || !/^https?:$/.test(parsed.protocol)) {
    throw new StsEndpointError(`the STS endpoint ${JSON.stringify(url)} does not lead to ${host}: nothing was sent`)
  }
  return parsed.href
}

/** The STS endpoint's URL (see stsTarget). */
export function stsEndpoint(region: string, env: NodeJS.ProcessEnv = process.env): string {
  return stsTarget(region, env).url
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)
  return m?.[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => entities[e])
}

export async function assumeRoleWithWebIdentity(req: WebIdentityRequest): Promise<WebIdentityCredentials> {
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: req.roleArn,
    RoleSessionName: req.sessionName,
    WebIdentityToken: req.token,
    DurationSeconds: String(req.durationSeconds),
  }).toString()
  // The token goes to the STS host of the region (or the configured endpoint), checked once more right here.
  const target = stsTarget(req.region)
  const url = checkedTarget(target.url, target.host)
  let answer
  try {
    answer = await httpCall(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Accept: 'text/xml' },
      body,
      timeoutMs: req.timeoutMs,
    })
  } catch (e) {
    throw StsError.fromConnection(e)
  }
  const refused = stsRefusal(answer)
  if (refused) throw refused
  const accessKeyId = xmlText(answer.body, 'AccessKeyId')
  const secretAccessKey = xmlText(answer.body, 'SecretAccessKey')
  const sessionToken = xmlText(answer.body, 'SessionToken')
  if (!accessKeyId || !secretAccessKey || !sessionToken) {
    throw new StsError('InvalidResponse', 'STS answered AssumeRoleWithWebIdentity without credentials', {
      httpStatusCode: answer.status,
    })
  }
  const expiration = xmlText(answer.body, 'Expiration')
  return { accessKeyId, secretAccessKey, sessionToken, ...(expiration ? { expiration: new Date(expiration) } : {}) }
}

/** STS's refusal in its Query answer: `<ErrorResponse><Error><Code>..</Code><Message>..</Message>..`. */
function stsRefusal(answer: HttpAnswer): StsError | undefined {
  if (answer.status === 200) return undefined
  const code = xmlText(answer.body, 'Code') ?? (answer.status === 429 ? 'Throttling' : `HTTP${answer.status}`)
  const message = xmlText(answer.body, 'Message') ?? `STS answered ${answer.status}`
  const requestId = xmlText(answer.body, 'RequestId')
  return new StsError(code, message, { httpStatusCode: answer.status, ...(requestId ? { requestId } : {}) })
}

/** STS GetCallerIdentity as a signed Query request of our own (no SDK client to load for one call). */
export async function getCallerIdentity(session: AwsSession): Promise<{ Account?: string; Arn?: string }> {
  return signedCall(
    session,
    { endpointId: 'STS', name: 'sts' },
    {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
      command: 'GetCallerIdentity',
      input: {},
    },
    (answer) => {
      const refused = stsRefusal(answer)
      if (refused) throw refused
      return { Account: xmlText(answer.body, 'Account'), Arn: xmlText(answer.body, 'Arn') }
    },
    StsError,
  )
}
