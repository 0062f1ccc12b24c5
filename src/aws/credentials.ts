import type { AwsCredentialIdentity } from '@aws-sdk/types'
import type { CallRecorder } from '../calls.js'
import { ActionFailure } from '../outcome.js'
import { retry } from '../retry.js'
import { getIdToken as runnerIdToken, info, setSecret } from '../runner.js'
import { isForkPullRequest, readEventPayload } from '../workflow-run.js'
import { partitionOf } from './arns.js'
import { awsErrorName } from './calls.js'
import type { AwsSession } from './clients.js'
import { assumeRoleWithWebIdentity, getCallerIdentity, StsEndpointError, stsTarget } from './sts-web-identity.js'

/** No usable AWS credentials (reason `credentials`). */
export class CredentialsError extends ActionFailure {
  constructor(message: string) {
    super('credentials', message)
    this.name = 'CredentialsError'
  }
}

export interface CredentialOptions {
  roleToAssume: string
  audience: string
  region: string
  /** The partition of the ARNs and of STS's host; the region's by default. */
  partition?: string
  /** Attempts in all for transient failures (throttling, a cut or timed-out connection, 5xx). */
  attempts?: number
  /** Base delay of the jittered backoff, ms. */
  baseDelayMs?: number
  /** Bound of one STS exchange, ms. */
  requestTimeoutMs?: number
  /** Supplies the OIDC token; defaults to the runner's token service. */
  getIdToken?: (audience: string) => Promise<string>
  sessionDuration?: number
  /** Told of the STS call (the benchmark counts it). */
  recorder?: CallRecorder
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
  const pullRequest =
    env.GITHUB_EVENT_NAME?.startsWith('pull_request') && env.GITHUB_EVENT_NAME !== 'pull_request_target'
  if (pullRequest && isForkPullRequest(readEventPayload(env.GITHUB_EVENT_PATH), env.GITHUB_REPOSITORY)) {
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

/** STS's error code: SDK v3 names modeled errors `<Code>Exception`; the wire code is what counts. */
function stsCode(e: unknown): string {
  return (awsErrorName(e) ?? (e as { code?: string }).code ?? '').replace(/(?<=.)Exception$/, '')
}

/**
 * Assumes `roleToAssume` with a GitHub OIDC token. Each attempt fetches a fresh token; transient failures are retried
 * with jittered backoff (src/retry.ts), a refusal of the token or the role fails at once. The credentials are masked
 * the moment they exist.
 */
export async function assumeRoleWithOidc(opts: CredentialOptions): Promise<AwsSession> {
  if (!opts.region) {
    throw new CredentialsError('No AWS region: set `cluster.region` in the config or the `aws-region` input.')
  }
  // The region must name an STS host before any token is asked for (a StsEndpointError, reason `config`, if not).
  stsTarget(opts.region)
  const getIdToken = opts.getIdToken ?? ((aud: string) => runnerIdToken(aud))
  if (!opts.getIdToken) checkOidcPreconditions()
  const attempts = opts.attempts ?? 5
  const base: AwsSession = { region: opts.region, partition: opts.partition ?? partitionOf(opts.region) }
  const fetchToken = () =>
    getIdToken(opts.audience).catch((e: unknown) => {
      throw new CredentialsError(
        `Could not get a GitHub OIDC token for audience "${opts.audience}": ${(e as Error).message}. ` +
          'Did you grant the workflow `permissions: id-token: write`?',
      )
    })
  // Asked for before the first attempt needs it; marked handled now, its error surfaces where it is awaited.
  const firstToken = fetchToken()
  firstToken.catch(() => undefined)
  const name = sessionName()
  try {
    const c = await retry(
      async (attempt) => {
        const token = attempt === 0 ? await firstToken : await fetchToken()
        // Opening a session changes nothing the action manages.
        opts.recorder?.awsCall({ service: 'sts', command: 'AssumeRoleWithWebIdentity', mutating: false })
        try {
          return await assumeRoleWithWebIdentity({
            region: base.region,
            partition: base.partition,
            roleArn: opts.roleToAssume,
            sessionName: name,
            token,
            durationSeconds: opts.sessionDuration ?? 3600,
            timeoutMs: opts.requestTimeoutMs,
          })
        } catch (e) {
          if (stsCode(e) !== 'AccessDenied') throw e
          const sub = tokenClaims(token).sub ?? '(unknown)'
          throw new CredentialsError(
            `AWS refused to let this workflow assume ${opts.roleToAssume}: the role's trust policy does not accept ` +
              `the GitHub token with sub "${String(sub)}" and aud "${opts.audience}". ` +
              'Allow that subject (e.g. `repo:OWNER/REPO:pull_request` or `repo:OWNER/REPO:ref:refs/heads/main`) in the trust policy.',
          )
        }
      },
      {
        attempts,
        baseDelayMs: opts.baseDelayMs ?? 500,
        onRetry: (e, next, delay) =>
          info(`AssumeRoleWithWebIdentity: ${stsCode(e)}; retrying in ${delay} ms (attempt ${next} of ${attempts})`),
      },
    )
    setSecret(c.accessKeyId)
    setSecret(c.secretAccessKey)
    setSecret(c.sessionToken)
    const credentials: AwsCredentialIdentity = c
    return { ...base, credentials }
  } catch (e) {
    if (e instanceof CredentialsError || e instanceof StsEndpointError) throw e
    const hint =
      stsCode(e) === 'InvalidIdentityToken'
        ? ` Check that the account has an IAM OIDC provider for https://token.actions.githubusercontent.com whose audiences include "${opts.audience}" (the \`audience\` input).`
        : ''
    throw new CredentialsError(
      `Could not assume ${opts.roleToAssume}: ${((e as Error)?.message ?? String(e)).replace(/\.$/, '')}.${hint}`,
    )
  }
}

/** The environment's credentials (already configured by an earlier step, or the sandbox's). */
export function environmentSession(
  region: string,
  options: { partition?: string; recorder?: CallRecorder } = {},
): AwsSession {
  if (!region)
    throw new CredentialsError('No AWS region: set `cluster.region` in the config or the `aws-region` input.')
  for (const v of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) if (process.env[v]) setSecret(process.env[v]!)
  return { region, partition: options.partition ?? partitionOf(region), recorder: options.recorder }
}

/** The account of the session's identity; a CredentialsError when AWS does not accept the credentials. */
export async function callerAccount(session: AwsSession): Promise<{ accountId: string; arn: string }> {
  let out
  try {
    out = await getCallerIdentity(session)
  } catch (e) {
    throw new CredentialsError(`AWS did not accept the credentials (STS GetCallerIdentity): ${(e as Error).message}`)
  }
  if (!out.Account) throw new CredentialsError('STS GetCallerIdentity returned no account')
  return { accountId: out.Account, arn: out.Arn ?? '' }
}
