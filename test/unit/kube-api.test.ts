import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { CallLog } from '../../src/calls.js'
import { KubeApiError, KubeClient } from '../../src/kube/client.js'

/**
 * A stand-in for `kubectl proxy`: serves HTTP on the --unix-socket it is given, announces itself as kubectl
 * does, and answers a few scripted paths. Each start is counted in a file, so tests can see restarts.
 */
function fakeKubectl(): { bin: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ka-fake-kubectl-'))
  const bin = join(dir, 'kubectl')
  writeFileSync(
    bin,
    `#!${process.execPath}
const http = require('node:http')
const fs = require('node:fs')
const socket = process.argv.find((a) => a.startsWith('--unix-socket=')).slice('--unix-socket='.length)
const starts = ${JSON.stringify(join(dir, 'starts'))}
const n = (fs.existsSync(starts) ? Number(fs.readFileSync(starts, 'utf8')) : 0) + 1
fs.writeFileSync(starts, String(n))
fs.writeFileSync(${JSON.stringify(join(dir, 'pid'))}, String(process.pid))
let throttled = 0
const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}
http
  .createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const url = new URL(req.url, 'http://x')
      if (url.pathname === '/api/v1/namespaces/here') return json(res, 200, { kind: 'Namespace', metadata: { name: 'here' } })
      if (url.pathname === '/throttled' && throttled++ < 2) return json(res, 429, { kind: 'Status', reason: 'TooManyRequests', message: 'storage is (re)initializing' }, { 'retry-after': '0' })
      if (url.pathname === '/throttled') return json(res, 200, { ok: true })
      if (url.pathname === '/auth' && n === 1) return json(res, 401, { kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized' })
      if (url.pathname === '/auth') return json(res, 200, { start: n })
      if (url.pathname === '/invalid') return json(res, 422, { kind: 'Status', reason: 'Invalid', message: 'NodePool.karpenter.sh "x" is invalid: spec: Required value' })
      const cm = (ns, name) => ({ metadata: { name, namespace: ns, resourceVersion: name.length + '' }, data: { name } })
      if (url.pathname === '/api/v1/namespaces/here/configmaps') return json(res, 200, { kind: 'ConfigMapList', metadata: {}, items: ['a', 'b', 'c'].map((n) => cm('here', n)) })
      if (url.pathname === '/api/v1/namespaces/locked/configmaps') return json(res, 403, { kind: 'Status', reason: 'Forbidden', message: 'cannot list configmaps' })
      if (url.pathname === '/api/v1/namespaces/broken/configmaps') return json(res, 400, { kind: 'Status', reason: 'BadRequest', message: 'no list today' })
      const one = /^\\/api\\/v1\\/namespaces\\/(here|locked|broken)\\/(configmaps|secrets)\\/([a-c])$/.exec(url.pathname)
      if (one) return json(res, 200, { apiVersion: 'v1', kind: one[2] === 'secrets' ? 'Secret' : 'ConfigMap', ...cm(one[1], one[3]) })
      if (url.pathname.startsWith('/echo')) return json(res, 200, { method: req.method, query: Object.fromEntries(url.searchParams), type: req.headers['content-type'], body: body && JSON.parse(body) })
      json(res, 404, { kind: 'Status', reason: 'NotFound', message: 'not found' })
    })
  })
  .listen(socket, () => process.stdout.write('Starting to serve on ' + socket + '\\n'))
process.on('SIGTERM', () => process.exit(0))
`,
  )
  chmodSync(bin, 0o755)
  return { bin, dir }
}

let api: KubeClient | undefined
let calls: CallLog
afterEach(async () => {
  await api?.close()
})

/** A client of the fake kubectl, telling `calls` what it does. */
function client(kubeconfig: string, kubectl: string): KubeClient {
  calls = new CallLog()
  return new KubeClient(kubeconfig, { kubectl, recorder: calls })
}

