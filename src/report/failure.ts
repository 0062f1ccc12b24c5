/**
 * Ends a failed run as GitHub and the calling workflow see it: the `failure-reason` output (one word a workflow can
 * branch on, src/outcome.ts), the message as the error annotation, and the exit code: 2 for drift, 1 otherwise.
 * A configuration error becomes one annotation per problem, with the file (relative to the workspace) and the line,
 * so that GitHub shows each on the pull request's diff where it is.
 */
import * as core from '../runner.js'
import { isAbsolute, relative, resolve } from 'node:path'
import { ConfigError } from '../config/errors.js'
import { DRIFT_EXIT_CODE, DriftDetected, errorMessage, failureReasonOf } from '../outcome.js'

/** A path as GitHub's annotations want it: relative to the workspace (as given when it leads outside). */
export function workspacePath(file: string, workspace = process.env.GITHUB_WORKSPACE || process.cwd()): string {
  const rel = relative(resolve(workspace), resolve(file))
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : file
}

export function failRun(e: unknown): void {
  const reason = failureReasonOf(e)
  try {
    core.setOutput('failure-reason', reason)
  } catch (output) {
    // GITHUB_OUTPUT names a file that is not there: the reason still reaches the log, and the run still fails.
    core.error(`failure-reason ${reason} could not be set as an output: ${errorMessage(output)}`)
  }
  if (e instanceof DriftDetected) {
    core.error(e.message, { title: 'Drift detected' })
    process.exitCode = DRIFT_EXIT_CODE
    return
  }
  if (e instanceof ConfigError && e.problems.length > 0) {
    const file = workspacePath(e.file)
    for (const p of e.problems) {
      core.error(`${p.field}: ${p.message}${p.fix ? `. Fix: ${p.fix}` : ''}`, {
        title: `${p.field} (karpenter-action)`,
        file,
        ...(p.line ? { startLine: p.line } : {}),
      })
    }
    const n = e.problems.length
    core.error(`${file}: ${n} problem${n === 1 ? '' : 's'} in the configuration (failure-reason ${reason})`)
    process.exitCode = 1
    return
  }
  core.setFailed(errorMessage(e))
}
