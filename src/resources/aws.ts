import { iamPath, iamPolicyArn, iamRoleArn, iamRoleArnWithoutPath, oidcProviderArn } from '../aws/arns.js'
import {
  INTERRUPTION_QUEUE_ATTRIBUTES,
  INTERRUPTION_RULE_TARGET_ID,
  buildControllerPolicies,
  interruptionQueuePolicy,
  interruptionRulePrefix,
  interruptionRules,
  irsaTrustPolicy,
  nodeRoleManagedPolicyArns,
  nodeRoleTrustPolicy,
  oidcIssuerHostPath,
  podIdentityTrustPolicy,
  queueArn,
} from '../aws/karpenter-policy.js'
import type { Context } from '../context.js'
import type { NodeAccess } from '../config/types.js'
import type { Resource } from '../plan/resource.js'
import { AccessEntry } from './access-entry.js'
import { AwsAuthMapping } from './aws-auth.js'
import { EventRule, EventRuleReader } from './event-rule.js'
import { IamPolicy, policyListing } from './iam-policy.js'
import { IamRole } from './iam-role.js'
import { InstanceProfile } from './instance-profile.js'
import { OidcProvider } from './oidc-provider.js'
import { PodIdentityAssociation } from './pod-identity.js'
import { SqsQueue } from './sqs-queue.js'
import { managedTags } from './tags.js'

/** The service account the Karpenter chart creates (and the controller role trusts). */
export const KARPENTER_SERVICE_ACCOUNT = 'karpenter'

/**
 * How many controller policies are looked for, at most: the ones the permissions need now are managed,
 * the others up to this number are deleted if this action made them (the set shrank). IAM attaches at
 * most 10 managed policies to a role by default.
 */
export const MAX_CONTROLLER_POLICIES = 8

/** Resource ids of the AWS side, for dependencies across files. */
export const awsIds = {
  nodeRole: 'iam-role.node',
  instanceProfile: 'iam-instance-profile.node',
  controllerPolicy: (index: number) => (index === 0 ? 'iam-policy.controller' : `iam-policy.controller-${index + 1}`),
  oidcProvider: 'iam-oidc-provider.cluster',
  controllerRole: 'iam-role.controller',
  podIdentity: 'eks-pod-identity.controller',
  queue: 'sqs-queue.interruption',
  rule: (kind: string) => `event-rule.${kind}`,
  accessEntry: 'eks-access-entry.node',
  awsAuth: 'aws-auth.node',
}

export interface AwsResourceOptions {
  /** Size limit of one controller policy (tests lower it to force a split); IAM's 6,144 by default. */
  policySizeLimit?: number
}

/**
 * How nodes get into the cluster: an access entry when asked, or on `auto` when the cluster's
 * authentication mode includes the access API; otherwise the aws-auth ConfigMap. A cluster that does not
 * report its mode predates access entries (CONFIG_MAP).
 */
export function nodeAccessMethod(
  setting: NodeAccess,
  authenticationMode: string | undefined,
): 'access-entry' | 'aws-auth' {
  if (setting !== 'auto') return setting
  return authenticationMode === 'API' || authenticationMode === 'API_AND_CONFIG_MAP' ? 'access-entry' : 'aws-auth'
}

