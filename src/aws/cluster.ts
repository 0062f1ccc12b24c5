import { ActionFailure } from '../outcome.js'
import { AwsHttpError, isNotFound } from './calls.js'
import type { AwsSession } from './clients.js'
import { jsonRefusal, signedCall } from './signed-call.js'

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

/** The part of EKS's DescribeCluster answer the action reads (its JSON names, as the SDK's output keeps them). */
interface EksCluster {
  arn?: string
  status?: string
  endpoint?: string
  version?: string
  certificateAuthority?: { data?: string }
  identity?: { oidc?: { issuer?: string } }
  accessConfig?: { authenticationMode?: string }
  resourcesVpcConfig?: { vpcId?: string; subnetIds?: string[] }
}

/** EKS's refusal in a REST-JSON answer (its error type from x-amzn-errortype or the body), or a failed exchange. */
export class EksError extends AwsHttpError {}

/** EKS DescribeCluster as a signed REST request of our own (no SDK client to load for one call at start-up). */
async function describeEksCluster(session: AwsSession, name: string): Promise<EksCluster | undefined> {
  return signedCall(
    session,
    { endpointId: 'EKS', name: 'eks' },
    {
      method: 'GET',
      path: `/clusters/${encodeURIComponent(name)}`,
      headers: { accept: 'application/json' },
      body: '',
      command: 'DescribeCluster',
      input: { name },
    },
    (answer) => {
      const refused = jsonRefusal(answer, 'DescribeCluster', EksError, 'TooManyRequestsException')
      if (refused) throw refused
      try {
        return (JSON.parse(answer.body) as { cluster?: EksCluster }).cluster
      } catch {
        throw new EksError('InvalidResponse', 'EKS answered DescribeCluster with something that is not JSON', {
          httpStatusCode: answer.status,
        })
      }
    },
    EksError,
  )
}

export async function describeCluster(session: AwsSession, name: string): Promise<ClusterFacts> {
  let cluster
  try {
    cluster = await describeEksCluster(session, name)
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
