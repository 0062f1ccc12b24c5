#!/usr/bin/env node
// Benchmark of the Kubernetes side (CRDs, Helm release, NodePools/EC2NodeClasses) against the sandbox:
// for each step of an installation's life, the plan's wall time, the helm/kubectl processes it spawned and
// the API requests it made, then the apply's wall time. Prints figures; asserts nothing.
//
//   node scripts/bench-kube.mjs            (needs `npm run sandbox:up`)
//
// It compiles src/ and test/support/ with tsc into build/bench-kube/ (git-ignored) and drives them the way
// the action does: desiredGraph() → plan() → applyPlan() → verifyKarpenter(), each step with a fresh
// Kubernetes client (so its own `kubectl proxy`, as one run of the action has) whose calls go to the recorder
// test/support/context.js installs in each context. Names are unique per run.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const out = join(root, 'build', 'bench-kube')
const sandboxDir = process.env.KA_SANDBOX_DIR ?? join(root, '.sandbox')
if (!existsSync(join(sandboxDir, 'env'))) {
  console.error(`${sandboxDir}/env is missing: start the sandbox with \`npm run sandbox:up\` first`)
  process.exit(2)
}

console.log('compiling src/ and test/support/ with tsc ...')
try {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', out],
    {
      cwd: root,
      stdio: 'pipe',
    },
  )
} catch {
  // Type errors elsewhere in the project still leave the JavaScript written; a missing file is fatal below.
}
// JavaScript that is part of src/ as it is (generated code) is not emitted by tsc: copy it beside the rest.
const copyJs = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) copyJs(p)
    else if (e.name.endsWith('.js')) cpSync(p, join(out, relative(root, p)))
  }
}
copyJs(join(root, 'src'))
// The compiled code lives two folders away from where the sources find the sandbox and the templates.
process.env.KA_SANDBOX_DIR = sandboxDir
process.env.KARPENTER_ACTION_MANIFESTS = join(root, 'manifests') + '/'
const load = (p) => import(pathToFileURL(join(out, p)).href)
const [{ sandboxContext }, { desiredGraph }, { verifyKarpenter }, engine, { KubeClient }, helm, fx] = await Promise.all(
  [
    load('test/support/context.js'),
    load('src/graph.js'),
    load('src/verify.js'),
    load('src/plan/engine.js'),
    load('src/kube/client.js'),
    load('src/kube/helm.js'),
    load('test/support/kube-fixtures.js'),
  ],
)

const fixtures = join(root, '..', 'shared', 'fixtures', 'charts')
const id = `${Date.now().toString(36)}`
const ns = `ka-kube-bench-${id}`
const release = `karpenter-bench-${id}`
const pool = (name) => ({
  name,
  instanceTypes: ['m5.large', 'c5.large'],
  architectures: ['amd64'],
  zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  subnetSelector: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' },
  securityGroupSelector: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' },
  consolidateAfter: '30s',
})
const config = (version, karpenter = {}) => ({
  karpenter: {
    version,
    chart: join(fixtures, version, 'karpenter'),
    crdChart: join(fixtures, version, 'karpenter-crd'),
    namespace: ns,
    release,
    timeout: '3m',
    values: {},
    ...karpenter,
  },
  nodePools: [pool(`kb-${id}-a`), pool(`kb-${id}-b`)],
})

const steps = [
  ['first install (1.13.1)', 'apply', config('1.13.1')],
  ['second run, nothing to do', 'apply', config('1.13.1')],
  ['a changed value', 'apply', config('1.13.1', { values: { replicas: 1 } })],
  ['upgrade 1.13.1 → 1.14.1', 'apply', config('1.14.1', { values: { replicas: 1 } })],
  ['destroy (with CRDs)', 'destroy', config('1.14.1', { values: { replicas: 1 }, destroyCrds: true })],
]

const api = new KubeClient(process.env.KUBECONFIG ?? join(sandboxDir, 'kubeconfig'))
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6
const fmt = (v) => `${(v / 1000).toFixed(2)} s`
const rows = []
try {
  await fx.removeLeftovers(api)
  for (const [name, mode, overrides] of steps) {
    const ctx = await sandboxContext(overrides)
    try {
      const calls = ctx.calls
      const m0 = calls.mark()
      let t0 = process.hrtime.bigint()
      const resources = await desiredGraph(ctx, { mode, scope: 'cluster' })
      const result = await engine.plan({
        mode,
        cluster: ctx.config.cluster.name,
        region: ctx.config.cluster.region,
        resources,
        outputs: {},
      })
      const planMs = ms(t0)
      const planned = calls.since(m0)
      const procs = planned.processes.map(
        (p) =>
          `${p.tool.split('/').pop()} ${p.args.find((a) => ['proxy', 'template', 'upgrade', 'uninstall'].includes(a)) ?? p.args[0]}`,
      )
      const planCalls = planned.kube.length
      const throttled = planned.kube.reduce((n, c) => n + (c.throttled ?? 0), 0)
      const changes = result.plan.changes.filter((c) => c.action !== 'noop').length
      const m1 = calls.mark()
      t0 = process.hrtime.bigint()
      const results = await engine.applyPlan(result.steps, resources)
      // No controller can reconcile the bench's NodePools (the controller role trusts the sandbox's own
      // karpenter/karpenter, not this namespace): verify's wait for Ready is cut short, and only that may fail.
      if (mode === 'apply') {
        await verifyKarpenter(ctx, resources, { reconcileTimeoutMs: 1000, pollMs: 500 }).catch((e) => {
          const other = (e.report?.problems ?? [String(e)]).filter((p) => !p.includes('no Karpenter controller'))
          if (other.length) throw e
        })
      }
      const applyMs = ms(t0)
      const failed = results.filter((r) => r.status !== 'done')
      if (failed.length)
        throw new Error(`${name}: ${failed.map((f) => `${f.id} ${f.status} ${f.error ?? ''}`).join('; ')}`)
      const applied = calls.since(m1)
      const mutating = applied.kube.filter((c) => c.mutating).length
      const helmMutations = applied.processes.filter((p) =>
        p.args.some((a) => ['upgrade', 'uninstall'].includes(a)),
      ).length
      const rel = await helm.readRelease(api, ns, release)
      rows.push({
        name,
        planMs,
        procs,
        planCalls: throttled ? `${planCalls} (${throttled}x 429)` : String(planCalls),
        changes,
        applyMs,
        mutating,
        helmMutations,
        revision: rel?.revision ?? '-',
      })
    } finally {
      await ctx.kube.close()
    }
  }
} finally {
  await api.close()
}

console.log('\nKubernetes side, sandbox (kube-apiserver v1.34 + kwok, helm v3.22, real charts), one run per step:\n')
const header = [
  'step',
  'plan',
  'processes in plan',
  'API reqs',
  'changes',
  'apply+verify',
  'mutating reqs',
  'helm up/uninst',
  'revision',
]
const table = rows.map((r) => [
  r.name,
  fmt(r.planMs),
  `${r.procs.length}: ${r.procs.join(', ')}`,
  r.planCalls,
  String(r.changes),
  fmt(r.applyMs),
  String(r.mutating),
  String(r.helmMutations),
  String(r.revision),
])
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)))
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
console.log(line(header))
console.log(line(widths.map((w) => '-'.repeat(w))))
for (const row of table) console.log(line(row))
console.log(
  '\nprocesses in plan: every helm/kubectl process the plan spawned (target: at most 3); the proxy serves all reads and dry runs.',
)
console.log(
  "apply+verify: verify up to the controller's part (no controller may run for the bench's namespace; its wait for Ready is cut to 1 s).",
)
