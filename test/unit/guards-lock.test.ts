/**
 * The state lock against an in-memory bucket that keeps S3's rules for conditional requests (If-None-Match: * on
 * PutObject, If-Match on DeleteObject, ETags), with failures injected where a real bucket can fail. The integration
 * tests run the same lock against moto; these pin every branch of the lock's own logic.
 */
import { describe, expect, test } from '@jest/globals'
import type { S3Client } from '@aws-sdk/client-s3'
import { ActionFailure } from '../../src/outcome.js'
import {
  acquireLock,
  describeHolder,
  explainS3Error,
  isMissing,
  LockedError,
  readLock,
  s3Url,
  type LockHolder,
} from '../../src/state/lock.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'

const location = { bucket: 'espace-project-store', key: 'karpenter/opsfleet-dev-cluster.json' }
const LOCK_KEY = 'karpenter/opsfleet-dev-cluster.json.lock'
const LOCK_URL = `s3://espace-project-store/${LOCK_KEY}`
const at = new Date('2025-06-02T09:00:00Z')
const env = {
  GITHUB_ACTOR: 'octocat',
  GITHUB_REPOSITORY: 'opsfleet/infrastructure',
  GITHUB_RUN_ID: '987',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
}
// No renewal timer: a lock a test leaves held would renew itself minutes later, in whatever test then runs in this
// process (npm test runs every suite in one). Renewal has its own tests in state-lock-s3.test.ts.
const options = { operation: 'apply', cluster: 'opsfleet-dev-cluster', env, now: () => at, renew: false }

const stdout = captureStdoutOfEachTest()

/** An AWS SDK-shaped error. */
function awsError(name: string, status?: number): Error {
  return Object.assign(new Error('refused'), { name, $metadata: { httpStatusCode: status } })
}

interface Sent {
  command: string
  input: Record<string, unknown>
}

type Hook = (sent: Sent, bucket: FakeBucket) => unknown

/** One bucket's objects; `before` runs ahead of each request and may throw (a failure) or change the objects. */
class FakeBucket {
  readonly objects = new Map<string, { body: string; etag: string; lastModified: Date }>()
  readonly sent: Sent[] = []
  private n = 0
  before: Hook[] = []

  put(key: string, body: string, lastModified = at): string {
    const etag = `"etag-${++this.n}"`
    this.objects.set(key, { body, etag, lastModified })
    return etag
  }

  client(): S3Client {
    return {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const sent = { command: command.constructor.name, input: command.input }
        this.sent.push(sent)
        const hook = this.before.shift()
        if (hook) await hook(sent, this)
        return this.handle(sent)
      },
    } as unknown as S3Client
  }

  private handle({ command, input }: Sent): unknown {
    expect(input.Bucket).toBe(location.bucket)
    const key = input.Key as string
    const object = this.objects.get(key)
    switch (command) {
      case 'PutObjectCommand':
        if (input.IfNoneMatch === '*' && object) throw awsError('PreconditionFailed', 412)
        return { ETag: this.put(key, input.Body as string) }
      case 'GetObjectCommand':
        if (!object) throw awsError('NoSuchKey', 404)
        return {
          ETag: object.etag,
          LastModified: object.lastModified,
          Body: { transformToString: async () => object.body },
        }
      case 'DeleteObjectCommand':
        if (input.IfMatch !== undefined && (!object || object.etag !== input.IfMatch)) {
          throw object ? awsError('PreconditionFailed', 412) : awsError('NoSuchKey', 404)
        }
        this.objects.delete(key)
        return {}
      default:
        throw new Error(`unexpected ${command}`)
    }
  }
}

function holder(over: Partial<LockHolder> = {}): LockHolder {
  return {
    formatVersion: 1,
    id: '1e8d0f1c-0000-4000-8000-000000000001',
    operation: 'destroy',
    cluster: 'opsfleet-dev-cluster',
    who: 'hubot',
    runUrl: 'https://github.com/opsfleet/infrastructure/actions/runs/900',
    runAttempt: '1',
    createdAt: '2025-06-02T08:48:00.000Z',
    ...over,
  }
}

function heldBy(bucket: FakeBucket, h: LockHolder | string = holder(), lastModified = at): string {
  return bucket.put(LOCK_KEY, typeof h === 'string' ? h : `${JSON.stringify(h)}\n`, lastModified)
}

