import * as core from '@actions/core'
import type { AwsSession } from './aws/clients.js'
import { assumeRoleWithOidc, environmentSession } from './aws/credentials.js'
import { loadConfig } from './config/load.js'
import type { Config } from './config/types.js'
import { failRun } from './github/outcome.js'
import { readInputs, type Inputs } from './inputs.js'

/**
 * The action: inputs → config → session, then the pipeline (context → pre-flight → plan → apply → report).
 * Only what is needed to get credentials is loaded up front; the pipeline (GitHub client, Kubernetes, the
 * resources, the reports) loads once they are in hand.
 */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const config = await loadConfig(inputs.config, { region: inputs.awsRegion })
    core.info(
      `config ${inputs.config}: cluster ${config.cluster.name} in ${config.cluster.region}, ${config.nodePools.length} node pool(s)`,
    )
    const session = await openSession(inputs, config)
    const { runPipeline } = await import('./pipeline.js')
    await runPipeline(inputs, config, session)
  } catch (e) {
    failRun(e)
  }
}

async function openSession(inputs: Inputs, config: Config): Promise<AwsSession> {
  const region = config.cluster.region
  if (!inputs.roleToAssume) {
    core.info('AWS: using the credentials of the environment (no `role-to-assume`)')
    return environmentSession(region)
  }
  core.info(`AWS: assuming ${inputs.roleToAssume} with GitHub OIDC`)
  const session = await assumeRoleWithOidc({ roleToAssume: inputs.roleToAssume, audience: inputs.audience, region })
  core.info('AWS: credentials in hand')
  return session
}
