/**
 * The entry point GitHub runs (dist/index.js). It prints its first line before loading anything heavy,
 * then loads the action itself.
 */
import * as core from '@actions/core'

core.info(
  `karpenter-action: mode ${core.getInput('mode') || 'plan'}, config ${core.getInput('config') || '.github/karpenter.yaml'}`,
)
const { run } = await import('./main.js')
await run()
