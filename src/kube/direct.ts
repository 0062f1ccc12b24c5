import { readFileSync } from 'node:fs'
import {
  connect,
  constants as h2,
  type ClientHttp2Session,
  type IncomingHttpHeaders,
  type IncomingHttpStatusHeader,
} from 'node:http2'
import { isIP } from 'node:net'
import { dirname, isAbsolute, resolve } from 'node:path'
import { CORE_SCHEMA, load } from 'js-yaml'

/**
 * The API server reached directly: one HTTP/2 connection (TLS, every request a stream of it) for a kubeconfig whose
 * current context this module understands in full. A plan's 100 dry runs of 50 node pools took 107-148 ms this
 * way against 193-321 ms through `kubectl proxy` (whose hop also cost the API server more CPU), and no process
 * starts. Whatever it does not understand (an exec plugin, an auth provider, impersonation, basic auth, a proxy,
 * TLS verification turned off) is left to kubectl: directTarget() then says why, and the client uses the proxy.
 */

/** Where and how to reach the API server: everything the TLS connection and the requests need. */
export interface DirectTarget {
  /** The API server's origin, e.g. `https://ABC.gr7.eu-west-1.eks.amazonaws.com`. */
  origin: string
  /** Any path prefix of the server URL (rare: an API server behind a path). */
  prefix: string
  /** CA bundle (PEM); undefined: the system's roots, as kubectl uses then. */
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  token?: string
  /** `tls-server-name`: the name the certificate is checked against instead of the URL's host. */
  servername?: string
}

type Entry<T> = { name?: string } & T
interface Kubeconfig {
  'current-context'?: string
  contexts?: Entry<{ context?: { cluster?: string; user?: string } }>[]
  clusters?: Entry<{ cluster?: Record<string, unknown> }>[]
  users?: Entry<{ user?: Record<string, unknown> }>[]
}

/** Cluster fields that change nothing here (checked as kubectl would: anything else sends the client to kubectl). */
const CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority',
  'certificate-authority-data',
  'tls-server-name',
  'insecure-skip-tls-verify',
  'disable-compression',
  'extensions',
])
const USER_FIELDS = new Set([
  'token',
  'tokenFile',
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'extensions',
])

const PROXY_ENV = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy']

/**
 * The direct way to the API server of `kubeconfig`'s current context, or why there is none (then kubectl proxy
 * is used, which honours everything a kubeconfig may say). Reads the kubeconfig and the files it names.
 */
export function directTarget(
  kubeconfig: string,
  env: NodeJS.ProcessEnv = process.env,
): { target: DirectTarget } | { why: string } {
  let doc: Kubeconfig
  try {
    doc = (load(readFileSync(kubeconfig, 'utf8'), { schema: CORE_SCHEMA }) ?? {}) as Kubeconfig
  } catch (e) {
    return { why: `the kubeconfig could not be read here (${(e as Error).message.split('\n')[0]})` }
  }
  if (!doc || typeof doc !== 'object') return { why: 'the kubeconfig is not a mapping' }
  const named = <T>(list: Entry<T>[] | undefined, name: string | undefined) =>
    Array.isArray(list) && name !== undefined ? list.find((e) => e?.name === name) : undefined
  const context = named(doc.contexts, doc['current-context'])?.context
  if (!context) return { why: 'the kubeconfig has no current context' }
  const cluster = named(doc.clusters, context.cluster)?.cluster
  if (!cluster || typeof cluster !== 'object') return { why: `the context's cluster is not in the kubeconfig` }
  const user = (context.user === undefined ? {} : named(doc.users, context.user)?.user) ?? {}
  const other = [
    ...Object.keys(cluster).filter((k) => !CLUSTER_FIELDS.has(k) && cluster[k] !== undefined && cluster[k] !== null),
    ...Object.keys(user).filter((k) => !USER_FIELDS.has(k) && user[k] !== undefined && user[k] !== null),
  ]
  if (other.length) return { why: `the kubeconfig uses ${other.join(', ')}` }
  if (cluster['insecure-skip-tls-verify'] === true) return { why: 'the kubeconfig turns TLS verification off' }
  let url: URL
  try {
    url = new URL(String(cluster.server ?? ''))
  } catch {
    return { why: 'the cluster has no server URL' }
  }
  if (url.protocol !== 'https:') return { why: `the server is not https (${url.protocol})` }
  if (url.username || url.password || url.search || url.hash)
    return { why: 'the server URL has more than a host and path' }
  const proxy = proxyFor(url.hostname, env)
  if (proxy) return { why: `${proxy} is set for the API server's host` }
  const base = dirname(resolve(kubeconfig))
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const file = (v: unknown) => {
    const p = str(v)
    return p === undefined ? undefined : readFileSync(isAbsolute(p) ? p : resolve(base, p))
  }
  const data = (v: unknown) => {
    const s = str(v)
    return s === undefined ? undefined : Buffer.from(s, 'base64')
  }
  try {
    const ca = data(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority'])
    const cert = data(user['client-certificate-data']) ?? file(user['client-certificate'])
    const key = data(user['client-key-data']) ?? file(user['client-key'])
    if (!cert !== !key)
      return { why: 'the user has a client certificate without its key, or a key without its certificate' }
    if (str(user.token) && str(user.tokenFile)) return { why: 'the user has both token and tokenFile' }
    const token = str(user.token) ?? (str(user.tokenFile) ? file(user.tokenFile)!.toString('utf8').trim() : undefined)
    const servername = str(cluster['tls-server-name'])
    return {
      target: {
        origin: url.origin,
        prefix: url.pathname.replace(/\/+$/, ''),
        ...(ca ? { ca } : {}),
        ...(cert && key ? { cert, key } : {}),
        ...(token ? { token } : {}),
        ...(servername ? { servername } : {}),
      },
    }
  } catch (e) {
    return { why: `a file the kubeconfig names could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` }
  }
}

/**
 * The proxy variable that would apply to `host` (kubectl goes through it), or undefined. Loopback hosts are never
 * proxied (as Go's ProxyFromEnvironment has it); NO_PROXY entries that are `*`, a host, a domain (`.x.io` or
 * `x.io`) or an IP are honoured; anything else (a CIDR, a port) counts as not matching, which only sends the
 * client to kubectl.
 */
export function proxyFor(host: string, env: NodeJS.ProcessEnv): string | undefined {
  const set = PROXY_ENV.find((k) => env[k])
  if (!set) return undefined
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || /^127\./.test(h) || h === '::1') return undefined
  for (const raw of (env.NO_PROXY ?? env.no_proxy ?? '').split(',')) {
    const e = raw.trim().toLowerCase()
    if (!e) continue
    if (e === '*') return undefined
    if (isIP(e) && e === h) return undefined
    const domain = e.replace(/^\*?\./, '')
    if (!isIP(domain) && /^[a-z0-9.-]+$/.test(domain) && (h === domain || h.endsWith(`.${domain}`))) return undefined
  }
  return set
}

