/**
 * Everything judgeable offline is refused by the loader, before any AWS call, naming file, line, field and fix:
 * durations, tags, labels and taints, quantities, names, versions, regions, pr-number; a misspelt key gets a
 * "did you mean"; each problem becomes its own annotation with the file relative to the workspace and the line.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/load.js'
import { didYouMean, restrictedLabelProblem } from '../../src/config/rules.js'
import { readInputs } from '../../src/inputs.js'
import { failureReasonOf } from '../../src/outcome.js'
import { failRun } from '../../src/report/failure.js'

const pool = (extra: string) => `cluster:
  name: c
  region: eu-west-1
nodePools:
  - name: default
    subnetIds: [subnet-1]
    securityGroupIds: [sg-1]
${extra}`

function problems(text: string) {
  try {
    parseConfig(text, 'k.yaml')
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as ConfigError).problems
  }
  throw new Error('the config was accepted')
}

describe('offline checks', () => {
  it("refuses durations outside Karpenter's pattern", () => {
    for (const d of ['30', '1d', '1.5h', 'never', '-1s', '30 s', '']) {
      expect(problems(pool(`    consolidateAfter: "${d}"\n`))[0]).toMatchObject({
        field: 'nodePools[0].consolidateAfter',
        line: 8,
        message: expect.stringContaining('has an invalid format'),
      })
      expect(problems(pool(`    expireAfter: "${d}"\n`))[0].field).toBe('nodePools[0].expireAfter')
    }
    expect(parseConfig(pool('    consolidateAfter: 1h30m\n    expireAfter: Never\n'), 'k.yaml').nodePools).toHaveLength(
      1,
    )
  })

  it('refuses bad tags: count, empty key, long key and value, aws: prefix, keys Karpenter sets', () => {
    const many = Array.from({ length: 51 }, (_, i) => `  t${i}: v`).join('\n')
    expect(problems(pool(`tags:\n${many}\n`))[0]).toMatchObject({
      field: 'tags',
      line: 9,
      message: expect.stringContaining('51 tags'),
    })
    expect(problems(pool('tags:\n  "": v\n'))[0].message).toBe('has an empty tag key')
    expect(problems(pool(`tags:\n  ${'k'.repeat(129)}: v\n`))[0].message).toContain('128')
    expect(problems(pool(`tags:\n  k: ${'v'.repeat(257)}\n`))[0].message).toContain('256')
    expect(problems(pool('tags:\n  aws:owner: me\n'))[0]).toMatchObject({ field: 'tags["aws:owner"]', line: 9 })
    expect(problems(pool('    tags:\n      karpenter.sh/nodepool: x\n'))[0].message).toContain('Karpenter sets itself')
  })

  it("refuses labels against Kubernetes' rules and Karpenter's restricted domains, allowing its exceptions", () => {
    expect(problems(pool('    labels:\n      karpenter.sh/nodepool: x\n'))[0]).toMatchObject({
      field: 'nodePools[0].labels["karpenter.sh/nodepool"]',
      line: 9,
      message: expect.stringContaining('karpenter.sh'),
    })
    expect(problems(pool('    labels:\n      "bad key!": x\n'))[0].message).toContain('63 characters at most')
    expect(problems(pool(`    labels:\n      team: ${'x'.repeat(64)}\n`))[0].message).toContain('the value')
    expect(restrictedLabelProblem('kubernetes.io/hostname')).toBeDefined()
    expect(restrictedLabelProblem('foo.k8s.io/x')).toBeDefined()
    expect(restrictedLabelProblem('karpenter.k8s.aws/anything')).toBeDefined()
    for (const ok of [
      'node.kubernetes.io/role',
      'node-restriction.kubernetes.io/x',
      'kops.k8s.io/x',
      'topology.kubernetes.io/zone',
      'karpenter.k8s.aws/instance-family',
      'example.com/team',
    ])
      expect(restrictedLabelProblem(ok)).toBeUndefined()
  })

  it('refuses bad taints and limits', () => {
    expect(problems(pool('    taints:\n      - {key: "a/b/c", effect: NoSchedule}\n'))[0].field).toBe(
      'nodePools[0].taints[0].key',
    )
    expect(
      problems(pool(`    taints:\n      - {key: a, value: "${'v'.repeat(64)}", effect: NoSchedule}\n`))[0].field,
    ).toBe('nodePools[0].taints[0].value')
    expect(problems(pool('    limits: {cpu: lots}\n'))[0]).toMatchObject({ field: 'nodePools[0].limits.cpu', line: 8 })
    expect(problems(pool('    limits: {cpu: -1}\n'))[0].field).toBe('nodePools[0].limits.cpu')
    expect(parseConfig(pool('    limits: {cpu: 1000, memory: 1000Gi, nvidia.com/gpu: "2"}\n'), 'k.yaml')).toBeDefined()
  })

  it('says "did you mean" for a misspelt key', () => {
    expect(problems(pool('    consolidateAfer: 30s\n'))[0]).toMatchObject({
      field: 'nodePools[0].consolidateAfer',
      line: 8,
      message: 'is not a known setting (did you mean `consolidateAfter`?)',
      fix: 'rename it to `consolidateAfter`',
    })
    expect(didYouMean('regoin', ['name', 'region', 'vpcId'])).toBe('region')
    expect(didYouMean('zzzzzz', ['name', 'region'])).toBeUndefined()
  })

  it('refuses long names against IAM, SQS and Kubernetes limits, and bad versions', () => {
    expect(problems(pool(`iam:\n  nodeRole: ${'r'.repeat(65)}\n`))[0].field).toBe('iam.nodeRole')
    expect(problems(pool(`interruption:\n  queue: ${'q'.repeat(81)}\n`))[0].field).toBe('interruption.queue')
    expect(problems(pool('karpenter:\n  version: 1.14\n'))[0].field).toBe('karpenter.version')
    expect(problems(pool('karpenter:\n  namespace: Bad_NS\n'))[0].field).toBe('karpenter.namespace')
  })
})

describe('inputs', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })

  it('refuses a 40-digit or non-numeric pr-number', () => {
    for (const pr of ['1'.repeat(40), '12345678901', 'abc', '0', '-1', '1e3', '42 ']) {
      process.env['INPUT_PR-NUMBER'] = pr
      if (pr.trim() === '42') {
        expect(readInputs().prNumber).toBe(42)
        continue
      }
      expect(() => readInputs()).toThrow(/input `pr-number` is ".*"; it must be a pull request number/)
    }
  })
})

describe('annotations', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
    process.exitCode = undefined
    jest.restoreAllMocks()
  })

  it('gives each problem its own ::error with the file relative to the workspace and the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ka-ann-'))
    const output = join(dir, 'out')
    writeFileSync(output, '')
    process.env.GITHUB_WORKSPACE = dir
    process.env.GITHUB_OUTPUT = output
    const chunks: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c))
      return true
    })
    let error: unknown
    try {
      parseConfig(
        pool('    consolidateAfer: 30s\n    labels:\n      karpenter.sh/x: y\n'),
        join(dir, '.github/karpenter.yaml'),
      )
    } catch (e) {
      error = e
    }
    failRun(error)
    const lines = chunks.join('').split('\n')
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error title=nodePools\[0\]\.consolidateAfer \(karpenter-action\),file=\.github\/karpenter\.yaml,line=8::/,
      ),
    )
    expect(lines.filter((l) => l.startsWith('::error ') && l.includes('file=.github/karpenter.yaml'))).toHaveLength(1)
    expect(readFileSync(output, 'utf8')).toMatch(/\nconfig\n/)
    expect(process.exitCode).toBe(1)
  })

  it('still fails with the reason in the log when GITHUB_OUTPUT names a missing file', () => {
    process.env.GITHUB_OUTPUT = '/nonexistent/dir/output'
    const chunks: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c))
      return true
    })
    expect(() => failRun(new ConfigError('k.yaml', [{ field: 'x', message: 'bad' }]))).not.toThrow()
    expect(chunks.join('')).toContain('failure-reason config could not be set as an output')
    expect(process.exitCode).toBe(1)
    expect(failureReasonOf(new ConfigError('k.yaml', []))).toBe('config')
  })
})
