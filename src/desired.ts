import { roleArn, type Context } from './context.js'
import type { Resource } from './plan/resource.js'
import { awsResources } from './resources/aws.js'
import { kubeResources } from './resources/kube.js'

/** Every resource the configuration asks for, with its dependencies. */
export function desiredResources(ctx: Context): Resource[] {
  return [...awsResources(ctx), ...kubeResources(ctx)]
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
