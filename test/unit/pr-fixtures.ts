/** Synthetic plans in the shape the engine makes, with the example cluster's names (opsfleet-dev-cluster). */
import type { Action, Change, FieldChange, Plan } from '../../src/plan/types.js'

export const CLUSTER = 'opsfleet-dev-cluster'
export const REGION = 'eu-west-1'

export function change(id: string, action: Action, extra: Partial<Change> = {}): Change {
  const [kind, name] = id.split(':')
  return { id, kind: kind.replace(/-/g, ' '), name, action, fields: [], dependsOn: [], ...extra }
}

export function field(path: string, before: unknown, after: unknown, extra: Partial<FieldChange> = {}): FieldChange {
  return { path, before, after, ...extra }
}

export function planOf(changes: Change[], over: Partial<Plan> = {}): Plan {
  const count = (...a: Action[]) => changes.filter((c) => a.includes(c.action)).length
  return {
    formatVersion: 1,
    mode: 'plan',
    cluster: CLUSTER,
    region: REGION,
    changes,
    summary: { add: count('create', 'replace'), change: count('update'), destroy: count('delete', 'replace') },
    outputs: { 'node-role-arn': 'arn:aws:iam::123456789012:role/karpenter-role' },
    warnings: [],
    ...over,
  }
}

/** The first plan for the example cluster: everything to create, the node role already there and adopted. */
export function firstPlan(): Plan {
  return planOf([
    change('iam-role:karpenter-role', 'update', {
      note: 'adopting existing role',
      fields: [
        field('tags.karpenter.sh/discovery', undefined, CLUSTER),
        field(
          'managedPolicies',
          ['AmazonEKSWorkerNodePolicy'],
          ['AmazonEKSWorkerNodePolicy', 'AmazonSSMManagedInstanceCore'],
        ),
      ],
    }),
    change('instance-profile:opsfleet_dev_karpenter_profile', 'create', { dependsOn: ['iam-role:karpenter-role'] }),
    change('iam-policy:karpenter-policy', 'create', {
      fields: [
        field(
          'document',
          undefined,
          { Version: '2012-10-17', Statement: ['…'] },
          { detail: ['+ Sid AllowScopedEC2InstanceAccessActions'] },
        ),
      ],
    }),
    change('iam-role:karpenter-controller', 'create', { dependsOn: ['iam-policy:karpenter-policy'] }),
    change('sqs-queue:opsfleet-dev-cluster-karpenter', 'create'),
    change('namespace:karpenter', 'noop'),
    change('helm-release:karpenter', 'create', {
      dependsOn: ['namespace:karpenter', 'iam-role:karpenter-controller', 'sqs-queue:opsfleet-dev-cluster-karpenter'],
      fields: [
        field('version', undefined, '1.14.1'),
        field('values.settings.clusterName', undefined, CLUSTER),
        field('values.webhook.token', undefined, 'hunter2-secret-value', {
          sensitive: true,
          detail: ['token hunter2-secret-value'],
        }),
      ],
    }),
    change('node-pool:default', 'create', {
      dependsOn: ['helm-release:karpenter', 'instance-profile:opsfleet_dev_karpenter_profile'],
      fields: [field('spec.disruption.consolidateAfter', undefined, '30s')],
    }),
  ])
}
