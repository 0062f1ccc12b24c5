/**
 * The check after an apply: not a resource of the plan, but a look at what the apply produced. The Karpenter
 * Deployment is Available, the desired NodePools, EC2NodeClasses and extra objects exist with the desired spec, and
 * the controller has reconciled every NodePool and EC2NodeClass to Ready=True.
 */
import type { Context } from './graph.js'
import type { KubeClient } from './kube/client.js'
import { readRelease, releaseObjects } from './kube/helm.js'
import { durationMs, isSubset, objectKey } from './kube/objects.js'
import { DEPLOYMENT, refOf, type KubeObject } from './kube/types.js'
import { ActionFailure } from './outcome.js'
import type { Resource } from './plan/resource.js'
import { KubeObjectResource } from './resources/kube-object.js'

export interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
}

export interface ObjectHealth {
  object: string
  exists: boolean
  /** Every field the action set has the desired value (server defaults and others' fields are fine). */
  specMatches: boolean
  conditions: Condition[]
}

export interface VerifyReport {
  deployment: { name: string; available: boolean; replicas: string }
  objects: ObjectHealth[]
  /** What is wrong: empty when healthy. */
  problems: string[]
  /** What is worth knowing and is no failure of its own (conditions seen while the Deployment was not Available). */
  notes: string[]
}

/**
 * What the Karpenter controller checks before it sets a condition True: named in a failure, so that the reader knows
 * where to look (the controller's permissions, the selectors, the instance profile).
 */
export const CONDITION_NEEDS: Record<string, string> = {
  SubnetsReady: 'resolves subnetSelectorTerms with ec2:DescribeSubnets',
  SecurityGroupsReady: 'resolves securityGroupSelectorTerms with ec2:DescribeSecurityGroups',
  AMIsReady: 'resolves the AMI alias through SSM parameters and ec2:DescribeImages',
  InstanceProfileReady: 'reads the instance profile with iam:GetInstanceProfile',
  CapacityReservationsReady: 'resolves capacity reservations with ec2:DescribeCapacityReservations',
  ValidationSucceeded: 'checks it may launch instances with this EC2NodeClass (ec2:RunInstances dry runs, tags)',
  NodeClassReady: 'follows the EC2NodeClass Ready condition',
}

/** Kinds the Karpenter controller reconciles to Ready=True. */
const RECONCILED = new Set(['NodePool', 'EC2NodeClass'])

/** How long an object may show no condition at all before verify says no controller reconciles it. */
export const RECONCILE_TIMEOUT_MS = 120_000
/** How long Ready=False may last before verify fails. */
export const NOT_READY_TIMEOUT_MS = 60_000
/**
 * Time between two looks at the Deployment and the objects. Each look reads every object still waited for at once,
 * which the Kubernetes client makes one LIST per kind from three objects on. A freshly started controller reports
 * Ready within seconds: looked for every VERIFY_POLL_MS for the first VERIFY_FAST_MS of the wait, then every
 * VERIFY_SLOW_POLL_MS (a wait of minutes is a controller that is slow or stuck: no need for ten looks a second).
 */
export const VERIFY_POLL_MS = 100
export const VERIFY_FAST_MS = 20_000
export const VERIFY_SLOW_POLL_MS = 1000

