/** The configuration after defaults: every field the rest of the code reads is present. */

export type Auth = 'irsa' | 'pod-identity'
export type NodeAccess = 'auto' | 'access-entry' | 'aws-auth'

export interface NodePoolConfig {
  name: string
  instanceTypes?: string[]
  architectures: string[]
  zones?: string[]
  capacityTypes: string[]
  subnetSelector?: Record<string, string>
  subnetIds?: string[]
  securityGroupSelector?: Record<string, string>
  securityGroupIds?: string[]
  consolidateAfter: string
  consolidationPolicy: 'WhenEmpty' | 'WhenEmptyOrUnderutilized'
  expireAfter: string
  amiAlias: string
  limits?: Record<string, string | number>
  labels?: Record<string, string>
  taints?: { key: string; value?: string; effect: string }[]
  weight?: number
  tags?: Record<string, string>
}

export interface Config {
  /** The file it came from, for messages. */
  file: string
  cluster: { name: string; region: string; vpcId?: string; partition: string }
  karpenter: {
    version: string
    chart: string
    crdChart: string
    namespace: string
    release: string
    timeout: string
    auth: Auth
    installCrds: boolean
    destroyCrds: boolean
    resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> }
    values: Record<string, unknown>
    extraManifests?: string
  }
  iam: {
    nodeRole: string
    controllerRole: string
    controllerPolicy: string
    instanceProfile: string
    nodeAccess: NodeAccess
    permissionsBoundary?: string
    path: string
  }
  interruption: { enabled: boolean; queue: string }
  nodePools: NodePoolConfig[]
  state?: { bucket: string; key: string; region?: string }
  tags: Record<string, string>
}