describe('taking the lock', () => {
  test('a free lock is taken with a conditional write holding who runs, and released only while still ours', async () => {
    const bucket = new FakeBucket()
    const lock = await acquireLock(bucket.client(), location, options)
    expect(bucket.sent).toHaveLength(1)
    const put = bucket.sent[0]
    expect(put).toEqual({
      command: 'PutObjectCommand',
      input: expect.objectContaining({ Key: LOCK_KEY, IfNoneMatch: '*', ContentType: 'application/json' }),
    })
    const written = JSON.parse(bucket.objects.get(LOCK_KEY)!.body) as LockHolder
    expect(written).toEqual(lock.holder)
    expect(written).toMatchObject({ operation: 'apply', who: 'octocat', createdAt: at.toISOString() })
    expect(bucket.objects.get(LOCK_KEY)!.body.endsWith('}\n')).toBe(true)
    expect(lock.location).toBe(location)
    expect(stdout()).toContain(`State lock taken: ${LOCK_URL} (apply by octocat, holder ${lock.holder.id})`)
    expect(stdout()).not.toContain('break-lock')

    await lock.release()
    expect(bucket.sent[1]).toEqual({
      command: 'DeleteObjectCommand',
      input: { Bucket: location.bucket, Key: LOCK_KEY, IfMatch: '"etag-1"' },
    })
    expect(bucket.objects.has(LOCK_KEY)).toBe(false)
    expect(stdout()).toContain(`State lock released: ${LOCK_URL}`)
    await lock.release()
    expect(bucket.sent).toHaveLength(2)
  })

  test('a held lock fails at once with reason locked, naming the holder and the way out, and leaves it', async () => {
    const bucket = new FakeBucket()
    const etag = heldBy(bucket)
    const attempt = acquireLock(bucket.client(), location, options)
    await expect(attempt).rejects.toBeInstanceOf(LockedError)
    const error = (await attempt.catch((e: unknown) => e)) as LockedError
    expect(error.reason).toBe('locked')
    expect(error.message).toContain(
      `The state is locked: ${LOCK_URL} is held by hubot (destroy of opsfleet-dev-cluster, run ` +
        'https://github.com/opsfleet/infrastructure/actions/runs/900, holder 1e8d0f1c-0000-4000-8000-000000000001, ' +
        'since 2025-06-02T08:48:00.000Z, 12 min ago).',
    )
    expect(error.message).toContain('Wait for that run to finish and run this one again.')
    expect(error.found).toEqual({ holder: holder(), etag, lastModified: at })
    expect(bucket.sent.map((s) => s.command)).toEqual(['PutObjectCommand', 'GetObjectCommand'])
    expect(bucket.objects.get(LOCK_KEY)!.etag).toBe(etag)
  })

  test('a conflicting concurrent write (409) counts as held too', async () => {
    const bucket = new FakeBucket()
    bucket.before.push((_, b) => {
      heldBy(b)
      throw awsError('ConditionalRequestConflict', 409)
    })
    await expect(acquireLock(bucket.client(), location, options)).rejects.toBeInstanceOf(LockedError)
    const other = new FakeBucket()
    other.before.push((_, b) => {
      heldBy(b)
      throw awsError('SomethingElse', 409)
    })
    await expect(acquireLock(other.client(), location, options)).rejects.toBeInstanceOf(LockedError)
    const byName = new FakeBucket()
    byName.before.push((_, b) => {
      heldBy(b)
      throw awsError('PreconditionFailed')
    })
    await expect(acquireLock(byName.client(), location, options)).rejects.toBeInstanceOf(LockedError)
  })

  test('a lock released between the write and the read is taken on the next attempt', async () => {
    const bucket = new FakeBucket()
    heldBy(bucket)
    bucket.before.push(
      () => undefined,
      (_, b) => void b.objects.delete(LOCK_KEY),
    )
    const lock = await acquireLock(bucket.client(), location, options)
    expect(bucket.sent.map((s) => s.command)).toEqual(['PutObjectCommand', 'GetObjectCommand', 'PutObjectCommand'])
    expect(JSON.parse(bucket.objects.get(LOCK_KEY)!.body)).toEqual(lock.holder)
  })

  test('a write the bucket refuses for another cause is a state error naming it', async () => {
    const bucket = new FakeBucket()
    bucket.before.push(() => {
      throw awsError('AccessDenied', 403)
    })
    const attempt = acquireLock(bucket.client(), location, options)
    await expect(attempt).rejects.toMatchObject({ reason: 'state' })
    await expect(attempt).rejects.toThrow(`Access denied to ${LOCK_URL} (AccessDenied: refused)`)
    await expect(attempt).rejects.toThrow('the role needs s3:PutObject there')
  })
})

