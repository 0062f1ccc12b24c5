import { roleArn, type Context } from './context.js'
import type { Resource } from './plan/resource.js'
import type { Mode } from './plan/types.js'
import { awsResources } from './resources/aws.js'
import { kubeResourcesFor } from './resources/kube.js'

/** Every resource the configuration asks for, with its dependencies across AWS and Kubernetes. */
export async function desiredResources(ctx: Context, mode: Mode): Promise<Resource[]> {
  const aws = awsResources(ctx)
  const kube = await kubeResourcesFor(ctx, mode, { otherIds: aws.map((r) => r.id) })
  return [...aws, ...kube]
}

/** The action's outputs that the plan already knows (names and ARNs are deterministic). */
export function planOutputs(ctx: Context): Record<string, string> {
  const { config } = ctx
  return {
    'node-role-arn': roleArn(ctx, config.iam.nodeRole),
    'controller-role-arn': roleArn(ctx, config.iam.controllerRole),
    'instance-profile': config.iam.instanceProfile,
    'interruption-queue': config.interruption.enabled ? config.interruption.queue : '',
  }
}
