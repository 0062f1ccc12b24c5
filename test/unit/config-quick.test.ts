/**
 * The two readings of a configuration: the quick one (js-yaml's core schema) gives exactly what the careful one (the
 * yaml library's document with positions) gives, or gives nothing and leaves the text to it: for any construct the
 * two could read differently, and for any configuration with a problem, so that every problem still names its line.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { carefulConfig, parseConfig, quickConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/errors.js'
import { repoRoot } from '../support/sandbox.js'

const example = readFileSync(join(repoRoot, 'examples/opsfleet-dev.yaml'), 'utf8')
const pool = (name: string, extra = '') => `  - name: ${name}
    subnetSelector: {karpenter.sh/discovery: opsfleet-dev-cluster}
    securityGroupSelector: {karpenter.sh/discovery: opsfleet-dev-cluster}
    instanceTypes: [m5.large, "m6g.large"]
    labels: {team: "a-b", tier: '1'}
    limits: {cpu: 100, memory: 400Gi}
${extra}`
const base = (pools: string, head = '') => `${head}cluster:
  name: opsfleet-dev-cluster
  region: eu-west-1
karpenter:
  values:
    logLevel: debug
    replicas: 2
    nested: {list: [1, 2.5, -3, 1e3, .inf, -.Inf, .nan, null, ~, true, "true", 'it''s', yes, 2026-01-01], empty: {}}
    folded: >
      two
      lines
    literal: |
      kept
        as is
nodePools:
${pools}`

describe('the quick reading of a configuration', () => {
  it.each([
    ['the example', example],
    ['one pool with every kind of scalar', base(pool('default'))],
    ['fifty pools', base(Array.from({ length: 50 }, (_, i) => pool(i ? `pool-${i}` : 'default')).join(''))],
    ['comments and a document start', base(pool('default'), '---\n# the sandbox\n')],
  ])('%s: the same configuration as the careful reading', (_name, text) => {
    const quick = quickConfig(text, 'k.yaml', {})
    expect(quick).toBeDefined()
    expect(quick).toEqual(carefulConfig(text, 'k.yaml', {}))
  })

  it.each([
    [
      'an anchor and an alias',
      base(pool('default', '    taints: &t []\n')).replace('limits: {cpu: 100', 'x: *t\n    limits: {cpu: 100'),
    ],
    ['a tag', base(pool('default')).replace('logLevel: debug', 'logLevel: !!str debug')],
    ['a binary number', base(pool('default')).replace('replicas: 2', 'replicas: 0b10')],
    ['a signed hexadecimal number', base(pool('default')).replace('replicas: 2', 'replicas: +0x2')],
    ['a signed leading-dot float', base(pool('default')).replace('replicas: 2', 'replicas: +.5')],
    ['a complex key', base(pool('default')).replace('    logLevel: debug', '    ? logLevel\n    : debug')],
    ['a directive', `%YAML 1.1\n---\n${base(pool('default'))}`],
  ])('%s: left to the careful reading', (_name, text) => {
    expect(quickConfig(text, 'k.yaml', {})).toBeUndefined()
  })

  it('the numbers the two schemas read differently are read as the careful reading does', () => {
    const text = base(pool('default')).replace('replicas: 2', 'replicas: 2\n    b: 0b101\n    h: -0o7\n    d: +.5')
    const values = parseConfig(text, 'k.yaml').karpenter.values as Record<string, unknown>
    expect(values).toMatchObject({ b: '0b101', h: '-0o7', d: 0.5 })
  })

  it.each([
    ['a duplicate key', base(pool('default')).replace('replicas: 2', 'replicas: 2\n    replicas: 3'), /appears twice/],
    ['a schema problem', base(pool('default')).replace('region: eu-west-1', 'region: 7'), /region/],
    [
      'an offline problem',
      base(pool('default')).replace('labels: {team: "a-b", tier: \'1\'}', 'labels: {team: "a b"}'),
      /label/,
    ],
  ])('%s: nothing quick; the careful reading reports it with its line', (_name, text, message) => {
    expect(quickConfig(text, 'k.yaml', {})).toBeUndefined()
    let error: unknown
    try {
      parseConfig(text, 'k.yaml')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problem = (error as ConfigError).problems[0]
    expect(`${problem.field} ${problem.message}`).toMatch(message)
    expect(problem.line).toBeGreaterThan(0)
  })
})
