/**
 * The state lock's decisions against a stub S3 that keeps objects and honours the conditional writes the way S3 does
 * (If-None-Match: *, If-Match on an ETag; 412 otherwise): a lost answer whose retry meets our own lock, stale-lease
 * takeover, the refusals of break-lock, renewal, and a lock taken over while we held it.
 */
import { describe, expect, test } from '@jest/globals'
import type { S3Client } from '@aws-sdk/client-s3'
import {
  acquireLock,
  holderFromEnvironment,
  isStale,
  LOCK_LEASE_SECONDS,
  LockedError,
  lockKey,
  type LockHolder,
  type StateLocation,
} from '../../src/state/lock.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'

const location: StateLocation = { bucket: 'espace-project-store', key: 'karpenter/opsfleet-dev-cluster.json' }
const KEY = lockKey(location)
const runA = { GITHUB_ACTOR: 'alice', GITHUB_RUN_ID: '1001', GITHUB_RUN_ATTEMPT: '1', GITHUB_REPOSITORY: 'o/r' }
const runB = { GITHUB_ACTOR: 'bob', GITHUB_RUN_ID: '1002', GITHUB_RUN_ATTEMPT: '3', GITHUB_REPOSITORY: 'o/r' }

interface Stored {
  body: string
  etag: string
  lastModified: Date
}

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })
}

/** S3 as far as the lock uses it. `loseAnswers`: that many puts are stored, then answered as their retry would be. */
class StubS3 {
  readonly objects = new Map<string, Stored>()
  readonly calls: { command: string; input: Record<string, unknown> }[] = []
  loseAnswers = 0
  clock = () => new Date()
  private n = 0

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const name = command.constructor.name
    const input = command.input
    this.calls.push({ command: name, input })
    const key = input.Key as string
    const found = this.objects.get(key)
    if (name === 'PutObjectCommand') {
      this.check(found, input)
      const etag = `"etag-${++this.n}"`
      this.objects.set(key, { body: String(input.Body), etag, lastModified: this.clock() })
      if (this.loseAnswers > 0) {
        this.loseAnswers--
        this.check(this.objects.get(key), input) // the SDK's retry of a write that had succeeded
      }
      return { ETag: etag }
    }
    if (name === 'GetObjectCommand') {
      if (!found) throw s3Error('NoSuchKey', 404)
      return {
        ETag: found.etag,
        LastModified: found.lastModified,
        Body: { transformToString: async () => found.body },
      }
    }
    if (name === 'DeleteObjectCommand') {
      if (input.IfMatch && !found) throw s3Error('NoSuchKey', 404)
      this.check(found, input)
      this.objects.delete(key)
      return {}
    }
    throw new Error(`the stub has no ${name}`)
  }

  private check(found: Stored | undefined, input: Record<string, unknown>): void {
    if (input.IfNoneMatch === '*' && found) throw s3Error('PreconditionFailed', 412)
    if (input.IfMatch !== undefined) {
      if (!found) throw s3Error('NoSuchKey', 404)
      if (found.etag !== input.IfMatch) throw s3Error('PreconditionFailed', 412)
    }
  }

  holder(): LockHolder | undefined {
    const o = this.objects.get(KEY)
    return o ? (JSON.parse(o.body) as LockHolder) : undefined
  }

  put(holder: unknown, lastModified: Date): void {
    this.objects.set(KEY, { body: JSON.stringify(holder), etag: `"etag-${++this.n}"`, lastModified })
  }

  client(): S3Client {
    return this as unknown as S3Client
  }
}

const stdout = captureStdoutOfEachTest()
const t0 = new Date('2026-03-01T10:00:00Z')
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)

describe('holder id', () => {
  test('the run id, its attempt and a random part; two holders of one run differ', () => {
    const a = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB })
    const b = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB })
    expect(a.id).toMatch(/^run-1002\.3-[0-9a-f]{8}$/)
    expect(a.id).not.toBe(b.id)
    expect(holderFromEnvironment({ operation: 'apply', cluster: 'c', env: {} }).id).toMatch(/^local-[0-9a-f]{8}$/)
    expect(a.leaseSeconds).toBe(LOCK_LEASE_SECONDS)
  })
})

describe('a write whose answer was lost', () => {
  test('S3 stored it, the retry got 412: the lock read back carries our holder id, so it is ours', async () => {
    const s3 = new StubS3()
    s3.loseAnswers = 1
    const lock = await acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    expect(s3.holder()?.id).toBe(lock.holder.id)
    expect(stdout()).toContain('State lock taken (the first write had succeeded; its retry found it)')
    expect(s3.calls.map((c) => c.command)).toEqual(['PutObjectCommand', 'GetObjectCommand'])
    // It is released as ours: the delete names the ETag that was read back.
    await lock.release()
    expect(s3.objects.has(KEY)).toBe(false)
    expect(s3.calls.at(-1)).toMatchObject({ command: 'DeleteObjectCommand', input: { IfMatch: '"etag-1"' } })
  })

  test('a 412 meeting another holder is still that holder’s lock', async () => {
    const s3 = new StubS3()
    const other = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB })
    s3.put(other, new Date())
    await expect(acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA })).rejects.toThrow(
      LockedError,
    )
    expect(s3.holder()?.id).toBe(other.id)
  })
})

