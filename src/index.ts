/**
 * The entry point GitHub runs (dist/index.js). It prints its first line before loading anything (the
 * toolkit and the AWS SDK take a while to load), then loads the action itself.
 */
const input = (name: string) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim()
process.stdout.write(
  `karpenter-action: mode ${input('mode') || 'plan'}, config ${input('config') || '.github/karpenter.yaml'}\n`,
)
const { run } = await import('./main.js')
await run()
