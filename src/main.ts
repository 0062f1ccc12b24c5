import * as core from '@actions/core'
import { callerAccount, assumeRoleWithOidc, environmentSession } from './aws/credentials.js'
import type { AwsSession } from './aws/clients.js'
import { loadConfig } from './config/load.js'
import type { Config } from './config/types.js'
import { describeCluster } from './aws/cluster.js'
import type { Context } from './context.js'
import { desiredResources, planOutputs } from './desired.js'
import { readInputs, type Inputs } from './inputs.js'
import { Kube } from './kube/kubectl.js'
import { applyPlan, plan as makePlan, type EngineResult } from './plan/engine.js'
import { planFingerprint } from './plan/fingerprint.js'
import type { ChangeResult, Plan } from './plan/types.js'
import { renderMarkdown } from './report/markdown.js'
import { renderText } from './report/text.js'

/** The action: inputs → config → session → desired → plan → (apply) → report. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs()
    const config = await loadConfig(inputs.config, { region: inputs.awsRegion })
    core.info(
      `config ${inputs.config}: cluster ${config.cluster.name} in ${config.cluster.region}, ${config.nodePools.length} node pool(s)`,
    )
    const session = await openSession(inputs, config)
    const ctx = await buildContext(inputs, config, session)

    const result = await core.group('Plan', () => planAll(inputs, ctx))
    const planId = planFingerprint(result.plan)
    report(result.plan, planId)
    if (inputs.mode === 'plan') return

    if (result.plan.summary.add + result.plan.summary.change + result.plan.summary.destroy === 0) {
      core.info('Nothing to do.')
      return
    }
    const results = await core.group(inputs.mode === 'destroy' ? 'Destroy' : 'Apply', () => applyPlan(result.planned))
    reportResults(results)
  } catch (e) {
    core.setFailed(e instanceof Error ? e.message : String(e))
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

async function buildContext(inputs: Inputs, config: Config, session: AwsSession): Promise<Context> {
  const [{ accountId, arn }, cluster] = await Promise.all([
    callerAccount(session),
    describeCluster(session, config.cluster.name),
  ])
  core.info(`AWS: account ${accountId} as ${arn}; cluster ${cluster.name} is ${cluster.status}`)
  const kubeconfig = inputs.kubeconfig || process.env.KUBECONFIG
  if (!kubeconfig) {
    throw new Error('No kubeconfig: set the `kubeconfig` input or KUBECONFIG.')
  }
  return { config, session, accountId, cluster, kube: new Kube(kubeconfig) }
}

async function planAll(inputs: Inputs, ctx: Context): Promise<EngineResult> {
  const started = Date.now()
  const result = await makePlan({
    mode: inputs.mode,
    cluster: ctx.config.cluster.name,
    region: ctx.config.cluster.region,
    resources: desiredResources(ctx),
    outputs: planOutputs(ctx),
  })
  core.info(`planned ${result.plan.changes.length} resources in ${((Date.now() - started) / 1000).toFixed(1)}s`)
  return result
}

function report(plan: Plan, planId: string): void {
  core.info(renderText(plan))
  const { add, change, destroy } = plan.summary
  core.setOutput('has-changes', String(add + change + destroy > 0))
  core.setOutput('to-add', String(add))
  core.setOutput('to-change', String(change))
  core.setOutput('to-destroy', String(destroy))
  core.setOutput('plan-id', planId)
  for (const [k, v] of Object.entries(plan.outputs)) core.setOutput(k, v)
  if (process.env.GITHUB_STEP_SUMMARY) {
    core.summary.addRaw(renderMarkdown(plan, { planId, commit: process.env.GITHUB_SHA, runUrl: runUrl() }), true)
    void core.summary.write()
  }
}

function reportResults(results: ChangeResult[]): void {
  const failed = results.filter((r) => r.status === 'failed')
  const skipped = results.filter((r) => r.status === 'skipped')
  const done = results.filter((r) => r.status === 'done')
  core.info(`Apply complete: ${done.length} done, ${failed.length} failed, ${skipped.length} not started.`)
  if (failed.length) {
    throw new Error(
      `${failed.length} change(s) failed: ${failed.map((f) => `${f.id}: ${f.error}`).join('; ')}. ` +
        'Nothing after the failure was started; fix the cause and run again: the next run plans from what exists.',
    )
  }
}

export function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  if (!GITHUB_SERVER_URL || !GITHUB_REPOSITORY || !GITHUB_RUN_ID) return undefined
  return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
}
