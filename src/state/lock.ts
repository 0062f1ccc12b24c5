/**
 * The state lock: one object next to the state record (`<state.key>.lock`), created with a conditional write
 * (`If-None-Match: *`) so that of two runs racing for it exactly one succeeds. It says who holds it (a holder id made
 * of the run id, its attempt and a random part), from which run, since when, for which operation, and its lease.
 *
 * - A write that S3 stored but whose answer was lost is retried by the SDK and answered 412: the lock is read again,
 *   and when its holder id is ours, it is ours.
 * - The holder renews the lock (a conditional write, `If-Match` its ETag) every third of its lease (15 minutes) while
 *   it runs. A lock not renewed for longer than its lease belongs to a run that died: it is reported as stale, with
 *   its holder and age, and taken over by a conditional write on the ETag that was read (of two runs taking it over
 *   at once, one wins).
 * - A live lock (younger than its lease) stops the run at once, naming the holder; `break-lock: true` refuses it
 *   too, and only `break-lock: force` removes it.
 * - Releasing deletes the object only if it is still ours (`If-Match` with the ETag we wrote last). The run's session
 *   (src/session.ts) releases it on every way out, a cancelled job included; an apply releases it as soon as its
 *   record is written and its result reported, before its verify ends (verify only reads, and may wait minutes for
 *   the controller).
 */
import { hostname, userInfo } from 'node:os'
import { randomUUID } from 'node:crypto'
import * as core from '../runner.js'
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
  /** The run id, its attempt and a random part (`run-987.2-3f2a9c1e`): tells two holders apart, one run's retries alike. */
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
  /** How long the lock stays live without a renewal, in seconds; absent in locks of earlier versions (the default). */
  leaseSeconds?: number
  /** ISO 8601: the holder's last renewal. */
  renewedAt?: string
}

/** A lock as found in the bucket. `holder` is undefined when the object is not a lock this action wrote. */
export interface FoundLock {
  holder?: LockHolder
  etag?: string
  lastModified?: Date
}

/**
 * The lease of a lock: a holder renews it every third of this while it runs, so a lock not renewed for longer has no
 * live holder. 15 minutes: longer than any pause of a live run between two renewals, short enough that a run that
 * died blocks the next one for at most that long.
 */
export const LOCK_LEASE_SECONDS = 15 * 60

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

/**
 * The `break-lock` input: false (a live lock stops the run; a stale one is taken over), true (the same, and says so
 * when there is nothing to break), force (a live lock is removed as well: only when its run is known to be dead).
 */
export type BreakLock = boolean | 'force'

export interface AcquireOptions {
  operation: string
  cluster: string
  breakLock?: BreakLock
  env?: NodeJS.ProcessEnv
  now?: () => Date
  /** The lease this run writes (LOCK_LEASE_SECONDS by default; tests shorten it). */
  leaseSeconds?: number
  /** Renew the lock every third of its lease while it is held (default true). */
  renew?: boolean
}

