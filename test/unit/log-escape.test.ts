/**
 * Nothing untrusted reaches the log unescaped: the first line's mode and config inputs, the plan's kinds, names,
 * field paths, notes and warnings, the apply's event lines. A line break in any of them would otherwise start a
 * workflow command (`::warning::`, `::add-mask::`, `::stop-commands::`) on a line of its own.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../../src/main.js'
import { logLines, oneLine, startLine } from '../../src/report/escape.js'
import { changeLine, eventLine, renderText } from '../../src/report/text.js'
import { change, field, planOf } from './pr-fixtures.js'

const INJECTIONS = [
  '\n::warning::x',
  'plan\n::warning::x',
  'plan\r::warning::x',
  'plan\r\n::add-mask::x',
  '::warning::x',
  '  ::error::x',
  'a\u2028::warning::x',
  'a\u0085::warning::x',
  'a\u001b[2K\u001b[1Ahidden',
  'plan\n::stop-commands::abc',
]

/** Lines a runner would take for workflow commands (it trims a line before looking for `::`). */
const commandLines = (text: string) => text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).filter((l) => /^\s*::/.test(l))

describe('oneLine', () => {
  it('keeps every injection to one line that starts no command, its characters visible', () => {
    for (const s of INJECTIONS) {
      const out = oneLine(s)
      // eslint-disable-next-line no-control-regex -- control characters are what must not be there
      expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
      expect(commandLines(out)).toEqual([])
    }
    expect(oneLine('plan\n::warning::x')).toBe('plan\\n::warning::x')
    expect(oneLine('::warning::x')).toBe('%3A:warning::x')
    expect(oneLine('a\u001b[2K')).toBe('a\\u001b[2K')
    expect(oneLine('eu-west-1: ok')).toBe('eu-west-1: ok')
  })

  it('logLines keeps lines as lines, none of them a command', () => {
    const out = logLines('first\n::warning::x\n  ::error::y\nlast')
    expect(out.split('\n')).toEqual(['first', '%3A:warning::x', '  %3A:error::y', 'last'])
    expect(commandLines(out)).toEqual([])
  })
})

describe('the first line of a run', () => {
  it('shows the mode and config inputs escaped', () => {
    for (const s of INJECTIONS) {
      const line = startLine({ INPUT_MODE: s, INPUT_CONFIG: s })
      expect(line.endsWith('\n')).toBe(true)
      expect(line.slice(0, -1)).not.toMatch(/[\r\n\u2028\u2029\u0085]/)
      expect(commandLines(line)).toEqual([])
    }
    expect(startLine({})).toBe('karpenter-action: mode plan, config .github/karpenter.yaml\n')
  })
})

describe('the plan text', () => {
  it('escapes the kinds, names, paths, notes and warnings of the changes', () => {
    const evil = '\n::warning::x'
    const plan = planOf(
      [
        change(`manifest:ok`, 'create', {
          kind: `ConfigMap${evil}`,
          name: `name${evil}`,
          note: `note${evil}`,
          fields: [field(`data.k${evil}`, undefined, `v${evil}\u2028::error::y`)],
        }),
      ],
      { warnings: [`a warning${evil}`] },
    )
    const text = renderText(plan)
    expect(commandLines(text)).toEqual([])
    expect(text).toContain('+ ConfigMap\\n::warning::x name\\n::warning::x  (note\\n::warning::x)')
    const lineOf = changeLine(plan.changes[0])
    expect(lineOf.split('\n')).toHaveLength(1)
  })

  it('escapes the kinds and names of the apply events', () => {
    const e = { id: 'm', kind: 'Secret\n::warning::k', name: 'n\r\n::add-mask::x', action: 'create' as const }
    for (const line of [eventLine({ ...e, type: 'started' }), eventLine({ ...e, type: 'done', durationMs: 5 })]) {
      expect(line.split(/\r|\n/)).toHaveLength(1)
      expect(commandLines(line)).toEqual([])
    }
  })
})

describe('a run with a hostile mode', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
    process.exitCode = undefined
    jest.restoreAllMocks()
  })

  it('refuses the mode with failure-reason config, and prints no line a runner would take for a command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ka-escape-'))
    const output = join(dir, 'output')
    const chunks: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk))
      return true
    })
    for (const mode of INJECTIONS) {
      writeFileSync(output, '')
      process.env = { ...saved, GITHUB_OUTPUT: output, INPUT_MODE: mode, INPUT_CONFIG: `k.yaml${mode}` }
      chunks.push(startLine())
      await run()
      expect(readFileSync(output, 'utf8')).toMatch(/failure-reason<<.*\nconfig\n/)
    }
    const stdout = chunks.join('')
    // The only commands are the ones the action means: the error annotations, their data escaped by the toolkit.
    for (const line of commandLines(stdout)) expect(line).toMatch(/^::error::input `mode` is "/)
    expect(stdout).not.toMatch(/^\s*::warning::/m)
    expect(stdout).not.toMatch(/^\s*::(add-mask|stop-commands)::/m)
  })
})
