/**
 * The configuration file cannot make the loader hang or eat the runner: a size cap checked before reading, only
 * regular files (a FIFO, a device, a directory refused without blocking), bounded aliases, and duplicate keys found
 * in one pass (the yaml library's `uniqueKeys` is quadratic). Each case has a bound of its own (the test's timeout),
 * so a regression shows as a failure instead of a stuck suite.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../src/config/errors.js'
import { loadConfig, MAX_CONFIG_BYTES, MAX_PROBLEMS, parseConfig } from '../../src/config/load.js'
import { failureReasonOf } from '../../src/outcome.js'

const BASE = `cluster:
  name: c
  region: eu-west-1
nodePools:
  - name: default
    subnetIds: [subnet-1]
    securityGroupIds: [sg-1]
`

const dir = mkdtempSync(join(tmpdir(), 'ka-limits-'))
function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

async function refusal(path: string): Promise<ConfigError> {
  const e = await loadConfig(path).then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ConfigError)
  expect(failureReasonOf(e)).toBe('config')
  expect((e as Error).stack ?? '').toContain('ConfigError')
  return e as ConfigError
}

describe('the size cap', () => {
  it('refuses a 2 MiB file by its size, before reading it', async () => {
    const path = file('big.yaml', BASE + `# ${'x'.repeat(2 * 1024 * 1024)}\n`)
    const e = await refusal(path)
    expect(e.message).toMatch(/big\.yaml: config: is 209\d+ bytes, more than the 1048576 bytes \(1 MiB\)/)
    expect(e.message).toMatch(/Fix: a configuration is a few KB/)
  })

  it('accepts a file just under the cap', async () => {
    const path = file('under.yaml', BASE + `# ${'x'.repeat(MAX_CONFIG_BYTES - BASE.length - 10)}\n`)
    await expect(loadConfig(path)).resolves.toMatchObject({ cluster: { name: 'c' } })
  })

  it('refuses text above the cap handed to parseConfig directly', () => {
    expect(() => parseConfig(BASE + '#'.repeat(MAX_CONFIG_BYTES), 'k.yaml')).toThrow(/more than the 1048576 bytes/)
  })
})

describe('what is not a regular file', () => {
  it('refuses a FIFO with no writer without blocking on it', async () => {
    const fifo = join(dir, 'fifo.yaml')
    execFileSync('mkfifo', [fifo])
    const e = await refusal(fifo)
    expect(e.message).toContain('fifo.yaml: config: is a FIFO (named pipe), not a regular file')
  }, 5_000)

  it('refuses a directory and a device', async () => {
    expect((await refusal(dir)).message).toContain('config: is a directory, not a regular file')
    expect((await refusal('/dev/zero')).message).toContain('config: is a device, not a regular file')
    expect((await refusal('/dev/null')).message).toContain('config: is a device, not a regular file')
  }, 5_000)

  it('says a missing file is missing', async () => {
    expect((await refusal(join(dir, 'nope.yaml'))).message).toContain('config: the file does not exist')
  })
})

describe('many keys', () => {
  const many = (n: number, indent: string) => Array.from({ length: n }, (_, i) => `${indent}k${i}: v`).join('\n') + '\n'

  it('reads 40,000 keys of Helm values', async () => {
    const path = file('values.yaml', `${BASE}karpenter:\n  values:\n${many(40_000, '    ')}`)
    const config = await loadConfig(path)
    expect(Object.keys(config.karpenter.values)).toHaveLength(40_000)
  }, 10_000)

  it('refuses 40,000 unknown keys, listing the first ones with their lines and counting the rest', async () => {
    const path = file('unknown.yaml', BASE + many(40_000, ''))
    const e = await refusal(path)
    expect(e.problems).toHaveLength(MAX_PROBLEMS + 1)
    expect(e.problems[0]).toMatchObject({ field: 'k0', line: 8, message: 'is not a known setting' })
    expect(e.problems[MAX_PROBLEMS]).toMatchObject({ message: `${40_000 - MAX_PROBLEMS} more problems not listed` })
  }, 10_000)

  it('refuses 40,000 duplicate keys in linear time, each with its line', async () => {
    const path = file('dups.yaml', `${BASE}karpenter:\n  values:\n${'    a: 1\n'.repeat(40_000)}`)
    const e = await refusal(path)
    expect(e.problems[0]).toMatchObject({
      field: 'yaml',
      line: 11,
      message: 'the key "a" appears twice in the same mapping',
    })
    expect(e.problems).toHaveLength(MAX_PROBLEMS + 1)
  }, 10_000)

  it('names the line of a duplicate key, at any depth', () => {
    const text = BASE.replace('  region: eu-west-1\n', '  region: eu-west-1\n  name: d\n')
    expect(() => parseConfig(text, 'k.yaml')).toThrow(/k\.yaml:4: yaml: the key "name" appears twice/)
    const deep = `${BASE}    labels:\n      team: a\n      team: b\n`
    expect(() => parseConfig(deep, 'k.yaml')).toThrow(/k\.yaml:10: yaml: the key "team" appears twice/)
  })
})

describe('aliases', () => {
  it('refuses an alias bomb (billion laughs) with a clear message', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i)
      const name = String.fromCharCode(97 + i)
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`)
    }
    const text = `${BASE}karpenter:\n  values:\n${levels.map((l) => `    ${l}`).join('\n')}\n`
    let error: unknown
    try {
      parseConfig(text, 'bomb.yaml')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(/bomb\.yaml: yaml: its aliases expand to more than 100 copies/)
  }, 5_000)

  it('refuses more than 100 aliases, naming the line of the first', () => {
    const refs = Array.from({ length: 101 }, (_, i) => `    r${i}: *x`).join('\n')
    const text = `${BASE}karpenter:\n  values:\n    x: &x 1\n${refs}\n`
    expect(() => parseConfig(text, 'k.yaml')).toThrow(/k\.yaml:11: yaml: holds 101 aliases/)
  })

  it('accepts a few aliases shared between node pools', () => {
    const text = `cluster: {name: c, region: eu-west-1}
nodePools:
  - name: a
    subnetSelector: &sel {karpenter.sh/discovery: c}
    securityGroupSelector: *sel
  - name: b
    subnetSelector: *sel
    securityGroupSelector: *sel
`
    expect(parseConfig(text, 'k.yaml').nodePools[1].subnetSelector).toEqual({ 'karpenter.sh/discovery': 'c' })
  })
})
