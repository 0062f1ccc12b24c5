/** The shapes of Kubernetes objects and references, and the names this action writes on what it manages. */

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    [k: string]: unknown
  }
  [k: string]: unknown
}

/** A kind (apiVersion and kind), or one object of it when `name` is set; cluster-wide when `namespace` is not. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name?: string
  namespace?: string
}

export type NamedRef = ObjectRef & { name: string }

/** How the API server serves a kind. */
export interface ApiResource {
  /** The plural used in paths, e.g. `nodepools`. */
  plural: string
  namespaced: boolean
}

export const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const
export const CONFIGMAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const
export const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const
export const CLUSTERROLE = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' } as const
export const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const
export const NODEPOOL = { apiVersion: 'karpenter.sh/v1', kind: 'NodePool' } as const
export const NODECLAIM = { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim' } as const
export const EC2NODECLASS = { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass' } as const

/** The reference of an object (enough to find it again). */
export function refOf(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): NamedRef {
  const { apiVersion, kind, metadata } = o
  return { apiVersion, kind, name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) }
}

/** Field manager of every server-side apply this action makes. */
export const FIELD_MANAGER = 'karpenter-action'
/** Label on every Kubernetes object this action creates: how it later knows what it created (and may delete). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGED_BY_VALUE = 'karpenter-action'

export function ownedLabels(): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE }
}

export function isOwned(o: Pick<KubeObject, 'metadata'>): boolean {
  return o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE
}
