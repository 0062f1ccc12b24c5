import { afterEach, beforeEach, jest } from '@jest/globals'

/**
 * Captures what is written to stdout (log lines, workflow commands such as `::warning::`) during each test of the
 * file, instead of printing it; returns what the current test wrote so far.
 */
export function captureStdoutOfEachTest(): () => string {
  let chunks: string[] = []
  beforeEach(() => {
    chunks = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })
  return () => chunks.join('')
}
