/**
 * The check after an apply: not a resource of the plan, but a look at what the apply produced. The Karpenter
 * Deployment is Available, the desired NodePools, EC2NodeClasses and extra objects exist with the desired spec;
 * their status conditions are reported.
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
  /** Conditions that are not True, with why that may be expected. */
  notes: string[]
}

/**
 * Conditions the Karpenter controller can only make True by talking to EC2 (and IAM/SSM): they stay
 * False or Unknown wherever no EC2 exists (the sandbox), and in a real account they point at what is wrong.
 */
export const NEEDS_EC2: Record<string, string> = {
  SubnetsReady: 'resolves subnetSelectorTerms with ec2:DescribeSubnets',
  SecurityGroupsReady: 'resolves securityGroupSelectorTerms with ec2:DescribeSecurityGroups',
  AMIsReady: 'resolves the AMI alias through SSM parameters and ec2:DescribeImages',
  InstanceProfileReady: 'reads the instance profile with iam:GetInstanceProfile',
  CapacityReservationsReady: 'resolves capacity reservations with ec2:DescribeCapacityReservations',
  NodeClassReady: 'follows the EC2NodeClass Ready condition',
  Ready: 'summarizes the other conditions',
}

export interface VerifyOptions {
  namespace: string
  release: string
  /** The NodePools, EC2NodeClasses (and other objects) the apply wanted. */
  desired: KubeObject[]
  /** How long to wait for the Deployment to be Available (karpenter.timeout). */
  timeout: string
}

/**
 * After an apply: the Karpenter Deployment is Available (waiting for it, bounded by the timeout), each
 * desired object exists with the desired spec, and their status conditions are reported. Conditions are
 * reported, not required: the controller sets them asynchronously, and some need EC2.
 */
export async function verify(kube: KubeClient, opts: VerifyOptions): Promise<VerifyReport> {
  const problems: string[] = []
  const notes: string[] = []
  const release = await readRelease(kube, opts.namespace, opts.release)
  const deployObj = release ? releaseObjects(release).find((o) => o.kind === 'Deployment') : undefined
  const name = deployObj?.metadata.name ?? opts.release
  const deployment = { name: `${opts.namespace}/${name}`, available: false, replicas: '0/0' }
  if (!release) problems.push(`helm release ${opts.namespace}/${opts.release} does not exist`)
  else {
    const deadline = Date.now() + durationMs(opts.timeout)
    for (;;) {
      const d = await kube.get({ ...DEPLOYMENT, name, namespace: opts.namespace })
      const status = (d?.status ?? {}) as { conditions?: Condition[]; availableReplicas?: number; replicas?: number }
      const spec = (d?.spec ?? {}) as { replicas?: number }
      deployment.replicas = `${status.availableReplicas ?? 0}/${spec.replicas ?? 0}`
      deployment.available = Boolean(status.conditions?.some((c) => c.type === 'Available' && c.status === 'True'))
      if (deployment.available || Date.now() > deadline) break
      await new Promise((r) => setTimeout(r, 1000))
    }
    if (!deployment.available) {
      problems.push(
        `Deployment ${deployment.name} is not Available (${deployment.replicas} replicas available): see \`kubectl -n ${opts.namespace} describe deployment ${name}\``,
      )
    }
  }

  const objects = await Promise.all(
    opts.desired.map(async (want): Promise<ObjectHealth> => {
      const live = await kube.get(refOf(want))
      const key = objectKey(want)
      if (!live) {
        problems.push(`${key} does not exist`)
        return { object: key, exists: false, specMatches: false, conditions: [] }
      }
      const specMatches = isSubset(want.spec, live.spec)
      if (!specMatches)
        problems.push(`${key}: the live spec differs from the desired one (another field manager changed it?)`)
      const conditions = ((live.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).map((c) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
      }))
      if (['NodePool', 'EC2NodeClass'].includes(want.kind)) {
        if (!conditions.length) {
          notes.push(
            `${key}: no status conditions yet: no Karpenter controller has reconciled it (in the sandbox the controller pods are kwok fakes that run no code, so none ever appear)`,
          )
        }
        for (const c of conditions.filter((c) => c.status !== 'True')) {
          const why = NEEDS_EC2[c.type]
          notes.push(
            `${key}: ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` +
              (why ? `; it becomes True only when the controller ${why}` : ''),
          )
        }
      }
      return { object: key, exists: true, specMatches, conditions }
    }),
  )
  return { deployment, objects, problems, notes }
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
export async function verifyKarpenter(ctx: Context, resources: Resource[]): Promise<VerifyReport> {
  const k = ctx.config.karpenter
  const desired = resources
    .filter((r): r is KubeObjectResource => r instanceof KubeObjectResource && r.wanted)
    .map((r) => r.spec.object)
  const report = await verify(ctx.kube, { namespace: k.namespace, release: k.release, desired, timeout: k.timeout })
  if (report.problems.length) throw new VerifyError(report)
  return report
}