describe('the Kubernetes API through one kubectl proxy', () => {
  it('starts one proxy for concurrent requests and answers JSON', async () => {
    const { bin } = fakeKubectl()
    api = client('/some/kubeconfig', bin)
    const [a, b, missing] = await Promise.all([
      api.getPath('/api/v1/namespaces/here'),
      api.get({ apiVersion: 'v1', kind: 'Namespace', name: 'here' }),
      api.get({ apiVersion: 'v1', kind: 'Namespace', name: 'nowhere' }),
    ])
    expect(a).toEqual({ kind: 'Namespace', metadata: { name: 'here' } })
    expect(b).toEqual(a)
    expect(missing).toBeUndefined()
    expect(calls.processes).toEqual([
      {
        tool: bin,
        args: [
          '--kubeconfig',
          '/some/kubeconfig',
          'proxy',
          expect.stringMatching(/^--unix-socket=/),
          '--keepalive=30s',
        ],
      },
    ])
  })

  it('reads three or more objects of one collection asked for at once with one LIST; fewer with a GET each', async () => {
    const { bin } = fakeKubectl()
    api = client('/some/kubeconfig', bin)
    const ref = (name: string, namespace = 'here') => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace })
    const [a, b, c, missing] = await Promise.all(['a', 'b', 'c', 'z'].map((n) => api!.get(ref(n))))
    expect(calls.kube.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v1/namespaces/here/configmaps'])
    // The list's items get the kind and version a GET would carry.
    expect(a).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'here', resourceVersion: '1' },
      data: { name: 'a' },
    })
    expect([b?.metadata.name, c?.metadata.name, missing]).toEqual(['b', 'c', undefined])
    const before = calls.kube.length
    // The same name twice is one name: below the bound, so a GET each.
    await Promise.all([api.get(ref('a')), api.get(ref('b')), api.get(ref('b'))])
    expect(
      calls.kube
        .slice(before)
        .map((r) => r.path)
        .sort(),
    ).toEqual([
      '/api/v1/namespaces/here/configmaps/a',
      '/api/v1/namespaces/here/configmaps/b',
      '/api/v1/namespaces/here/configmaps/b',
    ])
  })

  it('never lists Secrets, falls back to GETs when LIST is forbidden, and hands other LIST failures to every caller', async () => {
    const { bin } = fakeKubectl()
    api = client('/some/kubeconfig', bin)
    const secrets = await Promise.all(
      ['a', 'b', 'c'].map((name) => api!.get({ apiVersion: 'v1', kind: 'Secret', name, namespace: 'here' })),
    )
    expect(secrets.map((o) => o?.kind)).toEqual(['Secret', 'Secret', 'Secret'])
    expect(calls.kube.map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/here/secrets/a',
      '/api/v1/namespaces/here/secrets/b',
      '/api/v1/namespaces/here/secrets/c',
    ])
    let before = calls.kube.length
    const locked = await Promise.all(
      ['a', 'b', 'c'].map((name) => api!.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'locked' })),
    )
    expect(locked.map((o) => o?.data)).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }])
    expect(
      calls.kube
        .slice(before)
        .map((r) => `${r.status} ${r.path}`)
        .sort(),
    ).toEqual([
      '200 /api/v1/namespaces/locked/configmaps/a',
      '200 /api/v1/namespaces/locked/configmaps/b',
      '200 /api/v1/namespaces/locked/configmaps/c',
      '403 /api/v1/namespaces/locked/configmaps',
    ])
    before = calls.kube.length
    const broken = await Promise.allSettled(
      ['a', 'b', 'c'].map((name) => api!.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'broken' })),
    )
    expect(broken.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(broken.map((r) => (r as PromiseRejectedResult).reason)).toEqual(
      Array(3).fill(expect.objectContaining({ status: 400, apiMessage: 'no list today' })),
    )
    expect(calls.kube.slice(before).map((r) => r.path)).toEqual(['/api/v1/namespaces/broken/configmaps'])
  })

  it("hands back the API server's own message, and counts only real writes as mutating", async () => {
    const { bin } = fakeKubectl()
    api = client('/k', bin)
    const error = await api.request('PATCH', '/invalid').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KubeApiError)
    expect((error as KubeApiError).apiMessage).toBe('NodePool.karpenter.sh "x" is invalid: spec: Required value')
    expect((error as KubeApiError).status).toBe(422)
    const mark = calls.mark()
    await api.request('PATCH', '/echo', { query: { dryRun: 'All' }, body: { a: 1 } })
    const echoed = await api.request('PATCH', '/echo', {
      query: { fieldManager: 'm', dryRun: undefined },
      body: { a: 1 },
      contentType: 'application/apply-patch+yaml',
    })
    expect(echoed).toEqual({
      method: 'PATCH',
      query: { fieldManager: 'm' },
      type: 'application/apply-patch+yaml',
      body: { a: 1 },
    })
    expect(calls.since(mark).kube.map((c) => c.mutating)).toEqual([false, true])
  })

  it('retries what the API server did not take (429) after the time it asks for', async () => {
    const { bin } = fakeKubectl()
    api = client('/k', bin)
    expect(await api.request('GET', '/throttled')).toEqual({ ok: true })
    expect(calls.kube.at(-1)).toMatchObject({ path: '/throttled', status: 200, throttled: 2 })
  })

  it('starts a fresh proxy once when credentials expired (401), so a renewed kubeconfig token is used', async () => {
    const { bin, dir } = fakeKubectl()
    api = client('/k', bin)
    const answers = await Promise.all([api.request('GET', '/auth'), api.request('GET', '/auth')])
    expect(answers).toEqual([{ start: 2 }, { start: 2 }])
    expect(calls.processes.length).toBe(2)
    expect(readFileSync(join(dir, 'starts'), 'utf8')).toBe('2')
  })

  it('stops the proxy on close and removes its socket', async () => {
    const { bin } = fakeKubectl()
    api = client('/k', bin)
    await api.getPath('/api/v1/namespaces/here')
    const socket = String(calls.processes.at(-1)!.args[3]).slice('--unix-socket='.length)
    expect(existsSync(socket)).toBe(true)
    await api.close()
    expect(existsSync(socket)).toBe(false)
    await expect(api.getPath('/api/v1/namespaces/here')).rejects.toThrow('the Kubernetes API client is closed')
  })
})

