/**
 * Hostile inputs through the real bundle (`node dist/index.js`, as GitHub runs it), against the sandbox: a mode that
 * carries a workflow command, and local charts from a pull request (one with a symlink to the runner's environment,
 * one outside the workspace, and an honest one inside it). Every AWS request goes through the sandbox's recording
 * endpoint with an access key of this suite's own, so "nothing reached AWS" is counted, not assumed.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { fixtures, uniqueSuffix, useSandbox, type ActionRun } from '../support/sandbox.js'
import { sandboxConfigData } from '../support/context.js'
import { runRecorded } from '../support/cluster.js'
import { operationName } from '../support/iam-authorize.js'

const id = uniqueSuffix()
/** A value only the runner's environment holds: it must never reach a log, the summary or an output. */
const CANARY = `canary-${id}-secret`
let workspace: string

/** Runs the bundle in `workspace` with its own access key; returns the run and the AWS requests it made. */
async function run(inputs: Record<string, string>, label: string) {
  const { run, requests } = await runRecorded({ comment: 'never', ...inputs }, label, id, {
    GITHUB_WORKSPACE: workspace,
    KA_CANARY: CANARY,
  })
  return { result: run, operations: requests.map(operationName) }
}

/** Lines a runner would take for a workflow command (`::name ...::`). */
const commands = (text: string) => text.split('\n').filter((l) => l.startsWith('::'))

function leaked(r: ActionRun): boolean {
  return [r.stdout, r.stderr, r.summary, ...Object.values(r.outputs)].some((t) => t.includes(CANARY))
}

/**
 * Writes a config into the workspace whose Karpenter chart is `chart`, a path relative to the workspace (written out
 * in full: relative paths are taken from the working directory, which on a runner is the workspace).
 */
function configWithChart(relativeChart: string, values: Record<string, unknown> = {}): string {
  const chart = join(workspace, relativeChart)
  const file = join(workspace, `karpenter-${uniqueSuffix()}.yaml`)
  writeFileSync(
    file,
    stringify(
      sandboxConfigData({
        karpenter: { chart, values },
        state: { bucket: 'espace-project-store', key: `karpenter/hostile-${id}.json` },
      }),
    ),
  )
  return file
}

beforeAll(() => {
  useSandbox()
  workspace = mkdtempSync(join(tmpdir(), 'ka-hostile-'))
  // The fixture chart as a pull request would bring it, copied into the workspace; and a tampered copy beside it.
  cpSync(join(fixtures, 'charts/1.14.1/karpenter'), join(workspace, 'charts/karpenter'), { recursive: true })
  cpSync(join(fixtures, 'charts/1.14.1/karpenter'), join(workspace, 'charts/tampered'), { recursive: true })
  symlinkSync('/proc/self/environ', join(workspace, 'charts/tampered/templates/env.yaml'))
  const outside = mkdtempSync(join(tmpdir(), 'ka-outside-'))
  cpSync(join(fixtures, 'charts/1.14.1/karpenter'), join(outside, 'karpenter'), { recursive: true })
  mkdirSync(join(workspace, 'links'))
  symlinkSync(join(outside, 'karpenter'), join(workspace, 'links/karpenter'))
})

describe('hostile inputs through node dist/index.js', () => {
  it('a mode carrying a workflow command is refused as config, escaped, before any AWS request', async () => {
    const { result, operations } = await run(
      { mode: 'plan\n::warning::injected', config: configWithChart('charts/karpenter') },
      'mode',
    )
    expect(result.exitCode).toBe(1)
    expect(result.outputs['failure-reason']).toBe('config')
    // Every command line is the action's own error; the injected text never starts a line.
    expect(commands(result.stdout).filter((l) => !l.startsWith('::error'))).toEqual([])
    expect(result.stdout).not.toMatch(/^::warning::injected/m)
    expect(result.stdout).toContain('input `mode`')
    expect(operations).toEqual([])
  }, 120_000)

  it('a local chart with a symlink to /proc/self/environ is refused at its line, before any AWS request', async () => {
    const config = configWithChart('charts/tampered')
    const { result, operations } = await run({ mode: 'plan', config }, 'symlink')
    expect(result.exitCode).toBe(1)
    expect(result.outputs['failure-reason']).toBe('config')
    const annotation = commands(result.stdout).find((l) => l.includes('templates/env.yaml'))
    expect(annotation).toMatch(/^::error title=karpenter\.chart[^,]*,file=karpenter-[^,]+\.yaml,line=\d+::/)
    expect(annotation).toContain('/proc/self/environ')
    expect(operations).toEqual([])
    expect(leaked(result)).toBe(false)
  }, 120_000)

  it('a chart reached through a symlink out of the workspace, or a path outside it, is refused', async () => {
    for (const chart of ['links/karpenter', '../outside-chart']) {
      const { result, operations } = await run({ mode: 'plan', config: configWithChart(chart) }, 'outside')
      expect({ chart, exit: result.exitCode, reason: result.outputs['failure-reason'] }).toEqual({
        chart,
        exit: 1,
        reason: 'config',
      })
      expect(result.stdout).toMatch(/outside the workspace/)
      expect(operations).toEqual([])
    }
  }, 120_000)

  it('an honest local chart inside the workspace plans from its own files, and nothing secret shows', async () => {
    const { result, operations } = await run({ mode: 'plan', config: configWithChart('charts/karpenter') }, 'honest')
    expect({ exit: result.exitCode, log: result.exitCode ? `${result.stdout}\n${result.stderr}` : '' }).toEqual({
      exit: 0,
      log: '',
    })
    expect(result.outputs['has-changes']).toBe('true')
    // The chart is the folder's: its own Chart.yaml version (the fixture of 1.14.1 says 1.13.0), said as such.
    expect(result.stdout).toContain('+ chart = "karpenter-1.13.0"')
    expect(result.stdout).toContain("the chart folder's Chart.yaml says 1.13.0; karpenter.version is 1.14.1")
    // Nothing in it looks secret: the controller policy (whose conditions name aws:TagKeys) is shown, not hidden.
    expect(result.stdout).not.toContain('(sensitive)')
    // A plan reads; it writes nothing.
    expect(operations.filter((op) => !/:(Get|List|Describe)/.test(op))).toEqual([])
    expect(operations.length).toBeGreaterThan(5)
    expect(leaked(result)).toBe(false)
  }, 300_000)

  it('a rendered value that looks secret is (sensitive) in the log and the summary, its value nowhere', async () => {
    const values = { controller: { env: [{ name: 'API_TOKEN', value: CANARY }] } }
    const { result } = await run({ mode: 'plan', config: configWithChart('charts/karpenter', values) }, 'redact')
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/values\.controller\.env\[API_TOKEN\] = \(sensitive\)/)
    expect(result.summary).toContain('(sensitive)')
    expect(leaked(result)).toBe(false)
  }, 300_000)
})
