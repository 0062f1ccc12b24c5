/**
 * How a run ends, as GitHub and the calling workflow see it: the `failure-reason` output (one word a workflow can
 * branch on), the error annotation, and the exit code. A drift found by a scheduled check exits with its own code.
 */
import * as core from '@actions/core'
import { ConfigError } from '../config/errors.js'
import { CredentialsError } from '../aws/credentials.js'
import { InputError } from '../inputs.js'

export type FailureReason =
  /** The plan now differs from the one reviewed on the pull request. */
  | 'plan-changed'
  /** Commits were pushed to the pull request after its plan was posted. */
  | 'plan-stale'
  /** The pull request has no plan comment for this cluster to check against. */
  | 'no-reviewed-plan'
  /** Another run holds the state lock. */
  | 'locked'
  /** A drift check found the cluster differs from the configuration. */
  | 'drift'
  | 'config'
  | 'credentials'
  /** The state bucket could not be read or written (other than the lock being held). */
  | 'state'
  /** The pull-request comment could not be posted. */
  | 'comment'
  /** A change failed while applying or destroying. */
  | 'apply'

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

export type DriftSetting = 'auto' | 'true' | 'false'

/** A drift check: a plan that fails when it finds changes. `auto`: plans run by a `schedule` event. */
export function isDriftCheck(mode: string, eventName: string, setting: DriftSetting = 'auto'): boolean {
  if (mode !== 'plan' || setting === 'false') return false
  return setting === 'true' || eventName === 'schedule'
}

/** The reason of a failure, from its type; undefined for an unexpected error. */
export function failureReasonOf(e: unknown): FailureReason | undefined {
  if (e instanceof ActionFailure) return e.reason
  if (e instanceof ConfigError || e instanceof InputError) return 'config'
  if (e instanceof CredentialsError) return 'credentials'
  return undefined
}

/**
 * Ends the run as failed: `failure-reason` output when the reason is known, the message as the error annotation,
 * exit code 2 for drift and 1 otherwise.
 */
export function failRun(e: unknown): void {
  const reason = failureReasonOf(e)
  if (reason) core.setOutput('failure-reason', reason)
  const message = e instanceof Error ? e.message : String(e)
  if (e instanceof DriftDetected) {
    core.error(message, { title: 'Drift detected' })
    process.exitCode = DRIFT_EXIT_CODE
    return
  }
  core.setFailed(message)
}
