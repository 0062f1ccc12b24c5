import { describe, expect, it } from '@jest/globals'
import { StsError } from '../../src/aws/sts-web-identity.js'
import { ConfigError } from '../../src/config/errors.js'
import { KubeApiError } from '../../src/kube/client.js'
import { isTransient, retry } from '../../src/retry.js'

const cut = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
const timedOut = () =>
  Object.assign(new Error('no answer from sts.eu-west-1.amazonaws.com in time'), { code: 'ETIMEDOUT' })
const unavailable = () => new StsError('HTTP503', 'STS answered 503', { httpStatusCode: 503 })
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })

describe('what is worth another attempt', () => {
  it('a cut connection, a timeout, a bare 503, 5xx and 429, throttling', () => {
    expect(isTransient(cut())).toBe(true)
    expect(isTransient(timedOut())).toBe(true)
    expect(isTransient(unavailable())).toBe(true)
    expect(isTransient(throttled())).toBe(true)
    expect(isTransient(new StsError('ECONNRESET', 'read ECONNRESET', { httpStatusCode: 0 }, 'ECONNRESET'))).toBe(true)
    expect(isTransient(new KubeApiError('GET', '/x', 502, 'BadGateway', 'bad gateway'))).toBe(true)
    expect(isTransient(Object.assign(new Error('x'), { status: 429 }))).toBe(true)
  })

  it('not a refused token or role, a bad request, a configuration error or anything unknown', () => {
    expect(
      isTransient(new StsError('InvalidIdentityToken', 'No OpenIDConnect provider found', { httpStatusCode: 400 })),
    ).toBe(false)
    expect(isTransient(new StsError('AccessDenied', 'Not authorized', { httpStatusCode: 403 }))).toBe(false)
    expect(isTransient(new KubeApiError('PATCH', '/x', 422, 'Invalid', 'spec: Required value'))).toBe(false)
    expect(isTransient(new ConfigError('k.yaml', [{ field: 'a', message: 'b' }]))).toBe(false)
    expect(isTransient(new Error('boom'))).toBe(false)
    expect(isTransient(undefined)).toBe(false)
  })
})

describe('retry', () => {
  /** Runs `retry` over failures given in order, then success; records the waits instead of sleeping. */
  async function attempts(failures: Error[], options: { attempts: number; random?: () => number }) {
    const waits: number[] = []
    let n = 0
    const result = await retry(
      async (attempt) => {
        expect(attempt).toBe(n)
        const failure = failures[n++]
        if (failure) throw failure
        return 'ok'
      },
      {
        attempts: options.attempts,
        baseDelayMs: 100,
        random: options.random,
        sleep: async (ms) => void waits.push(ms),
      },
    ).catch((e: unknown) => e)
    return { result, calls: n, waits }
  }

  it('retries transient failures with full-jitter exponential backoff, below base·2^attempt', async () => {
    const r = await attempts([cut(), timedOut(), unavailable()], { attempts: 5, random: () => 0.5 })
    expect(r).toEqual({ result: 'ok', calls: 4, waits: [50, 100, 200] })
    const highest = await attempts([cut(), cut(), cut()], { attempts: 5, random: () => 0.999 })
    expect(highest.waits).toEqual([99, 199, 399])
  })

  it('fails at once on a permanent failure, handing it back as it was', async () => {
    const refused = new StsError('InvalidIdentityToken', 'No OpenIDConnect provider found', { httpStatusCode: 400 })
    expect(await attempts([refused], { attempts: 5 })).toEqual({ result: refused, calls: 1, waits: [] })
    const config = new ConfigError('k.yaml', [{ field: 'a', message: 'b' }])
    expect(await attempts([config], { attempts: 5 })).toEqual({ result: config, calls: 1, waits: [] })
  })

  it('gives up after the last attempt with the last failure', async () => {
    const last = unavailable()
    const r = await attempts([cut(), last], { attempts: 2, random: () => 0 })
    expect(r).toEqual({ result: last, calls: 2, waits: [0] })
  })

  it('waits what a failure asks for (a Retry-After) instead of the backoff', async () => {
    const waits: number[] = []
    let n = 0
    const result = await retry(
      async () => {
        if (n++ < 2) throw Object.assign(new Error('throttled'), { status: 429, waitMs: 3000 })
        return n
      },
      {
        attempts: 3,
        baseDelayMs: 100,
        waitFor: (e) => (e as { waitMs: number }).waitMs,
        sleep: async (ms) => void waits.push(ms),
      },
    )
    expect(result).toBe(3)
    expect(waits).toEqual([3000, 3000])
  })
})
