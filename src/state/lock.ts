/**
 * The state lock: one object next to the state record (`<state.key>.lock`), created with a conditional write
 * (`If-None-Match: *`) so that of two runs racing for it exactly one succeeds. It says who holds it, from which
 * run, since when, for which operation. A run that finds it held fails at once, naming the holder; a lock left by
 * a run that died is removed only when the `break-lock` input asks for it. Releasing deletes the object only if it
 * is still ours (`If-Match` with the ETag we wrote). The run's session (src/session.ts) releases it on every way out,
 * a cancelled job included.
 */
import { hostname, userInfo } from 'node:os'
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import type { S3Client } from '@aws-sdk/client-s3'
import { awsErrorName, describeAwsError, httpStatus } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { ActionFailure } from '../outcome.js'
import { runUrl } from '../workflow-run.js'

export interface StateLocation {
  bucket: string
  /** Key of the state record; the lock is `<key>.lock`. */
  key: string
  region?: string
}

export interface LockHolder {
  formatVersion: 1
  /** Random: tells two holders apart even when everything else matches. */
  id: string
  operation: string
  cluster: string
  /** The GitHub user who triggered the run, or user@host outside GitHub. */
  who: string
  repository?: string
  runId?: string
  runAttempt?: string
  runUrl?: string
  workflow?: string
  job?: string
  commit?: string
  /** ISO 8601. */
  createdAt: string
}

/** A lock as found in the bucket. `holder` is undefined when the object is not a lock this action wrote. */
export interface FoundLock {
  holder?: LockHolder
  etag?: string
  lastModified?: Date
}

/** GitHub-hosted jobs end after 6 hours: a lock older than that, from such a job, has no live holder. */
const HOSTED_JOB_LIMIT_MS = 6 * 60 * 60 * 1000

/**
 * The configured state location. Without one, an apply or destroy still runs, unlocked and unrecorded: say so.
 */
export function stateLocation(state: StateLocation | undefined, mode: string): StateLocation | undefined {
  if (!state && mode !== 'plan') {
    core.warning(
      `No \`state\` in the config: this ${mode} runs without a lock, so two runs at once could interleave their ` +
        'changes, and no record of it is kept. Add `state.bucket` and `state.key` (an S3 bucket the role can ' +
        'write) to lock applies and record them.',
    )
  }
  return state
}

/** The S3 client for the state bucket (its own region when `state.region` is set). */
export function stateClient(session: AwsSession, location: StateLocation): Promise<S3Client> {
  return clients.s3(session, location.region)
}

export function lockKey(location: StateLocation): string {
  return `${location.key}.lock`
}

export function s3Url(location: StateLocation, key = location.key): string {
  return `s3://${location.bucket}/${key}`
}

export class LockedError extends ActionFailure {
  constructor(
    message: string,
    readonly found: FoundLock,
  ) {
    super('locked', message)
    this.name = 'LockedError'
  }
}

export interface AcquireOptions {
  operation: string
  cluster: string
  /** Remove a lock held by someone else first (the `break-lock` input). */
  breakLock?: boolean
  env?: NodeJS.ProcessEnv
  now?: () => Date
}

/** Who is running, for the lock: read from the runner's environment. */
export function holderFromEnvironment(
  options: Pick<AcquireOptions, 'operation' | 'cluster' | 'env' | 'now'>,
): LockHolder {
  const env = options.env ?? process.env
  const holder: LockHolder = {
    formatVersion: 1,
    id: randomUUID(),
    operation: options.operation,
    cluster: options.cluster,
    who: env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || localUser(),
    repository: env.GITHUB_REPOSITORY || undefined,
    runId: env.GITHUB_RUN_ID || undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    runUrl: runUrl(env),
    workflow: env.GITHUB_WORKFLOW || undefined,
    job: env.GITHUB_JOB || undefined,
    commit: env.GITHUB_SHA || undefined,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
  }
  return JSON.parse(JSON.stringify(holder)) as LockHolder
}

function localUser(): string {
  try {
    return `${userInfo().username}@${hostname()}`
  } catch {
    return `pid ${process.pid}@${hostname()}`
  }
}

/** The lock we hold. `release()` is safe to call more than once. */
export class StateLock {
  private released = false

