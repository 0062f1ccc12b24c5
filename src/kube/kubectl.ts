import { KubeApi } from './api.js'
import { runTool, type RunOptions, type RunResult } from './exec.js'

/** Field manager of every server-side apply this action makes. */
export const FIELD_MANAGER = 'karpenter-action'
/** Label on every Kubernetes object this action creates. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by'
export const MANAGED_BY_VALUE = 'karpenter-action'

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

/** Short resource names accepted by get(), as kubectl spells them. */
const ALIASES: Record<string, { apiVersion: string; kind: string }> = {
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  ns: { apiVersion: 'v1', kind: 'Namespace' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
  cm: { apiVersion: 'v1', kind: 'ConfigMap' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  deploy: { apiVersion: 'apps/v1', kind: 'Deployment' },
  crd: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
  customresourcedefinition: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
  'nodepools.karpenter.sh': { apiVersion: 'karpenter.sh/v1', kind: 'NodePool' },
  nodepool: { apiVersion: 'karpenter.sh/v1', kind: 'NodePool' },
  'nodeclaims.karpenter.sh': { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim' },
  nodeclaim: { apiVersion: 'karpenter.sh/v1', kind: 'NodeClaim' },
  'ec2nodeclasses.karpenter.k8s.aws': { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass' },
  ec2nodeclass: { apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass' },
}

/**
 * How to reach the cluster: `api` (REST through one `kubectl proxy`, for reads, server-side apply and
 * dry runs) and the helm runner for what needs helm itself. close() when done.
 */
export class Kube {
  readonly api: KubeApi

  constructor(readonly kubeconfig: string) {
    this.api = new KubeApi(kubeconfig)
  }

  helm(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return runTool('helm', ['--kubeconfig', this.kubeconfig, ...args], opts)
  }

  /** Server-side apply of the given objects under the action's field manager (concurrently, one request each). */
  apply(objects: KubeObject[], opts: { dryRun?: boolean } = {}): Promise<KubeObject[]> {
    return Promise.all(objects.map((o) => this.api.apply(o, FIELD_MANAGER, { dryRun: opts.dryRun })))
  }

  /**
   * Reads one named object (undefined when missing or when its kind is not served). Requests made at the
   * same time run concurrently over the one proxy: no process per read.
   */
  get(resource: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const r = resource.toLowerCase()
    const ref = ALIASES[r] ?? ALIASES[r.replace(/s$/, '')] ?? ALIASES[r.replace(/es$/, '')]
    if (!ref) return Promise.reject(new Error(`Kube.get: unknown resource "${resource}"; add it to ALIASES`))
    return this.api.get({ ...ref, name, namespace })
  }

  /** Stops the proxy behind `api`. */
  close(): Promise<void> {
    return this.api.close()
  }
}
