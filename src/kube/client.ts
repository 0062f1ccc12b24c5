import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CallRecorder } from '../calls.js'
import { retry } from '../retry.js'
import { DirectConnection, directTarget } from './direct.js'
import { runTool, ToolError, type RunOptions, type RunResult } from './tools.js'
import { CRD, FIELD_MANAGER, type ApiResource, type KubeObject, type NamedRef, type ObjectRef } from './types.js'

/**
 * The one way to the cluster's API for a run, and helm with the same kubeconfig. The API is reached directly over
 * keep-alive HTTPS connections when the kubeconfig's current context is one src/kube/direct.ts understands in full (a
 * server, its CA, a token or a client certificate: what the action's own EKS kubeconfig holds); for anything else
 * (an exec plugin, an auth provider, a proxy, ...) through ONE `kubectl proxy` per run on a private unix socket.
 * `KARPENTER_ACTION_KUBE_TRANSPORT=proxy` (or the `transport` option) always takes the proxy.
 *
 * Why a proxy: a plan reads a dozen objects, lists helm release records and dry-runs every NodePool; one kubectl
 * process per step would cost a process (~100-300 ms, and a round of discovery) each. The proxy costs one process
 * for all of them, lets reads run truly concurrently, and keeps kubectl in charge of authentication (client
 * certificates, tokens, the `aws eks get-token` exec plugin and its refresh). The socket lives in a 0700 folder, so
 * no other user of the machine can talk through it.
 */

/** The API server's own answer to a failed request (its `Status` object). */
export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    /** The API server's message, unchanged. */
    readonly apiMessage: string,
  ) {
    super(`${method} ${path}: ${status} ${reason}: ${apiMessage}`)
    this.name = 'KubeApiError'
  }
}

/** Kinds this action touches, so their paths need no discovery round trip. */
const KNOWN: Record<string, ApiResource> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Pod': { plural: 'pods', namespaced: true },
  'v1/Event': { plural: 'events', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', namespaced: false },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { plural: 'customresourcedefinitions', namespaced: false },
}

/**
 * The API server's judgement of an object sent to it (invalid, bad request): not a failure to reach it. A server-side
 * apply with a field the schema does not declare answers 500 "failed to create typed patch object" (the apply
 * cannot be merged into the typed object), which is the same judgement.
 */
export function isRefusal(e: unknown): e is KubeApiError {
  if (!(e instanceof KubeApiError)) return false
  return (
    e.status === 400 ||
    e.status === 422 ||
    (e.status === 500 && /failed to create typed patch object/.test(e.apiMessage))
  )
}

export interface RequestOptions {
  query?: Record<string, string | undefined>
  body?: unknown
  contentType?: string
  accept?: string
  /** Milliseconds before the request is abandoned. */
  timeoutMs?: number
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** A batch of GETs of one collection with this many names or more is read with one LIST. */
const LIST_AT = 3

interface PendingGet {
  name: string
  path: string
  resolve: (o: KubeObject | undefined) => void
  reject: (e: unknown) => void
}

/** How often a request the API server did not take (429) is sent again, at most. */
const THROTTLED_ATTEMPTS = 10

/** A 429 answer: the API server did not take the request and says when to come back. */
class Throttled extends Error {
  constructor(readonly waitMs: number) {
    super('throttled')
  }
}

export interface KubeClientOptions {
  /** The kubectl that runs the proxy. */
  kubectl?: string
  /** Told of every API request and process (benchmarks and tests install one). */
  recorder?: CallRecorder
  /**
   * `auto` (the default): directly when the kubeconfig allows it, else through kubectl proxy; `proxy`: always
   * through kubectl proxy. The environment's KARPENTER_ACTION_KUBE_TRANSPORT=proxy has the same effect.
   */
  transport?: 'auto' | 'proxy'
}

/** The environment variable that sends every API request through kubectl proxy. */
export const TRANSPORT_ENV = 'KARPENTER_ACTION_KUBE_TRANSPORT'

export class KubeClient {
  private proxy?: Promise<Proxy>
  private agent?: Agent
  private readonly discovery = new Map<string, Promise<Map<string, ApiResource>>>()
  /** GETs waiting for the end of the tick, by collection path. */
  private readonly pendingGets = new Map<string, PendingGet[]>()
  private closed = false
  private draining = false
  private readonly runningHelm = new Set<{ command: string; done: Promise<void> }>()
  readonly recorder?: CallRecorder
  private readonly kubectl: string
  private readonly transport: 'auto' | 'proxy'
  /** The direct connection; null once the proxy is the way (the kubeconfig asks for what only kubectl does). */
  private direct?: DirectConnection | null
  /** Whether the direct connection has answered a request (before that, a failure to connect means the proxy). */
  private directAnswered = false
  /** Why the requests go through kubectl proxy (undefined while they go directly, or before the first). */
  proxyReason?: string