/** The AWS resources the configuration asks for (and the aws-auth entry, which lives in Kubernetes). */
export function awsResources(ctx: Context, options: AwsResourceOptions = {}): Resource[] {
  const { config, session, accountId } = ctx
  const scope = { partition: session.partition, accountId }
  const clusterName = config.cluster.name
  const tags = managedTags(clusterName, config.tags)
  const path = iamPath(config.iam.path)
  const out: Resource[] = []

  const nodeRole = new IamRole(session, {
    id: awsIds.nodeRole,
    name: config.iam.nodeRole,
    path,
    description: `Nodes launched by Karpenter in ${clusterName}`,
    trustPolicy: nodeRoleTrustPolicy(session.partition),
    managedPolicyArns: nodeRoleManagedPolicyArns(session.partition),
    permissionsBoundary: config.iam.permissionsBoundary,
    tags,
  })
  out.push(nodeRole)
  out.push(
    new InstanceProfile(session, {
      id: awsIds.instanceProfile,
      name: config.iam.instanceProfile,
      path,
      roleName: config.iam.nodeRole,
      tags,
      dependsOn: [awsIds.nodeRole],
    }),
  )

  // Controller permissions: as many managed policies as the size limit needs, plus the names a larger
  // set used to have (deleted when this action made them).
  const queueName = config.interruption.enabled ? config.interruption.queue : null
  const policies = buildControllerPolicies(
    {
      partition: session.partition,
      accountId,
      region: config.cluster.region,
      clusterName,
      nodeRoleName: config.iam.nodeRole,
      nodeRolePath: path,
      queueName,
      karpenterVersion: config.karpenter.version,
    },
    config.iam.controllerPolicy,
    options.policySizeLimit,
  )
  const listing = policyListing(session, path)
  const policyIds: string[] = []
  const policyArns: string[] = []
  const ownedArns: string[] = []
  for (let i = 0; i < Math.max(MAX_CONTROLLER_POLICIES, policies.length); i++) {
    const name =
      policies[i]?.name ?? (i === 0 ? config.iam.controllerPolicy : `${config.iam.controllerPolicy}-${i + 1}`)
    const arn = iamPolicyArn(scope, name, path)
    const wanted = i < policies.length
    policyIds.push(awsIds.controllerPolicy(i))
    ownedArns.push(arn)
    if (wanted) policyArns.push(arn)
    out.push(
      new IamPolicy(
        session,
        {
          id: awsIds.controllerPolicy(i),
          name,
          path,
          arn,
          description: `Karpenter controller permissions for ${clusterName}`,
          document: policies[i]?.document,
          tags,
        },
        // The wanted policies are looked up directly; the leftovers only when the listing shows them.
        wanted ? undefined : listing,
      ),
    )
  }

  const controllerRoleArn = iamRoleArn(scope, config.iam.controllerRole, path)
  const namespace = config.karpenter.namespace
  const controllerDeps = [...policyIds]
  let trustPolicy
  if (config.karpenter.auth === 'irsa') {
    const issuer = ctx.cluster.oidcIssuer
    if (!issuer) {
      throw new Error(
        `karpenter.auth: irsa needs the cluster's OIDC issuer, and EKS reports none for ${clusterName}. ` +
          'Fix: enable the OIDC issuer of the cluster, or set karpenter.auth: pod-identity.',
      )
    }
    const hostPath = oidcIssuerHostPath(issuer)
    out.push(
      new OidcProvider(session, {
        id: awsIds.oidcProvider,
        issuerHostPath: hostPath,
        arn: oidcProviderArn(scope, hostPath),
        tags,
      }),
    )
    controllerDeps.push(awsIds.oidcProvider)
    trustPolicy = irsaTrustPolicy({
      partition: session.partition,
      accountId,
      issuerUrl: issuer,
      namespace,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT,
    })
  } else {
    trustPolicy = podIdentityTrustPolicy()
  }
  out.push(
    new IamRole(session, {
      id: awsIds.controllerRole,
      name: config.iam.controllerRole,
      path,
      description: `Karpenter controller of ${clusterName}`,
      trustPolicy,
      managedPolicyArns: policyArns,
      ownedPolicyArns: ownedArns,
      permissionsBoundary: config.iam.permissionsBoundary,
      tags,
      dependsOn: controllerDeps,
    }),
  )
  if (config.karpenter.auth === 'pod-identity') {
    out.push(
      new PodIdentityAssociation(session, {
        id: awsIds.podIdentity,
        clusterName,
        namespace,
        serviceAccount: KARPENTER_SERVICE_ACCOUNT,
        roleArn: controllerRoleArn,
        tags,
        dependsOn: [awsIds.controllerRole],
      }),
    )
  }

  out.push(...interruptionResources(ctx, tags))

  const nodeRoleArn = iamRoleArn(scope, config.iam.nodeRole, path)
  if (nodeAccessMethod(config.iam.nodeAccess, ctx.cluster.authenticationMode) === 'access-entry') {
    out.push(
      new AccessEntry(session, {
        id: awsIds.accessEntry,
        clusterName,
        principalArn: nodeRoleArn,
        roleName: config.iam.nodeRole,
        tags,
        dependsOn: [awsIds.nodeRole],
      }),
    )
  } else {
    out.push(
      new AwsAuthMapping(ctx.kube, {
        id: awsIds.awsAuth,
        roleName: config.iam.nodeRole,
        roleArn: iamRoleArnWithoutPath(scope, config.iam.nodeRole),
        aliases: nodeRoleArn === iamRoleArnWithoutPath(scope, config.iam.nodeRole) ? [] : [nodeRoleArn],
        dependsOn: [awsIds.nodeRole],
      }),
    )
  }
  return out
}

/**
 * The interruption queue and the EventBridge rules feeding it. With interruption handling off they are
 * still listed, unwanted: what this action made earlier is deleted, anything else of those names is left.
 */
function interruptionResources(ctx: Context, tags: Record<string, string>): Resource[] {
  const { config, session, accountId } = ctx
  const wanted = config.interruption.enabled
  const name = config.interruption.queue
  const arn = queueArn({ partition: session.partition, accountId, region: config.cluster.region }, name)
  const queue = new SqsQueue(session, {
    id: awsIds.queue,
    name,
    attributes: { ...INTERRUPTION_QUEUE_ATTRIBUTES },
    policy: interruptionQueuePolicy({ queueArn: arn }),
    tags,
    wanted,
  })
  const prefix = interruptionRulePrefix(name)
  const reader = new EventRuleReader(session, prefix, arn)
  const rules = interruptionRules(config.cluster.name, name).map(
    (rule) =>
      new EventRule(
        session,
        {
          id: awsIds.rule(rule.name.slice(prefix.length + 1)),
          name: rule.name,
          description: rule.description,
          eventPattern: rule.eventPattern,
          targetArn: arn,
          targetId: INTERRUPTION_RULE_TARGET_ID,
          tags,
          wanted,
          dependsOn: [awsIds.queue],
        },
        reader,
      ),
  )
  return [queue, ...rules]
}
