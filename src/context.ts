import type { AwsSession } from './aws/clients.js'
import type { ClusterFacts } from './aws/cluster.js'
import type { Config } from './config/types.js'
import type { Kube } from './kube/kubectl.js'

/** What the desired state is built from: the configuration and the facts read about the account and cluster. */
export interface Context {
  config: Config
  session: AwsSession
  accountId: string
  cluster: ClusterFacts
  kube: Kube
}

export function roleArn(ctx: Context, name: string): string {
  return `arn:${ctx.session.partition}:iam::${ctx.accountId}:role${ctx.config.iam.path}${name}`
}