/** Who is running, for the lock: read from the runner's environment. */
export function holderFromEnvironment(
  options: Pick<AcquireOptions, 'operation' | 'cluster' | 'env' | 'now' | 'leaseSeconds'>,
): LockHolder {
  const env = options.env ?? process.env
  const random = randomUUID().slice(0, 8)
  const holder: LockHolder = {
    formatVersion: 1,
    id: env.GITHUB_RUN_ID ? `run-${env.GITHUB_RUN_ID}.${env.GITHUB_RUN_ATTEMPT || '1'}-${random}` : `local-${random}`,
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
    leaseSeconds: options.leaseSeconds ?? LOCK_LEASE_SECONDS,
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
  private releasing?: Promise<void>
  private renewal?: ReturnType<typeof setInterval>
  private renewing?: Promise<void>
  /** Set when a renewal found the lock taken by another run. */
  lost = false

  constructor(
    private readonly s3: S3Client,
    readonly location: StateLocation,
    readonly holder: LockHolder,
    private etag: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Renews the lock every third of its lease until it is released (the timer keeps no process alive). */
  startRenewal(): void {
    if (this.renewal || this.released) return
    const every = ((this.holder.leaseSeconds ?? LOCK_LEASE_SECONDS) * 1000) / 3
    this.renewal = setInterval(() => void this.renew(), every)
    this.renewal.unref()
  }

  /** Writes the lock again with a new `renewedAt`, only if it is still the one we wrote (`If-Match`). */
  renew(): Promise<void> {
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = undefined))
    return this.renewing
  }

  private async renewOnce(): Promise<void> {
    if (this.released || this.lost || !this.etag) return
    const { PutObjectCommand } = await import('@aws-sdk/client-s3')
    const url = s3Url(this.location, lockKey(this.location))
    const holder: LockHolder = { ...this.holder, renewedAt: this.now().toISOString() }
    try {
      const put = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: lockKey(this.location),
          Body: lockBody(holder),
          ContentType: 'application/json',
          IfMatch: this.etag,
        }),
      )
      this.etag = put.ETag ?? this.etag
      this.holder.renewedAt = holder.renewedAt
    } catch (e) {
      if (isPreconditionFailed(e) || isMissing(e)) {
        // A retried renewal whose first write succeeded also answers 412: ours if the holder id is.
        const found = await readLock(this.s3, this.location).catch(() => undefined)
        if (found?.holder?.id === this.holder.id) {
          this.etag = found.etag
          return
        }
        this.lost = true
        this.stopRenewal()
        core.error(
          `The state lock ${url} is no longer ours: it was not renewed in time and another run took it over ` +
            `(${found ? describeHolder(found, this.now()) : 'it is gone'}). Two runs may now change the cluster at once.`,
        )
      } else {
        core.warning(`The state lock ${url} could not be renewed (${describeAwsError(e)}); trying again later.`)
      }
    }
  }

  private stopRenewal(): void {
    if (this.renewal) clearInterval(this.renewal)
    this.renewal = undefined
  }

  /** Ours still: release() has not been called. */
  get held(): boolean {
    return !this.releasing
  }

  /** Deletes the lock (if it is still the one we wrote). A second call waits for the first one's delete. */
  release(): Promise<void> {
    this.releasing ??= this.releaseOnce()
    return this.releasing
  }

  private async releaseOnce(): Promise<void> {
    this.stopRenewal()
    await this.renewing?.catch(() => undefined)
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
          `The state lock ${url} could not be released (${describeAwsError(e)}). The next apply will find it and ` +
            `take it over once its lease has run out (${formatAge((this.holder.leaseSeconds ?? LOCK_LEASE_SECONDS) * 1000)} after ` +
            `its last renewal), or delete ${url} once no run is active.`,
        )
      }
    }
  }
}

function lockBody(holder: LockHolder): string {
  return `${JSON.stringify(holder, null, 2)}\n`
}

/** How long the lock has gone without a write: from the later of the holder's last renewal and S3's LastModified. */
export function lockAgeMs(found: FoundLock, now: Date): number | undefined {
  const times = [found.holder?.renewedAt, found.holder?.createdAt, found.lastModified?.toISOString()]
    .filter((t): t is string => typeof t === 'string')
    .map((t) => Date.parse(t))
    .filter((t) => Number.isFinite(t))
  return times.length ? now.getTime() - Math.max(...times) : undefined
}

/** The lease the holder declared (bounded to 1 s .. 24 h), or the default for a lock that declares none. */
export function leaseOf(found: FoundLock): number {
  const declared = found.holder?.leaseSeconds
  if (typeof declared !== 'number' || !Number.isFinite(declared)) return LOCK_LEASE_SECONDS
  return Math.min(Math.max(declared, 1), 24 * 3600)
}

/** A lock whose age is past its lease: its holder stopped renewing it. */
export function isStale(found: FoundLock, now: Date): boolean {
  const age = lockAgeMs(found, now)
  return age !== undefined && age > leaseOf(found) * 1000
}

/**
 * Takes the lock, or fails at once naming its holder. A 412 whose lock carries our holder id is ours (the SDK retried
 * a write that had succeeded). A stale lock (past its lease) is taken over; a live one only with `break-lock: force`.
 * Both replace the very lock that was read (`If-Match` its ETag): when it changed meanwhile, the attempt repeats.
 */