  constructor(
    readonly kubeconfig: string,
    options: KubeClientOptions = {},
  ) {
    this.kubectl = options.kubectl ?? 'kubectl'
    this.recorder = options.recorder
    this.transport = options.transport ?? (process.env[TRANSPORT_ENV] === 'proxy' ? 'proxy' : 'auto')
  }

  /** The direct connection, decided on first use from the kubeconfig (null: through kubectl proxy). */
  private route(): DirectConnection | null {
    if (this.direct !== undefined) return this.direct
    if (this.transport === 'proxy') {
      this.proxyReason = `${TRANSPORT_ENV}=proxy`
      return (this.direct = null)
    }
    const found = directTarget(this.kubeconfig)
    if ('why' in found) {
      this.proxyReason = found.why
      return (this.direct = null)
    }
    return (this.direct = new DirectConnection(found.target))
  }

  /** How requests reach the API server, for the log: `directly over HTTPS` or `through kubectl proxy (why)`. */
  get way(): string {
    const direct = this.route()
    return direct ? `directly over HTTPS` : `through kubectl proxy (${this.proxyReason})`
  }

  /** helm against this cluster (same kubeconfig). Refused once the client is draining (a cancelled run). */
  helm(args: string[], opts: Omit<RunOptions, 'recorder'> = {}): Promise<RunResult> {
    if (this.draining) return Promise.reject(new Error(`the run is being cancelled: helm ${args[0]} was not started`))
    const run = runTool('helm', ['--kubeconfig', this.kubeconfig, ...args], { ...opts, recorder: this.recorder })
    const entry = {
      command: args.slice(0, 2).join(' '),
      done: run.then(
        () => undefined,
        () => undefined,
      ),
    }
    this.runningHelm.add(entry)
    void entry.done.then(() => this.runningHelm.delete(entry))
    return run
  }

  /** The helm commands running now (e.g. `upgrade karpenter`). */
  get helmRunning(): string[] {
    return [...this.runningHelm].map((e) => e.command)
  }

