/**
 * AWS Signature Version 4 for the action's own requests (the EC2 reads, STS GetCallerIdentity, EKS DescribeCluster),
 * with node:crypto: the SDK's signer and its SHA-256 are some 440 KB of code to load for what is a few HMACs.
 *
 * The canonical request, the string to sign and the signing key as AWS specifies them: the method; the path with
 * each segment URI-encoded once more (every service here but S3, which this is not for); the query sorted by
 * encoded name and value; the headers given (lower-cased, trimmed, inner spaces collapsed, sorted) plus host,
 * x-amz-date and x-amz-security-token; the hex SHA-256 of the body. Checked against the SDK's signer in
 * test/unit/aws-sigv4.test.ts.
 */
import { createHash, createHmac } from 'node:crypto'

export interface SigningCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface SignInput {
  method: string
  url: URL
  /** Headers to send and sign (content-type, x-amz-target...). */
  headers: Record<string, string>
  body: string
  service: string
  region: string
  credentials: SigningCredentials
  /** The signing time (now by default). */
  now?: Date
}

/** RFC 3986 encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ percent-encoded. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest()

/** The path of a URL (already percent-encoded by URL), each segment encoded once more. */
function canonicalPath(url: URL): string {
  const path = url.pathname || '/'
  return path
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/')
}

function canonicalQuery(url: URL): string {
  const pairs: [string, string][] = []
  for (const [k, v] of url.searchParams) pairs.push([uriEncode(k), uriEncode(v)])
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

/** `20261203T064200Z` */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/** The headers to send: those given, host, x-amz-date, x-amz-security-token (with a session) and authorization. */
export function signRequest(input: SignInput): Record<string, string> {
  const { url, credentials } = input
  const date = amzDate(input.now ?? new Date())
  const day = date.slice(0, 8)
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = v
  headers.host = url.host
  headers['x-amz-date'] = date
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken
  const names = Object.keys(headers).sort()
  const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}\n`).join('')
  const signedHeaders = names.join(';')
  const canonical = [
    input.method.toUpperCase(),
    canonicalPath(url),
    canonicalQuery(url),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n')
  const scope = `${day}/${input.region}/${input.service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n')
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), input.region), input.service),
    'aws4_request',
  )
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex')
  headers.authorization =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`
  return headers
}
