import { readFileSync } from 'node:fs'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { getIdToken as runnerIdToken, info, setSecret } from '../runner.js'
import { awsCallLog, awsErrorName, clients, type AwsSession } from './clients.js'
import { assumeRoleWithWebIdentity } from './sts-web-identity.js'

export class CredentialsError extends Error {}

export interface CredentialOptions {
  roleToAssume: string
  audience: string
  region: string
  /** Attempts for throttling and transient failures. */
  attempts?: number
  /** Base delay of the jittered backoff, ms. */
  baseDelayMs?: number
  /** Supplies the OIDC token; defaults to the runner's token service. */
  getIdToken?: (audience: string) => Promise<string>
  sessionDuration?: number
}

/** The partition of a region: aws, aws-cn, aws-us-gov. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

/** A role session name from the repository and run: 2–64 characters of [\w+=,.@-]. */
export function sessionName(repository = process.env.GITHUB_REPOSITORY, runId = process.env.GITHUB_RUN_ID): string {
  const repo = (repository ?? 'local').replace(/[^\w+=,.@-]/g, '-')
  const run = (runId ?? String(process.pid)).replace(/[^\w+=,.@-]/g, '')
  const suffix = `@${run}`
  const name = `ka-${repo}`.slice(0, 64 - suffix.length) + suffix
  return name.length >= 2 ? name : 'karpenter-action'
}

/** The claims of a JWT, without verifying it (for error messages only). */
export function tokenClaims(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? ''
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
}

/** Refuses early, with one clear message per cause, what would fail obscurely later. */
export function checkOidcPreconditions(env: NodeJS.ProcessEnv = process.env): void {
  if (isForkPullRequest(env)) {
    throw new CredentialsError(
      'This run is for a pull request from a fork: GitHub gives such runs no OIDC token, so `role-to-assume` cannot work. ' +
        'Run the plan for forks from `pull_request_target` with care, or leave forks to a maintainer.',
    )
  }
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new CredentialsError(
      'No GitHub OIDC token is available (ACTIONS_ID_TOKEN_REQUEST_URL is not set). ' +
        'Did you grant the workflow `permissions: id-token: write`?',
    )
  }
}

function isForkPullRequest(env: NodeJS.ProcessEnv): boolean {
  if (!env.GITHUB_EVENT_NAME?.startsWith('pull_request') || env.GITHUB_EVENT_NAME === 'pull_request_target')
    return false
  if (!env.GITHUB_EVENT_PATH) return false
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: {
        head?: { repo?: { full_name?: string } | null }
        base?: { repo?: { full_name?: string } }
      }
    }
    const pr = event.pull_request
    if (!pr) return false
    // A fork's pull request comes from another repository (or from one since deleted: head.repo is null).
    // head.repo.fork alone is not it: inside a repository that is itself a fork, every branch says fork.
    const head = pr.head?.repo
    const base = pr.base?.repo
    if (!head) return true
    return !!base?.full_name && head.full_name !== base.full_name
  } catch {
    return false
  }
}

const RETRYABLE = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'IDPCommunicationError',
  'InvalidIdentityToken', // GitHub's JWKS sometimes isn't visible to STS yet; a fresh token usually passes
  'ServiceUnavailable',
  'InternalError',
  'TimeoutError',
  'ECONNRESET',
])

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Full-jitter exponential backoff: a random delay in [0, base·2^attempt). */
export function backoffDelay(attempt: number, baseMs: number, random = Math.random): number {
  return Math.floor(random() * baseMs * 2 ** attempt)
}

/**
 * Assumes `roleToAssume` with a GitHub OIDC token. Each attempt fetches a fresh token; throttling and
 * transient failures are retried with jittered backoff. The credentials are masked the moment they exist.
 */
