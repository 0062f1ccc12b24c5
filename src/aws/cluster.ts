import { ActionFailure } from '../outcome.js'
import { isNotFound } from './calls.js'
import { clients, type AwsSession } from './clients.js'

/** What the action needs to know of the existing EKS cluster (from DescribeCluster). */
export interface ClusterFacts {
  name: string
  arn: string
  status: string
  endpoint?: string
  certificateAuthority?: string
  /** The cluster's OIDC issuer URL (for IRSA). */
  oidcIssuer?: string
  /** API, API_AND_CONFIG_MAP or CONFIG_MAP; undefined when EKS doesn't say. */
  authenticationMode?: string
  vpcId?: string
  subnetIds: string[]
  version?: string
}

/** The configured cluster cannot be found or read (reason `preflight`). */
export class ClusterError extends ActionFailure {
  constructor(message: string, options?: { cause?: unknown }) {
    super('preflight', message, options)
    this.name = 'ClusterError'
  }
}

export async function describeCluster(session: AwsSession, name: string): Promise<ClusterFacts> {
  const eks = await clients.eks(session)
  const { DescribeClusterCommand } = await import('@aws-sdk/client-eks')
  let cluster
  try {
    cluster = (await eks.send(new DescribeClusterCommand({ name }))).cluster
  } catch (e) {
    if (isNotFound(e)) {
      throw new ClusterError(
        `cluster.name: the EKS cluster "${name}" does not exist in ${session.region}. Fix: check cluster.name and cluster.region (or the aws-region input).`,
      )
    }
    throw new ClusterError(`cluster.name: EKS DescribeCluster of "${name}" failed: ${(e as Error).message}`, {
      cause: e,
    })
  }
  if (!cluster) throw new ClusterError(`cluster.name: DescribeCluster returned nothing for "${name}"`)
  return {
    name,
    arn: cluster.arn ?? '',
    status: cluster.status ?? 'UNKNOWN',
    endpoint: cluster.endpoint,
    certificateAuthority: cluster.certificateAuthority?.data,
    oidcIssuer: cluster.identity?.oidc?.issuer,
    authenticationMode: cluster.accessConfig?.authenticationMode,
    vpcId: cluster.resourcesVpcConfig?.vpcId,
    subnetIds: cluster.resourcesVpcConfig?.subnetIds ?? [],
    version: cluster.version,
  }
}