  constructor(
    private readonly s3: S3Client,
    readonly location: StateLocation,
    readonly holder: LockHolder,
    private readonly etag: string | undefined,
  ) {}

  async release(): Promise<void> {
    if (this.released) return
    this.released = true
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3')
    const url = s3Url(this.location, lockKey(this.location))
    try {
      await this.s3.send(
        new DeleteObjectCommand({
          Bucket: this.location.bucket,
          Key: lockKey(this.location),
          ...(this.etag ? { IfMatch: this.etag } : {}),
        }),
      )
      core.info(`State lock released: ${url}`)
    } catch (e) {
      if (isPreconditionFailed(e)) {
        core.warning(
          `The state lock ${url} is no longer ours (someone broke it and another run took it); left it in place.`,
        )
      } else if (isMissing(e)) {
        core.warning(`The state lock ${url} was already gone when this run finished (broken by another run?).`)
      } else {
        core.warning(
          `The state lock ${url} could not be released (${describeAwsError(e)}). The next apply will find it: ` +
            `once no run is active, run it with \`break-lock: true\`, or delete ${url}.`,
        )
      }
    }
  }
}

/**
 * Takes the lock, or fails at once naming its holder. With `breakLock`, a lock held by someone else is removed
 * first (only the very lock that was read: the delete is conditional on its ETag) and the attempt repeated once.
 */
export async function acquireLock(s3: S3Client, location: StateLocation, options: AcquireOptions): Promise<StateLock> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3')
  const url = s3Url(location, lockKey(location))
  const now = options.now ?? (() => new Date())
  let broke = false
  for (let attempt = 0; attempt < 3; attempt++) {
    const holder = holderFromEnvironment({ ...options, now })
    try {
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: lockKey(location),
          Body: `${JSON.stringify(holder, null, 2)}\n`,
          ContentType: 'application/json',
          IfNoneMatch: '*',
        }),
      )
      if (options.breakLock && !broke) core.info(`break-lock: there was no lock to break at ${url}`)
      core.info(`State lock taken: ${url} (${holder.operation} by ${holder.who})`)
      return new StateLock(s3, location, holder, put.ETag)
    } catch (e) {
      if (!isLockConflict(e)) throw explainS3Error(e, location, lockKey(location), 'write')
    }
    const found = await readLock(s3, location)
    if (!found) continue // released between our write and our read: try again
    if (!options.breakLock || broke) {
      throw new LockedError(lockedMessage(found, location, now(), broke), found)
    }
    await breakFoundLock(s3, location, found)
    broke = true
  }
  throw new ActionFailure('locked', `The state lock ${url} changed hands repeatedly while this run tried to take it.`)
}

async function breakFoundLock(s3: S3Client, location: StateLocation, found: FoundLock): Promise<void> {
  const { DeleteObjectCommand } = await import('@aws-sdk/client-s3')
  const url = s3Url(location, lockKey(location))
  try {
    await s3.send(
      new DeleteObjectCommand({
        Bucket: location.bucket,
        Key: lockKey(location),
        ...(found.etag ? { IfMatch: found.etag } : {}),
      }),
    )
  } catch (e) {
    // Someone released or replaced it meanwhile: the next attempt reads the new state.
    if (!isPreconditionFailed(e) && !isMissing(e)) throw explainS3Error(e, location, lockKey(location), 'delete')
  }
  core.warning(`break-lock: removed the state lock ${url} held by ${describeHolder(found, new Date())}`)
}

/** The lock in the bucket, or undefined when there is none. */
export async function readLock(s3: S3Client, location: StateLocation): Promise<FoundLock | undefined> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3')
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: lockKey(location) }))
    const text = (await got.Body?.transformToString('utf8')) ?? ''
    return { holder: parseHolder(text), etag: got.ETag, lastModified: got.LastModified }
  } catch (e) {
    if (isMissing(e)) return undefined
    throw explainS3Error(e, location, lockKey(location), 'read')
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const data = JSON.parse(text) as Partial<LockHolder>
    if (data?.formatVersion !== 1 || typeof data.who !== 'string' || typeof data.createdAt !== 'string')
      return undefined
    return data as LockHolder
  } catch {
    return undefined
  }
}

