#!/usr/bin/env node
// Benchmarks of the bundled action (dist/index.js) against the sandbox. Prints figures; asserts nothing.
//   npm run bench                       the action beside the tools it replaces (scripts/bench-compare.mjs)
//   npm run bench -- startup action     start-up alone; the calls and processes of each step of an installation
//   npm run bench -- kube aws           the detailed benches of the Kubernetes and AWS sides (scripts/bench-*.mjs)
// Needs a sandbox (`npm run sandbox:up`; KA_SANDBOX_DIR picks another one, whose env file holds its ports) and a
// built dist/ (`npm run bundle`).
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const sandboxDir = process.env.KA_SANDBOX_DIR ?? join(root, '.sandbox')

export function sandboxEnv() {
  const file = join(sandboxDir, 'env')
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run sandbox:up\` first`)
  const env = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) env[m[1]] = m[2].replace(/^["']|["']$/g, '').replace(/\$PATH|\$\{PATH\}/g, process.env.PATH ?? '')
  }
  return env
}

/** Runs dist/index.js like GitHub does; resolves with timings of marked log lines, exit code and output. */
export function runAction(inputs, { env = {}, marks = {}, timeoutMs = 15 * 60_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ka-bench-'))
  writeFileSync(join(dir, 'output'), '')
  writeFileSync(join(dir, 'summary'), '')
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(process.execPath, [join(root, 'dist/index.js')], {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        ...inputEnv,
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        RUNNER_TEMP: dir,
      },
    })
    const seen = {}
    let firstLineMs
    let stdout = ''
    const rss = {}
    child.stdout.on('data', (d) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      firstLineMs ??= ms
      stdout += d
      for (const [name, re] of Object.entries(marks)) {
        if (seen[name] === undefined && re.test(stdout)) {
          seen[name] = ms
          try {
            rss[name] = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024
          } catch {
            /* exited already */
          }
        }
      }
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({
        code,
        firstLineMs,
        marks: seen,
        rss,
        totalMs: Number(process.hrtime.bigint() - t0) / 1e6,
        stdout,
        stderr,
        dir,
      })
    })
  })
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const fmt = (ms) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(3)} s`)

/** A stand-in for GitHub's OIDC token endpoint on 127.0.0.1: answers {value: <JWT>}. */
export function oidcServer() {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const token = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'sts.amazonaws.com',
    sub: 'repo:opsfleet/infra:pull_request',
    exp: Math.floor(Date.now() / 1000) + 600,
  })}.c2lnbmF0dXJl`
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ value: token }))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

async function startup(runs = 5) {
  const env = sandboxEnv()
  const server = await oidcServer()
  const url = `http://127.0.0.1:${server.address().port}/token?x=1`
  const first = []
  const creds = []
  const rss = []
  for (let i = 0; i < runs; i++) {
    const r = await runAction(
      {
        mode: 'plan',
        config: join(sandboxDir, 'karpenter.yaml'),
        'role-to-assume': 'arn:aws:iam::123456789012:role/github-deploy',
        comment: 'never',
      },
      {
        env: {
          ...env,
          AWS_ACCESS_KEY_ID: '',
          AWS_SECRET_ACCESS_KEY: '',
          ACTIONS_ID_TOKEN_REQUEST_URL: url,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bench',
          GITHUB_REPOSITORY: 'opsfleet/infra',
          GITHUB_RUN_ID: String(1000 + i),
        },
        marks: { config: /config .*: cluster/, assuming: /AWS: assuming/, credentials: /AWS: credentials in hand/ },
        timeoutMs: 120_000,
      },
    )
    if (r.marks.credentials === undefined) {
      console.log(r.stdout, r.stderr)
      throw new Error('the action never reported credentials in hand')
    }
    if (process.env.BENCH_VERBOSE) console.log(r.firstLineMs, r.marks)
    first.push(r.firstLineMs)
    creds.push(r.marks.credentials)
    rss.push(r.rss.credentials)
  }
  server.close()
  console.log(`startup (${runs} runs of node dist/index.js, OIDC token from a local stand-in, STS of moto_server):`)
  console.log(
    `  first log line        median ${fmt(median(first))}  (min ${fmt(Math.min(...first))}, max ${fmt(Math.max(...first))})  target 0.200 s`,
  )
  console.log(
    `  credentials in hand   median ${fmt(median(creds))}  (min ${fmt(Math.min(...creds))}, max ${fmt(Math.max(...creds))})  target 0.350 s`,
  )
  console.log(`  RSS at credentials    median ${median(rss).toFixed(0)} MiB`)
}

