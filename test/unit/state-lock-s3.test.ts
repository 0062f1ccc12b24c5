/**
 * The state lock's decisions against a stub S3 that keeps objects and honours the conditional writes the way S3 does
 * (If-None-Match: *, If-Match on an ETag; 412 otherwise): a lost answer whose retry meets our own lock, stale-lease
 * takeover, the refusals of break-lock, renewal, and a lock taken over while we held it.
 */
import { describe, expect, test } from '@jest/globals'
import type { S3Client } from '@aws-sdk/client-s3'
import { ActionFailure } from '../../src/outcome.js'
import {
  acquireLock,
  describeHolder,
  holderFromEnvironment,
  isStale,
  leaseOf,
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
  /** Run ahead of the next requests, one each: may throw (a failure) or change the objects. */
  before: ((command: string) => void)[] = []
  private n = 0

  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    const name = command.constructor.name
    const input = command.input
    this.calls.push({ command: name, input })
    this.before.shift()?.(name)
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

/** Polls `done` every 50 ms until it holds or `ms` have passed. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
  return done()
}

describe('renewal', () => {
  const puts = (s3: StubS3) => s3.calls.filter((c) => c.command === 'PutObjectCommand')

  test('a held lock renews itself every third of its lease, and stops once released', async () => {
    const s3 = new StubS3()
    // A lease of 1.5 s: renewed every 0.5 s.
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      leaseSeconds: 1.5,
    })
    expect(s3.holder()).toMatchObject({ id: lock.holder.id, leaseSeconds: 1.5 })
    expect(s3.holder()?.renewedAt).toBeUndefined()
    expect(await until(() => puts(s3).length >= 2, 4000)).toBe(true)
    expect(s3.holder()).toMatchObject({ id: lock.holder.id, renewedAt: expect.any(String) })
    expect(puts(s3)[1].input).toMatchObject({ IfMatch: '"etag-1"' })
    await lock.release()
    expect(s3.objects.has(KEY)).toBe(false)
    const after = s3.calls.length
    // Started again after the release, it does nothing: no renewal brings the lock back.
    lock.startRenewal()
    await new Promise((r) => setTimeout(r, 1200))
    expect(s3.calls.length).toBe(after)
    expect(s3.objects.has(KEY)).toBe(false)
  })

  test('each renewal writes on the ETag of the one before, and the holder keeps its last renewal', async () => {
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
    now = minutes(10)
    await lock.renew()
    expect(puts(s3).map((c) => c.input.IfMatch)).toEqual([undefined, '"etag-1"', '"etag-2"'])
    expect(lock.holder.renewedAt).toBe(minutes(10).toISOString())
    expect(lock.lost).toBe(false)
    await lock.release()
    expect(s3.calls.at(-1)?.input).toMatchObject({ IfMatch: '"etag-3"' })
    expect(s3.objects.has(KEY)).toBe(false)
  })

  test('a renewal that fails for another cause is a warning; the lock stays ours and the next renewal works', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    s3.before.push(() => {
      throw s3Error('SlowDown', 503)
    })
    await lock.renew()
    expect(lock.lost).toBe(false)
    expect(stdout()).toMatch(
      /::warning::The state lock s3:\/\/espace-project-store\/karpenter\/opsfleet-dev-cluster\.json\.lock could not be renewed \(SlowDown\); trying again later\./,
    )
    expect(stdout()).not.toContain('::error::')
    await lock.renew()
    expect(s3.holder()?.renewedAt).toEqual(expect.any(String))
    expect(puts(s3).at(-1)?.input).toMatchObject({ IfMatch: '"etag-1"' })
  })

  test('a lock deleted under its holder is lost: said as an error, never written again', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    s3.objects.delete(KEY)
    await lock.renew()
    expect(lock.lost).toBe(true)
    expect(stdout()).toMatch(/::error::The state lock .* is no longer ours: .*\(it is gone\)\. Two runs may now change/)
    const calls = s3.calls.length
    await lock.renew()
    expect(s3.calls.length).toBe(calls)
    expect(s3.objects.has(KEY)).toBe(false)
  })

  test('renewals asked for at once make one write', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    await Promise.all([lock.renew(), lock.renew(), lock.renew()])
    expect(puts(s3)).toHaveLength(2)
    await lock.renew()
    expect(puts(s3)).toHaveLength(3)
  })
})

describe('release', () => {
  test('a second release while the first one deletes waits for that delete, and deletes nothing more', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    expect(lock.held).toBe(true)
    let answer!: () => void
    const answered = new Promise<void>((r) => (answer = r))
    const send = s3.send.bind(s3)
    s3.send = async (command) => {
      if (command.constructor.name === 'DeleteObjectCommand') await answered
      return send(command)
    }
    const first = lock.release()
    expect(lock.held).toBe(false)
    let secondDone = false
    const second = lock.release().then(() => (secondDone = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(secondDone).toBe(false)
    answer()
    await Promise.all([first, second])
    expect(s3.objects.has(KEY)).toBe(false)
    expect(s3.calls.filter((c) => c.command === 'DeleteObjectCommand')).toHaveLength(1)
    expect(stdout().match(/State lock released/g)).toHaveLength(1)
  })
})

describe('taking the lock, the rarer ways', () => {
  test('break-lock with no lock to break says so, and takes it', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      breakLock: true,
      renew: false,
    })
    expect(s3.holder()?.id).toBe(lock.holder.id)
    expect(stdout()).toContain(
      'break-lock: there was no lock to break at s3://espace-project-store/karpenter/opsfleet-dev-cluster.json.lock',
    )
  })

  test('a stale lock deleted before the takeover is taken as a free one', async () => {
    const s3 = new StubS3()
    s3.put(holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB, now: () => t0 }), t0)
    // The takeover write (If-Match the stale lock) finds it gone.
    s3.before.push(
      () => undefined,
      () => undefined,
      () => void s3.objects.delete(KEY),
    )
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      now: () => minutes(30),
      renew: false,
    })
    const written = s3.calls.filter((c) => c.command === 'PutObjectCommand').map((c) => c.input)
    expect(written).toHaveLength(3)
    expect(written[1]).toHaveProperty('IfMatch')
    expect(written[2]).toMatchObject({ IfNoneMatch: '*' })
    expect(s3.holder()?.id).toBe(lock.holder.id)
  })

  test('a lock that changes hands at every attempt: four attempts, then reason locked', async () => {
    const s3 = new StubS3()
    let n = 0
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        s3.calls.push({ command: command.constructor.name, input: command.input })
        if (command.constructor.name === 'PutObjectCommand') throw s3Error('PreconditionFailed', 412)
        // Each read finds another dead run's lock.
        const dead = holderFromEnvironment({
          operation: 'apply',
          cluster: 'c',
          env: { ...runB, GITHUB_RUN_ID: String(2000 + ++n) },
          now: () => t0,
        })
        return { ETag: `"e${n}"`, LastModified: t0, Body: { transformToString: async () => JSON.stringify(dead) } }
      },
    } as unknown as S3Client
    const attempt = acquireLock(client, location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      now: () => minutes(60),
      renew: false,
    })
    await expect(attempt).rejects.toBeInstanceOf(ActionFailure)
    await expect(attempt).rejects.toMatchObject({ reason: 'locked' })
    await expect(attempt).rejects.toThrow(
      'The state lock s3://espace-project-store/karpenter/opsfleet-dev-cluster.json.lock changed hands repeatedly while this run tried to take it.',
    )
    expect(s3.calls.filter((c) => c.command === 'PutObjectCommand')).toHaveLength(4)
  })

  test('the lock written is the holder as JSON on its own, ending in a newline', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    const body = s3.objects.get(KEY)!.body
    expect(body).toBe(`${JSON.stringify(lock.holder, null, 2)}\n`)
    expect(s3.calls[0].input).toMatchObject({ Bucket: location.bucket, Key: KEY, ContentType: 'application/json' })
  })
})

describe('the lease a lock declares', () => {
  const holder = holderFromEnvironment({ operation: 'apply', cluster: 'c', env: runB, now: () => t0 })
  const seconds = (n: number) => new Date(t0.getTime() + n * 1000)

  test('is bounded to 1 s .. 24 h, and a lease that is not a number is the default', () => {
    expect(leaseOf({ holder: { ...holder, leaseSeconds: 0 } })).toBe(1)
    expect(leaseOf({ holder: { ...holder, leaseSeconds: -60 } })).toBe(1)
    expect(leaseOf({ holder: { ...holder, leaseSeconds: 10 ** 9 } })).toBe(86_400)
    expect(leaseOf({ holder: { ...holder, leaseSeconds: 90 } })).toBe(90)
    expect(leaseOf({ holder: { ...holder, leaseSeconds: '60' as unknown as number } })).toBe(LOCK_LEASE_SECONDS)
    expect(leaseOf({ holder: { ...holder, leaseSeconds: Number.NaN } })).toBe(LOCK_LEASE_SECONDS)
    expect(leaseOf({ holder: { ...holder, leaseSeconds: Infinity } })).toBe(LOCK_LEASE_SECONDS)
    expect(leaseOf({})).toBe(LOCK_LEASE_SECONDS)
  })

  test('a lock is stale only once its age is past the lease, not at it', () => {
    const short = { holder: { ...holder, leaseSeconds: 60 } }
    expect(isStale(short, seconds(60))).toBe(false)
    expect(isStale(short, seconds(61))).toBe(true)
    // A lease declared as 0 still lasts a second: a lock is never stale the moment it is written.
    expect(isStale({ holder: { ...holder, leaseSeconds: 0 } }, seconds(1))).toBe(false)
    expect(isStale({ holder: { ...holder, leaseSeconds: 0 } }, seconds(2))).toBe(true)
    // A lease of a billion seconds is still a day at most.
    expect(isStale({ holder: { ...holder, leaseSeconds: 10 ** 9 } }, seconds(86_401))).toBe(true)
  })

  test('a lock with no readable time has no age, and is never stale', () => {
    const undated = { holder: { ...holder, createdAt: 'not a date' } }
    expect(isStale(undated, minutes(60 * 24 * 365))).toBe(false)
    expect(isStale({}, minutes(60))).toBe(false)
    // S3's time alone is enough.
    expect(isStale({ lastModified: t0 }, minutes(16))).toBe(true)
    expect(isStale({ holder: { ...holder, createdAt: 'not a date' }, lastModified: t0 }, minutes(16))).toBe(true)
  })

  test('a renewed lock is described with its last renewal', () => {
    const renewed = { holder: { ...holder, renewedAt: minutes(8).toISOString() }, lastModified: minutes(8) }
    expect(describeHolder(renewed, minutes(10))).toMatch(
      /, since 2026-03-01T10:00:00\.000Z, 10 min ago; last renewed 2 min ago\)$/,
    )
    expect(describeHolder({ holder }, minutes(10))).toMatch(/, 10 min ago\)$/)
  })
})

describe('a lock object this action did not write', () => {
  const foreign = (s3: StubS3) => s3.objects.set(KEY, { body: 'written by hand', etag: '"foreign"', lastModified: t0 })

  test('is held by an unknown holder: the run stops naming it, and force replaces it', async () => {
    const s3 = new StubS3()
    foreign(s3)
    const attempt = acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      now: () => minutes(1),
      renew: false,
    })
    await expect(attempt).rejects.toBeInstanceOf(LockedError)
    await expect(attempt).rejects.toMatchObject({ name: 'LockedError', reason: 'locked' })
    await expect(attempt).rejects.toThrow(
      'is held by an unknown holder: the lock object is not one this action wrote, since 2026-03-01T10:00:00.000Z.',
    )
    expect(s3.objects.get(KEY)?.body).toBe('written by hand')
    const lock = await acquireLock(s3.client(), location, {
      operation: 'apply',
      cluster: 'c',
      env: runA,
      breakLock: 'force',
      now: () => minutes(1),
      renew: false,
    })
    expect(s3.holder()?.id).toBe(lock.holder.id)
  })

  test('put in place of a held lock, it makes the lock lost at its next renewal', async () => {
    const s3 = new StubS3()
    const lock = await acquireLock(s3.client(), location, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    foreign(s3)
    await lock.renew()
    expect(lock.lost).toBe(true)
    expect(stdout()).toMatch(/::error::The state lock .* is no longer ours: .*\(an unknown holder: /)
  })
})

test('a lock taken with renew: false is not renewed by itself', async () => {
  const s3 = new StubS3()
  const lock = await acquireLock(s3.client(), location, {
    operation: 'apply',
    cluster: 'c',
    env: runA,
    leaseSeconds: 0.3,
    renew: false,
  })
  // Renewed every 0.1 s if its timer ran.
  await new Promise((r) => setTimeout(r, 500))
  expect(s3.calls.map((c) => c.command)).toEqual(['PutObjectCommand'])
  await lock.release()
})