  /**
   * Starts no more helm processes, and waits (up to `boundMs`) for the running ones to end. Returns the commands
   * still running when the bound ran out (empty when all ended).
   */
  async drain(boundMs: number): Promise<string[]> {
    this.draining = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)))
    await Promise.race([Promise.all([...this.runningHelm].map((e) => e.done)), bound])
    clearTimeout(timer)
    return this.helmRunning
  }

  /**
   * Starts the proxy now rather than at the first request (it takes kubectl ~0.1 s to listen). A failure to start
   * is left for that request to report.
   */
  warm(): void {
    if (this.closed) return
    const direct = this.route()
    if (direct) direct.warm()
    else this.start().catch(() => undefined)
  }

  /** Starts the proxy on first use; concurrent callers share the one start. */
  private start(): Promise<Proxy> {
    if (this.closed) return Promise.reject(new Error('the Kubernetes API client is closed'))
    this.proxy ??= startProxy(this.kubectl, this.kubeconfig, this.recorder).then((p) => {
      this.agent = new Agent({ keepAlive: true, maxSockets: 16 })
      return p
    })
    return this.proxy
  }

  /** Stops the proxy. Further requests fail. */
  async close(): Promise<void> {
    this.closed = true
    this.direct?.close()
    await this.stopProxy()
  }

  private async stopProxy(): Promise<void> {
    const p = this.proxy
    this.proxy = undefined
    this.agent?.destroy()
    this.agent = undefined
    await (await p?.catch(() => undefined))?.stop()
  }

  /**
   * Restarts the proxy: kubectl reads the kubeconfig once, so after the token in it was renewed (EKS tokens
   * last 15 minutes; src/aws/eks-auth.ts rewrites the file) a fresh proxy is what picks the new one up.
   */
  private async restart(failed: Promise<unknown>): Promise<void> {
    // Requests failing together restart it once: only the one that finds its proxy still current does.
    if (this.proxy === failed) await this.stopProxy()
  }

  /** One HTTP request; JSON in and out. Throws KubeApiError for any non-2xx answer. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    // 429: the API server did not take the request (throttled, or the storage of a just-created CRD is still
    // initializing) and says when to come back; client-go retries it the same way.
    let throttled = 0
    const answer = await retry(
      async (n) => {
        const a = await this.deliver(method, path, opts)
        if (a.status !== 429 || n >= THROTTLED_ATTEMPTS) return a
        throttled++
        const after = Number(a.retryAfter ?? '1')
        throw new Throttled(Math.min(Number.isFinite(after) ? after : 1, 5) * 1000)
      },
      {
        attempts: THROTTLED_ATTEMPTS + 1,
        baseDelayMs: 1000,
        retryable: (e) => e instanceof Throttled,
        waitFor: (e) => (e as Throttled).waitMs,
      },
    )
    const { status, text } = answer
    const dryRun = opts.query?.dryRun !== undefined
    this.recorder?.apiRequest({ method, path, status, mutating: MUTATING.has(method) && !dryRun, throttled })
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    if (status < 200 || status >= 300) {
      const s = (json ?? {}) as { message?: string; reason?: string }
      let message = s.message ?? (text.trim() || '(no body)')
      if (status === 401) {
        message += `. The cluster refused the credentials of ${this.kubeconfig} (on EKS, the role the action runs as needs an access entry or an aws-auth mapping)`
      }
      throw new KubeApiError(method, path, status, s.reason ?? 'Error', message)
    }
    return json as T
  }

  /**
   * Sends directly or through the proxy. Directly: a connection that cannot be made before any answer came over it
   * (refused, a TLS problem) sends this and every later request through kubectl proxy, so kubectl judges it as it
   * always did; a connection cut later is made again once; a 401 reads the kubeconfig again (a renewed token) once.
   */
  private async deliver(method: string, path: string, opts: RequestOptions) {
    const direct = this.route()
    if (direct) {
      try {
        let answer = await this.sendDirect(direct, method, path, opts).catch((e: unknown) => {
          // Cut (or refused before it answered): once more, on a fresh connection (every call made here is
          // idempotent), or on the one another request made meanwhile.
          if (this.closed) throw e
          const now = this.route()
          if (!now) throw e
          if (now === direct) direct.reset()
          return this.sendDirect(now, method, path, opts)
        })
        this.directAnswered = true
        if (answer.status === 401) {
          const renewed = directTarget(this.kubeconfig)
          if ('target' in renewed) {
            if (this.direct === direct) {
              direct.close()
              this.direct = new DirectConnection(renewed.target)
            }
            if (this.direct) answer = await this.sendDirect(this.direct, method, path, opts)
          }
        }
        return answer
      } catch (e) {
        if (this.closed || this.directAnswered) throw e
        if (this.direct === direct) {
          // It never answered: the proxy from now on (kubectl says what is wrong, if anything is).
          direct.close()
          this.direct = null
          this.proxyReason = `the direct connection failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`
        }
        if (this.direct !== null) throw e
      }
    }
    return this.deliverByProxy(method, path, opts)
  }

  private sendDirect(direct: DirectConnection, method: string, path: string, opts: RequestOptions) {
    const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body))
    return direct.send({
      method,
      path: withQuery(path, opts),
      headers: {
        accept: opts.accept ?? 'application/json',
        ...(body ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
      },
      body,
      timeoutMs: opts.timeoutMs ?? 60_000,
    })
  }

  /** Sends through the proxy, recovering once from a proxy that died, was restarted, or holds an expired token. */
  private async deliverByProxy(method: string, path: string, opts: RequestOptions) {
    let answer = await this.send(method, path, opts).catch(async (e: NodeJS.ErrnoException & { proxy?: unknown }) => {
      const unreachable = e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
      const cut = e.code === 'ECONNRESET' || /socket hang up/.test(e.message)
      // Another request restarted the proxy under this one (every call made here is idempotent): send it again.
      if (e.proxy !== this.proxy && (cut || unreachable)) return this.send(method, path, opts)
      if (!unreachable) throw e
      // The proxy died before the request reached the API server: start another.
      await this.stopProxy()
      return this.send(method, path, opts)
    })
    if (answer.status === 401) {
      await this.restart(answer.proxy)
      answer = await this.send(method, path, opts)
    }
    return answer
  }

  private async send(
    method: string,
    path: string,
    opts: RequestOptions,
  ): Promise<{ status: number; text: string; retryAfter?: string; proxy: Promise<unknown> }> {
    const proxy = this.start()
    const { socket } = await proxy
    const fullPath = withQuery(path, opts)
    const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body))
    const answer = await new Promise<{ status: number; text: string; retryAfter?: string }>((resolve, reject) => {
      const req = request(
        {
          socketPath: socket,
          agent: this.agent,
          method,
          path: fullPath,
          headers: {
            accept: opts.accept ?? 'application/json',
            ...(body ? { 'content-type': opts.contentType ?? 'application/json', 'content-length': body.length } : {}),
          },
          timeout: opts.timeoutMs ?? 60_000,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              retryAfter: res.headers['retry-after'],
            }),
          )
          res.on('error', reject)
        },
      )
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${path}: no answer within ${opts.timeoutMs ?? 60_000} ms`)),
      )
      req.on('error', (e) => reject(Object.assign(e, { proxy })))
      req.end(body)
    })
    return { ...answer, proxy }
  }

  /** GET that answers undefined for 404. */
  async getPath<T = KubeObject>(path: string, opts: RequestOptions = {}): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path, opts)
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined
      throw e
    }
  }

  /** The resources one group version serves, by kind; empty when the group version is not served. */
  private resources(apiVersion: string): Promise<Map<string, ApiResource>> {
    let p = this.discovery.get(apiVersion)
    if (!p) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
      p = this.getPath<{ resources: { name: string; kind: string; namespaced: boolean }[] }>(path).then((list) => {
        const out = new Map<string, ApiResource>()
        for (const r of list?.resources ?? []) {
          if (!r.name.includes('/')) out.set(r.kind, { plural: r.name, namespaced: r.namespaced })
        }
        return out
      })
      p.catch(() => this.discovery.delete(apiVersion))
      this.discovery.set(apiVersion, p)
    }
    return p
  }

  /** Forgets what discovery learnt (after CRDs were installed or removed). */
  forgetDiscovery(): void {
    this.discovery.clear()
  }

  /** How a kind is served, or undefined when the API server does not serve it (e.g. its CRD is missing). */
  async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const known = KNOWN[`${apiVersion}/${kind}`]
    if (known) return known
    return (await this.resources(apiVersion)).get(kind)
  }

  /** The path of an object (or of its collection when the name is left out). */
  async path(ref: ObjectRef): Promise<string> {
    let r = await this.resource(ref.apiVersion, ref.kind)
    if (!r) {
      // Discovery is cached; a CRD installed since (by this apply) makes the kind served now.
      this.discovery.delete(ref.apiVersion)
      r = await this.resource(ref.apiVersion, ref.kind)
    }
    if (!r) throw new NotServedError(ref)
    return pathOf(ref, r)
  }

  /**
   * An object, or undefined when it does not exist (or its kind is not served). The GETs of one collection asked for
   * in the same tick are one batch: LIST_AT or more names are read with one LIST of the collection (a plan of 50 node
   * pools reads 100 objects with two requests), fewer with a GET each. Secrets and CRDs are always read one by one (a LIST
   * would bring every Secret's data, or every CRD's schemas), and a LIST the identity may not make falls back to the
   * GETs.
   */
  async get(ref: NamedRef): Promise<KubeObject | undefined> {
    const r = await this.resource(ref.apiVersion, ref.kind)
    if (!r) return undefined
    const path = pathOf(ref, r)
    if (ref.kind === 'Secret' && ref.apiVersion === 'v1') return this.getPath(path)
    // A LIST of CRDs brings every CRD of the cluster with its schemas (megabytes in a cluster with many operators).
    if (ref.kind === CRD.kind && ref.apiVersion === CRD.apiVersion) return this.getPath(path)
    const collection = path.slice(0, path.lastIndexOf('/'))
    return new Promise((resolve, reject) => {
      let batch = this.pendingGets.get(collection)
      if (!batch) {
        this.pendingGets.set(collection, (batch = []))
        setImmediate(() => void this.flushGets(collection, ref))
      }
      batch.push({ name: ref.name, path, resolve, reject })
    })
  }

  private async flushGets(collection: string, ref: ObjectRef): Promise<void> {
    const batch = this.pendingGets.get(collection) ?? []
    this.pendingGets.delete(collection)
    const one = (g: PendingGet) => this.getPath(g.path).then(g.resolve, g.reject)
    if (new Set(batch.map((g) => g.name)).size < LIST_AT) {
      await Promise.all(batch.map(one))
      return
    }
    let items: KubeObject[]
    try {
      items = await this.listPath(collection)
    } catch (e) {
      if (e instanceof KubeApiError && (e.status === 403 || e.status === 405)) {
        await Promise.all(batch.map(one))
      } else {
        for (const g of batch) g.reject(e)
      }
      return
    }
    const byName = new Map(items.map((o) => [o.metadata.name, o]))
    for (const g of batch) {
      const found = byName.get(g.name)
      g.resolve(found ? { ...found, apiVersion: ref.apiVersion, kind: ref.kind } : undefined)
    }
  }

  /** Every object of a collection (one request: without a limit the API server answers the whole list). */
  private async listPath(path: string, labelSelector?: string): Promise<KubeObject[]> {
    const list = await this.getPath<{ items?: KubeObject[] }>(path, { query: { labelSelector } })
    return list?.items ?? []
  }

  /** Lists a kind; empty when the kind is not served. */
  async list(ref: ObjectRef, labelSelector?: string): Promise<KubeObject[]> {
    const r = await this.resource(ref.apiVersion, ref.kind)
    if (!r) return []
    const items = await this.listPath(pathOf(ref, r), labelSelector)
    return items.map((o) => ({ ...o, apiVersion: ref.apiVersion, kind: ref.kind }))
  }

  /**
   * Server-side apply under `fieldManager`, taking over fields other managers set (as `kubectl apply
   * --server-side --force-conflicts`).
   */
  apply(obj: KubeObject, fieldManager = FIELD_MANAGER): Promise<KubeObject> {
    return this.serverSideApply(obj, fieldManager, false)
  }

  /**
   * A server-side apply the API server runs through defaulting, validation (OpenAPI and CEL rules) and admission
   * without storing it: it answers the object as it would be.
   */
  dryRunApply(obj: KubeObject, fieldManager = FIELD_MANAGER): Promise<KubeObject> {
    return this.serverSideApply(obj, fieldManager, true)
  }

  private async serverSideApply(obj: KubeObject, fieldManager: string, dryRun: boolean): Promise<KubeObject> {
    const { apiVersion, kind, metadata } = obj
    const path = await this.path({ apiVersion, kind, name: metadata.name, namespace: metadata.namespace })
    return this.request<KubeObject>('PATCH', path, {
      query: { fieldManager, force: 'true', fieldValidation: 'Strict', dryRun: dryRun ? 'All' : undefined },
      body: obj,
      contentType: 'application/apply-patch+yaml',
    })
  }

  /** Merge patch (metadata edits such as adoption labels). */
  async mergePatch(ref: NamedRef, patch: unknown, fieldManager = FIELD_MANAGER): Promise<KubeObject> {
    return this.request<KubeObject>('PATCH', await this.path(ref), {
      query: { fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
    })
  }

  /** Deletes an object; true when it existed. */
  async delete(ref: NamedRef, propagationPolicy = 'Background'): Promise<boolean> {
    const r = await this.resource(ref.apiVersion, ref.kind)
    if (!r) return false
    try {
      await this.request('DELETE', pathOf(ref, r), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy },
      })
      return true
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false
      throw e
    }
  }

  /** The API server's version, e.g. `v1.34.4`. */
  async serverVersion(): Promise<string> {
    const v = await this.request<{ gitVersion: string }>('GET', '/version')
    return v.gitVersion
  }

  /** Every group version the API server serves (`v1`, `apps/v1`, ...): what helm calls `.Capabilities.APIVersions`. */
  async apiVersions(): Promise<string[]> {
    const groups = await this.request<{ groups?: { versions?: { groupVersion?: string }[] }[] }>('GET', '/apis')
    const versions = (groups?.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion ?? ''))
    return ['v1', ...versions.filter((v) => /^[a-z0-9.-]+\/[a-z0-9]+$/.test(v))]
  }
}

interface Proxy {
  socket: string
  stop(): Promise<void>
}

/**
 * Runs `kubectl proxy` on a unix socket in a fresh 0700 folder, behind a small sh watchdog: the watchdog
 * holds a pipe from this process and stops kubectl when it closes, so a proxy never outlives the action,
 * even when the action is killed (a handler on process exit could not run then). Where there is no sh
 * (Windows), kubectl runs directly.
 *
 * Nothing of the proxy keeps this process alive: once it serves, the child and its pipes are unref'd, so a run
 * that fails without closing its client (or a test suite that forgets to) still ends, and its end takes the
 * proxy with it (the watchdog sees its pipe close; on exit the child is also killed outright).
 */
function startProxy(kubectl: string, kubeconfig: string, recorder: CallRecorder | undefined): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'ka-kube-'))
  const socket = join(dir, 'api.sock')
  const args = ['--kubeconfig', kubeconfig, 'proxy', `--unix-socket=${socket}`, '--keepalive=30s']
  recorder?.process({ tool: kubectl, args })
  const watchdog = process.platform !== 'win32'
  // $0 is kubectl. It runs in the background with its own stdin; a reader of our pipe (fd 3) kills it at EOF.
  // Its folder goes when it does (the socket with it).
  const script =
    'exec 3<&0; "$0" "$@" </dev/null & pid=$!; (read -r _ <&3; kill "$pid" 2>/dev/null) & wait "$pid"; s=$?; rm -rf "$KA_PROXY_DIR"; exit $s'
  const child = watchdog
    ? spawn('sh', ['-c', script, kubectl, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, KA_PROXY_DIR: dir },
      })
    : spawn(kubectl, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  // On exit (however the run ends, short of SIGKILL, which the watchdog covers) the proxy goes too.
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', kill)
  const stop = async () => {
    process.removeListener('exit', kill)
    if (child.exitCode === null && child.signalCode === null) {
      if (watchdog) child.stdin!.end()
      else child.kill()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  return new Promise<Proxy>((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const fail = (code: number, why: string) => {
      clearTimeout(timer)
      void stop()
      reject(new ToolError(kubectl, args, code, why))
    }
    const timer = setTimeout(() => fail(-1, `kubectl proxy did not start within 20s. ${stderr}`), 20_000)
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (stdout.includes('Starting to serve on')) {
        clearTimeout(timer)
        detach(child)
        resolve({ socket, stop })
      }
    })
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (e) => fail(-1, `${e.message} (is kubectl installed and on PATH?)`))
    void exited.then((code) => fail(code ?? -1, stderr || 'kubectl proxy exited'))
  })
}

/** Lets this process end while `child` runs: neither the child nor its pipes hold the event loop. */
function detach(child: ChildProcess): void {
  child.unref()
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    ;(stream as unknown as { unref?: () => void } | null)?.unref?.()
  }
}

/** The kind is not served by the API server (its CRD is not installed). */
export class NotServedError extends Error {
  constructor(readonly ref: ObjectRef) {
    super(`the API server does not serve ${ref.kind} (${ref.apiVersion}): is its CRD installed?`)
    this.name = 'NotServedError'
  }
}

/** The path with the request's query. */
function withQuery(path: string, opts: RequestOptions): string {
  // Values percent-encoded (spaces as %20); the API server reads this as it reads URLSearchParams' encoding.
  let q = ''
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined) q += `${q ? '&' : '?'}${encodeURIComponent(k)}=${encodeURIComponent(v)}`
  }
  return path + q
}

function pathOf(ref: ObjectRef, r: ApiResource): string {
  const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`
  // A named object without a namespace is in `default` (as kubectl has it); a list without one spans all.
  const namespace = ref.namespace ?? (ref.name ? 'default' : undefined)
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  const name = ref.name ? `/${encodeURIComponent(ref.name)}` : ''
  return `${base}${ns}/${r.plural}${name}`
}