export interface VerifyOptions {
  namespace: string
  release: string
  /** The NodePools, EC2NodeClasses (and other objects) the apply wanted. */
  desired: KubeObject[]
  /** How long to wait for the Deployment to be Available (karpenter.timeout). */
  timeout: string
  /** Bounds of the wait for Ready=True (tests shorten them); RECONCILE_TIMEOUT_MS and NOT_READY_TIMEOUT_MS. */
  reconcileTimeoutMs?: number
  notReadyTimeoutMs?: number
  /** Time between two looks (VERIFY_POLL_MS, then VERIFY_SLOW_POLL_MS after VERIFY_FAST_MS; given: always this). */
  pollMs?: number
  /** The clock and the wait (unit tests replace them). */
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

const seconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} minute(s)` : `${Math.round(ms / 1000)} s`)

function conditionsOf(live: KubeObject): Condition[] {
  return ((live.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
  }))
}

/** The conditions that are not True, with their reasons and messages, and what the controller needs for each. */
function describeNotTrue(conditions: Condition[]): string {
  return conditions
    .filter((c) => c.status !== 'True')
    .map((c) => {
      const why = CONDITION_NEEDS[c.type]
      return (
        `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` +
        (why ? ` [the controller ${why}]` : '')
      )
    })
    .join('; ')
}

/**
 * After an apply: the Karpenter Deployment is Available (waiting for it, bounded by karpenter.timeout); each desired
 * object exists with the desired spec; and the NodePools and EC2NodeClasses are reconciled by the controller to
 * Ready=True. Waiting for that: Ready=False for NOT_READY_TIMEOUT_MS fails, naming the conditions that are not True and
 * their messages; no condition at all after RECONCILE_TIMEOUT_MS fails, saying that no Karpenter controller has
 * reconciled the object; any other state not Ready by then fails with its conditions.
 */
export async function verify(kube: KubeClient, opts: VerifyOptions): Promise<VerifyReport> {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const begun = now()
  const pollMs = () => opts.pollMs ?? (now() - begun < VERIFY_FAST_MS ? VERIFY_POLL_MS : VERIFY_SLOW_POLL_MS)
  const reconcileMs = opts.reconcileTimeoutMs ?? RECONCILE_TIMEOUT_MS
  const notReadyMs = opts.notReadyTimeoutMs ?? NOT_READY_TIMEOUT_MS
  const problems: string[] = []
  const notes: string[] = []
  const release = await readRelease(kube, opts.namespace, opts.release)
  const deployObj = release ? releaseObjects(release).find((o) => o.kind === 'Deployment') : undefined
  const name = deployObj?.metadata.name ?? opts.release
  const deployment = { name: `${opts.namespace}/${name}`, available: false, replicas: '0/0' }
  if (!release) problems.push(`helm release ${opts.namespace}/${opts.release} does not exist`)
  else {
    const deadline = now() + durationMs(opts.timeout)
    for (;;) {
      const d = await kube.get({ ...DEPLOYMENT, name, namespace: opts.namespace })
      const status = (d?.status ?? {}) as { conditions?: Condition[]; availableReplicas?: number; replicas?: number }
      const spec = (d?.spec ?? {}) as { replicas?: number }
      deployment.replicas = `${status.availableReplicas ?? 0}/${spec.replicas ?? 0}`
      deployment.available = Boolean(status.conditions?.some((c) => c.type === 'Available' && c.status === 'True'))
      if (deployment.available || now() > deadline) break
      await sleep(pollMs())
    }
    if (!deployment.available) {
      problems.push(
        `Deployment ${deployment.name} is not Available (${deployment.replicas} replicas available): see \`kubectl -n ${opts.namespace} describe deployment ${name}\``,
      )
    }
  }

  // Every desired object exists with the desired spec; the reconciled kinds are then waited for.
  const objects = new Map<string, ObjectHealth>()
  const pending: KubeObject[] = []
  const found = await Promise.all(opts.desired.map((want) => kube.get(refOf(want))))
  for (const [i, want] of opts.desired.entries()) {
    const key = objectKey(want)
    const live = found[i]
    if (!live) {
      problems.push(`${key} does not exist`)
      objects.set(key, { object: key, exists: false, specMatches: false, conditions: [] })
      continue
    }
    const specMatches = isSubset(want.spec, live.spec)
    if (!specMatches)
      problems.push(`${key}: the live spec differs from the desired one (another field manager changed it?)`)
    objects.set(key, { object: key, exists: true, specMatches, conditions: conditionsOf(live) })
    if (RECONCILED.has(want.kind)) pending.push(want)
  }

  // Without an Available controller nothing will reconcile them: report what they show now.
  const started = now()
  const falseSince = new Map<string, number>()
  while (pending.length && deployment.available) {
    const t = now()
    const looked = [...pending]
    const lives = await Promise.all(looked.map((want) => kube.get(refOf(want))))
    for (const [i, want] of looked.entries()) {
      const key = objectKey(want)
      const live = lives[i]
      const health = objects.get(key)!
      if (!live) {
        problems.push(`${key} was deleted while verifying`)
        objects.set(key, { ...health, exists: false, conditions: [] })
        pending.splice(pending.indexOf(want), 1)
        continue
      }
      const conditions = conditionsOf(live)
      objects.set(key, { ...health, conditions })
      const ready = conditions.find((c) => c.type === 'Ready')
      const done = (problem?: string) => {
        if (problem) problems.push(problem)
        pending.splice(pending.indexOf(want), 1)
      }
      if (ready?.status === 'True') done()
      else if (ready?.status === 'False') {
        const since = falseSince.get(key) ?? t
        falseSince.set(key, since)
        if (t - since >= notReadyMs) {
          done(`${key} is not Ready (Ready=False for ${seconds(notReadyMs)}): ${describeNotTrue(conditions)}`)
        }
      } else {
        falseSince.delete(key)
        if (t - started >= reconcileMs) {
          done(
            conditions.length
              ? `${key} is not Ready after ${seconds(reconcileMs)}: ${describeNotTrue(conditions) || 'no Ready condition'}`
              : `${key} has no status conditions after ${seconds(reconcileMs)}: no Karpenter controller has reconciled it. ` +
                  `Is the controller running and allowed in? See \`kubectl -n ${opts.namespace} logs deployment/${name}\``,
          )
        }
      }
    }
    if (pending.length) await sleep(pollMs())
  }
  if (!deployment.available) {
    for (const want of pending) {
      const h = objects.get(objectKey(want))!
      if (h.conditions.some((c) => c.status !== 'True')) notes.push(`${h.object}: ${describeNotTrue(h.conditions)}`)
    }
  }
  return { deployment, objects: [...objects.values()], problems, notes }
}

