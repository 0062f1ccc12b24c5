/**
 * The runner protocol as src/runner.ts speaks it, checked against what GitHub documents: workflow commands on stdout
 * (data and property escaping, annotation properties), groups, outputs as delimited blocks in GITHUB_OUTPUT, the job
 * summary appended to GITHUB_STEP_SUMMARY.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appendSummary, debug, error, group, setFailed, setOutput, warning } from '../../src/runner.js'
import { captureStdoutOfEachTest } from '../support/stdout.js'

const stdout = captureStdoutOfEachTest()
let dir: string
const saved = { output: process.env.GITHUB_OUTPUT, summary: process.env.GITHUB_STEP_SUMMARY, code: process.exitCode }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ka-runner-'))
})

afterEach(() => {
  for (const [k, v] of [
    ['GITHUB_OUTPUT', saved.output],
    ['GITHUB_STEP_SUMMARY', saved.summary],
  ] as const) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  process.exitCode = saved.code
  rmSync(dir, { recursive: true, force: true })
})

describe('annotations and log lines', () => {
  it('escapes the message (%, CR, LF) so that it stays one command', () => {
    warning('50% done\r\nnext line')
    error(new Error('boom'))
    debug('a\nb')
    expect(stdout()).toBe('::warning::50%25 done%0D%0Anext line\n::error::Error: boom\n::debug::a%0Ab\n')
  })

  it('writes the annotation properties GitHub reads (file, line, title...), escaping : and , in them', () => {
    error('bad value', { title: 'nodePools[0].zones: bad, very', file: 'infra/k.yaml', startLine: 12 })
    warning('w', { file: 'a.yaml', startLine: 3, endLine: 4, startColumn: 1, endColumn: 9, title: '' })
    expect(stdout()).toBe(
      '::error title=nodePools[0].zones%3A bad%2C very,file=infra/k.yaml,line=12::bad value\n' +
        '::warning file=a.yaml,line=3,endLine=4,col=1,endColumn=9::w\n',
    )
  })

  it('setFailed sets exit code 1 and writes the error', () => {
    process.exitCode = 0
    setFailed('it failed')
    expect(process.exitCode).toBe(1)
    expect(stdout()).toBe('::error::it failed\n')
  })

  it('a group ends whatever its body does, and gives back what the body returned', async () => {
    expect(await group('Plan', async () => 7)).toBe(7)
    await expect(
      group('Apply\nnow', async () => {
        throw new Error('x')
      }),
    ).rejects.toThrow('x')
    expect(stdout()).toBe('::group::Plan\n::endgroup::\n::group::Apply%0Anow\n::endgroup::\n')
  })
})

describe('outputs', () => {
  it('appends delimited blocks to GITHUB_OUTPUT, one per output, multi-line values whole', () => {
    const file = join(dir, 'output')
    writeFileSync(file, '')
    process.env.GITHUB_OUTPUT = file
    setOutput('plan-id', 'abc')
    setOutput('plan', 'line 1\nline 2')
    const text = readFileSync(file, 'utf8')
    const blocks = [...text.matchAll(/^([^<\n]+)<<(ghadelimiter_[0-9a-f-]{36})\n([\s\S]*?)\n\2\n/gm)]
    expect(blocks.map((m) => [m[1], m[3]])).toEqual([
      ['plan-id', 'abc'],
      ['plan', 'line 1\nline 2'],
    ])
    expect(blocks[0][2]).not.toBe(blocks[1][2]) // a fresh delimiter each time
    expect(blocks.map((m) => m[0]).join('')).toBe(text)
    expect(stdout()).toBe('')
  })

  it('refuses a GITHUB_OUTPUT that names a missing file (the caller reports it)', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'absent')
    expect(() => setOutput('x', 'y')).toThrow(`Missing file at path: ${join(dir, 'absent')}`)
  })

  it('outside a runner: the set-output command, escaped', () => {
    delete process.env.GITHUB_OUTPUT
    setOutput('a:b', 'x\ny')
    expect(stdout()).toBe('::set-output name=a%3Ab::x%0Ay\n')
  })
})

describe('the job summary', () => {
  it('appends markdown and a newline to GITHUB_STEP_SUMMARY', async () => {
    const file = join(dir, 'summary')
    writeFileSync(file, '# before\n')
    process.env.GITHUB_STEP_SUMMARY = file
    await appendSummary('## Plan')
    await appendSummary('done')
    expect(readFileSync(file, 'utf8')).toBe('# before\n## Plan\ndone\n')
  })

  it('fails without GITHUB_STEP_SUMMARY, or when the file is not there', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(appendSummary('x')).rejects.toThrow('GITHUB_STEP_SUMMARY is not set')
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'absent')
    await expect(appendSummary('x')).rejects.toThrow(/ENOENT/)
  })
})
