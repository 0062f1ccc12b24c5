#!/usr/bin/env node
// The action beside the tools it replaces, on the sandbox, in one run: whole processes, interleaved, medians.
//   plan of one changed Helm value     vs `helm diff upgrade` (helm-diff built from the Go module proxy)
//   plan with nothing to change        vs the reads floor (the same reads, one after the other: bench/reads-floor.mjs)
//   full apply from nothing            vs the hand-rolled workflow (bench/hand-rolled.sh)
//   peak memory of a plan, 50 node pools vs 1, first log, credentials vs configure-aws-credentials' steps
//   (bench/configure-credentials.mjs), and a no-op apply: mutating calls and Helm revisions.
// Prints figures and ratios; asserts nothing except that each run did what it is timed for.
//   BENCH_RUNS (plans, start-up; default 5) and BENCH_ROUNDS (applies; default 3) set the repetitions.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { median, oidcServer, root, runAction, sandboxDir, sandboxEnv } from './bench.mjs'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const cache = process.env.KARPENTER_ACTION_CACHE ?? join(homedir(), '.cache', 'karpenter-action')
const versions = readFileSync(join(root, 'scripts/sandbox/versions.sh'), 'utf8')
const HELM_DIFF_VERSION = /^HELM_DIFF_VERSION=(\S+)/m.exec(versions)[1]
const helmPlugins = join(cache, `helm-plugins-${HELM_DIFF_VERSION}`)
const work = mkdtempSync(join(tmpdir(), 'ka-compare-'))
const env = { ...process.env, ...sandboxEnv() }
const say = (s) => console.log(`[compare ${new Date().toISOString().slice(11, 19)}] ${s}`)

// --- the anchors' tools -------------------------------------------------------------------------------------------
if (!existsSync(join(helmPlugins, 'diff', 'plugin.yaml'))) {
  say(`building helm-diff ${HELM_DIFF_VERSION} (scripts/sandbox/build.sh helm-diff)`)
  execFileSync('bash', [join(root, 'scripts/sandbox/build.sh'), 'helm-diff'], { stdio: 'inherit' })
}
/** The bench's own scripts, bundled with ncc once (as the actions they stand beside ship), cached by mtime. */
function bundled(name) {
  const src = join(root, 'scripts/bench', `${name}.mjs`)
  const out = join(root, 'build/bench-compare', name)
  const file = join(out, 'index.mjs')
  if (!existsSync(file) || statSync(file).mtimeMs < statSync(src).mtimeMs) {
    say(`bundling scripts/bench/${name}.mjs with ncc`)
    mkdirSync(out, { recursive: true })
    execFileSync(join(root, 'node_modules/.bin/ncc'), ['build', src, '-o', out, '-q'], { cwd: root, stdio: 'inherit' })
  }
  return file
}
const floorScript = bundled('reads-floor')
const credentialsScript = bundled('configure-credentials')

// --- running things -----------------------------------------------------------------------------------------------
/** One whole process under /usr/bin/time: wall time, and the peak RSS of the process or its largest child. */
function timed(cmd, args, extraEnv = {}) {
  const rssFile = join(work, `rss-${process.hrtime.bigint()}`)
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], {
      cwd: root,
      env: { ...env, ...extraEnv },
    })
    let stdout = ''
    let stderr = ''
    // When the action says its changes are all made (verify follows): the apply's own work, without the wait for
    // the controller to reconcile what it installed, which no anchor waits for.
    let applied
    child.stdout.on('data', (d) => {
      stdout += d
      if (applied === undefined && /^Apply complete:/m.test(stdout))
        applied = Number(process.hrtime.bigint() - t0) / 1e6
    })
    child.stderr.on('data', (d) => (stderr += d))
    child.on('exit', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e6
      let rss
      try {
        rss = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024
      } catch {
        /* time wrote nothing */
      }
      resolve({ code, wall, applied, rss, stdout, stderr })
    })
  })
}

function must(r, what, check = () => true) {
  if (r.code !== 0 || !check(r)) {
    console.log(r.stdout.slice(-4000), r.stderr.slice(-3000))
    throw new Error(`${what} failed (exit ${r.code})`)
  }
  return r
}