describe('releasing', () => {
  async function taken() {
    const bucket = new FakeBucket()
    const lock = await acquireLock(bucket.client(), location, options)
    return { bucket, lock }
  }

  test('a lock broken and taken by another run is left in place, with a warning', async () => {
    const { bucket, lock } = await taken()
    heldBy(bucket, holder())
    await lock.release()
    expect(bucket.objects.has(LOCK_KEY)).toBe(true)
    expect(stdout()).toContain(
      `::warning::The state lock ${LOCK_URL} is no longer ours (someone broke it and another run took it); left it in place.`,
    )
    expect(stdout()).not.toContain('State lock released')
  })

  test('a lock already gone is a warning', async () => {
    const { bucket, lock } = await taken()
    bucket.objects.delete(LOCK_KEY)
    await lock.release()
    expect(stdout()).toContain(`::warning::The state lock ${LOCK_URL} was already gone when this run finished`)
  })

  test('a release that fails says how to remove the lock by hand', async () => {
    const { bucket, lock } = await taken()
    bucket.before.push(() => {
      throw awsError('InternalError', 500)
    })
    await lock.release()
    expect(bucket.objects.has(LOCK_KEY)).toBe(true)
    expect(stdout()).toContain(
      `::warning::The state lock ${LOCK_URL} could not be released (InternalError: refused). The next ` +
        `apply will find it and take it over once its lease has run out (15 min after its last renewal), or delete ` +
        `${LOCK_URL} once no run is active.`,
    )
  })

  test('a write answered without an ETag is released unconditionally', async () => {
    const bucket = new FakeBucket()
    bucket.before.push(async (sent) => {
      // The store answers the write with no ETag.
      bucket.put = function (this: FakeBucket, key: string, body: string) {
        this.objects.set(key, { body, etag: '"x"', lastModified: at })
        return undefined as unknown as string
      }
      expect(sent.command).toBe('PutObjectCommand')
    })
    const lock = await acquireLock(bucket.client(), location, options)
    await lock.release()
    expect(bucket.sent[1].input).toEqual({ Bucket: location.bucket, Key: LOCK_KEY })
  })
})

describe('reading the lock', () => {
  test('none is undefined; one of ours is parsed; anything else has no holder', async () => {
    const bucket = new FakeBucket()
    expect(await readLock(bucket.client(), location)).toBeUndefined()
    const etag = heldBy(bucket)
    expect(await readLock(bucket.client(), location)).toEqual({ holder: holder(), etag, lastModified: at })
    for (const foreign of [
      '{"formatVersion":2,"who":"x","createdAt":"2025-06-02T08:00:00Z"}',
      '{"formatVersion":1,"createdAt":"2025-06-02T08:00:00Z"}',
      '{"formatVersion":1,"who":"x"}',
      '{"formatVersion":1,"who":7,"createdAt":"2025-06-02T08:00:00Z"}',
      'null',
      '',
    ]) {
      heldBy(bucket, foreign)
      expect((await readLock(bucket.client(), location))?.holder).toBeUndefined()
    }
  })

  test('an object with no body reads as a lock with no holder', async () => {
    const bucket = new FakeBucket()
    heldBy(bucket)
    const client = {
      send: async () => ({ ETag: '"e"', Body: undefined }),
    } as unknown as S3Client
    expect(await readLock(client, location)).toEqual({ holder: undefined, etag: '"e"', lastModified: undefined })
  })

  test('a read that fails for another cause is a state error; a missing key is no lock', async () => {
    const bucket = new FakeBucket()
    bucket.before.push(() => {
      throw awsError('NoSuchBucket', 404)
    })
    await expect(readLock(bucket.client(), location)).rejects.toThrow(
      'The state bucket espace-project-store does not exist (NoSuchBucket: refused): create it, or fix `state.bucket` in the config.',
    )
    for (const missing of [awsError('NotFound'), awsError('Whatever', 404)]) {
      const b = new FakeBucket()
      b.before.push(() => {
        throw missing
      })
      expect(await readLock(b.client(), location)).toBeUndefined()
    }
  })
})

