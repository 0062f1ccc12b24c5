/**
 * STS AssumeRoleWithWebIdentity over plain HTTPS. The call is unsigned (the OIDC token is the proof), so it
 * needs no SDK: sparing the STS client's load keeps start-up short. Honors AWS_ENDPOINT_URL_STS and
 * AWS_ENDPOINT_URL like the SDK. Errors carry the STS error code as `name`, as SDK errors do.
 */
import { httpCall } from '../runner.js'

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
export class StsError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode: number },
    readonly code?: string,
  ) {
    super(message)
  }
}

export function stsEndpoint(region: string, partition: string, env: NodeJS.ProcessEnv = process.env): string {
  const custom = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL
  if (custom) return custom
  return `https://sts.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}/`
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
  let answer
  try {
    answer = await httpCall(stsEndpoint(req.region, req.partition), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Accept: 'text/xml' },
      body,
      timeoutMs: req.timeoutMs,
    })
  } catch (e) {
    // The connection failed (reset, refused, timed out...): the error's code says which, and whether to try again.
    const code = (e as NodeJS.ErrnoException).code ?? 'NetworkError'
    throw new StsError(code, (e as Error).message, { httpStatusCode: 0 }, code)
  }
  if (answer.status !== 200) {
    const code = xmlText(answer.body, 'Code') ?? (answer.status === 429 ? 'Throttling' : `HTTP${answer.status}`)
    const message = xmlText(answer.body, 'Message') ?? `STS answered ${answer.status}`
    throw new StsError(code, message, { httpStatusCode: answer.status })
  }
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