let runNo = 0
/** The action (dist/index.js) as GitHub runs it. */
function action(mode, config, extraEnv = {}) {
  const dir = mkdtempSync(join(work, `${mode}-`))
  writeFileSync(join(dir, 'output'), '')
  writeFileSync(join(dir, 'summary'), '')
  return timed(process.execPath, [join(root, 'dist/index.js')], {
    INPUT_MODE: mode,
    INPUT_CONFIG: config,
    INPUT_COMMENT: 'never',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_RUN_ID: String(5000 + runNo++),
    RUNNER_TEMP: dir,
    ...extraEnv,
  })
}

const kubectl = (...args) => execFileSync('kubectl', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const helm = (...args) => execFileSync('helm', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

// --- the configurations -------------------------------------------------------------------------------------------
const { parse, stringify } = await import('yaml')
const id = `cmp${Date.now().toString(36)}`
const base = parse(readFileSync(join(sandboxDir, 'karpenter.yaml'), 'utf8'))
function configFile(name, { pools = 1, values = {} } = {}) {
  const data = JSON.parse(JSON.stringify(base))
  Object.assign(data.karpenter, { namespace: id, release: id, destroyCrds: true, values })
  Object.assign(data.iam, {
    nodeRole: `${id}-node`,
    controllerRole: `${id}-controller`,
    controllerPolicy: `${id}-policy`,
    instanceProfile: `${id}-profile`,
  })
  data.interruption.queue = `${id}-queue`
  const pool = base.nodePools[0]
  // Each pool its own copy: shared objects would be written as YAML aliases, which a config may hold few of.
  data.nodePools = Array.from({ length: pools }, (_, i) => ({
    ...JSON.parse(JSON.stringify(pool)),
    name: i ? `${id}-${i}` : id,
  }))
  data.state = { bucket: 'espace-project-store', key: `bench/${id}.json` }
  const file = join(work, `${name}.yaml`)
  writeFileSync(file, stringify(data))
  return file
}
const config = configFile('one')
const changed = configFile('changed', { values: { logLevel: 'debug' } })
const fifty = configFile('fifty', { pools: 50 })
const { chart, crdChart, version } = base.karpenter

// --- the hand-rolled workflow ---------------------------------------------------------------------------------------
const hand = { ns: `${id}-hand`, release: `${id}-hand` }
const valuesFile = join(work, 'values.json')
const manifestsFile = join(work, 'manifests.json')
/** What the action installed, as the hand-rolled workflow would write it: the release's values, the two objects. */
function captureInstalled() {
  writeFileSync(valuesFile, helm('get', 'values', id, '--namespace', id, '--output', 'json'))
  const items = JSON.parse(kubectl('get', 'nodepools.karpenter.sh,ec2nodeclasses.karpenter.k8s.aws', '-o', 'json'))
    .items.filter((o) => o.metadata.name === id)
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name }, spec: o.spec }))
  if (items.length !== 2) throw new Error(`expected the NodePool and EC2NodeClass ${id}, found ${items.length}`)
  writeFileSync(manifestsFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }))
}
const handRolled = () =>
  timed('bash', [join(root, 'scripts/bench/hand-rolled.sh')], {
    HR_NS: hand.ns,
    HR_RELEASE: hand.release,
    HR_CRD_CHART: crdChart,
    HR_CHART: chart,
    HR_VERSION: version,
    HR_VALUES: valuesFile,
    HR_MANIFESTS: manifestsFile,
    HR_TIMEOUT: '5m',
  })
function handCleanup() {
  const quiet = (f) => {
    try {
      f()
    } catch {
      /* already gone */
    }
  }
  quiet(() => kubectl('delete', '-f', manifestsFile, '--ignore-not-found', '--wait', '--timeout=120s'))
  quiet(() => helm('uninstall', hand.release, '--namespace', hand.ns, '--wait', '--timeout', '5m'))
  quiet(() => helm('uninstall', `${hand.release}-crd`, '--namespace', hand.ns, '--wait', '--timeout', '5m'))
  quiet(() => kubectl('delete', 'namespace', hand.ns, '--ignore-not-found', '--wait', '--timeout=120s'))
}

