import type { Config, NodePoolConfig } from '../config/types.js'
import { renderTemplate } from '../kube/template.js'
import { ownedLabels, type KubeObject } from '../kube/types.js'

/** The NodePool of one `nodePools` entry, from manifests/nodepool.yaml. */
export function nodePoolObject(np: NodePoolConfig): KubeObject {
  return renderTemplate('nodepool.yaml', {
    name: np.name,
    objectLabels: ownedLabels(),
    nodeLabels: nonEmpty(np.labels),
    nodeClassName: np.name,
    instanceTypes: np.instanceTypes,
    architectures: np.architectures,
    zones: np.zones,
    capacityTypes: np.capacityTypes,
    taints: np.taints?.length ? np.taints : undefined,
    expireAfter: np.expireAfter,
    consolidationPolicy: np.consolidationPolicy,
    consolidateAfter: np.consolidateAfter,
    limits: nonEmpty(np.limits),
    weight: np.weight,
  })
}

/** The EC2NodeClass of one `nodePools` entry, from manifests/ec2nodeclass.yaml. */
export function ec2NodeClassObject(np: NodePoolConfig, config: Config): KubeObject {
  return renderTemplate('ec2nodeclass.yaml', {
    name: np.name,
    objectLabels: ownedLabels(),
    instanceProfile: config.iam.instanceProfile,
    amiAlias: np.amiAlias,
    subnetSelectorTerms: selectorTerms(np.subnetSelector, np.subnetIds),
    securityGroupSelectorTerms: selectorTerms(np.securityGroupSelector, np.securityGroupIds),
    tags: nonEmpty({ ...config.tags, ...np.tags }),
  })
}

/** `{tags: {...}}` for a tag selector, one `{id}` term per id otherwise. */
function selectorTerms(tags?: Record<string, string>, ids?: string[]): object[] | undefined {
  if (tags && Object.keys(tags).length) return [{ tags }]
  if (ids?.length) return ids.map((id) => ({ id }))
  return undefined
}

function nonEmpty<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length ? o : undefined
}
