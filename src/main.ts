import type { AwsSession } from './aws/clients.js'
import { assumeRoleWithOidc, environmentSession } from './aws/credentials.js'
import { loadConfig } from './config/load.js'
import type { Config } from './config/types.js'
import { readInputs, type Inputs } from './inputs.js'
import { info } from './runner.js'

/**
 * The action: inputs → config → session, then the pipeline (context → pre-flight → plan → apply → report).
 * Only what is needed to get credentials is loaded up front (not even @actions/core: see runner.ts); the pipeline
 * (GitHub client, Kubernetes, the resources, the reports) loads once they are in hand.
 */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const config = await loadConfig(inputs.config, { region: inputs.awsRegion })
    info(
      `config ${inputs.config}: cluster ${config.cluster.name} in ${config.cluster.region}, ${config.nodePools.length} node pool(s)`,
    )
    const session = await openSession(inputs, config)
    const { runPipeline } = await import('./pipeline.js')
    await runPipeline(inputs, config, session)
  } catch (e) {
    const { failRun } = await import('./github/outcome.js')
    failRun(e)
  }
}

async function openSession(inputs: Inputs, config: Config): Promise<AwsSession> {
  const region = config.cluster.region
  if (!inputs.roleToAssume) {
    info('AWS: using the credentials of the environment (no `role-to-assume`)')
    return environmentSession(region)
  }
  info(`AWS: assuming ${inputs.roleToAssume} with GitHub OIDC`)
  const session = await assumeRoleWithOidc({ roleToAssume: inputs.roleToAssume, audience: inputs.audience, region })
  info('AWS: credentials in hand')
  return session
}