/** The whole action on the sandbox's example config with unique names: plan, apply, then a plan and an apply with nothing to do. */
async function action() {
  const env = sandboxEnv()
  const { parse, stringify } = await import('yaml')
  const id = `bench${Date.now().toString(36)}`
  const data = parse(readFileSync(join(sandboxDir, 'karpenter.yaml'), 'utf8'))
  Object.assign(data.karpenter, { namespace: id, release: id, destroyCrds: true })
  Object.assign(data.iam, {
    nodeRole: `${id}-node`,
    controllerRole: `${id}-controller`,
    controllerPolicy: `${id}-policy`,
    instanceProfile: `${id}-profile`,
  })
  data.interruption.queue = `${id}-queue`
  data.nodePools = data.nodePools.map((p) => ({ ...p, name: id }))
  data.state = { bucket: 'espace-project-store', key: `bench/${id}.json` }
  const dir = mkdtempSync(join(tmpdir(), 'ka-bench-action-'))
  const config = join(dir, 'karpenter.yaml')
  writeFileSync(config, stringify(data))
  const step = async (mode) => {
    const log = join(dir, `${mode}-${Date.now()}.json`)
    const r = await runAction({ mode, config, comment: 'never' }, { env: { ...env, KARPENTER_ACTION_CALL_LOG: log } })
    if (r.code !== 0) {
      console.log(r.stdout.slice(-3000), r.stderr.slice(-2000))
      throw new Error(`${mode} failed`)
    }
    const calls = JSON.parse(readFileSync(log, 'utf8'))
    const processes = calls.processes.map((p) =>
      `${p.tool} ${p.args.find((a) => !a.startsWith('-') && !a.includes('/')) ?? ''}`.trim(),
    )
    return {
      wall: r.totalMs,
      aws: calls.aws.length,
      awsMutating: calls.aws.filter((c) => c.mutating).length,
      api: calls.kube.length,
      apiMutating: calls.kube.filter((c) => c.mutating).length,
      processes,
      helmUpgrades: processes.filter((p) => /^helm (upgrade|install|uninstall)/.test(p)).length,
    }
  }
  const rows = []
  try {
    rows.push(['plan (nothing exists)', await step('plan')])
    rows.push(['apply (create all)', await step('apply')])
    rows.push(['plan (no changes)', await step('plan')])
    rows.push(['apply (no changes)', await step('apply')])
  } finally {
    rows.push(['destroy', await step('destroy')])
  }
  console.log('action (node dist/index.js on the sandbox, example config with unique names):')
  console.log(
    '  step                     wall      AWS calls (mutating)   API requests (mutating)   helm/kubectl processes',
  )
  for (const [name, r] of rows) {
    console.log(
      `  ${name.padEnd(24)} ${fmt(r.wall).padStart(8)}   ${String(r.aws).padStart(4)} (${r.awsMutating})              ${String(r.api).padStart(4)} (${r.apiMutating})                 ${r.processes.length}: ${r.processes.join(', ')}`,
    )
  }
}

/** The detailed benches of each side (they compile src/ with tsc first). */
function script(file) {
  return () =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, 'scripts', file)], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, ...sandboxEnv() },
      })
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited ${code}`))))
    })
}

const sections = {
  compare: script('bench-compare.mjs'),
  startup,
  action,
  aws: script('bench-aws.mjs'),
  kube: script('bench-kube.mjs'),
}
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['compare']
  for (const name of wanted) {
    if (!sections[name]) throw new Error(`unknown section ${name}: ${Object.keys(sections).join(', ')}`)
    await sections[name]()
    console.log()
  }
}
