/**
 * The entry point GitHub runs (dist/index.js). It prints its first line before loading anything (the
 * toolkit and the AWS SDK take a while to load), then loads the action itself.
 */
import { startLine } from './report/escape.js'

process.stdout.write(startLine())
const { run } = await import('./main.js')
await run()