/** The report as log lines. */
export function verifyLines(r: VerifyReport): string[] {
  const lines = [
    `Deployment ${r.deployment.name}: ${r.deployment.available ? 'Available' : 'NOT Available'} (${r.deployment.replicas})`,
  ]
  for (const o of r.objects) {
    const conds = o.conditions.map((c) => `${c.type}=${c.status}`).join(', ') || 'no conditions yet'
    lines.push(`${o.object}: ${!o.exists ? 'MISSING' : o.specMatches ? 'spec as desired' : 'SPEC DIFFERS'}; ${conds}`)
  }
  for (const n of r.notes) lines.push(`note: ${n}`)
  for (const p of r.problems) lines.push(`problem: ${p}`)
  return lines
}

/** Karpenter is not healthy after the apply (reason `verify`); the report says what is wrong. */
export class VerifyError extends ActionFailure {
  constructor(readonly report: VerifyReport) {
    super('verify', `verification after apply failed: ${report.problems.join('; ')}`)
    this.name = 'VerifyError'
  }
}

/**
 * After an apply: verify() for the release and the desired objects of the plan's resources. Throws a VerifyError
 * (holding the report) when something is wrong.
 */
export async function verifyKarpenter(
  ctx: Context,
  resources: Resource[],
  wait: Pick<VerifyOptions, 'reconcileTimeoutMs' | 'notReadyTimeoutMs' | 'pollMs'> = {},
): Promise<VerifyReport> {
  const k = ctx.config.karpenter
  const desired = resources
    .filter((r): r is KubeObjectResource => r instanceof KubeObjectResource && r.wanted)
    .map((r) => r.spec.object)
  const report = await verify(ctx.kube, {
    namespace: k.namespace,
    release: k.release,
    desired,
    timeout: k.timeout,
    ...wait,
  })
  if (report.problems.length) throw new VerifyError(report)
  return report
}
