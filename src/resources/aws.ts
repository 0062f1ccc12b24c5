import { nodeRoleManagedPolicyArns, nodeRoleTrustPolicy } from '../aws/karpenter-policy.js'
import type { Context } from '../context.js'
import type { Resource } from '../plan/resource.js'
import { IamRole } from './iam-role.js'
import { managedTags } from './tags.js'

/** Resource ids of the AWS side, for dependencies across files. */
export const awsIds = {
  nodeRole: 'iam-role.node',
}

/** The AWS resources the configuration asks for. */
export function awsResources(ctx: Context): Resource[] {
  const { config } = ctx
  const tags = managedTags(config.cluster.name, config.tags)
  const nodeRole = new IamRole(ctx.session, {
    id: awsIds.nodeRole,
    name: config.iam.nodeRole,
    path: config.iam.path,
    description: `Nodes launched by Karpenter in ${config.cluster.name}`,
    trustPolicy: nodeRoleTrustPolicy(ctx.session.partition),
    managedPolicyArns: nodeRoleManagedPolicyArns(ctx.session.partition),
    permissionsBoundary: config.iam.permissionsBoundary,
    tags,
  })
  return [nodeRole]
}
