/**
 * The runner interactions the action needs (inputs, log lines and annotations, groups, masking, outputs, the job
 * summary, the OIDC token), written against the documented runner protocol: workflow commands on stdout and the
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. @actions/core does the same but loads an HTTP stack (undici, about
 * 1 MB of code) with it, which a run pays for in start-up time and memory whether it needs HTTP or not.
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync, existsSync } from 'node:fs'
import { appendFile, access, constants } from 'node:fs/promises'
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

/** Workflow-command property escaping (data escaping, and the `:` and `,` that separate properties). */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** Where an annotation points: GitHub shows it on that file's line in a pull request's diff. */
export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  endLine?: number
  startColumn?: number
  endColumn?: number
}

const PROPERTY_NAMES: Record<keyof AnnotationProperties, string> = {
  title: 'title',
  file: 'file',
  startLine: 'line',
  endLine: 'endLine',
  startColumn: 'col',
  endColumn: 'endColumn',
}

/** `::name prop=value,...::message` on a line of its own. */
function command(name: string, message: string, properties: AnnotationProperties = {}): void {
  const props = (Object.keys(PROPERTY_NAMES) as (keyof AnnotationProperties)[])
    .filter((k) => properties[k] !== undefined && properties[k] !== '')
    .map((k) => `${PROPERTY_NAMES[k]}=${escapeProperty(String(properties[k]))}`)
  process.stdout.write(`::${name}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(message)}\n`)
}

const text = (m: string | Error) => (m instanceof Error ? m.toString() : m)

/** A warning annotation. */
export function warning(message: string | Error, properties?: AnnotationProperties): void {
  command('warning', text(message), properties)
}

/** An error annotation (the run's outcome is set separately: setFailed, or process.exitCode). */
export function error(message: string | Error, properties?: AnnotationProperties): void {
  command('error', text(message), properties)
}

/** A line shown only when the run's debug logging is on. */
export function debug(message: string): void {
  command('debug', message)
}

/** Marks the run failed (exit code 1) with `message` as its error annotation. */
export function setFailed(message: string | Error): void {
  process.exitCode = 1
  error(message)
}

/** Runs `fn` inside a collapsible group of the log. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  process.stdout.write(`::group::${escapeData(name)}\n`)
  try {
    return await fn()
  } finally {
    process.stdout.write('::endgroup::\n')
  }
}

/**
 * Sets a step output: appended to the GITHUB_OUTPUT file as a `name<<delimiter` block, the delimiter random so that
 * no value can end it early (and refused if a value holds it all the same). Outside a runner (no GITHUB_OUTPUT) the
 * older `::set-output::` command. Throws when GITHUB_OUTPUT names a file that does not exist.
 */
export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT
  if (!file) {
    process.stdout.write(`::set-output name=${escapeProperty(name)}::${escapeData(value)}\n`)
    return
  }
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected input: the output ${name} holds its own delimiter`)
  }
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, 'utf8')
}

/** Appends markdown to the job summary (GITHUB_STEP_SUMMARY), which must name a writable file. */
export async function appendSummary(markdown: string): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) throw new Error('GITHUB_STEP_SUMMARY is not set: this runner does not support job summaries')
  await access(file, constants.R_OK | constants.W_OK)
  await appendFile(file, `${markdown}\n`, 'utf8')
}

/** Masks a secret in every later log line of the job (`::add-mask::`). */
export function setSecret(value: string): void {
  if (value) process.stdout.write(`::add-mask::${escapeData(value)}\n`)
}

export interface HttpAnswer {
  status: number
  body: string
  /** The answer's headers, lower-cased names. */
  headers: Record<string, string | string[] | undefined>
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
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
      )
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
