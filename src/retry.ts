/**
 * The one retry helper: what is worth another attempt, and how long to wait before it.
 *
 * Transient: the connection was cut, refused or timed out; the server answered 429 or 5xx; AWS said it throttles or
 * had an internal problem. Everything else is permanent and fails at once: a refusal of the credentials or the token
 * (STS InvalidIdentityToken, AccessDenied), a bad request, a configuration error, any ActionFailure. Waits are
 * exponential with full jitter (a random delay in [0, base·2^attempt)), unless the failure says how long to wait.
 */
import { ActionFailure } from './outcome.js'

/** Codes of a connection that failed in a way a new attempt may not. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'TimeoutError',
])

/** AWS error codes (SDK error names without `Exception`) that say: not now, try again. */
const TRANSIENT_AWS_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'TooManyRequests',
  'SlowDown',
  'PriorRequestNotComplete',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'RequestTimeout',
  'IDPCommunicationError',
])

const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504])

/** The HTTP status an error carries (AWS SDK `$metadata`, Octokit `status`, the Kubernetes client's `status`). */
function statusOf(e: unknown): number | undefined {
  const o = e as { $metadata?: { httpStatusCode?: number }; status?: unknown } | null
  const status = o?.$metadata?.httpStatusCode ?? o?.status
  return typeof status === 'number' && status > 0 ? status : undefined
}

/** True for a failure another attempt may not meet (see the module comment). */
export function isTransient(e: unknown): boolean {
  if (e instanceof ActionFailure || !e || typeof e !== 'object') return false
  const { code, name } = e as { code?: unknown; name?: unknown }
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
  if (typeof name === 'string') {
    if (NETWORK_CODES.has(name)) return true
    if (TRANSIENT_AWS_CODES.has(name.replace(/(?<=.)Exception$/, ''))) return true
  }
  const status = statusOf(e)
  return status !== undefined && TRANSIENT_STATUS.has(status)
}

/** Full-jitter exponential backoff: a random delay in [0, base·2^attempt). */
export function backoffDelay(attempt: number, baseMs: number, random = Math.random): number {
  return Math.floor(random() * baseMs * 2 ** attempt)
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number
  /** Base of the jittered backoff, ms. */
  baseDelayMs: number
  /** Whether a failure is worth another attempt; isTransient by default. */
  retryable?: (e: unknown) => boolean
  /** A wait the failure itself asks for (an HTTP Retry-After), in ms; the backoff otherwise. */
  waitFor?: (e: unknown) => number | undefined
  /** Told before each wait: the failure, the number of the attempt to come, the wait. */
  onRetry?: (e: unknown, nextAttempt: number, delayMs: number) => void
  random?: () => number
  sleep?: (ms: number) => Promise<void>
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * Runs `attempt(n)` (n from 0) until it succeeds, a failure is permanent, or the attempts are used up; then throws the
 * last failure as it was.
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? isTransient
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (e) {
      if (n + 1 >= options.attempts || !retryable(e)) throw e
      const delay = options.waitFor?.(e) ?? backoffDelay(n, options.baseDelayMs, options.random)
      options.onRetry?.(e, n + 2, delay)
      await (options.sleep ?? sleep)(delay)
    }
  }
}
