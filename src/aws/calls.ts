/**
 * The mechanics every AWS call shares: error names, "not found", pagination, and tags in the two shapes the services
 * use (a list of {Key, Value} for IAM, EC2 and EventBridge; a plain map for SQS and EKS).
 */

/**
 * A service's refusal to one of our own plain-HTTPS calls (STS's web identity exchange, the EC2 reads): its error code
 * as `name` and the HTTP status in `$metadata`, as SDK errors carry them; or a failed exchange (`fromConnection`).
 */
export class AwsHttpError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode: number; requestId?: string },
    readonly code?: string,
  ) {
    super(message)
  }

  /**
   * The connection failed (reset, refused, timed out...): its code, as `name` and `code`, says which, and whether to
   * try again.
   */
  static fromConnection<T extends AwsHttpError>(
    this: new (name: string, message: string, $metadata: { httpStatusCode: number }, code?: string) => T,
    e: unknown,
    prefix = '',
  ): T {
    const code = (e as NodeJS.ErrnoException).code ?? 'NetworkError'
    return new this(code, `${prefix}${(e as Error).message}`, { httpStatusCode: 0 }, code)
  }
}

/** The error name of an AWS SDK error (e.g. NoSuchEntity), or undefined. */
export function awsErrorName(e: unknown): string | undefined {
  const name = (e as { name?: unknown } | null)?.name
  return typeof name === 'string' ? name : undefined
}

/** True when the error's name is one of `names`. */
export function isAwsError(e: unknown, ...names: string[]): boolean {
  const name = awsErrorName(e)
  return name !== undefined && names.includes(name)
}

/** The HTTP status of an AWS SDK error's answer, or undefined. */
export function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode
}

/** `Name: message`, or the message alone when it already starts with the name. */
export function describeAwsError(e: unknown): string {
  const name = awsErrorName(e)
  const message = e instanceof Error ? e.message : String(e)
  return name && !message.startsWith(name) ? `${name}: ${message}` : message
}

export function isNotFound(e: unknown): boolean {
  return (
    /NoSuchEntity|NotFound|NonExistent|ResourceNotFound|NoSuchKey|QueueDoesNotExist/.test(awsErrorName(e) ?? '') ||
    httpStatus(e) === 404
  )
}

/** The call's answer, or undefined when what it names does not exist. */
export async function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** One page of a listing and the token of the next (IAM's Marker when IsTruncated, NextToken elsewhere). */
export interface Page<T> {
  items: T[]
  next?: string
}

/** Every item of a paginated listing, following its token to the end. */
export async function paginate<T>(page: (token?: string) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = []
  let token: string | undefined
  do {
    const p = await page(token)
    out.push(...p.items)
    token = p.next
  } while (token)
  return out
}

/** IAM's pagination: the next marker only when the answer says it is truncated. */
export function iamPage<T>(items: T[] | undefined, out: { IsTruncated?: boolean; Marker?: string }): Page<T> {
  return { items: items ?? [], next: out.IsTruncated ? out.Marker : undefined }
}

export type Tags = Record<string, string>

export function tagList(tags: Tags): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key] }))
}

export function tagMap(list: { Key?: string; Value?: string }[] | undefined): Tags {
  const out: Tags = {}
  for (const t of list ?? []) if (t.Key) out[t.Key] = t.Value ?? ''
  return out
}
