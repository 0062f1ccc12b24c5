/**
 * The state lock and record against moto's S3 (the sandbox's moto_server, real wire protocol): conditional
 * writes decide which of two concurrent applies gets the lock; the other fails at once naming the holder.
 * Every test uses its own keys, so tests sharing the sandbox never collide.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import { useSandbox, uniqueSuffix } from '../support/sandbox.js'
import {
  acquireLock,
  holderFromEnvironment,
  LockedError,
  lockKey,
  readLock,
  type StateLocation,
} from '../../src/state/lock.js'
import { readRecord, writeRecord } from '../../src/state/record.js'
import type { Plan } from '../../src/plan/types.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'

const BUCKET = 'espace-project-store'
let s3: S3Client

/** Two runners of GitHub Actions, as the lock sees them. */
const runA = {
  GITHUB_ACTOR: 'alice',
  GITHUB_REPOSITORY: 'opsfleet/infrastructure',
  GITHUB_RUN_ID: '1001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SERVER_URL: 'https://github.com',
}
const runB = { ...runA, GITHUB_ACTOR: 'bob', GITHUB_RUN_ID: '1002' }

function client(): S3Client {
  const endpoint = process.env.AWS_ENDPOINT_URL ?? ''
  // Tests talk to the machine's own engines only.
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?\/?$/.test(endpoint)) {
    throw new Error(`AWS_ENDPOINT_URL must point at a local moto_server, got "${endpoint}"`)
  }
  const config: S3ClientConfig = { region: process.env.AWS_REGION ?? 'eu-west-1', forcePathStyle: true }
  return new S3Client(config)
}

function location(): StateLocation {
  return { bucket: BUCKET, key: `test/state-lock/${uniqueSuffix()}/opsfleet-dev-cluster.json` }
}

async function objectText(key: string): Promise<string | undefined> {
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    return await got.Body!.transformToString('utf8')
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined
    throw e
  }
}

beforeAll(() => {
  useSandbox()
  s3 = client()
})

afterAll(() => s3?.destroy())

const stdout = captureStdoutOfEachTest()

describe('moto honours the conditional writes the lock relies on', () => {
  test('PutObject If-None-Match: * on an existing key answers 412 PreconditionFailed', async () => {
    const key = `test/state-lock/${uniqueSuffix()}/probe`
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'first', IfNoneMatch: '*' }))
    await expect(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'second', IfNoneMatch: '*' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } })
    expect(await objectText(key)).toBe('first')
  })

  test('DeleteObject If-Match with another ETag answers 412 and keeps the object', async () => {
    const key = `test/state-lock/${uniqueSuffix()}/probe`
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }))
    await expect(
      s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, IfMatch: '"0123456789abcdef0123456789abcdef"' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } })
    expect(await objectText(key)).toBe('x')
  })
})