describe('what a lock and its errors say', () => {
  test('isMissing: no such key or a 404, never a missing bucket', () => {
    expect(isMissing(awsError('NoSuchKey'))).toBe(true)
    expect(isMissing(awsError('NotFound'))).toBe(true)
    expect(isMissing(awsError('Other', 404))).toBe(true)
    expect(isMissing(awsError('NoSuchBucket', 404))).toBe(false)
    expect(isMissing(awsError('Other', 403))).toBe(false)
  })

  test('each S3 failure its own message, with the permission the access needs', () => {
    const message = (e: Error, access: 'read' | 'write' | 'delete' = 'read') =>
      explainS3Error(e, location, LOCK_KEY, access).message
    expect(message(awsError('Forbidden', 403), 'read')).toContain('the role needs s3:GetObject there')
    expect(message(awsError('AccessDenied'), 'delete')).toBe(
      `Access denied to ${LOCK_URL} (AccessDenied: refused): the role needs s3:DeleteObject there ` +
        '(the state and its lock need s3:GetObject, s3:PutObject and s3:DeleteObject on ' +
        'arn:aws:s3:::espace-project-store/karpenter/opsfleet-dev-cluster.json*).',
    )
    for (const e of [awsError('PermanentRedirect'), awsError('AuthorizationHeaderMalformed'), awsError('X', 301)]) {
      expect(message(e)).toMatch(
        /^The state bucket espace-project-store is in another region \(.*\): set `state\.region`/,
      )
    }
    for (const e of [awsError('NotImplemented'), awsError('X', 501)]) {
      expect(message(e)).toMatch(/^The S3 endpoint cannot do conditional writes \(.*\), which the state lock needs/)
    }
    expect(message(awsError('SlowDown', 503), 'write')).toBe(`Could not write ${LOCK_URL} (SlowDown: refused).`)
    expect(message(new Error('plain'))).toBe(`Could not read ${LOCK_URL} (Error: plain).`)
    const failure = explainS3Error(awsError('X', 500), location, LOCK_KEY, 'read')
    expect(failure).toBeInstanceOf(ActionFailure)
    expect(failure.reason).toBe('state')
    expect((failure as Error & { cause?: unknown }).cause).toMatchObject({ name: 'X' })
  })

  test('the URL of the record and of its lock', () => {
    expect(s3Url(location)).toBe('s3://espace-project-store/karpenter/opsfleet-dev-cluster.json')
    expect(s3Url(location, LOCK_KEY)).toBe(LOCK_URL)
  })

  test('a holder described by its age: seconds, minutes, hours, days, or moments when the clock disagrees', () => {
    const h = holder({ createdAt: at.toISOString(), runUrl: undefined })
    const after = (ms: number) => describeHolder({ holder: h }, new Date(at.getTime() + ms))
    expect(after(0)).toBe(
      'hubot (destroy of opsfleet-dev-cluster, a run outside GitHub Actions, holder 1e8d0f1c-0000-4000-8000-000000000001, since 2025-06-02T09:00:00.000Z, 1 s ago)',
    )
    expect(after(29_000)).toContain(', 29 s ago)')
    expect(after(59_999)).toContain(', 60 s ago)')
    expect(after(60_000)).toContain(', 1 min ago)')
    expect(after(119 * 60_000)).toContain(', 119 min ago)')
    expect(after(120 * 60_000)).toContain(', 2 h ago)')
    expect(after(47 * 3_600_000 + 59 * 60_000)).toContain(', 47 h ago)')
    expect(after(48 * 3_600_000)).toContain(', 2 days ago)')
    expect(after(-5_000)).toContain(', moments ago)')
    expect(describeHolder({ holder: { ...h, createdAt: 'not a date' } }, at)).toContain(', since not a date)')
    expect(describeHolder({ holder: holder({ runAttempt: '3' }) }, at)).toContain('runs/900 attempt 3,')
    expect(describeHolder({ holder: holder({ runAttempt: undefined }) }, at)).toContain('runs/900, holder')
    expect(describeHolder({}, at)).toBe('an unknown holder: the lock object is not one this action wrote')
  })
})
