import * as core from '../runner.js'
import { errorMessage } from '../outcome.js'

/**
 * Adds markdown to the job summary (GITHUB_STEP_SUMMARY; nothing outside a runner). A summary that cannot be written
 * is a warning: it never decides how a run ends.
 */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.appendSummary(markdown)
  } catch (e) {
    core.warning(`The job summary could not be written: ${errorMessage(e)}`)
  }
}