describe('state lock', () => {
  test('taken with who and which run, released at the end', async () => {
    const where = location()
    const lock = await acquireLock(s3, where, { operation: 'apply', cluster: 'opsfleet-dev-cluster', env: runA })

    const stored = JSON.parse((await objectText(lockKey(where)))!)
    expect(stored).toMatchObject({
      formatVersion: 1,
      operation: 'apply',
      cluster: 'opsfleet-dev-cluster',
      who: 'alice',
      runUrl: 'https://github.com/opsfleet/infrastructure/actions/runs/1001',
      id: lock.holder.id,
    })
    await lock.release()
    expect(await objectText(lockKey(where))).toBeUndefined()
    await lock.release() // twice is harmless
    expect(stdout()).toContain('State lock released')
  })

  test('two concurrent applies: exactly one gets the lock, the other fails naming the holder', async () => {
    const where = location()
    // Two clients, as two runners would have.
    const other = client()
    const attempts = await Promise.allSettled([
      acquireLock(s3, where, { operation: 'apply', cluster: 'opsfleet-dev-cluster', env: runA }),
      acquireLock(other, where, { operation: 'apply', cluster: 'opsfleet-dev-cluster', env: runB }),
    ])
    other.destroy()

    const won = attempts.filter((a) => a.status === 'fulfilled')
    const lost = attempts.filter((a) => a.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value
    const error = (lost[0] as PromiseRejectedResult).reason as LockedError
    expect(error).toBeInstanceOf(LockedError)
    expect(error.reason).toBe('locked')
    expect(error.message).toContain(
      `The state is locked: s3://${BUCKET}/${lockKey(where)} is held by ${winner.holder.who} (apply`,
    )
    expect(error.message).toContain(winner.holder.runUrl)
    expect(error.message).toContain('It is live: renewed within its lease of 15 min')
    expect(error.message).toContain('`break-lock: force`')
    const stored = JSON.parse((await objectText(lockKey(where)))!)
    expect(stored.id).toBe(winner.holder.id)
    await winner.release()
  })

  test('a second apply while the first runs fails at once; after the release it goes ahead', async () => {
    const where = location()
    const first = await acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runA })
    await expect(acquireLock(s3, where, { operation: 'destroy', cluster: 'c', env: runB })).rejects.toThrow(
      /is held by alice \(apply of c, run https:\/\/github.com\/opsfleet\/infrastructure\/actions\/runs\/1001/,
    )
    await first.release()
    const second = await acquireLock(s3, where, { operation: 'destroy', cluster: 'c', env: runB })
    expect(second.holder.who).toBe('bob')
    await second.release()
  })

  test('a write S3 stored whose answer was lost: the SDK retries, meets 412, and the lock read back is ours', async () => {
    const where = location()
    const lossy = client()
    let lose = true
    // Inside the SDK's retry loop: the first PutObject reaches moto and is stored, then its answer is lost.
    lossy.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args)
        if (lose && context.commandName === 'PutObjectCommand') {
          lose = false
          throw Object.assign(new Error('the answer was lost'), { name: 'TimeoutError', $metadata: {} })
        }
        return out
      },
      { step: 'deserialize', name: 'loseFirstPutAnswer' },
    )
    const lock = await acquireLock(lossy, where, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    expect(lose).toBe(false)
    expect(stdout()).toContain('State lock taken (the first write had succeeded; its retry found it)')
    expect(JSON.parse((await objectText(lockKey(where)))!).id).toBe(lock.holder.id)
    await lock.release()
    expect(await objectText(lockKey(where))).toBeUndefined()
    lossy.destroy()
  })

  test('a lock past its lease is reported stale with holder and age, and taken over on its ETag', async () => {
    const where = location()
    // A run that died: its lease (1 s here) ran out without a renewal.
    const dead = {
      ...holderFromEnvironment({
        operation: 'apply',
        cluster: 'c',
        env: runA,
        now: () => new Date(Date.now() - 8 * 3600_000),
      }),
      leaseSeconds: 1,
    }
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: lockKey(where), Body: JSON.stringify(dead) }))
    await new Promise((r) => setTimeout(r, 2100))

    const lock = await acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runB, renew: false })
    expect(lock.holder.who).toBe('bob')
    expect(JSON.parse((await objectText(lockKey(where)))!).id).toBe(lock.holder.id)
    expect(stdout()).toMatch(
      /::warning::The state lock .* is stale: held by alice \(apply of c, .*, 8 h ago\), not renewed for longer than its lease of 1 s, so its run has stopped\. Taking it over\./,
    )
    await lock.release()
  })

  test('break-lock: true refuses a live lock; force replaces it', async () => {
    const where = location()
    const live = await acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    await expect(
      acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runB, breakLock: true }),
    ).rejects.toThrow(/^break-lock refused: .* is held by alice .*It is live/)
    expect(JSON.parse((await objectText(lockKey(where)))!).id).toBe(live.holder.id)

    const lock = await acquireLock(s3, where, {
      operation: 'apply',
      cluster: 'c',
      env: runB,
      breakLock: 'force',
      renew: false,
    })
    expect(JSON.parse((await objectText(lockKey(where)))!).id).toBe(lock.holder.id)
    expect(stdout()).toMatch(
      /::warning::break-lock: force: replacing the live state lock .* held by alice \(apply of c/,
    )
    await lock.release()
    await live.release() // no longer ours: left alone
  })

  test('renewal rewrites the lock in place (If-Match on moto), keeping it ours', async () => {
    const where = location()
    const lock = await acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runA, renew: false })
    await lock.renew()
    const stored = JSON.parse((await objectText(lockKey(where)))!)
    expect(stored.id).toBe(lock.holder.id)
    expect(stored.renewedAt).toEqual(expect.any(String))
    expect(lock.lost).toBe(false)
    await lock.release()
    expect(await objectText(lockKey(where))).toBeUndefined()
  })

  test('break-lock with no lock present just takes it', async () => {
    const where = location()
    const lock = await acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runA, breakLock: true })
    expect(stdout()).toContain('break-lock: there was no lock to break')
    await lock.release()
  })

  test('an object at the lock key that this action did not write still locks, as an unknown holder', async () => {
    const where = location()
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: lockKey(where), Body: 'terraform was here' }))
    await expect(acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runA })).rejects.toThrow(
      /held by an unknown holder: the lock object is not one this action wrote/,
    )
    expect(await readLock(s3, where)).toMatchObject({ holder: undefined })
  })

  test('releasing a lock that was broken and taken by another run leaves theirs in place', async () => {
    const where = location()
    const mine = await acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runA })
    const theirs = await acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runB, breakLock: 'force' })

    await mine.release()

    expect(JSON.parse((await objectText(lockKey(where)))!).id).toBe(theirs.holder.id)
    expect(stdout()).toMatch(/::warning::The state lock .* is no longer ours/)
    await theirs.release()
    expect(await objectText(lockKey(where))).toBeUndefined()
  })

  test('a bucket that does not exist is a clear error with reason state', async () => {
    const where = { bucket: `no-such-bucket-${uniqueSuffix()}`, key: 'k.json' }
    const attempt = acquireLock(s3, where, { operation: 'apply', cluster: 'c', env: runA })
    await expect(attempt).rejects.toMatchObject({ reason: 'state' })
    await expect(attempt).rejects.toThrow(/The state bucket no-such-bucket-.* does not exist .*fix `state.bucket`/)
  })
})

