#!/usr/bin/env node
// Benchmark of the AWS side against the sandbox's moto_server: AWS calls (total and mutating) and wall time
// for pre-flight, a plan, an apply, a no-op plan and a no-op apply (which must make zero mutating calls).
// Prints figures; asserts nothing but that one rule.
//
//   node scripts/bench-aws.mjs            in-process: compiles src/ with tsc into build/bench-aws and runs the
//                                         engine over the AWS side of the graph (the aws-auth entry included) with
//                                         unique names, counting calls through a recorder it installs
//   node scripts/bench-aws.mjs --dist     runs `node dist/index.js` (mode plan, then apply twice) with
//                                         KARPENTER_ACTION_CALL_LOG=<file> and counts the AWS calls it logged
//   --runs N                              repetitions of the no-op measurements (default 5); the median is shown
//
// Also callable from scripts/bench.mjs: `import { aws } from './bench-aws.mjs'` then `await aws({ runs: 5 })`.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const sandboxDir = process.env.KA_SANDBOX_DIR ?? join(root, '.sandbox')

function loadSandboxEnv() {
  const file = join(sandboxDir, 'env')
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run sandbox:up\` first`)
  const env = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) env[m[1]] = m[2].replace(/^["']|["']$/g, '').replace(/\$PATH|\$\{PATH\}/g, process.env.PATH ?? '')
  }
  if (!/^http:\/\/127\./.test(env.AWS_ENDPOINT_URL ?? '')) {
    throw new Error(`refusing to benchmark against ${env.AWS_ENDPOINT_URL}: the sandbox talks to 127.0.0.0/8 only`)
  }
  return env
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const secs = (ms) => `${(ms / 1000).toFixed(3)} s`
const suffix = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`

function row(label, { calls, mutating, ms, extra = '' }) {
  console.log(
    `  ${label.padEnd(22)} ${String(calls).padStart(4)} AWS calls  ${String(mutating).padStart(3)} mutating  ${secs(ms).padStart(9)}${extra}`,
  )
}

function byCommand(calls) {
  const counts = {}
  for (const c of calls) counts[`${c.service}:${c.command}`] = (counts[`${c.service}:${c.command}`] ?? 0) + 1
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k}×${n}`)
    .join(' ')
}

