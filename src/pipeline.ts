/**
 * Everything after the credentials, in one prepared session (src/session.ts), along one of two paths:
 *
 *   plan:           pre-flight → plan → report → the pull-request comment → (a drift check fails on changes)
 *   apply, destroy: pre-flight (not for destroy) → plan → (something to do: lock, confirm under it that nothing the
 *                   plan read has moved, else plan again under it) → report →
 *                   the reviewed-plan check → apply the planned steps → record → report the results (then the lock
 *                   is released); an apply with no failed step verifies meanwhile, from the moment its last step is done
 */
import * as core from './runner.js'
import { loadWriteClients, type AwsSession } from './aws/clients.js'
import { preflight } from './aws/preflight.js'
import type { Config } from './config/types.js'
import { isDriftCheck } from './github/event.js'
import { PullRequestFlow } from './github/pr.js'
import { planOutputs, readingGraph } from './graph.js'
import { givenKubeconfig, type Inputs } from './inputs.js'
import type { KubeClient } from './kube/client.js'
import { ActionFailure, DriftDetected } from './outcome.js'
import { applyPlan, movedSince, plan, type PlanResult } from './plan/engine.js'
import { planFingerprint } from './plan/fingerprint.js'
import type { Resource } from './plan/resource.js'
import { hasChanges, type ChangeResult, type Mode, type Plan } from './plan/types.js'
import { renderMarkdown, type MarkdownContext } from './report/markdown.js'
import { writeJobSummary } from './report/summary.js'
import { eventLine, renderText, summaryLine } from './report/text.js'
import { withSession, type Session } from './session.js'
import { stateClient, stateLocation } from './state/lock.js'
import { writeRecord } from './state/record.js'
import { VerifyError, verifyKarpenter, verifyLines, type VerifyReport } from './verify.js'

/**
 * `kube`: the client of the kubeconfig given to the action, its proxy already starting (main makes it); without a
 * given kubeconfig the session makes one for EKS.
 */
export async function runPipeline(inputs: Inputs, config: Config, aws: AwsSession, kube?: KubeClient): Promise<void> {
  const pr = PullRequestFlow.fromInputs({
    comment: inputs.comment,
    githubToken: inputs.githubToken,
    prNumber: inputs.prNumber,
    applyRequires: inputs.applyRequires,
  })
  await withSession({ config, aws, kubeconfig: givenKubeconfig(inputs), kube }, (session) =>
    inputs.mode === 'plan' ? planPath(session, inputs, pr) : changePath(session, inputs, pr),
  )
}

/** Plans, reports and comments; a drift check fails when it finds changes. Changes nothing. */
async function planPath(session: Session, inputs: Inputs, pr: PullRequestFlow): Promise<void> {
  const { plan } = await preflightAndPlan(session, inputs.mode)
  const planId = planFingerprint(plan)
  const drift = isDriftCheck(inputs.mode, pr.event.eventName)
  await report(plan, { ...markdownContext(planId, pr), drift })
  await pr.publish(plan, planId)
  if (drift && hasChanges(plan)) {
    throw new DriftDetected(
      `Drift: ${session.config.cluster.name} differs from ${inputs.config}. ${summaryLine(plan)} ` +
        'Run the apply to bring it back, or change the config to match. The job summary has the plan.',
    )
  }
}