describe('state record', () => {
  const plan: Plan = {
    formatVersion: 1,
    mode: 'apply',
    cluster: 'opsfleet-dev-cluster',
    region: 'eu-west-1',
    changes: [
      {
        id: 'iam-role.node',
        kind: 'iam role',
        name: 'karpenter-role',
        action: 'create',
        fields: [{ path: 'assumeRolePolicy', after: { Version: '2012-10-17' } }],
        dependsOn: [],
      },
    ],
    summary: { add: 1, change: 0, destroy: 0 },
    outputs: { 'node-role-arn': 'arn:aws:iam::123456789012:role/karpenter-role' },
    warnings: [],
  }

  test('written after each apply, keeping the earlier ones; absent before the first', async () => {
    const where = location()
    expect(await readRecord(s3, where)).toBeUndefined()
    const results = [{ id: 'iam-role.node', action: 'create' as const, status: 'done' as const, durationMs: 10 }]
    const holder = { who: 'alice', runUrl: 'https://github.com/opsfleet/infrastructure/actions/runs/1001' }

    await expect(
      writeRecord(s3, where, { plan, planId: 'p1', results, holder, versions: { karpenter: '1.14.1' } }),
    ).resolves.toBe(true)
    await expect(
      writeRecord(s3, where, { plan, planId: 'p2', results, holder, versions: { karpenter: '1.14.1' } }),
    ).resolves.toBe(true)

    const record = await readRecord(s3, where)
    expect(record?.last).toMatchObject({
      planId: 'p2',
      outcome: 'applied',
      who: 'alice',
      versions: { karpenter: '1.14.1' },
    })
    expect(record?.last.resources).toEqual([
      {
        id: 'iam-role.node',
        kind: 'iam role',
        name: 'karpenter-role',
        action: 'create',
        status: 'done',
        durationMs: 10,
        fields: ['assumeRolePolicy'],
      },
    ])
    expect(record?.history.map((h) => h.planId)).toEqual(['p1'])
    expect(await objectText(where.key)).not.toContain('2012-10-17')
  })

  test('a record that cannot be written is a warning, not a failed run', async () => {
    const where = { bucket: `no-such-bucket-${uniqueSuffix()}`, key: 'k.json' }
    const results = [{ id: 'iam-role.node', action: 'create' as const, status: 'done' as const, durationMs: 10 }]
    await expect(
      writeRecord(s3, where, { plan, planId: 'p1', results, holder: { who: 'a' }, versions: {} }),
    ).resolves.toBe(false)
    expect(stdout()).toMatch(
      /::warning::The state record s3:\/\/no-such-bucket-.* could not be written: The state bucket/,
    )
  })
})