/** `octocat (apply, run https://…/runs/42 attempt 1, since 2025-06-02T09:00:00Z, 12 min ago)` */
export function describeHolder(found: FoundLock, now: Date): string {
  const h = found.holder
  const since = h?.createdAt ?? found.lastModified?.toISOString()
  const age = since ? ` (${formatAge(now.getTime() - Date.parse(since))} ago)` : ''
  if (!h) return `an unknown holder: the lock object is not one this action wrote${since ? `, since ${since}` : ''}`
  const run = h.runUrl
    ? `run ${h.runUrl}${h.runAttempt && h.runAttempt !== '1' ? ` attempt ${h.runAttempt}` : ''}`
    : 'a run outside GitHub Actions'
  return `${h.who} (${h.operation} of ${h.cluster}, ${run}, since ${h.createdAt}${age})`
}

function lockedMessage(found: FoundLock, location: StateLocation, now: Date, broke: boolean): string {
  const url = s3Url(location, lockKey(location))
  if (broke) {
    return `The state lock ${url} was taken again right after break-lock removed it, by ${describeHolder(found, now)}. Another run is active: let it finish.`
  }
  const since = found.holder?.createdAt ?? found.lastModified?.toISOString()
  const ageMs = since ? now.getTime() - Date.parse(since) : 0
  const stale =
    ageMs > HOSTED_JOB_LIMIT_MS
      ? ' It is older than the 6-hour limit of a GitHub-hosted job, so its run has most likely died.'
      : ''
  return (
    `The state is locked: ${url} is held by ${describeHolder(found, now)}.${stale} ` +
    'Wait for that run to finish and run this one again. If that run died and no other run is active, run again ' +
    'with `break-lock: true` to remove the lock.'
  )
}

function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'moments'
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`
  if (minutes < 120) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h`
  return `${Math.floor(hours / 24)} days`
}

// ---------------------------------------------------------------------------------------------------------------
// S3 errors
// ---------------------------------------------------------------------------------------------------------------

function isPreconditionFailed(e: unknown): boolean {
  return awsErrorName(e) === 'PreconditionFailed' || httpStatus(e) === 412
}

/** The object exists (412), or a concurrent conditional write won the race (409 ConditionalRequestConflict). */
function isLockConflict(e: unknown): boolean {
  return isPreconditionFailed(e) || awsErrorName(e) === 'ConditionalRequestConflict' || httpStatus(e) === 409
}

/** No such object (a missing bucket is another matter). */
export function isMissing(e: unknown): boolean {
  const name = awsErrorName(e)
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatus(e) === 404 && name !== 'NoSuchBucket')
}

/** One clear error per cause, naming the object, the permission and the fix. */
export function explainS3Error(
  e: unknown,
  location: StateLocation,
  key: string,
  access: 'read' | 'write' | 'delete',
): ActionFailure {
  const url = s3Url(location, key)
  const name = awsErrorName(e) ?? 'Error'
  const said = `(${describeAwsError(e)})`
  const permission = { read: 's3:GetObject', write: 's3:PutObject', delete: 's3:DeleteObject' }[access]
  let message: string
  if (name === 'NoSuchBucket') {
    message = `The state bucket ${location.bucket} does not exist ${said}: create it, or fix \`state.bucket\` in the config.`
  } else if (name === 'AccessDenied' || httpStatus(e) === 403) {
    message =
      `Access denied to ${url} ${said}: the role needs ${permission} there (the state and its lock need ` +
      `s3:GetObject, s3:PutObject and s3:DeleteObject on arn:aws:s3:::${location.bucket}/${location.key}*).`
  } else if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || httpStatus(e) === 301) {
    message = `The state bucket ${location.bucket} is in another region ${said}: set \`state.region\` in the config.`
  } else if (name === 'NotImplemented' || httpStatus(e) === 501) {
    message =
      `The S3 endpoint cannot do conditional writes ${said}, which the state lock needs (If-None-Match on ` +
      'PutObject, If-Match on DeleteObject). Use Amazon S3 or a store that supports them.'
  } else {
    message = `Could not ${access} ${url} ${said}.`
  }
  return new ActionFailure('state', message, { cause: e })
}
