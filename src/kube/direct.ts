import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { isIP } from 'node:net'
import { dirname, isAbsolute, resolve } from 'node:path'
import { CORE_SCHEMA, load } from 'js-yaml'

/**
 * The API server reached directly, over keep-alive HTTPS connections, for a kubeconfig whose current context this
 * module understands in full: no `kubectl proxy` hop (a process, and a second TLS leg for every request). Whatever
 * it does not understand (an exec plugin, an auth provider, impersonation, basic auth, a proxy, TLS verification
 * turned off) is left to kubectl: directTarget() then says why, and the client uses the proxy.
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

/** TLS connections kept open to the API server, at the most (requests beyond wait for a free one). */
const MAX_SOCKETS = 16

/**
 * Keep-alive HTTPS connections to the API server (HTTP/1.1: node's HTTP/2 client has had memory-corruption bugs
 * under connection churn, and one of its crashes took down a test run here). Idle connections hold nothing of the
 * event loop, so a run that forgets to close them still ends.
 */
export class DirectConnection {
  private agent?: Agent
  private closed = false

  constructor(readonly target: DirectTarget) {}

  /** Nothing to do ahead: the first request opens the first connection. */
  warm(): void {}

  private connection(): Agent {
    const { ca, cert, key, servername } = this.target
    this.agent ??= new Agent({
      keepAlive: true,
      maxSockets: MAX_SOCKETS,
      ...(ca ? { ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(servername ? { servername } : {}),
    })
    return this.agent
  }

  async send(req: DirectRequest): Promise<DirectAnswer> {
    if (this.closed) throw new Error('the Kubernetes API client is closed')
    const url = new URL(`${this.target.prefix}${req.path}`, this.target.origin)
    const agent = this.connection()
    return new Promise<DirectAnswer>((resolve, reject) => {
      const r = request(
        {
          agent,
          protocol: 'https:',
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || 443,
          method: req.method,
          path: `${url.pathname}${url.search}`,
          headers: {
            'user-agent': 'karpenter-action',
            ...req.headers,
            ...(req.body ? { 'content-length': String(req.body.length) } : {}),
            ...(this.target.token ? { authorization: `Bearer ${this.target.token}` } : {}),
          },
          timeout: req.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const retryAfter = res.headers['retry-after']
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
            })
          })
          res.on('error', reject)
        },
      )
      r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.path}: no answer within ${req.timeoutMs} ms`)))
      r.on('error', reject)
      r.end(req.body)
    })
  }

  /** Closes the connections; further requests fail. */
  close(): void {
    this.closed = true
    this.reset()
  }

  /** Drops the connections (the next request opens new ones). */
  reset(): void {
    this.agent?.destroy()
    this.agent = undefined
  }
}
