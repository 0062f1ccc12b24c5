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

/** How to reach the cluster. */
export class Kube {
  constructor(readonly kubeconfig: string) {}

  kubectl(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return runTool('kubectl', ['--kubeconfig', this.kubeconfig, ...args], opts)
  }

  helm(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return runTool('helm', ['--kubeconfig', this.kubeconfig, ...args], opts)
  }

  /** Server-side apply of the given objects under the action's field manager. */
  async apply(objects: KubeObject[], opts: { dryRun?: boolean; forceConflicts?: boolean } = {}): Promise<KubeObject[]> {
    if (objects.length === 0) return []
    const args = ['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-o', 'json', '-f', '-']
    if (opts.forceConflicts !== false) args.push('--force-conflicts')
    if (opts.dryRun) args.push('--dry-run=server')
    const out = await this.kubectl(args, { input: objects.map((o) => JSON.stringify(o)).join('\n') })
    return listItems(out.stdout)
  }

  /**
   * Reads named objects in as few processes as possible: every get() asked for in the same tick is
   * answered by one `kubectl get` per namespace. Missing objects come back undefined.
   */
  get(resource: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ resource, name, namespace, resolve, reject })
      if (this.pending.length === 1) setImmediate(() => void this.flush())
    })
  }

  private pending: {
    resource: string
    name: string
    namespace?: string
    resolve: (o: KubeObject | undefined) => void
    reject: (e: unknown) => void
  }[] = []

  private async flush(): Promise<void> {
    const batch = this.pending
    this.pending = []
    const groups = new Map<string, typeof batch>()
    for (const p of batch) {
      const key = p.namespace ?? ''
      groups.set(key, [...(groups.get(key) ?? []), p])
    }
    await Promise.all(
      [...groups].map(async ([ns, items]) => {
        const refs = [...new Set(items.map((p) => `${p.resource}/${p.name}`))]
        try {
          const out = await this.kubectl([
            'get',
            ...refs,
            '--ignore-not-found',
            '-o',
            'json',
            ...(ns ? ['-n', ns] : []),
          ])
          const found = listItems(out.stdout)
          for (const p of items) {
            p.resolve(found.find((o) => o.metadata.name === p.name && kindMatches(o, p.resource)))
          }
        } catch (e) {
          for (const p of items) p.reject(e)
        }
      }),
    )
  }
}

/** `namespace` matches kind Namespace; `nodepools.karpenter.sh` matches NodePool; `crd` ... */
function kindMatches(o: KubeObject, resource: string): boolean {
  const r = resource.toLowerCase().split('.')[0]
  const kind = o.kind.toLowerCase()
  const aliases: Record<string, string> = {
    ns: 'namespace',
    crd: 'customresourcedefinition',
    cm: 'configmap',
    deploy: 'deployment',
  }
  const want = aliases[r] ?? r
  return kind === want || `${kind}s` === want || `${kind}es` === want
}

/** The objects of kubectl's JSON output: a List, a single object, or nothing. */
export function listItems(stdout: string): KubeObject[] {
  const text = stdout.trim()
  if (!text) return []
  const parsed = JSON.parse(text) as KubeObject & { items?: KubeObject[] }
  if (Array.isArray(parsed.items)) return parsed.items
  return [parsed]
}
