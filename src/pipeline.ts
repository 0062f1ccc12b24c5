import * as core from '@actions/core'
import { writeFileSync } from 'node:fs'
import { awsCallLog, type AwsSession } from './aws/clients.js'
import { describeCluster } from './aws/cluster.js'
import { callerAccount } from './aws/credentials.js'
import { eksKubeconfig, type EksKubeconfig } from './aws/eks-auth.js'
import { preflight } from './aws/preflight.js'
import type { Config } from './config/types.js'
import type { Context } from './context.js'
import { desiredResources, planOutputs } from './desired.js'
import { ActionFailure, DriftDetected, isDriftCheck } from './github/outcome.js'
import { PullRequestFlow } from './github/pr.js'
import type { Inputs } from './inputs.js'
import { apiCallLog } from './kube/api.js'
import { processLog } from './kube/exec.js'
import { Kube } from './kube/kubectl.js'
import { applyPlan, plan as makePlan, type EngineResult } from './plan/engine.js'
import { planFingerprint } from './plan/fingerprint.js'
import type { ChangeResult, Plan } from './plan/types.js'
import { renderMarkdown } from './report/markdown.js'
import { renderText, summaryLine } from './report/text.js'
import { verifyKarpenter } from './resources/kube.js'
import { acquireLock, stateClient, stateLocation, type StateLock } from './state/lock.js'
import { writeRecord } from './state/record.js'

/** Everything after the credentials: context → pre-flight → lock → plan → report → (apply → record → verify). */
export async function runPipeline(inputs: Inputs, config: Config, session: AwsSession): Promise<void> {
  let lock: StateLock | undefined
  let ctx: Context | undefined
  let eks: EksKubeconfig | undefined
  try {
    const pr = PullRequestFlow.fromInputs({
      comment: inputs.comment,
      githubToken: inputs.githubToken,
      prNumber: inputs.prNumber,
    })
    const opened = await buildContext(inputs, config, session)
    ctx = opened.ctx
    eks = opened.eks
    const context = opened.ctx

    // Pre-flight reads the account and the VPC: every problem of the config is reported before anything changes.
    // Destroy skips it, so that a config gone stale never blocks a teardown.
    const warnings =
      inputs.mode === 'destroy' ? [] : (await core.group('Pre-flight', () => preflight(context))).warnings

    let result = await core.group('Plan', () => planAll(inputs, context, warnings))
    // An apply or destroy with something to do takes the state lock, then plans again under it, so what it applies
    // was read while no other run could change it. One with nothing to do writes nothing at all, not even a lock.
    const state = stateLocation(config.state, inputs.mode)
    if (state && inputs.mode !== 'plan' && hasChanges(result.plan)) {
      lock = await acquireLock(await stateClient(session, state), state, {
        operation: inputs.mode,
        cluster: config.cluster.name,
        breakLock: inputs.breakLock,
      })
      result = await core.group('Plan again, under the lock', () => planAll(inputs, context, warnings))
    }
    const planId = planFingerprint(result.plan)
    const drift = isDriftCheck(inputs.mode, pr.event.eventName)
    await report(result.plan, planId, pr, drift)

    if (inputs.mode === 'plan') {
      await pr.publish(result.plan, planId)
      if (drift && hasChanges(result.plan)) {
        throw new DriftDetected(
          `Drift: ${config.cluster.name} differs from ${inputs.config}. ${summaryLine(result.plan)} ` +
            'Run the apply to bring it back, or change the config to match. The job summary has the plan.',
        )
      }
      return
    }

    if (inputs.prNumber !== undefined) await pr.checkReviewedPlan(result.plan, planId)
    if (!hasChanges(result.plan)) {
      core.info('Nothing to do.')
      await pr.publishResult(result.plan, planId, [])
      return
    }
    const results = await core.group(inputs.mode === 'destroy' ? 'Destroy' : 'Apply', () => applyPlan(result.planned))
    if (lock && state) {
      await writeRecord(await stateClient(session, state), state, {
        plan: result.plan,
        planId,
        results,
        holder: lock.holder,
        versions: { karpenter: config.karpenter.version },
      })
    }
    await writeSummary(renderMarkdown(result.plan, { ...markdownContext(planId, pr), results }))
    await pr.publishResult(result.plan, planId, results)
    reportResults(results)
    if (inputs.mode === 'apply') {
      await core.group('Verify', () =>
        verifyKarpenter(
          context,
          result.planned.map((p) => p.resource),
        ),
      )
    }
  } finally {
    await lock?.release()
    eks?.close()
    await ctx?.kube.close()
    writeCallLog()
  }
}