describe('lease', () => {
  test('a lock younger than its lease stops the run, saying when it goes stale', async () => {
    const s3 = new StubS3()
    const other = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB, now: () => t0 })
    s3.put(other, t0)
    const attempt = acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      now: () => minutes(10),
    })
    await expect(attempt).rejects.toMatchObject({ reason: 'locked' })
    await expect(attempt).rejects.toThrow(
      /held by bob \(apply of c, run .*attempt 3, holder run-1002\.3-\w+, since .*, 10 min ago\)\. It is live: renewed within its lease of 15 min \(it goes stale in 5 min without a renewal\)/,
    )
  })

  test('a lock past its lease is reported stale, with holder and age, and taken over on its ETag', async () => {
    const s3 = new StubS3()
    const dead = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB, now: () => t0 })
    s3.put(dead, t0)
    const etag = s3.objects.get(KEY)!.etag
    const lock = await acquireLock(s3.client(), location, {
      operation: 'destroy',
      cluster: 'c',
      env: runA,
      now: () => minutes(16),
      renew: false,
    })
    expect(stdout()).toMatch(
      /::warning::The state lock s3:\/\/espace-project-store\/karpenter\/opsfleet-dev-cluster\.json\.lock is stale: held by bob \(apply of c, .*16 min ago\), not renewed for longer than its lease of 15 min, so its run has stopped\. Taking it over\./,
    )
    expect(s3.holder()).toMatchObject({ id: lock.holder.id, who: 'alice', operation: 'destroy' })
    const takeover = s3.calls.filter((c) => c.command === 'PutObjectCommand').at(-1)!
    expect(takeover.input).toMatchObject({ IfMatch: etag })
    expect(takeover.input).not.toHaveProperty('IfNoneMatch')
  })

  test('age counts from the last renewal and from S3’s LastModified, whichever is later', () => {
    const holder = { ...holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB, now: () => t0 }) }
    expect(isStale({ holder, lastModified: t0 }, minutes(16))).toBe(true)
    expect(isStale({ holder: { ...holder, renewedAt: minutes(10).toISOString() } }, minutes(16))).toBe(false)
    // A holder whose clock lags still counts as written when S3 says it was.
    expect(isStale({ holder, lastModified: minutes(5) }, minutes(16))).toBe(false)
    // Its declared lease rules; a lock of an earlier version (none declared) has the default.
    expect(isStale({ holder: { ...holder, leaseSeconds: 60 } }, minutes(2))).toBe(true)
    const { leaseSeconds: _, ...old } = holder
    expect(isStale({ holder: old }, minutes(14))).toBe(false)
    expect(isStale({ holder: old }, minutes(16))).toBe(true)
  })

  test('two runs taking over one stale lock: the ETag lets one win, the other meets its live lock', async () => {
    const s3 = new StubS3()
    const dead = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB, now: () => t0 })
    s3.put(dead, t0)
    s3.clock = () => minutes(20)
    const options = { operation: 'apply', cluster: 'c', now: () => minutes(20), renew: false }
    const results = await Promise.allSettled([
      acquireLock(s3.client(), location, { ...options, env: runA }),
      acquireLock(s3.client(), location, { ...options, env: { ...runB, GITHUB_RUN_ID: '1003' } }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(lost.reason).toBeInstanceOf(LockedError)
    const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ holder: LockHolder }>)
      .value
    expect(s3.holder()?.id).toBe(winner.holder.id)
  })

  test('renewal rewrites the lock on its own ETag; a lock taken over meanwhile is lost, said as an error', async () => {
    const s3 = new StubS3()
    let now = t0
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      now: () => now,
      renew: false,
    })
    now = minutes(5)
    await lock.renew()
    expect(s3.holder()?.renewedAt).toBe(minutes(5).toISOString())
    expect(s3.calls.at(-1)?.input).toMatchObject({ IfMatch: '"etag-1"' })
    // Another run took it over (we were paused past the lease).
    s3.put(holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB }), minutes(30))
    now = minutes(31)
    await lock.renew()
    expect(lock.lost).toBe(true)
    expect(stdout()).toMatch(/::error::The state lock .* is no longer ours: .*another run took it over \(bob/)
    await lock.release()
    expect(s3.holder()?.who).toBe('bob') // theirs stays
  })

  test('a renewal whose answer was lost is still ours', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      renew: false,
    })
    s3.loseAnswers = 1
    await lock.renew()
    expect(lock.lost).toBe(false)
    await lock.release()
    expect(s3.objects.has(KEY)).toBe(false)
  })
})

describe('break-lock', () => {
  const live = (s3: StubS3) => {
    const other = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB, now: () => t0 })
    s3.put(other, t0)
    return other
  }

  test('true refuses a lock younger than its lease, naming force', async () => {
    const s3 = new StubS3()
    const other = live(s3)
    const attempt = acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      breakLock: true,
      now: () => minutes(3),
    })
    await expect(attempt).rejects.toThrow(
      /^break-lock refused: the state lock .* is held by bob .* It is live: .*it goes stale in 12 min.*`break-lock: force`\.$/,
    )
    expect(s3.holder()?.id).toBe(other.id)
    expect(s3.calls.map((c) => c.command)).not.toContain('DeleteObjectCommand')
  })

  test('force replaces a live lock, only the very one that was read', async () => {
    const s3 = new StubS3()
    live(s3)
    const etag = s3.objects.get(KEY)!.etag
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      breakLock: 'force',
      now: () => minutes(3),
      renew: false,
    })
    expect(s3.holder()?.id).toBe(lock.holder.id)
    expect(s3.calls.filter((c) => c.command === 'PutObjectCommand').at(-1)?.input).toMatchObject({ IfMatch: etag })
    expect(stdout()).toMatch(/::warning::break-lock: force: replacing the live state lock .* held by bob/)
  })

  test('true takes a stale lock as any run would', async () => {
    const s3 = new StubS3()
    live(s3)
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      breakLock: true,
      now: () => minutes(40),
      renew: false,
    })
    expect(s3.holder()?.id).toBe(lock.holder.id)
  })
})