export async function acquireLock(s3: S3Client, location: StateLocation, options: AcquireOptions): Promise<StateLock> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3')
  const url = s3Url(location, lockKey(location))
  const now = options.now ?? (() => new Date())
  const holder = holderFromEnvironment({ ...options, now })
  const taken = (etag: string | undefined, how: string) => {
    core.info(`State lock taken${how}: ${url} (${holder.operation} by ${holder.who}, holder ${holder.id})`)
    const lock = new StateLock(s3, location, holder, etag, now)
    if (options.renew !== false) lock.startRenewal()
    return lock
  }
  let replacing: FoundLock | undefined
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: lockKey(location),
          Body: lockBody(holder),
          ContentType: 'application/json',
          ...(replacing?.etag ? { IfMatch: replacing.etag } : { IfNoneMatch: '*' }),
        }),
      )
      if (!replacing && options.breakLock) core.info(`break-lock: there was no lock to break at ${url}`)
      return taken(put.ETag, replacing ? ' over' : '')
    } catch (e) {
      if (!isLockConflict(e) && !(replacing && isMissing(e))) {
        throw explainS3Error(e, location, lockKey(location), 'write')
      }
    }
    replacing = undefined
    const found = await readLock(s3, location)
    if (!found) continue // released meanwhile: try again
    if (found.holder?.id === holder.id) {
      // S3 stored our write, its answer was lost, and the SDK's retry met our own lock.
      return taken(found.etag, ' (the first write had succeeded; its retry found it)')
    }
    const at = now()
    if (isStale(found, at)) {
      core.warning(
        `The state lock ${url} is stale: held by ${describeHolder(found, at)}, not renewed for longer than its ` +
          `lease of ${formatAge(leaseOf(found) * 1000)}, so its run has stopped. Taking it over.`,
      )
    } else if (options.breakLock === 'force') {
      core.warning(`break-lock: force: replacing the live state lock ${url} held by ${describeHolder(found, at)}`)
    } else {
      throw new LockedError(lockedMessage(found, location, at, options.breakLock === true), found)
    }
    replacing = found
  }
  throw new ActionFailure('locked', `The state lock ${url} changed hands repeatedly while this run tried to take it.`)
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

/**
 * `octocat (apply of c, run https://…/runs/42 attempt 2, holder run-42.2-3f2a9c1e, since 2025-06-02T09:00:00Z,
 * 12 min ago; last written 2 min ago)`
 */
export function describeHolder(found: FoundLock, now: Date): string {
  const h = found.holder
  const since = h?.createdAt ?? found.lastModified?.toISOString()
  if (!h) return `an unknown holder: the lock object is not one this action wrote${since ? `, since ${since}` : ''}`
  const run = h.runUrl
    ? `run ${h.runUrl}${h.runAttempt && h.runAttempt !== '1' ? ` attempt ${h.runAttempt}` : ''}`
    : 'a run outside GitHub Actions'
  const created = Date.parse(h.createdAt)
  const ago = Number.isFinite(created) ? `, ${formatAge(now.getTime() - created)} ago` : ''
  const written = lockAgeMs(found, now)
  const last = h.renewedAt && written !== undefined ? `; last renewed ${formatAge(written)} ago` : ''
  return `${h.who} (${h.operation} of ${h.cluster}, ${run}, holder ${h.id}, since ${h.createdAt}${ago}${last})`
}

function lockedMessage(found: FoundLock, location: StateLocation, now: Date, refusedBreak: boolean): string {
  const url = s3Url(location, lockKey(location))
  const age = lockAgeMs(found, now) ?? 0
  const left = formatAge(Math.max(0, leaseOf(found) * 1000 - age))
  const live = `It is live: renewed within its lease of ${formatAge(leaseOf(found) * 1000)} (it goes stale in ${left} without a renewal).`
  if (refusedBreak) {
    return (
      `break-lock refused: the state lock ${url} is held by ${describeHolder(found, now)}. ${live} ` +
      'Let that run finish, or wait until the lock goes stale (the next run takes it over then). Only if you know ' +
      'that run is dead and no other is active: run again with `break-lock: force`.'
    )
  }
  return (
    `The state is locked: ${url} is held by ${describeHolder(found, now)}. ${live} ` +
    'Wait for that run to finish and run this one again. A lock whose run died goes stale when its lease runs out ' +
    'and the next run takes it over; `break-lock: force` removes a live one.'
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
