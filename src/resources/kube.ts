import type { Context } from '../context.js'
import type { Resource } from '../plan/resource.js'
import { Namespace } from './namespace.js'

export const kubeIds = {
  namespace: (ns: string) => `namespace.${ns}`,
}

/** The Kubernetes resources the configuration asks for. */
export function kubeResources(ctx: Context): Resource[] {
  const { config } = ctx
  return [new Namespace(ctx.kube, config.karpenter.namespace, config.karpenter.timeout)]
}
