/**
 * The few runner interactions needed before credentials are in hand (inputs, log lines, masking, the OIDC
 * token), written against the documented runner protocol so that start-up does not wait for @actions/core,
 * whose HTTP stack alone takes about 0.15 s to load. Everything after the credentials uses @actions/core.
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/** The value of an action input (INPUT_<NAME>, spaces as underscores), trimmed. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

export function info(message: string): void {
  process.stdout.write(`${message}\n`)
}

/** Workflow-command data escaping. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Masks a secret in every later log line of the job (`::add-mask::`). */
export function setSecret(value: string): void {
  if (value) process.stdout.write(`::add-mask::${escapeData(value)}\n`)
}

export interface HttpAnswer {
  status: number
  body: string
}

/** One HTTP(S) request with a body, bounded in time. */
export function httpCall(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<HttpAnswer> {
  const target = new URL(url)
  const send = target.protocol === 'http:' ? httpRequest : httpsRequest
  return new Promise((resolve, reject) => {
    const req = send(target, { method: options.method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.setTimeout(options.timeoutMs ?? 15_000, () =>
      req.destroy(Object.assign(new Error(`no answer from ${target.host} in time`), { code: 'ETIMEDOUT' })),
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/**
 * A GitHub OIDC token for `audience`, from the runner's token service (ACTIONS_ID_TOKEN_REQUEST_URL with the
 * bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN). The token is masked.
 */
export async function getIdToken(audience: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const base = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (!base || !bearer) throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set')
  const url = `${base}&audience=${encodeURIComponent(audience)}`
  const answer = await httpCall(url, {
    method: 'GET',
    headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json', 'User-Agent': 'karpenter-action' },
  })
  if (answer.status !== 200) {
    throw new Error(`the token service answered ${answer.status}: ${answer.body.slice(0, 200)}`)
  }
  let value: unknown
  try {
    value = (JSON.parse(answer.body) as { value?: unknown }).value
  } catch {
    throw new Error('the token service answered something other than JSON')
  }
  if (typeof value !== 'string' || !value) throw new Error('the token service answered without a token')
  setSecret(value)
  return value
}