export async function assumeRoleWithOidc(opts: CredentialOptions): Promise<AwsSession> {
  if (!opts.region) {
    throw new CredentialsError('No AWS region: set `cluster.region` in the config or the `aws-region` input.')
  }
  const getIdToken = opts.getIdToken ?? ((aud: string) => runnerIdToken(aud))
  if (!opts.getIdToken) checkOidcPreconditions()
  const attempts = opts.attempts ?? 5
  const base: AwsSession = { region: opts.region, partition: partitionOf(opts.region) }
  const fetchToken = () =>
    getIdToken(opts.audience).catch((e: unknown) => {
      throw new CredentialsError(
        `Could not get a GitHub OIDC token for audience "${opts.audience}": ${(e as Error).message}. ` +
          'Did you grant the workflow `permissions: id-token: write`?',
      )
    })
  // Marked handled now; its error surfaces where it is awaited.
  let firstToken: Promise<string> | undefined = fetchToken()
  firstToken.catch(() => undefined)
  const name = sessionName()
  let lastError: unknown
  for (let attempt = 0; attempt < attempts; attempt++) {
    // Every attempt after the first fetches a fresh token.
    const token = await (firstToken ?? fetchToken())
    firstToken = undefined
    try {
      // One attempt per token: a retry fetches a fresh one. Opening a session changes nothing the action manages.
      awsCallLog.push({ service: 'sts', command: 'AssumeRoleWithWebIdentity', mutating: false })
      const c = await assumeRoleWithWebIdentity({
        region: base.region,
        partition: base.partition,
        roleArn: opts.roleToAssume,
        sessionName: name,
        token,
        durationSeconds: opts.sessionDuration ?? 3600,
      })
      setSecret(c.accessKeyId)
      setSecret(c.secretAccessKey)
      setSecret(c.sessionToken)
      const credentials: AwsCredentialIdentity = c
      return { ...base, credentials }
    } catch (e) {
      if (e instanceof CredentialsError) throw e
      lastError = e
      // SDK v3 names modeled errors `<Code>Exception` (InvalidIdentityTokenException); the wire code is what counts.
      const code = (awsErrorName(e) ?? (e as { code?: string }).code ?? '').replace(/(?<=.)Exception$/, '')
      if (code === 'AccessDenied') {
        const sub = tokenClaims(token).sub ?? '(unknown)'
        throw new CredentialsError(
          `AWS refused to let this workflow assume ${opts.roleToAssume}: the role's trust policy does not accept ` +
            `the GitHub token with sub "${String(sub)}" and aud "${opts.audience}". ` +
            'Allow that subject (e.g. `repo:OWNER/REPO:pull_request` or `repo:OWNER/REPO:ref:refs/heads/main`) in the trust policy.',
        )
      }
      if (!RETRYABLE.has(code) || attempt === attempts - 1) break
      const delay = backoffDelay(attempt, opts.baseDelayMs ?? 500)
      info(`AssumeRoleWithWebIdentity: ${code}; retrying in ${delay} ms (attempt ${attempt + 2} of ${attempts})`)
      await sleep(delay)
    }
  }
  const last = awsErrorName(lastError)?.replace(/Exception$/, '')
  const hint =
    last === 'InvalidIdentityToken'
      ? ` Check that the account has an IAM OIDC provider for https://token.actions.githubusercontent.com whose audiences include "${opts.audience}" (the \`audience\` input).`
      : ''
  throw new CredentialsError(
    `Could not assume ${opts.roleToAssume}: ${((lastError as Error)?.message ?? String(lastError)).replace(/\.$/, '')}.${hint}`,
  )
}

/** The environment's credentials (already configured by an earlier step, or the sandbox's). */
export function environmentSession(region: string): AwsSession {
  if (!region)
    throw new CredentialsError('No AWS region: set `cluster.region` in the config or the `aws-region` input.')
  for (const v of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) if (process.env[v]) setSecret(process.env[v]!)
  return { region, partition: partitionOf(region) }
}

/** The account of the session's identity. */
export async function callerAccount(session: AwsSession): Promise<{ accountId: string; arn: string }> {
  const sts = await clients.sts(session)
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts')
  const out = await sts.send(new GetCallerIdentityCommand({}))
  if (!out.Account) throw new Error('STS GetCallerIdentity returned no account')
  return { accountId: out.Account, arn: out.Arn ?? '' }
}