// --- the runs -------------------------------------------------------------------------------------------------------
const results = { apply: [], hand: [], noChange: [], floor: [], changed: [], helmDiff: [], fifty: [] }
const startup = { first: [], creds: [], anchor: [] }
let noop
let installed = false
try {
  say(`full apply vs the hand-rolled workflow: ${ROUNDS} rounds, each from nothing (names ${id})`)
  for (let r = 0; r < ROUNDS; r++) {
    results.apply.push(must(await action('apply', config), 'apply'))
    installed = true
    if (r === 0) captureInstalled()
    must(await action('destroy', config), 'destroy')
    installed = false
    results.hand.push(must(await handRolled(), 'the hand-rolled workflow'))
    handCleanup()
    say(`  round ${r + 1}: apply ${fmt(results.apply.at(-1).wall)}, hand-rolled ${fmt(results.hand.at(-1).wall)}`)
  }

  say('installing once for the plans')
  must(await action('apply', config), 'apply')
  installed = true
  const revisions = () => JSON.parse(helm('history', id, '--namespace', id, '--output', 'json')).length
  const before = revisions()
  const noopLog = join(work, 'noop-calls.json')
  const noopRun = must(await action('apply', config, { KARPENTER_ACTION_CALL_LOG: noopLog }), 'no-op apply')
  const calls = JSON.parse(readFileSync(noopLog, 'utf8'))
  noop = {
    wall: noopRun.wall,
    aws: calls.aws.filter((c) => c.mutating).length,
    api: calls.kube.filter((c) => c.mutating).length,
    helm: calls.processes.filter((p) =>
      /^(upgrade|install|uninstall|rollback)$/.test(p.args.find((a) => !a.startsWith('-') && !a.includes('/')) ?? ''),
    ).length,
    revisions: revisions() - before,
  }
  const planLog = join(work, 'plan-calls.json')
  must(await action('plan', config, { KARPENTER_ACTION_CALL_LOG: planLog }), 'plan', (r) => /No changes/.test(r.stdout))
  const floorInput = JSON.parse(readFileSync(planLog, 'utf8'))
  say(
    `  reads of a no-change plan: ${floorInput.aws.length} AWS, ${floorInput.kube.filter((k) => k.method === 'GET').length} Kubernetes GETs` +
      ` (${floorInput.kube.filter((k) => k.method !== 'GET').length} other requests not in the floor)`,
  )

  say(`plans vs helm diff and the reads floor: ${RUNS} interleaved runs`)
  for (let i = 0; i < RUNS; i++) {
    results.noChange.push(must(await action('plan', config), 'plan', (r) => /No changes/.test(r.stdout)))
    results.floor.push(must(await timed(process.execPath, [floorScript, planLog]), 'the reads floor'))
    results.changed.push(
      must(await action('plan', changed), 'plan of a changed value', (r) =>
        /Plan: 0 to add, 1 to change/.test(r.stdout),
      ),
    )
    results.helmDiff.push(
      must(
        await timed(
          'helm',
          [
            'diff',
            'upgrade',
            id,
            chart,
            '--version',
            version,
            '--namespace',
            id,
            '--values',
            valuesFile,
            '--set',
            'logLevel=debug',
          ],
          { HELM_PLUGINS: helmPlugins },
        ),
        'helm diff upgrade',
        (r) => /debug/.test(r.stdout),
      ),
    )
    results.fifty.push(must(await action('plan', fifty), 'plan of 50 pools', (r) => /Plan: 98 to add/.test(r.stdout)))
  }

  say(`start-up vs configure-aws-credentials' steps: ${RUNS} interleaved runs`)
  const server = await oidcServer()
  const url = `http://127.0.0.1:${server.address().port}/token?x=1`
  const roleArn = 'arn:aws:iam::123456789012:role/github-deploy'
  const oidcEnv = {
    ...sandboxEnv(),
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    ACTIONS_ID_TOKEN_REQUEST_URL: url,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bench',
    GITHUB_REPOSITORY: 'opsfleet/infra',
  }
  for (let i = 0; i < RUNS; i++) {
    const r = await runAction(
      { mode: 'plan', config, 'role-to-assume': roleArn, comment: 'never' },
      {
        env: { ...oidcEnv, GITHUB_RUN_ID: String(9000 + i) },
        marks: { credentials: /AWS: credentials in hand/ },
        timeoutMs: 120_000,
      },
    )
    if (r.marks.credentials === undefined) throw new Error(`no credentials in hand:\n${r.stdout}\n${r.stderr}`)
    startup.first.push(r.firstLineMs)
    startup.creds.push(r.marks.credentials)
    const dir = mkdtempSync(join(work, 'cac-'))
    writeFileSync(join(dir, 'env'), '')
    writeFileSync(join(dir, 'output'), '')
    const a = must(
      await timed(process.execPath, [credentialsScript], {
        ...oidcEnv,
        BENCH_ROLE_ARN: roleArn,
        GITHUB_ENV: join(dir, 'env'),
        GITHUB_OUTPUT: join(dir, 'output'),
      }),
      "configure-aws-credentials' steps",
    )
    startup.anchor.push(a.wall)
  }
  server.close()
} finally {
  handCleanup()
  if (installed) {
    say('destroying')
    const r = await action('destroy', config)
    if (r.code !== 0) console.log(r.stdout.slice(-3000), r.stderr.slice(-2000))
  }
}