/** Plans, then carries out exactly what was planned (and reviewed, with `pr-number`). */
async function changePath(session: Session, inputs: Inputs, pr: PullRequestFlow): Promise<void> {
  const { mode } = inputs
  const state = stateLocation(session.config.state, mode)
  // Destroy skips pre-flight, so that a config gone stale never blocks a teardown.
  const planning =
    mode === 'destroy' ? core.group('Plan', () => logged(planAll(session, mode, []))) : preflightAndPlan(session, mode)
  // The lock is taken through S3 as soon as the plan has changes: the S3 client's code loads while the plan waits
  // for its reads and renderings, not after it. Nothing is sent.
  if (state) setImmediate(() => void stateClient(session.aws, state).catch(() => undefined))
  let planned = await planning
  const warnings = planned.plan.warnings
  // A run with something to do takes the state lock, then confirms under it that what it applies is what is there
  // while no other run can change it. One with nothing to do writes nothing at all, not even a lock.
  const changes = hasChanges(planned.plan)
  if (changes)
    loadWriteClients(
      session.aws,
      planned.steps.map((s) => s.id),
    )
  if (state && changes) {
    await session.takeLock(state, {
      operation: mode,
      cluster: session.config.cluster.name,
      breakLock: inputs.breakLock,
    })
    // Under the lock, confirm that nothing the plan read has moved (versions, revisions; AWS state read again),
    // rather than planning everything again; anything that moved means a full plan under the lock.
    const first = planned
    const moved = await core.group('Confirm the plan under the lock', async () => {
      const started = Date.now()
      const found = await movedSince(first, first.resources)
      const took = `${((Date.now() - started) / 1000).toFixed(1)}s`
      if (found.length === 0) core.info(`nothing changed since the plan was read (${took}): applying it`)
      else core.info(`changed since the plan was read (${took}): ${found.map((r) => `${r.kind} ${r.name}`).join(', ')}`)
      return found
    })
    if (moved.length) {
      planned = await core.group('Plan again, under the lock (something changed since the first plan)', () =>
        logged(planAll(session, mode, warnings)),
      )
    }
  }
  const { plan, steps, resources } = planned
  const planId = planFingerprint(plan)
  await report(plan, markdownContext(planId, pr))
  if (inputs.prNumber !== undefined) await pr.checkReviewedPlan(plan, planId)
  if (!hasChanges(plan)) {
    core.info('Nothing to do.')
    await pr.publishResult(plan, planId, [])
    return
  }
  const results = await core.group(mode === 'destroy' ? 'Destroy' : 'Apply', () =>
    applyPlan(steps, resources, {
      onEvent: (e) => (e.type === 'failed' ? core.error(eventLine(e)) : core.info(eventLine(e))),
    }),
  )
  // Verify only reads: it starts as soon as the last step is done, while the record, the job summary and the
  // comment are written (the controller is starting meanwhile). Its report is logged, and its verdict given, last.
  const verifying =
    mode === 'apply' && results.every((r) => r.status === 'done') ? startVerify(session, resources) : undefined
  const lock = session.lock
  if (lock && state) {
    await writeRecord(await stateClient(session.aws, state), state, {
      plan,
      planId,
      results,
      holder: lock.holder,
      versions: { karpenter: session.config.karpenter.version },
    })
  }
  await writeJobSummary(renderMarkdown(plan, { ...markdownContext(planId, pr), results }))
  await pr.publishResult(plan, planId, results)
  // Changed, recorded and reported (the comment too, so that the next run's result comes after this one's): nothing
  // after this changes anything, so the next run need not wait for this one's verify (minutes, when the controller
  // is slow to come up).
  await session.releaseLock()
  failOnFailedChanges(results)
  if (verifying) await core.group('Verify', () => verifying.then(logVerify))
}

type Planned = PlanResult & { resources: Resource[]; seconds: number }

/**
 * Pre-flight reads the account and the VPC, so that every problem of the config is reported before anything
 * changes. It and the plan only read, so they read at once: the plan's reads run while pre-flight's are answered
 * (the EC2 client loads meanwhile). Pre-flight's verdict is awaited first: when it finds a problem, that is the
 * error, whatever the plan found. The log shows pre-flight, then the plan.
 */
async function preflightAndPlan(session: Session, mode: Mode): Promise<Planned> {
  const planning = planAll(session, mode, [])
  // Settled here so that a plan failing while pre-flight still runs is no unhandled rejection; awaited below.
  planning.catch(() => undefined)
  const { warnings } = await core.group('Pre-flight', () => preflight(session))
  const planned = await core.group('Plan', () => logged(planning))
  return { ...planned, plan: { ...planned.plan, warnings } }
}

async function logged(planning: Promise<Planned>): Promise<Planned> {
  const planned = await planning
  core.info(`planned ${planned.plan.changes.length} resources in ${planned.seconds.toFixed(1)}s`)
  return planned
}

async function planAll(session: Session, mode: Mode, warnings: string[]): Promise<Planned> {
  const began = Date.now()
  const { resources, started } = await readingGraph(session, { mode })
  const result = await plan({
    mode,
    cluster: session.config.cluster.name,
    region: session.config.cluster.region,
    resources,
    started,
    outputs: planOutputs(session),
    warnings,
  })
  return { ...result, resources, seconds: (Date.now() - began) / 1000 }
}

/** The plan in the log, the outputs and the job summary. */
async function report(plan: Plan, context: MarkdownContext): Promise<void> {
  core.info(renderText(plan))
  const { add, change, destroy } = plan.summary
  core.setOutput('has-changes', String(hasChanges(plan)))
  core.setOutput('to-add', String(add))
  core.setOutput('to-change', String(change))
  core.setOutput('to-destroy', String(destroy))
  core.setOutput('plan-id', context.planId)
  for (const [k, v] of Object.entries(plan.outputs)) core.setOutput(k, v)
  await writeJobSummary(renderMarkdown(plan, context))
}

function markdownContext(planId: string, pr: PullRequestFlow): MarkdownContext {
  return { planId, commit: pr.event.headSha, repoUrl: pr.event.repoUrl, runUrl: pr.event.runUrl }
}

function failOnFailedChanges(results: ChangeResult[]): void {
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

type Verified = { report: VerifyReport } | { error: unknown }

/** verifyKarpenter(), settled: its outcome is awaited (and logged) after the record and the comment. */
function startVerify(session: Session, resources: Resource[]): Promise<Verified> {
  return verifyKarpenter(session, resources).then(
    (report) => ({ report }),
    (error: unknown) => ({ error }),
  )
}

function logVerify(verified: Verified): void {
  if ('report' in verified) {
    for (const line of verifyLines(verified.report)) core.info(line)
    return
  }
  if (verified.error instanceof VerifyError) for (const line of verifyLines(verified.error.report)) core.info(line)
  throw verified.error
}
