/**
 * How a run can fail, as the calling workflow sees it: one word in the `failure-reason` output, carried by the error
 * that ends the run. Every layer throws these; nothing here talks to GitHub (src/report/failure.ts ends the run).
 * action.yml and the README list the same words (a unit test keeps the three in step).
 */

/** Every failure-reason the action sets, with what it means. */
export const FAILURE_REASONS = {
  config: 'the configuration file or an input is invalid (found before anything is read in AWS)',
  credentials: 'no usable AWS credentials: GitHub OIDC, STS or the credentials of the environment refused',
  preflight: 'the configuration does not fit the AWS account or the cluster (checked before anything changes)',
  plan: 'reading what exists failed, or the API server refused the desired objects at plan time',
  chart:
    'a chart in `karpenter.chart` or `karpenter.crdChart` cannot be fetched: no such version (`karpenter.version`), or the registry is unreachable or refuses it',
  'other-karpenter':
    'another Karpenter is installed in the cluster (another namespace or release name): adopt it by naming it in the config, or remove it (checked at plan time, before anything changes)',
  comment: 'the pull-request comment could not be posted, or there is no pull request to post it on',
  'no-reviewed-plan': 'the pull request has no plan comment for this cluster to check the apply against',
  'plan-stale': 'commits were pushed to the pull request after its plan was posted',
  'plan-changed': 'the plan now differs from the one reviewed on the pull request',
  locked: 'another run holds the state lock',
  state: 'the state bucket could not be read or written (other than the lock being held)',
  apply: 'a change failed while applying or destroying',
  verify:
    'after the apply, Karpenter is not healthy: its Deployment is not Available, an object differs, or a NodePool or EC2NodeClass is not Ready',
  drift: 'a drift check (a scheduled plan) found that the cluster differs from the configuration; exit code 2',
  unexpected: 'a failure of no known kind (a bug, or an error nothing anticipated): the log has the whole error',
} as const

export type FailureReason = keyof typeof FAILURE_REASONS

/** An error that knows which failure it is. */
export class ActionFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'ActionFailure'
  }
}

/** Exit code of a drift check that found drift (any other failure exits 1). */
export const DRIFT_EXIT_CODE = 2

export class DriftDetected extends ActionFailure {
  constructor(message: string) {
    super('drift', message)
    this.name = 'DriftDetected'
  }
}

/** The reason of a failure: its own when it has one, `unexpected` for anything else. */
export function failureReasonOf(e: unknown): FailureReason {
  return e instanceof ActionFailure ? e.reason : 'unexpected'
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
