export const id = 89;
export const ids = [89];
export const modules = {

/***/ 1089:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  W3: () => (/* binding */ KubeApiError),
  KubeClient: () => (/* binding */ KubeClient),
  vu: () => (/* binding */ isRefusal)
});

// UNUSED EXPORTS: NotServedError, TRANSPORT_ENV

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/retry.ts
var retry = __webpack_require__(9809);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(3243);
;// CONCATENATED MODULE: ./src/kube/direct.ts





/** Cluster fields that change nothing here (checked as kubectl would: anything else sends the client to kubectl). */
const CLUSTER_FIELDS = new Set([
    'server',
    'certificate-authority',
    'certificate-authority-data',
    'tls-server-name',
    'insecure-skip-tls-verify',
    'disable-compression',
    'extensions',
]);
const USER_FIELDS = new Set([
    'token',
    'tokenFile',
    'client-certificate',
    'client-certificate-data',
    'client-key',
    'client-key-data',
    'extensions',
]);
const PROXY_ENV = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];
/**
 * The direct way to the API server of `kubeconfig`'s current context, or why there is none (then kubectl proxy
 * is used, which honours everything a kubeconfig may say). Reads the kubeconfig and the files it names.
 */
function directTarget(kubeconfig, env = process.env) {
    let doc;
    try {
        doc = ((0,js_yaml/* load */.Hh)((0,external_node_fs_.readFileSync)(kubeconfig, 'utf8'), { schema: js_yaml/* CORE_SCHEMA */.OU }) ?? {});
    }
    catch (e) {
        return { why: `the kubeconfig could not be read here (${e.message.split('\n')[0]})` };
    }
    if (!doc || typeof doc !== 'object')
        return { why: 'the kubeconfig is not a mapping' };
    const named = (list, name) => Array.isArray(list) && name !== undefined ? list.find((e) => e?.name === name) : undefined;
    const context = named(doc.contexts, doc['current-context'])?.context;
    if (!context)
        return { why: 'the kubeconfig has no current context' };
    const cluster = named(doc.clusters, context.cluster)?.cluster;
    if (!cluster || typeof cluster !== 'object')
        return { why: `the context's cluster is not in the kubeconfig` };
    const user = (context.user === undefined ? {} : named(doc.users, context.user)?.user) ?? {};
    const other = [
        ...Object.keys(cluster).filter((k) => !CLUSTER_FIELDS.has(k) && cluster[k] !== undefined && cluster[k] !== null),
        ...Object.keys(user).filter((k) => !USER_FIELDS.has(k) && user[k] !== undefined && user[k] !== null),
    ];
    if (other.length)
        return { why: `the kubeconfig uses ${other.join(', ')}` };
    if (cluster['insecure-skip-tls-verify'] === true)
        return { why: 'the kubeconfig turns TLS verification off' };
    let url;
    try {
        url = new URL(String(cluster.server ?? ''));
    }
    catch {
        return { why: 'the cluster has no server URL' };
    }
    if (url.protocol !== 'https:')
        return { why: `the server is not https (${url.protocol})` };
    if (url.username || url.password || url.search || url.hash)
        return { why: 'the server URL has more than a host and path' };
    const proxy = proxyFor(url.hostname, env);
    if (proxy)
        return { why: `${proxy} is set for the API server's host` };
    const base = (0,external_node_path_.dirname)((0,external_node_path_.resolve)(kubeconfig));
    const str = (v) => (typeof v === 'string' && v !== '' ? v : undefined);
    const file = (v) => {
        const p = str(v);
        return p === undefined ? undefined : (0,external_node_fs_.readFileSync)((0,external_node_path_.isAbsolute)(p) ? p : (0,external_node_path_.resolve)(base, p));
    };
    const data = (v) => {
        const s = str(v);
        return s === undefined ? undefined : Buffer.from(s, 'base64');
    };
    try {
        const ca = data(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']);
        const cert = data(user['client-certificate-data']) ?? file(user['client-certificate']);
        const key = data(user['client-key-data']) ?? file(user['client-key']);
        if (!cert !== !key)
            return { why: 'the user has a client certificate without its key, or a key without its certificate' };
        if (str(user.token) && str(user.tokenFile))
            return { why: 'the user has both token and tokenFile' };
        const token = str(user.token) ?? (str(user.tokenFile) ? file(user.tokenFile).toString('utf8').trim() : undefined);
        const servername = str(cluster['tls-server-name']);
        return {
            target: {
                origin: url.origin,
                prefix: url.pathname.replace(/\/+$/, ''),
                ...(ca ? { ca } : {}),
                ...(cert && key ? { cert, key } : {}),
                ...(token ? { token } : {}),
                ...(servername ? { servername } : {}),
            },
        };
    }
    catch (e) {
        return { why: `a file the kubeconfig names could not be read (${e.code ?? 'error'})` };
    }
}
/**
 * The proxy variable that would apply to `host` (kubectl goes through it), or undefined. Loopback hosts are never
 * proxied (as Go's ProxyFromEnvironment has it); NO_PROXY entries that are `*`, a host, a domain (`.x.io` or
 * `x.io`) or an IP are honoured; anything else (a CIDR, a port) counts as not matching, which only sends the
 * client to kubectl.
 */
function proxyFor(host, env) {
    const set = PROXY_ENV.find((k) => env[k]);
    if (!set)
        return undefined;
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    if (h === 'localhost' || /^127\./.test(h) || h === '::1')
        return undefined;
    for (const raw of (env.NO_PROXY ?? env.no_proxy ?? '').split(',')) {
        const e = raw.trim().toLowerCase();
        if (!e)
            continue;
        if (e === '*')
            return undefined;
        if ((0,external_node_net_.isIP)(e) && e === h)
            return undefined;
        const domain = e.replace(/^\*?\./, '');
        if (!(0,external_node_net_.isIP)(domain) && /^[a-z0-9.-]+$/.test(domain) && (h === domain || h.endsWith(`.${domain}`)))
            return undefined;
    }
    return set;
}
/** TLS connections kept open to the API server, at the most (requests beyond wait for a free one). */
const MAX_SOCKETS = 16;
/**
 * Keep-alive HTTPS connections to the API server (HTTP/1.1: node's HTTP/2 client has had memory-corruption bugs
 * under connection churn, and one of its crashes took down a test run here). Idle connections hold nothing of the
 * event loop, so a run that forgets to close them still ends.
 */
class DirectConnection {
    target;
    agent;
    closed = false;
    constructor(target) {
        this.target = target;
    }
    /** Nothing to do ahead: the first request opens the first connection. */
    warm() { }
    connection() {
        const { ca, cert, key, servername } = this.target;
        this.agent ??= new external_node_https_.Agent({
            keepAlive: true,
            maxSockets: MAX_SOCKETS,
            ...(ca ? { ca } : {}),
            ...(cert && key ? { cert, key } : {}),
            ...(servername ? { servername } : {}),
        });
        return this.agent;
    }
    async send(req) {
        if (this.closed)
            throw new Error('the Kubernetes API client is closed');
        const url = new URL(`${this.target.prefix}${req.path}`, this.target.origin);
        const agent = this.connection();
        return new Promise((resolve, reject) => {
            const r = (0,external_node_https_.request)({
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
            }, (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => {
                    const retryAfter = res.headers['retry-after'];
                    resolve({
                        status: res.statusCode ?? 0,
                        text: Buffer.concat(chunks).toString('utf8'),
                        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
                    });
                });
                res.on('error', reject);
            });
            r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.path}: no answer within ${req.timeoutMs} ms`)));
            r.on('error', reject);
            r.end(req.body);
        });
    }
    /** Closes the connections; further requests fail. */
    close() {
        this.closed = true;
        this.reset();
    }
    /** Drops the connections (the next request opens new ones). */
    reset() {
        this.agent?.destroy();
        this.agent = undefined;
    }
}

// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 3 modules
var exec = __webpack_require__(1260);
;// CONCATENATED MODULE: ./src/kube/tools.ts

/** A helm or kubectl process that failed. */
class ToolError extends Error {
    tool;
    args;
    exitCode;
    stderr;
    constructor(tool, args, exitCode, stderr) {
        super(`${tool} ${args.slice(0, 3).join(' ')} failed (exit ${exitCode}): ${stderr.trim() || '(no output)'}`);
        this.tool = tool;
        this.args = args;
        this.exitCode = exitCode;
        this.stderr = stderr;
        this.name = 'ToolError';
    }
}
/** Runs helm or kubectl quietly (the caller logs what matters) and captures its output. */
async function runTool(tool, args, opts = {}) {
    opts.recorder?.process({ tool, args });
    const out = await exec/* getExecOutput */.H(tool, args, {
        silent: true,
        ignoreReturnCode: true,
        input: opts.input === undefined ? undefined : Buffer.from(opts.input),
        env: opts.env ? { ...process.env, ...opts.env } : undefined,
    });
    if (out.exitCode !== 0 && !opts.allowFailure)
        throw new ToolError(tool, args, out.exitCode, out.stderr);
    return out;
}

// EXTERNAL MODULE: ./src/kube/types.ts
var types = __webpack_require__(6384);
;// CONCATENATED MODULE: ./src/kube/client.ts









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
class KubeApiError extends Error {
    method;
    path;
    status;
    reason;
    apiMessage;
    constructor(method, path, status, reason, 
    /** The API server's message, unchanged. */
    apiMessage) {
        super(`${method} ${path}: ${status} ${reason}: ${apiMessage}`);
        this.method = method;
        this.path = path;
        this.status = status;
        this.reason = reason;
        this.apiMessage = apiMessage;
        this.name = 'KubeApiError';
    }
}
/** Kinds this action touches, so their paths need no discovery round trip. */
const KNOWN = {
    'v1/Namespace': { plural: 'namespaces', namespaced: false },
    'v1/Secret': { plural: 'secrets', namespaced: true },
    'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
    'v1/Pod': { plural: 'pods', namespaced: true },
    'v1/Event': { plural: 'events', namespaced: true },
    'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
    'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', namespaced: false },
    'apiextensions.k8s.io/v1/CustomResourceDefinition': { plural: 'customresourcedefinitions', namespaced: false },
};
/**
 * The API server's judgement of an object sent to it (invalid, bad request): not a failure to reach it. A server-side
 * apply with a field the schema does not declare answers 500 "failed to create typed patch object" (the apply
 * cannot be merged into the typed object), which is the same judgement.
 */
function isRefusal(e) {
    if (!(e instanceof KubeApiError))
        return false;
    return (e.status === 400 ||
        e.status === 422 ||
        (e.status === 500 && /failed to create typed patch object/.test(e.apiMessage)));
}
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A batch of GETs of one collection with this many names or more is read with one LIST. */
const LIST_AT = 3;
/** How often a request the API server did not take (429) is sent again, at most. */
const THROTTLED_ATTEMPTS = 10;
/** A 429 answer: the API server did not take the request and says when to come back. */
class Throttled extends Error {
    waitMs;
    constructor(waitMs) {
        super('throttled');
        this.waitMs = waitMs;
    }
}
/** The environment variable that sends every API request through kubectl proxy. */
const TRANSPORT_ENV = 'KARPENTER_ACTION_KUBE_TRANSPORT';
class KubeClient {
    kubeconfig;
    proxy;
    agent;
    discovery = new Map();
    /** GETs waiting for the end of the tick, by collection path. */
    pendingGets = new Map();
    closed = false;
    draining = false;
    runningHelm = new Set();
    recorder;
    kubectl;
    transport;
    /** The direct connection; null once the proxy is the way (the kubeconfig asks for what only kubectl does). */
    direct;
    /** Whether the direct connection has answered a request (before that, a failure to connect means the proxy). */
    directAnswered = false;
    /** Why the requests go through kubectl proxy (undefined while they go directly, or before the first). */
    proxyReason;
    constructor(kubeconfig, options = {}) {
        this.kubeconfig = kubeconfig;
        this.kubectl = options.kubectl ?? 'kubectl';
        this.recorder = options.recorder;
        this.transport = options.transport ?? (process.env[TRANSPORT_ENV] === 'proxy' ? 'proxy' : 'auto');
    }
    /** The direct connection, decided on first use from the kubeconfig (null: through kubectl proxy). */
    route() {
        if (this.direct !== undefined)
            return this.direct;
        if (this.transport === 'proxy') {
            this.proxyReason = `${TRANSPORT_ENV}=proxy`;
            return (this.direct = null);
        }
        const found = directTarget(this.kubeconfig);
        if ('why' in found) {
            this.proxyReason = found.why;
            return (this.direct = null);
        }
        return (this.direct = new DirectConnection(found.target));
    }
    /** How requests reach the API server, for the log: `directly over HTTPS` or `through kubectl proxy (why)`. */
    get way() {
        const direct = this.route();
        return direct ? `directly over HTTPS` : `through kubectl proxy (${this.proxyReason})`;
    }
    /** helm against this cluster (same kubeconfig). Refused once the client is draining (a cancelled run). */
    helm(args, opts = {}) {
        if (this.draining)
            return Promise.reject(new Error(`the run is being cancelled: helm ${args[0]} was not started`));
        const run = runTool('helm', ['--kubeconfig', this.kubeconfig, ...args], { ...opts, recorder: this.recorder });
        const entry = {
            command: args.slice(0, 2).join(' '),
            done: run.then(() => undefined, () => undefined),
        };
        this.runningHelm.add(entry);
        void entry.done.then(() => this.runningHelm.delete(entry));
        return run;
    }
    /** The helm commands running now (e.g. `upgrade karpenter`). */
    get helmRunning() {
        return [...this.runningHelm].map((e) => e.command);
    }
    /**
     * Starts no more helm processes, and waits (up to `boundMs`) for the running ones to end. Returns the commands
     * still running when the bound ran out (empty when all ended).
     */
    async drain(boundMs) {
        this.draining = true;
        let timer;
        const bound = new Promise((resolve) => (timer = setTimeout(resolve, boundMs)));
        await Promise.race([Promise.all([...this.runningHelm].map((e) => e.done)), bound]);
        clearTimeout(timer);
        return this.helmRunning;
    }
    /**
     * Starts the proxy now rather than at the first request (it takes kubectl ~0.1 s to listen). A failure to start
     * is left for that request to report.
     */
    warm() {
        if (this.closed)
            return;
        const direct = this.route();
        if (direct)
            direct.warm();
        else
            this.start().catch(() => undefined);
    }
    /** Starts the proxy on first use; concurrent callers share the one start. */
    start() {
        if (this.closed)
            return Promise.reject(new Error('the Kubernetes API client is closed'));
        this.proxy ??= startProxy(this.kubectl, this.kubeconfig, this.recorder).then((p) => {
            this.agent = new external_node_http_.Agent({ keepAlive: true, maxSockets: 16 });
            return p;
        });
        return this.proxy;
    }
    /** Stops the proxy. Further requests fail. */
    async close() {
        this.closed = true;
        this.direct?.close();
        await this.stopProxy();
    }
    async stopProxy() {
        const p = this.proxy;
        this.proxy = undefined;
        this.agent?.destroy();
        this.agent = undefined;
        await (await p?.catch(() => undefined))?.stop();
    }
    /**
     * Restarts the proxy: kubectl reads the kubeconfig once, so after the token in it was renewed (EKS tokens
     * last 15 minutes; src/aws/eks-auth.ts rewrites the file) a fresh proxy is what picks the new one up.
     */
    async restart(failed) {
        // Requests failing together restart it once: only the one that finds its proxy still current does.
        if (this.proxy === failed)
            await this.stopProxy();
    }
    /** One HTTP request; JSON in and out. Throws KubeApiError for any non-2xx answer. */
    async request(method, path, opts = {}) {
        // 429: the API server did not take the request (throttled, or the storage of a just-created CRD is still
        // initializing) and says when to come back; client-go retries it the same way.
        let throttled = 0;
        const answer = await (0,retry/* retry */.L5)(async (n) => {
            const a = await this.deliver(method, path, opts);
            if (a.status !== 429 || n >= THROTTLED_ATTEMPTS)
                return a;
            throttled++;
            const after = Number(a.retryAfter ?? '1');
            throw new Throttled(Math.min(Number.isFinite(after) ? after : 1, 5) * 1000);
        }, {
            attempts: THROTTLED_ATTEMPTS + 1,
            baseDelayMs: 1000,
            retryable: (e) => e instanceof Throttled,
            waitFor: (e) => e.waitMs,
        });
        const { status, text } = answer;
        const dryRun = opts.query?.dryRun !== undefined;
        this.recorder?.apiRequest({ method, path, status, mutating: MUTATING.has(method) && !dryRun, throttled });
        let json;
        try {
            json = text ? JSON.parse(text) : undefined;
        }
        catch {
            json = undefined;
        }
        if (status < 200 || status >= 300) {
            const s = (json ?? {});
            let message = s.message ?? (text.trim() || '(no body)');
            if (status === 401) {
                message += `. The cluster refused the credentials of ${this.kubeconfig} (on EKS, the role the action runs as needs an access entry or an aws-auth mapping)`;
            }
            throw new KubeApiError(method, path, status, s.reason ?? 'Error', message);
        }
        return json;
    }
    /**
     * Sends directly or through the proxy. Directly: a connection that cannot be made before any answer came over it
     * (refused, a TLS problem) sends this and every later request through kubectl proxy, so kubectl judges it as it
     * always did; a connection cut later is made again once; a 401 reads the kubeconfig again (a renewed token) once.
     */
    async deliver(method, path, opts) {
        const direct = this.route();
        if (direct) {
            try {
                let answer = await this.sendDirect(direct, method, path, opts).catch((e) => {
                    // Cut (or refused before it answered): once more, on a fresh connection (every call made here is
                    // idempotent), or on the one another request made meanwhile.
                    if (this.closed)
                        throw e;
                    const now = this.route();
                    if (!now)
                        throw e;
                    if (now === direct)
                        direct.reset();
                    return this.sendDirect(now, method, path, opts);
                });
                this.directAnswered = true;
                if (answer.status === 401) {
                    const renewed = directTarget(this.kubeconfig);
                    if ('target' in renewed) {
                        if (this.direct === direct) {
                            direct.close();
                            this.direct = new DirectConnection(renewed.target);
                        }
                        if (this.direct)
                            answer = await this.sendDirect(this.direct, method, path, opts);
                    }
                }
                return answer;
            }
            catch (e) {
                if (this.closed || this.directAnswered)
                    throw e;
                if (this.direct === direct) {
                    // It never answered: the proxy from now on (kubectl says what is wrong, if anything is).
                    direct.close();
                    this.direct = null;
                    this.proxyReason = `the direct connection failed (${e.code ?? e.message})`;
                }
                if (this.direct !== null)
                    throw e;
            }
        }
        return this.deliverByProxy(method, path, opts);
    }
    sendDirect(direct, method, path, opts) {
        const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
        return direct.send({
            method,
            path: withQuery(path, opts),
            headers: {
                accept: opts.accept ?? 'application/json',
                ...(body ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
            },
            body,
            timeoutMs: opts.timeoutMs ?? 60_000,
        });
    }
    /** Sends through the proxy, recovering once from a proxy that died, was restarted, or holds an expired token. */
    async deliverByProxy(method, path, opts) {
        let answer = await this.send(method, path, opts).catch(async (e) => {
            const unreachable = e.code === 'ENOENT' || e.code === 'ECONNREFUSED';
            const cut = e.code === 'ECONNRESET' || /socket hang up/.test(e.message);
            // Another request restarted the proxy under this one (every call made here is idempotent): send it again.
            if (e.proxy !== this.proxy && (cut || unreachable))
                return this.send(method, path, opts);
            if (!unreachable)
                throw e;
            // The proxy died before the request reached the API server: start another.
            await this.stopProxy();
            return this.send(method, path, opts);
        });
        if (answer.status === 401) {
            await this.restart(answer.proxy);
            answer = await this.send(method, path, opts);
        }
        return answer;
    }
    async send(method, path, opts) {
        const proxy = this.start();
        const { socket } = await proxy;
        const fullPath = withQuery(path, opts);
        const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
        const answer = await new Promise((resolve, reject) => {
            const req = (0,external_node_http_.request)({
                socketPath: socket,
                agent: this.agent,
                method,
                path: fullPath,
                headers: {
                    accept: opts.accept ?? 'application/json',
                    ...(body ? { 'content-type': opts.contentType ?? 'application/json', 'content-length': body.length } : {}),
                },
                timeout: opts.timeoutMs ?? 60_000,
            }, (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => resolve({
                    status: res.statusCode ?? 0,
                    text: Buffer.concat(chunks).toString('utf8'),
                    retryAfter: res.headers['retry-after'],
                }));
                res.on('error', reject);
            });
            req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${opts.timeoutMs ?? 60_000} ms`)));
            req.on('error', (e) => reject(Object.assign(e, { proxy })));
            req.end(body);
        });
        return { ...answer, proxy };
    }
    /** GET that answers undefined for 404. */
    async getPath(path, opts = {}) {
        try {
            return await this.request('GET', path, opts);
        }
        catch (e) {
            if (e instanceof KubeApiError && e.status === 404)
                return undefined;
            throw e;
        }
    }
    /** The resources one group version serves, by kind; empty when the group version is not served. */
    resources(apiVersion) {
        let p = this.discovery.get(apiVersion);
        if (!p) {
            const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
            p = this.getPath(path).then((list) => {
                const out = new Map();
                for (const r of list?.resources ?? []) {
                    if (!r.name.includes('/'))
                        out.set(r.kind, { plural: r.name, namespaced: r.namespaced });
                }
                return out;
            });
            p.catch(() => this.discovery.delete(apiVersion));
            this.discovery.set(apiVersion, p);
        }
        return p;
    }
    /** Forgets what discovery learnt (after CRDs were installed or removed). */
    forgetDiscovery() {
        this.discovery.clear();
    }
    /** How a kind is served, or undefined when the API server does not serve it (e.g. its CRD is missing). */
    async resource(apiVersion, kind) {
        const known = KNOWN[`${apiVersion}/${kind}`];
        if (known)
            return known;
        return (await this.resources(apiVersion)).get(kind);
    }
    /** The path of an object (or of its collection when the name is left out). */
    async path(ref) {
        let r = await this.resource(ref.apiVersion, ref.kind);
        if (!r) {
            // Discovery is cached; a CRD installed since (by this apply) makes the kind served now.
            this.discovery.delete(ref.apiVersion);
            r = await this.resource(ref.apiVersion, ref.kind);
        }
        if (!r)
            throw new NotServedError(ref);
        return pathOf(ref, r);
    }
    /**
     * An object, or undefined when it does not exist (or its kind is not served). The GETs of one collection asked for
     * in the same tick are one batch: LIST_AT or more names are read with one LIST of the collection (a plan of 50 node
     * pools reads 100 objects with two requests), fewer with a GET each. Secrets and CRDs are always read one by one (a LIST
     * would bring every Secret's data, or every CRD's schemas), and a LIST the identity may not make falls back to the
     * GETs.
     */
    async get(ref) {
        const r = await this.resource(ref.apiVersion, ref.kind);
        if (!r)
            return undefined;
        const path = pathOf(ref, r);
        if (ref.kind === 'Secret' && ref.apiVersion === 'v1')
            return this.getPath(path);
        // A LIST of CRDs brings every CRD of the cluster with its schemas (megabytes in a cluster with many operators).
        if (ref.kind === types/* CRD */.mm.kind && ref.apiVersion === types/* CRD */.mm.apiVersion)
            return this.getPath(path);
        const collection = path.slice(0, path.lastIndexOf('/'));
        return new Promise((resolve, reject) => {
            let batch = this.pendingGets.get(collection);
            if (!batch) {
                this.pendingGets.set(collection, (batch = []));
                setImmediate(() => void this.flushGets(collection, ref));
            }
            batch.push({ name: ref.name, path, resolve, reject });
        });
    }
    async flushGets(collection, ref) {
        const batch = this.pendingGets.get(collection) ?? [];
        this.pendingGets.delete(collection);
        const one = (g) => this.getPath(g.path).then(g.resolve, g.reject);
        if (new Set(batch.map((g) => g.name)).size < LIST_AT) {
            await Promise.all(batch.map(one));
            return;
        }
        let items;
        try {
            items = await this.listPath(collection);
        }
        catch (e) {
            if (e instanceof KubeApiError && (e.status === 403 || e.status === 405)) {
                await Promise.all(batch.map(one));
            }
            else {
                for (const g of batch)
                    g.reject(e);
            }
            return;
        }
        const byName = new Map(items.map((o) => [o.metadata.name, o]));
        for (const g of batch) {
            const found = byName.get(g.name);
            g.resolve(found ? { ...found, apiVersion: ref.apiVersion, kind: ref.kind } : undefined);
        }
    }
    /** Every object of a collection (one request: without a limit the API server answers the whole list). */
    async listPath(path, labelSelector) {
        const list = await this.getPath(path, { query: { labelSelector } });
        return list?.items ?? [];
    }
    /** Lists a kind; empty when the kind is not served. */
    async list(ref, labelSelector) {
        const r = await this.resource(ref.apiVersion, ref.kind);
        if (!r)
            return [];
        const items = await this.listPath(pathOf(ref, r), labelSelector);
        return items.map((o) => ({ ...o, apiVersion: ref.apiVersion, kind: ref.kind }));
    }
    /**
     * Server-side apply under `fieldManager`, taking over fields other managers set (as `kubectl apply
     * --server-side --force-conflicts`).
     */
    apply(obj, fieldManager = types/* FIELD_MANAGER */.vy) {
        return this.serverSideApply(obj, fieldManager, false);
    }
    /**
     * A server-side apply the API server runs through defaulting, validation (OpenAPI and CEL rules) and admission
     * without storing it: it answers the object as it would be.
     */
    dryRunApply(obj, fieldManager = types/* FIELD_MANAGER */.vy) {
        return this.serverSideApply(obj, fieldManager, true);
    }
    async serverSideApply(obj, fieldManager, dryRun) {
        const { apiVersion, kind, metadata } = obj;
        const path = await this.path({ apiVersion, kind, name: metadata.name, namespace: metadata.namespace });
        return this.request('PATCH', path, {
            query: { fieldManager, force: 'true', fieldValidation: 'Strict', dryRun: dryRun ? 'All' : undefined },
            body: obj,
            contentType: 'application/apply-patch+yaml',
        });
    }
    /** Merge patch (metadata edits such as adoption labels). */
    async mergePatch(ref, patch, fieldManager = types/* FIELD_MANAGER */.vy) {
        return this.request('PATCH', await this.path(ref), {
            query: { fieldManager },
            body: patch,
            contentType: 'application/merge-patch+json',
        });
    }
    /** Deletes an object; true when it existed. */
    async delete(ref, propagationPolicy = 'Background') {
        const r = await this.resource(ref.apiVersion, ref.kind);
        if (!r)
            return false;
        try {
            await this.request('DELETE', pathOf(ref, r), {
                body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy },
            });
            return true;
        }
        catch (e) {
            if (e instanceof KubeApiError && e.status === 404)
                return false;
            throw e;
        }
    }
    /** The API server's version, e.g. `v1.34.4`. */
    async serverVersion() {
        const v = await this.request('GET', '/version');
        return v.gitVersion;
    }
    /** Every group version the API server serves (`v1`, `apps/v1`, ...): what helm calls `.Capabilities.APIVersions`. */
    async apiVersions() {
        const groups = await this.request('GET', '/apis');
        const versions = (groups?.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion ?? ''));
        return ['v1', ...versions.filter((v) => /^[a-z0-9.-]+\/[a-z0-9]+$/.test(v))];
    }
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
function startProxy(kubectl, kubeconfig, recorder) {
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'ka-kube-'));
    const socket = (0,external_node_path_.join)(dir, 'api.sock');
    const args = ['--kubeconfig', kubeconfig, 'proxy', `--unix-socket=${socket}`, '--keepalive=30s'];
    recorder?.process({ tool: kubectl, args });
    const watchdog = process.platform !== 'win32';
    // $0 is kubectl. It runs in the background with its own stdin; a reader of our pipe (fd 3) kills it at EOF.
    // Its folder goes when it does (the socket with it).
    const script = 'exec 3<&0; "$0" "$@" </dev/null & pid=$!; (read -r _ <&3; kill "$pid" 2>/dev/null) & wait "$pid"; s=$?; rm -rf "$KA_PROXY_DIR"; exit $s';
    const child = watchdog
        ? (0,external_node_child_process_.spawn)('sh', ['-c', script, kubectl, ...args], {
            stdio: ['pipe', 'pipe', 'pipe'],
            env: { ...process.env, KA_PROXY_DIR: dir },
        })
        : (0,external_node_child_process_.spawn)(kubectl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((r) => child.once('exit', (code) => r(code)));
    // On exit (however the run ends, short of SIGKILL, which the watchdog covers) the proxy goes too.
    const kill = () => {
        if (child.exitCode === null && child.signalCode === null)
            child.kill('SIGKILL');
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    };
    process.once('exit', kill);
    const stop = async () => {
        process.removeListener('exit', kill);
        if (child.exitCode === null && child.signalCode === null) {
            if (watchdog)
                child.stdin.end();
            else
                child.kill();
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(timer);
        }
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    };
    return new Promise((resolve, reject) => {
        let stdout = '';
        let stderr = '';
        const fail = (code, why) => {
            clearTimeout(timer);
            void stop();
            reject(new ToolError(kubectl, args, code, why));
        };
        const timer = setTimeout(() => fail(-1, `kubectl proxy did not start within 20s. ${stderr}`), 20_000);
        child.stdout.on('data', (d) => {
            stdout += d.toString();
            if (stdout.includes('Starting to serve on')) {
                clearTimeout(timer);
                detach(child);
                resolve({ socket, stop });
            }
        });
        child.stderr.on('data', (d) => (stderr += d.toString()));
        child.on('error', (e) => fail(-1, `${e.message} (is kubectl installed and on PATH?)`));
        void exited.then((code) => fail(code ?? -1, stderr || 'kubectl proxy exited'));
    });
}
/** Lets this process end while `child` runs: neither the child nor its pipes hold the event loop. */
function detach(child) {
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
        ;
        stream?.unref?.();
    }
}
/** The kind is not served by the API server (its CRD is not installed). */
class NotServedError extends Error {
    ref;
    constructor(ref) {
        super(`the API server does not serve ${ref.kind} (${ref.apiVersion}): is its CRD installed?`);
        this.ref = ref;
        this.name = 'NotServedError';
    }
}
/** The path with the request's query. */
function withQuery(path, opts) {
    // Values percent-encoded (spaces as %20); the API server reads this as it reads URLSearchParams' encoding.
    let q = '';
    for (const [k, v] of Object.entries(opts.query ?? {})) {
        if (v !== undefined)
            q += `${q ? '&' : '?'}${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
    }
    return path + q;
}
function pathOf(ref, r) {
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    // A named object without a namespace is in `default` (as kubectl has it); a list without one spans all.
    const namespace = ref.namespace ?? (ref.name ? 'default' : undefined);
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    const name = ref.name ? `/${encodeURIComponent(ref.name)}` : '';
    return `${base}${ns}/${r.plural}${name}`;
}


/***/ }),

/***/ 6384:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $q: () => (/* binding */ CONFIGMAP),
/* harmony export */   BX: () => (/* binding */ NODEPOOL),
/* harmony export */   CU: () => (/* binding */ NAMESPACE),
/* harmony export */   H8: () => (/* binding */ refOf),
/* harmony export */   Jd: () => (/* binding */ NODECLAIM),
/* harmony export */   P3: () => (/* binding */ CLUSTERROLE),
/* harmony export */   Q9: () => (/* binding */ MANAGED_BY_VALUE),
/* harmony export */   R9: () => (/* binding */ EC2NODECLASS),
/* harmony export */   X9: () => (/* binding */ ownedLabels),
/* harmony export */   go: () => (/* binding */ isOwned),
/* harmony export */   lT: () => (/* binding */ MANAGED_BY_LABEL),
/* harmony export */   mm: () => (/* binding */ CRD),
/* harmony export */   uH: () => (/* binding */ DEPLOYMENT),
/* harmony export */   vy: () => (/* binding */ FIELD_MANAGER)
/* harmony export */ });
/** The shapes of Kubernetes objects and references, and the names this action writes on what it manages. */
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' };
const CONFIGMAP = { apiVersion: 'v1', kind: 'ConfigMap' };
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };
const CLUSTERROLE = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' };
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
const NODEPOOL = { apiVersion: 'karpenter.sh/v1', kind: 'NodePool' };
const NODECLAIM = { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim' };
const EC2NODECLASS = { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass' };
/** The reference of an object (enough to find it again). */
function refOf(o) {
    const { apiVersion, kind, metadata } = o;
    return { apiVersion, kind, name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) };
}
/** Field manager of every server-side apply this action makes. */
const FIELD_MANAGER = 'karpenter-action';
/** Label on every Kubernetes object this action creates: how it later knows what it created (and may delete). */
const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
const MANAGED_BY_VALUE = 'karpenter-action';
function ownedLabels() {
    return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}
function isOwned(o) {
    return o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}


/***/ })

};