export interface DirectAnswer {
  status: number
  text: string
  retryAfter?: string
}

export interface DirectRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: Buffer
  timeoutMs: number
}

/** Streams in flight at once on the connection; more wait their turn (the API server allows 100 or more). */
const MAX_STREAMS = 32

/**
 * One HTTP/2 connection to the API server, made on first use and again after it closed. It holds the event loop
 * only while requests are in flight, so a run that forgets to close it still ends.
 */
export class DirectConnection {
  private session?: ClientHttp2Session
  private active = 0
  private readonly waiting: (() => void)[] = []
  private closed = false
  /** Why a connection failed (its streams only learn that they were cancelled). */
  private readonly failures = new WeakMap<ClientHttp2Session, Error>()

  constructor(readonly target: DirectTarget) {}

  /** Opens the connection now (the TLS handshake; no request). */
  warm(): void {
    if (!this.closed) this.connection()
  }

  private connection(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session
    const { origin, ca, cert, key, servername } = this.target
    const session = connect(origin, {
      ...(ca ? { ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(servername ? { servername } : {}),
    })
    // A broken connection is simply made again by the next request; its streams fail with the reason.
    session.on('error', (e: Error) => this.failures.set(session, e))
    const forget = () => {
      if (this.session === session) this.session = undefined
    }
    session.once('close', forget)
    session.once('goaway', forget)
    session.unref()
    this.session = session
    return session
  }

  private async slot(): Promise<void> {
    if (this.active < MAX_STREAMS) {
      this.active++
      return
    }
    await new Promise<void>((r) => this.waiting.push(r))
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.active--
  }

  async send(req: DirectRequest): Promise<DirectAnswer> {
    if (this.closed) throw new Error('the Kubernetes API client is closed')
    await this.slot()
    const session = this.connection()
    session.ref()
    try {
      return await new Promise<DirectAnswer>((resolve, reject) => {
        const stream = session.request(
          {
            [h2.HTTP2_HEADER_METHOD]: req.method,
            [h2.HTTP2_HEADER_PATH]: `${this.target.prefix}${req.path}`,
            'user-agent': 'karpenter-action',
            ...req.headers,
            ...(this.target.token ? { authorization: `Bearer ${this.target.token}` } : {}),
          },
          // Said outright: node ends a DELETE's stream at once otherwise, and a DELETE here has a body.
          { endStream: !req.body },
        )
        let head: (IncomingHttpHeaders & IncomingHttpStatusHeader) | undefined
        const chunks: Buffer[] = []
        stream.on('response', (h) => (head = h))
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          const retryAfter = head?.['retry-after']
          resolve({
            status: Number(head?.[h2.HTTP2_HEADER_STATUS] ?? 0),
            text: Buffer.concat(chunks).toString('utf8'),
            ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
          })
        })
        // The connection's own error (refused, TLS) comes after its streams learn they were cancelled.
        stream.on('error', (e) => setImmediate(() => reject(this.failures.get(session) ?? e)))
        stream.setTimeout(req.timeoutMs, () => {
          stream.close(h2.NGHTTP2_CANCEL)
          reject(new Error(`${req.method} ${req.path}: no answer within ${req.timeoutMs} ms`))
        })
        stream.end(req.body)
      })
    } finally {
      this.release()
      if (this.active === 0 && !session.destroyed) session.unref()
    }
  }

  /** Closes the connection; further requests fail. */
  close(): void {
    this.closed = true
    this.session?.destroy()
    this.session = undefined
  }

  /** Drops the connection (the next request makes a new one), e.g. to present a renewed token. */
  reset(): void {
    this.session?.close()
    this.session = undefined
  }
}
