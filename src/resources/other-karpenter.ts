/**
 * One Karpenter per cluster. A Karpenter already installed in the cluster, in any namespace and under any release
 * name, is either the configured one (karpenter.namespace and karpenter.release name it: it is adopted, the plan
 * upgrades it) or the plan is refused, before anything changes, with the config change that adopts it. Two
 * controllers would fight over the same NodePools and nodes, and Helm would refuse the second release's cluster-wide
 * objects (ClusterRoles, webhooks) halfway through an apply.
 *
 * What tells an installation: the controller Deployment (label app.kubernetes.io/name=karpenter), the chart's
 * ClusterRoles (same label), each with Helm's ownership annotations; and who owns the Karpenter CRDs. Two list
 * requests and one read through the API client: no process.
 */
import type { KubeClient } from '../kube/client.js'
import { CLUSTERROLE, CRD, DEPLOYMENT, type KubeObject } from '../kube/types.js'
import { ActionFailure } from '../outcome.js'
import { HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE } from './crds.js'

export const KARPENTER_NAME_LABEL = 'app.kubernetes.io/name=karpenter'

/** A Karpenter found in the cluster: its Helm release (absent when Helm does not manage it) and what shows it. */
export interface Installation {
  namespace: string
  release?: string
  evidence: string[]
}

function releaseOf(o: KubeObject): { namespace?: string; release?: string } {
  const a = o.metadata.annotations ?? {}
  return { namespace: a[HELM_RELEASE_NAMESPACE], release: a[HELM_RELEASE_NAME] }
}

/** The installations the Deployments and ClusterRoles of Karpenter's chart show, by release. */
export function installations(deployments: KubeObject[], clusterRoles: KubeObject[], crd?: KubeObject): Installation[] {
  const found = new Map<string, Installation>()
  const add = (namespace: string, release: string | undefined, what: string) => {
    const key = `${namespace}/${release ?? ''}`
    const i = found.get(key) ?? { namespace, ...(release ? { release } : {}), evidence: [] }
    i.evidence.push(what)
    found.set(key, i)
  }
  for (const d of deployments) {
    const owner = releaseOf(d)
    add(
      owner.namespace ?? d.metadata.namespace ?? 'default',
      owner.release,
      `Deployment ${d.metadata.namespace}/${d.metadata.name}`,
    )
  }
  for (const r of clusterRoles) {
    const owner = releaseOf(r)
    // A ClusterRole has no namespace of its own: without Helm's annotations it names no installation.
    if (owner.namespace && owner.release) add(owner.namespace, owner.release, `ClusterRole ${r.metadata.name}`)
  }
  const crdOwner = crd ? releaseOf(crd) : {}
  if (crdOwner.namespace && crdOwner.release) {
    // The CRDs' release (karpenter-crd) lives beside the controller: name it with the installation of its namespace.
    for (const i of found.values()) {
      if (i.namespace === crdOwner.namespace)
        i.evidence.push(`its CRDs belong to helm release ${crdOwner.namespace}/${crdOwner.release}`)
    }
  }
  return [...found.values()]
}

/**
 * The plan-time refusal: undefined when no Karpenter other than the configured one is installed; otherwise the error
 * (reason `other-karpenter`) with the exact config change that adopts it, or what to remove.
 */
export function otherKarpenterProblem(
  found: Installation[],
  configured: { namespace: string; release: string },
): ActionFailure | undefined {
  const others = found.filter((i) => !(i.namespace === configured.namespace && i.release === configured.release))
  if (!others.length) return undefined
  const describe = (i: Installation) =>
    `${i.release ? `helm release ${i.namespace}/${i.release}` : `a Karpenter in ${i.namespace} that Helm does not manage`} (${i.evidence.join(', ')})`
  const helm = others.filter((i) => i.release)
  const plain = others.filter((i) => !i.release)
  const fixes: string[] = []
  if (helm.length === 1 && !plain.length) {
    const [i] = helm
    fixes.push(
      `to manage that one, set karpenter.namespace: ${i.namespace} and karpenter.release: ${i.release} in the config ` +
        `(it is then adopted and upgraded in place); or uninstall it first (\`helm uninstall ${i.release} -n ${i.namespace}\`)`,
    )
  } else {
    fixes.push(
      `keep one: uninstall the others (${helm.map((i) => `\`helm uninstall ${i.release} -n ${i.namespace}\``).join(', ') || 'none by Helm'}), ` +
        'then set karpenter.namespace and karpenter.release to the one kept',
    )
  }
  if (plain.length)
    fixes.push(
      `remove what Helm does not manage (${plain.flatMap((i) => i.evidence).join(', ')}): this action installs Karpenter with Helm only`,
    )
  return new ActionFailure(
    'other-karpenter',
    `another Karpenter is installed in this cluster: ${others.map(describe).join('; ')}. ` +
      `The config asks for helm release ${configured.namespace}/${configured.release}, and two Karpenter controllers ` +
      'would fight over the same NodePools and nodes (Helm would also refuse the second release halfway through an apply). ' +
      `Fix: ${fixes.join('; ')}. Nothing was changed.`,
  )
}

/** Reads what shows an installed Karpenter (concurrently, through the API) and refuses another one. */
export async function refuseOtherKarpenter(
  kube: KubeClient,
  configured: { namespace: string; release: string },
): Promise<void> {
  const [deployments, clusterRoles, crd] = await Promise.all([
    kube.list(DEPLOYMENT, KARPENTER_NAME_LABEL),
    kube.list(CLUSTERROLE, KARPENTER_NAME_LABEL),
    kube.get({ ...CRD, name: 'nodepools.karpenter.sh' }),
  ])
  const problem = otherKarpenterProblem(installations(deployments, clusterRoles, crd), configured)
  if (problem) throw problem
}