/** In-process: the engine over the AWS side of the graph, from the TypeScript sources compiled by tsc. */
async function inProcess(runs) {
  const out = join(root, 'build', 'bench-aws')
  const t = performance.now()
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--outDir', out],
    { cwd: root, encoding: 'utf8' },
  )
  // tsc emits despite type errors (which may sit in files other than the ones measured here): go on, say so.
  if (tsc.status !== 0) {
    if (!existsSync(join(out, 'src', 'graph.js'))) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`)
    console.log(`(tsc reported type errors, output emitted anyway: ${tsc.stdout.split('\n')[0]})`)
  }
  // Plain .js files under src/ (e.g. a precompiled validator) are not emitted by tsc: copy them along.
  cpSync(join(root, 'src'), join(out, 'src'), { recursive: true, filter: (f) => !f.endsWith('.ts') })
  console.log(`(compiled src/ with tsc in ${secs(performance.now() - t)})`)
  const mod = (p) => import(pathToFileURL(join(out, 'src', p)).href)
  const [{ CallLog }, creds, { describeCluster }, { preflight }, { parseConfig }, { KubeClient }, engine, graph] =
    await Promise.all([
      mod('calls.js'),
      mod('aws/credentials.js'),
      mod('aws/cluster.js'),
      mod('aws/preflight.js'),
      mod('config/load.js'),
      mod('kube/client.js'),
      mod('plan/engine.js'),
      mod('graph.js'),
    ])
  const { parse, stringify } = await import('yaml')
  Object.assign(process.env, loadSandboxEnv())

  const id = `bench-${suffix()}`
  const data = parse(readFileSync(join(sandboxDir, 'karpenter.yaml'), 'utf8'))
  data.iam = {
    ...data.iam,
    nodeRole: `${id}-node`,
    controllerRole: `${id}-ctl`,
    controllerPolicy: `${id}-pol`,
    instanceProfile: `${id}-prof`,
  }
  data.interruption = { enabled: true, queue: `${id}-q` }
  const config = parseConfig(stringify(data), 'bench.yaml')
  // The recorder this bench installs: the session's AWS clients and the Kubernetes client tell it of every call.
  const calls = new CallLog()
  const aws = creds.environmentSession(config.cluster.region, { recorder: calls })
  const [{ accountId }, cluster] = await Promise.all([
    creds.callerAccount(aws),
    describeCluster(aws, config.cluster.name),
  ])
  const kube = new KubeClient(process.env.KUBECONFIG, { recorder: calls })
  const ctx = { config, aws, accountId, cluster, kube }

  const measure = async (fn) => {
    const from = calls.mark()
    const t0 = performance.now()
    const value = await fn()
    const ms = performance.now() - t0
    const made = calls.since(from).aws
    return { value, ms, calls: made.length, mutating: made.filter((c) => c.mutating).length, log: made }
  }
  const planOnly = async (mode) => {
    const resources = graph.desiredResources(ctx, { mode, scope: 'aws' })
    const p = await engine.plan({
      mode,
      cluster: config.cluster.name,
      region: config.cluster.region,
      resources,
      outputs: {},
    })
    return { ...p, resources }
  }
  const planAndApply = async (mode) => {
    const p = await planOnly(mode)
    const results = await engine.applyPlan(p.steps, p.resources)
    const failed = results.filter((r) => r.status === 'failed')
    if (failed.length) throw new Error(`${mode} failed: ${failed.map((f) => `${f.id}: ${f.error}`).join('; ')}`)
    return p
  }

  console.log(`AWS side, in-process against moto_server ${process.env.AWS_ENDPOINT_URL} (names ${id}-*):`)
  try {
    const pre = await measure(() => preflight(ctx))
    row('pre-flight', pre)
    const firstPlan = await measure(() => planOnly('plan'))
    const n = firstPlan.value.plan.changes.length
    row('plan (nothing exists)', { ...firstPlan, extra: `  ${n} resources` })
    const apply = await measure(() => planAndApply('apply'))
    row('apply (create all)', apply)

    const noopPlans = []
    const noopApplies = []
    for (let i = 0; i < runs; i++) {
      noopPlans.push(await measure(() => planOnly('plan')))
      noopApplies.push(await measure(() => planAndApply('apply')))
    }
    const med = (xs) => ({
      calls: median(xs.map((x) => x.calls)),
      mutating: Math.max(...xs.map((x) => x.mutating)),
      ms: median(xs.map((x) => x.ms)),
    })
    row(`plan, no changes`, { ...med(noopPlans), extra: `  median of ${runs}` })
    row(`no-op apply`, { ...med(noopApplies), extra: `  median of ${runs}, mutating = max` })
    console.log(`    calls of one no-op plan: ${byCommand(noopPlans[0].log)}`)
    const destroy = await measure(() => planAndApply('destroy'))
    row('destroy', destroy)
    if (noopApplies.some((x) => x.mutating > 0)) {
      console.log('  FAIL: a no-op apply made mutating AWS calls:')
      for (const x of noopApplies)
        for (const c of x.log.filter((c) => c.mutating)) console.log(`    ${c.service}:${c.command}`)
      process.exitCode = 1
    }
  } finally {
    await kube.close?.()
  }
}

/** Child process: `node dist/index.js`, which writes its AWS call log to KARPENTER_ACTION_CALL_LOG at exit. */
async function viaDist(runs) {
  const env = loadSandboxEnv()
  const id = `bench-${suffix()}`
  const dir = mkdtempSync(join(tmpdir(), 'ka-bench-aws-'))
  const data = (await import('yaml')).parse(readFileSync(join(sandboxDir, 'karpenter.yaml'), 'utf8'))
  data.iam = {
    ...data.iam,
    nodeRole: `${id}-node`,
    controllerRole: `${id}-ctl`,
    controllerPolicy: `${id}-pol`,
    instanceProfile: `${id}-prof`,
  }
  data.interruption = { enabled: true, queue: `${id}-q` }
  data.karpenter = { ...data.karpenter, namespace: id, release: id }
  data.nodePools = data.nodePools.map((p) => ({ ...p, name: id }))
  delete data.state
  const config = join(dir, 'karpenter.yaml')
  writeFileSync(config, (await import('yaml')).stringify(data))

  const run = (mode, n) =>
    new Promise((resolve) => {
      const log = join(dir, `calls-${mode}-${n}.json`)
      writeFileSync(join(dir, 'output'), '')
      const t0 = performance.now()
      const child = spawn(process.execPath, [join(root, 'dist/index.js')], {
        cwd: root,
        env: {
          ...process.env,
          ...env,
          INPUT_MODE: mode,
          INPUT_CONFIG: config,
          INPUT_COMMENT: 'never',
          GITHUB_OUTPUT: join(dir, 'output'),
          RUNNER_TEMP: dir,
          KARPENTER_ACTION_CALL_LOG: log,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let output = ''
      child.stdout.on('data', (d) => (output += d))
      child.stderr.on('data', (d) => (output += d))
      child.on('exit', (code) => {
        const ms = performance.now() - t0
        if (!existsSync(log)) {
          console.log(output.slice(-3000))
          throw new Error(
            `dist/index.js (exit ${code}) wrote no ${log}: is KARPENTER_ACTION_CALL_LOG wired in main.ts?`,
          )
        }
        const parsed = JSON.parse(readFileSync(log, 'utf8'))
        const calls = Array.isArray(parsed) ? parsed : parsed.aws
        resolve({ code, ms, calls: calls.length, mutating: calls.filter((c) => c.mutating).length, log: calls })
      })
    })

  console.log(`AWS side, through node dist/index.js against moto_server ${env.AWS_ENDPOINT_URL} (names ${id}*):`)
  try {
    row('plan (nothing exists)', await run('plan', 0))
    row('apply (create all)', await run('apply', 0))
    const plans = []
    const applies = []
    for (let i = 1; i <= runs; i++) {
      plans.push(await run('plan', i))
      applies.push(await run('apply', i))
    }
    row('plan, no changes', {
      calls: median(plans.map((x) => x.calls)),
      mutating: Math.max(...plans.map((x) => x.mutating)),
      ms: median(plans.map((x) => x.ms)),
      extra: `  median of ${runs} processes`,
    })
    row('no-op apply', {
      calls: median(applies.map((x) => x.calls)),
      mutating: Math.max(...applies.map((x) => x.mutating)),
      ms: median(applies.map((x) => x.ms)),
      extra: `  median of ${runs}, mutating = max`,
    })
    console.log(`    calls of one no-op apply: ${byCommand(applies[0].log)}`)
    if (applies.some((x) => x.mutating > 0)) process.exitCode = 1
  } finally {
    row('destroy', await run('destroy', 0))
  }
}

/** The section scripts/bench.mjs can call. */
export async function aws({ runs = 5, dist = false } = {}) {
  if (dist) await viaDist(runs)
  else await inProcess(runs)
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--runs')
  await aws({ runs: at >= 0 ? Number(args[at + 1]) : 5, dist: args.includes('--dist') })
}