// --- the table ------------------------------------------------------------------------------------------------------
function fmt(ms) {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`
}
const med = (rs, k = 'wall') => median(rs.map((r) => r[k]))
const rows = [
  ['plan, one changed value', med(results.changed), 'helm diff upgrade', med(results.helmDiff), 1.0],
  ['plan, no changes', med(results.noChange), 'the reads floor', med(results.floor), 1.3],
  ['apply, everything from nothing', med(results.apply), 'hand-rolled workflow', med(results.hand), 1.0],
  [
    'the same apply up to its last change (before verify)',
    med(results.apply, 'applied'),
    'hand-rolled workflow',
    med(results.hand),
    1.0,
  ],
  ['plan, 50 node pools (98 to add)', med(results.fifty), 'plan, 1 node pool', med(results.noChange), 1.5],
  ['credentials in hand', median(startup.creds), "configure-aws-credentials' steps", median(startup.anchor), 1.0],
]
console.log()
console.log(`medians of ${RUNS} runs (plans, start-up) and ${ROUNDS} rounds (applies), whole processes, on the sandbox`)
console.log('| ours | | anchor | | ratio | goal |')
console.log('| --- | ---: | --- | ---: | ---: | ---: |')
for (const [what, ours, anchor, theirs, goal] of rows) {
  const ratio = ours / theirs
  console.log(
    `| ${what} | ${fmt(ours)} | ${anchor} | ${fmt(theirs)} | ${ratio.toFixed(2)}× ${ratio <= goal ? '' : '(not met)'} | ≤ ${goal.toFixed(1)}× |`,
  )
}
console.log(
  `| the same apply's verify (the real controller starts and reconciles to Ready) | ${fmt(med(results.apply) - med(results.apply, 'applied'))} | (no anchor waits for it) | | | |`,
)
const peak = Math.max(med(results.changed, 'rss'), med(results.noChange, 'rss'))
console.log(
  `| peak RSS of a plan (changed value / no changes) | ${med(results.changed, 'rss').toFixed(0)} / ${med(results.noChange, 'rss').toFixed(0)} MiB | helm diff upgrade | ${med(results.helmDiff, 'rss').toFixed(0)} MiB | | ≤ 100 MiB ${peak <= 100 ? '' : '(not met)'} |`,
)
console.log(
  `| peak RSS of a full apply | ${med(results.apply, 'rss').toFixed(0)} MiB | hand-rolled workflow | ${med(results.hand, 'rss').toFixed(0)} MiB | | |`,
)
console.log(
  `| first log line | ${fmt(median(startup.first))} | | | | ≤ 0.20 s ${median(startup.first) <= 200 ? '' : '(not met)'} |`,
)
console.log(
  `| apply, no changes | ${fmt(noop.wall)}: ${noop.aws} mutating AWS calls, ${noop.api} mutating API requests, ${noop.helm} helm writes, ${noop.revisions} new Helm revisions | | | | 0, 0, 0, 0 ${noop.aws + noop.api + noop.helm + noop.revisions === 0 ? '' : '(not met)'} |`,
)
