import type { AwsSession } from './aws/clients.js'
import { assumeRoleWithOidc, environmentSession } from './aws/credentials.js'
import { callLogFromEnvironment, type CallRecorder } from './calls.js'
import { loadConfig } from './config/load.js'
import type { Config } from './config/types.js'
import { givenKubeconfig, readInputs, type Inputs } from './inputs.js'
import type { KubeClient } from './kube/client.js'
import { checkLocalPaths } from './kube/local-paths.js'
import { oneLine } from './report/escape.js'
import { info } from './runner.js'

/**
 * The action: inputs → config → credentials, then the pipeline (src/pipeline.ts); a failure ends the run through
 * src/report/failure.ts. Only what is needed to get credentials is loaded up front (the runner protocol is
 * runner.ts's own, not @actions/core's); the pipeline (GitHub client, Kubernetes, the resources, the reports) loads once they are in hand.
 */
export async function run(): Promise<void> {
  // The benchmark asks for a log of every call this run makes (KARPENTER_ACTION_CALL_LOG).
  const calls = callLogFromEnvironment()
  let early: KubeClient | undefined
  try {
    const inputs = readInputs()
    // A kubeconfig given to the action needs nothing more: its `kubectl proxy` starts while the config is read and
    // the pipeline's code loads (the session owns it from then on), or, when a role is to be assumed, once its
    // credentials are in hand (what the kubeconfig's exec plugin may need). The proxy only listens on its socket
    // (a direct connection opens none) until the first request, which a config found bad never makes.
    // Without a kubeconfig, the session makes one for EKS.
    const kubeconfig = givenKubeconfig(inputs)
    const startProxy = async () => {
      if (!kubeconfig || early) return
      const { KubeClient } = await import('./kube/client.js')
      early = new KubeClient(kubeconfig, { recorder: calls?.log })
      early.warm()
    }
    if (!inputs.roleToAssume) await startProxy()
    const config = await loadConfig(inputs.config, { region: inputs.awsRegion })
    // Local charts and manifests must stay inside the workspace: judged on disk, before any AWS call.
    checkLocalPaths(inputs.config, config)
    info(
      `config ${oneLine(inputs.config)}: cluster ${config.cluster.name} in ${config.cluster.region}, ${config.nodePools.length} node pool(s)`,
    )
    const aws = await credentials(inputs, config, calls?.log)
    await startProxy()
    const { runPipeline } = await import('./pipeline.js')
    await runPipeline(inputs, config, aws, early)
  } catch (e) {
    const { failRun } = await import('./report/failure.js')
    failRun(e)
  } finally {
    // Closed already when the session was opened; here for a run that failed before it was.
    await early?.close()
    calls?.save()
  }
}

async function credentials(inputs: Inputs, config: Config, recorder?: CallRecorder): Promise<AwsSession> {
  const { region, partition } = config.cluster
  if (!inputs.roleToAssume) {
    info('AWS: using the credentials of the environment (no `role-to-assume`)')
    return environmentSession(region, { partition, recorder })
  }
  info(`AWS: assuming ${inputs.roleToAssume} with GitHub OIDC`)
  const session = await assumeRoleWithOidc({
    roleToAssume: inputs.roleToAssume,
    audience: inputs.audience,
    region,
    partition,
    recorder,
  })
  info('AWS: credentials in hand')
  return { ...session, recorder }
}