async function buildContext(
  inputs: Inputs,
  config: Config,
  session: AwsSession,
): Promise<{ ctx: Context; eks?: EksKubeconfig }> {
  const [{ accountId, arn }, cluster] = await Promise.all([
    callerAccount(session),
    describeCluster(session, config.cluster.name),
  ])
  core.info(`AWS: account ${accountId} as ${arn}; cluster ${cluster.name} is ${cluster.status}`)
  // A given kubeconfig wins; otherwise one for the EKS endpoint with a token made in-process, renewed while we run.
  let eks: EksKubeconfig | undefined
  let kubeconfig = inputs.kubeconfig || process.env.KUBECONFIG
  if (!kubeconfig) {
    eks = await eksKubeconfig({ session, cluster })
    kubeconfig = eks.path
    core.info(`Kubernetes: ${cluster.endpoint} with an EKS token`)
  }
  return { ctx: { config, session, accountId, cluster, kube: new Kube(kubeconfig) }, eks }
}

async function planAll(inputs: Inputs, ctx: Context, warnings: string[]): Promise<EngineResult> {
  const started = Date.now()
  const result = await makePlan({
    mode: inputs.mode,
    cluster: ctx.config.cluster.name,
    region: ctx.config.cluster.region,
    resources: await desiredResources(ctx, inputs.mode),
    outputs: planOutputs(ctx),
    warnings,
  })
  core.info(`planned ${result.plan.changes.length} resources in ${((Date.now() - started) / 1000).toFixed(1)}s`)
  return result
}

async function report(plan: Plan, planId: string, pr: PullRequestFlow, drift: boolean): Promise<void> {
  core.info(renderText(plan))
  const { add, change, destroy } = plan.summary
  core.setOutput('has-changes', String(add + change + destroy > 0))
  core.setOutput('to-add', String(add))
  core.setOutput('to-change', String(change))
  core.setOutput('to-destroy', String(destroy))
  core.setOutput('plan-id', planId)
  for (const [k, v] of Object.entries(plan.outputs)) core.setOutput(k, v)
  await writeSummary(renderMarkdown(plan, { ...markdownContext(planId, pr), drift }))
}

function hasChanges(plan: Plan): boolean {
  return plan.summary.add + plan.summary.change + plan.summary.destroy > 0
}

function markdownContext(planId: string, pr: PullRequestFlow) {
  return { planId, commit: pr.event.headSha, repoUrl: pr.event.repoUrl, runUrl: pr.event.runUrl }
}

async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
}

function reportResults(results: ChangeResult[]): void {
  const failed = results.filter((r) => r.status === 'failed')
  const skipped = results.filter((r) => r.status === 'skipped')
  const done = results.filter((r) => r.status === 'done')
  core.info(`Apply complete: ${done.length} done, ${failed.length} failed, ${skipped.length} not started.`)
  if (failed.length) {
    throw new ActionFailure(
      'apply',
      `${failed.length} change(s) failed: ${failed.map((f) => `${f.id}: ${f.error}`).join('; ')}. ` +
        'Nothing after the failure was started; fix the cause and run again: the next run plans from what exists.',
    )
  }
}

/** For `npm run bench`: every AWS call, API-server request and helm/kubectl process of this run. */
function writeCallLog(): void {
  const file = process.env.KARPENTER_ACTION_CALL_LOG
  if (file) writeFileSync(file, JSON.stringify({ aws: awsCallLog, kube: apiCallLog, processes: processLog }))
}
