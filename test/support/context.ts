import { readFileSync } from 'node:fs'
import { parse, stringify } from 'yaml'
import { callerAccount, environmentSession } from '../../src/aws/credentials.js'
import { describeCluster } from '../../src/aws/cluster.js'
import { CallLog } from '../../src/calls.js'
import { parseConfig } from '../../src/config/load.js'
import type { Context } from '../../src/graph.js'
import { KubeClient } from '../../src/kube/client.js'
import { sandboxConfigPath, useSandbox } from './sandbox.js'

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | T[K] : T[K] }

/** A Context whose AWS clients and Kubernetes client tell `calls` of everything they do. */
export type RecordedContext = Context & { calls: CallLog }

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v
  }
  return out
}

/** The sandbox's config (.sandbox/karpenter.yaml) as raw YAML data, with `overrides` merged in. */
export function sandboxConfigData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = parse(readFileSync(sandboxConfigPath(), 'utf8')) as Record<string, unknown>
  return merge(base, overrides)
}

/** A Context against the sandbox's real engines: moto for AWS, the local control plane for Kubernetes. */
export async function sandboxContext(overrides: DeepPartial<Record<string, unknown>> = {}): Promise<RecordedContext> {
  useSandbox()
  const text = stringify(sandboxConfigData(overrides as Record<string, unknown>))
  const config = parseConfig(text, 'sandbox-test.yaml')
  const calls = new CallLog()
  const aws = environmentSession(config.cluster.region, { recorder: calls })
  const [{ accountId }, cluster] = await Promise.all([callerAccount(aws), describeCluster(aws, config.cluster.name)])
  return { config, aws, accountId, cluster, kube: new KubeClient(process.env.KUBECONFIG!, { recorder: calls }), calls }
}