/** True while a process of that pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** src/kube/client.ts and what it imports, as plain JavaScript in a folder of build/ (so node_modules resolves). */
function compiledClient(): string {
  const out = mkdtempSync(join(root, 'build', 'kube-proxy-test-'))
  for (const file of [
    'kube/client.ts',
    'kube/direct.ts',
    'kube/tools.ts',
    'kube/types.ts',
    'calls.ts',
    'retry.ts',
    'outcome.ts',
  ]) {
    const js = ts.transpileModule(readFileSync(join(root, 'src', file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText
    mkdirSync(dirname(join(out, file)), { recursive: true })
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), js)
  }
  return out
}

describe('the direct connection and its way back to kubectl proxy', () => {
  it('sends every request through kubectl proxy when the direct connection cannot be made before it answered', async () => {
    const { bin, dir } = fakeKubectl()
    // Nothing listens on port 1: the TLS connection is refused before any answer.
    const config = join(dir, 'config')
    writeFileSync(
      config,
      JSON.stringify({
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 'not-logged' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    )
    api = client(config, bin)
    expect(api.way).toBe('directly over HTTPS')
    const [a, b] = await Promise.all([
      api.getPath('/api/v1/namespaces/here'),
      api.get({ apiVersion: 'v1', kind: 'Namespace', name: 'here' }),
    ])
    expect(a).toEqual({ kind: 'Namespace', metadata: { name: 'here' } })
    expect(b).toEqual(a)
    expect(api.way).toBe('through kubectl proxy (the direct connection failed (ECONNREFUSED))')
    expect(calls.processes).toHaveLength(1)
    expect(readFileSync(join(dir, 'starts'), 'utf8')).toBe('1')
  })

  it('takes the proxy when told to, whatever the kubeconfig', async () => {
    const { bin } = fakeKubectl()
    calls = new CallLog()
    api = new KubeClient('/k', { kubectl: bin, recorder: calls, transport: 'proxy' })
    expect(api.way).toBe('through kubectl proxy (KARPENTER_ACTION_KUBE_TRANSPORT=proxy)')
    expect(await api.getPath('/api/v1/namespaces/here')).toBeDefined()
    expect(calls.processes).toHaveLength(1)
  })
})

describe('a proxy never outlives its run', () => {
  it('holds nothing that keeps the process alive once it serves', async () => {
    const { bin } = fakeKubectl()
    const count = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap' || r === 'PipeWrap').length
    const before = count()
    api = client('/k', bin)
    expect(await api.getPath('/api/v1/namespaces/here')).toBeDefined()
    expect(calls.processes).toHaveLength(1) // the proxy runs
    expect(count()).toBe(before)
  })

  it('a run that fails after opening the proxy, without closing it, ends by itself and leaves no proxy behind', async () => {
    mkdirSync(join(root, 'build'), { recursive: true })
    const lib = compiledClient()
    try {
      const { bin, dir } = fakeKubectl()
      const script = [
        `import { KubeClient } from ${JSON.stringify(join(lib, 'kube/client.js'))}`,
        `const kube = new KubeClient('/k', { kubectl: ${JSON.stringify(bin)} })`,
        `await kube.getPath('/api/v1/namespaces/here')`,
        `console.log('proxy open')`,
        // As the action ends a failed run (src/report/failure.ts): an exit code, and the process ends once idle.
        `console.error('the run failed'); process.exitCode = 1`,
      ].join('\n')
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (out += d.toString()))
      const code = await new Promise<number | null>((r, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          reject(new Error(`the failed run did not end within 15 s (its proxy kept it alive): ${out}`))
        }, 15_000)
        child.once('exit', (c) => {
          clearTimeout(timer)
          r(c)
        })
      })
      expect(out).toContain('proxy open')
      expect(out).toContain('the run failed')
      expect(code).not.toBe(0)
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'))
      await until(`the proxy (pid ${pid}) gone`, () => !alive(pid), 5000)
    } finally {
      rmSync(lib, { recursive: true, force: true })
    }
  }, 30_000)

  it('close() ends the proxy process itself', async () => {
    const { bin, dir } = fakeKubectl()
    api = client('/k', bin)
    await api.getPath('/api/v1/namespaces/here')
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'))
    expect(alive(pid)).toBe(true)
    await api.close()
    await until(`the proxy (pid ${pid}) gone`, () => !alive(pid), 5000)
  })
})
