/**
 * Ends a failed run as GitHub and the calling workflow see it: the `failure-reason` output (one word a workflow can
 * branch on, src/outcome.ts), the message as the error annotation, and the exit code: 2 for drift, 1 otherwise.
 */
import * as core from '@actions/core'
import { DRIFT_EXIT_CODE, DriftDetected, errorMessage, failureReasonOf } from '../outcome.js'

export function failRun(e: unknown): void {
  core.setOutput('failure-reason', failureReasonOf(e))
  if (e instanceof DriftDetected) {
    core.error(e.message, { title: 'Drift detected' })
    process.exitCode = DRIFT_EXIT_CODE
    return
  }
  core.setFailed(errorMessage(e))
}
