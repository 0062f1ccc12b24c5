/**
 * The sandbox cluster as the tests of the real Karpenter controller see it: kubectl with the sandbox's admin
 * kubeconfig, moto's EC2 and EventBridge, and what karpenter_runner.py reports (the controllers it runs, the nodes it
 * registered, the AWS requests the controllers made). Nothing here is the action's own code.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RecordedRequest } from './iam-authorize.js'
import { runAction, sandboxDir, type ActionRun } from './sandbox.js'

export interface KubeItem {
  apiVersion?: string
  kind?: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    deletionTimestamp?: string
    creationTimestamp?: string
  }
  spec?: Record<string, unknown>
  status?: Record<string, unknown> & {
    conditions?: { type: string; status: string; reason?: string; message?: string }[]
  }
}

/** kubectl with the sandbox's kubeconfig; resolves with stdout, rejects with stderr. */
export function kubectl(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', process.env.KUBECONFIG!, '--request-timeout=20s', ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    )
    if (input !== undefined) child.stdin!.end(input)
  })
}

/** `kubectl get` as items; an unknown resource type (CRDs not installed) is an empty list. */
export async function list(resource: string, ...args: string[]): Promise<KubeItem[]> {
  try {
    return (JSON.parse(await kubectl(['get', resource, '-o', 'json', ...args])) as { items: KubeItem[] }).items
  } catch (e) {
    if (/the server doesn't have a resource type|NotFound/.test((e as Error).message)) return []
    throw e
  }
}

export async function getObject(resource: string, name: string, ...args: string[]): Promise<KubeItem | undefined> {
  try {
    return JSON.parse(await kubectl(['get', resource, name, '-o', 'json', ...args])) as KubeItem
  } catch (e) {
    if (/NotFound|the server doesn't have a resource type/.test((e as Error).message)) return undefined
    throw e
  }
}

export function condition(o: KubeItem | undefined, type: string): string | undefined {
  return o?.status?.conditions?.find((c) => c.type === type)?.status
}

/**
 * Polls `probe` every `everyMs` until it returns something other than undefined/false; throws after `timeoutMs`
 * with `what` and the last value seen (`describe` adds diagnostics).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  opts: { timeoutMs: number; everyMs?: number; describe?: () => Promise<string> },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v !== undefined && v !== false) return v
      last = v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) {
      const extra = opts.describe ? await opts.describe().catch((e: Error) => `(describe failed: ${e.message})`) : ''
      throw new Error(`timed out after ${opts.timeoutMs / 1000}s waiting for ${what}; last: ${String(last)}\n${extra}`)
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 1000))
  }
}

/** The facts up.sh wrote for programs (<sandbox>/sandbox.json). */
export interface SandboxFacts {
  oidcIssuer: string
  oci: string
  caFile: string
  awsRecordedLog: string
  ports: Record<string, number>
  karpenterRunner: { status: string; url: string; podIdentity: string }
  aws: { vpcId: string; subnets: Record<string, string>; securityGroupId?: string } & Record<string, unknown>
}

export function sandboxFacts(): SandboxFacts {
  return JSON.parse(readFileSync(join(sandboxDir(), 'sandbox.json'), 'utf8')) as SandboxFacts
}

export interface RunnerStatus {
  time: number
  controllers: {
    deployment: string
    version: string
    running: boolean
    pid: number | null
    startedAt: number
    restarts: number
    auth: string
    roleArn: string
    error: string
    log: string
  }[]
  registered: Record<string, { node: string; nodeClaim: string; at: number; instanceType: string; zone: string }>
  events: string[]
}

/** What karpenter_runner.py reports now (its status file, rewritten every half second). */
export function runnerStatus(): RunnerStatus {
  return JSON.parse(readFileSync(sandboxFacts().karpenterRunner.status, 'utf8')) as RunnerStatus
}

/** The last lines of a controller's log, for failure messages. */
export function controllerLogTail(lines = 40): string {
  const out: string[] = []
  for (const c of runnerStatus().controllers) {
    out.push(`--- controller ${c.deployment} v${c.version} running=${c.running} error=${c.error || '-'}`)
    if (existsSync(c.log)) out.push(...readFileSync(c.log, 'utf8').trimEnd().split('\n').slice(-lines))
  }
  return out.join('\n')
}

/**
 * Runs the action (node dist/index.js) through the sandbox's recording AWS endpoint with an access key of its own
 * (made from `label` and `id`), and returns the run with the AWS requests that key made: what a run sent to AWS is
 * counted, not assumed. `env` adds to (or overrides) the run's environment.
 */
export async function runRecorded(
  inputs: Record<string, string>,
  label: string,
  id: string,
  env: Record<string, string> = {},
): Promise<{ run: ActionRun; requests: RecordedRequest[] }> {
  const key = `AKIA${label}${id}`.toUpperCase().replace(/[^A-Z0-9]/g, '')
  const since = Date.now() / 1000 - 1
  const endpoint = `http://127.0.0.1:${sandboxFacts().ports.awsRecorded}`
  const run = await runAction(inputs, { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: key, ...env })
  return { run, requests: recordedRequests(since).filter((r) => r.accessKeyId === key) }
}

export function recordedRequests(since = 0): RecordedRequest[] {
  const file = sandboxFacts().awsRecordedLog
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordedRequest)
    .filter((r) => (r.time ?? 0) >= since)
}
