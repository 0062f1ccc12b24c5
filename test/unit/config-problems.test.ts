/**
 * The loader's problems exactly as a user reads them: field, message, fix and line, compared whole (a message that
 * loses its fix, or points at the wrong line, fails here), one case per kind of problem; and the configuration a
 * minimal file becomes, every default spelled out.
 */
import { describe, expect, it } from '@jest/globals'
import { createServer } from 'node:net'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, type ConfigProblem } from '../../src/config/errors.js'
import { DEFAULT_AMI_ALIAS, loadConfig, parseConfig } from '../../src/config/load.js'

const BASE = `cluster:
  name: c
  region: eu-west-1
nodePools:
  - name: default
    subnetIds: [subnet-1]
    securityGroupIds: [sg-1]
`
/** BASE with `extra` lines added to the node pool (they start at line 8). */
const pool = (extra: string) => `${BASE}${extra}`

function problems(text: string, options = {}): ConfigProblem[] {
  try {
    parseConfig(text, 'k.yaml', options)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as ConfigError).problems
  }
  throw new Error('the config was accepted')
}

const dir = mkdtempSync(join(tmpdir(), 'ka-problems-'))
const FIX = 'commit the configuration file (see examples/opsfleet-dev.yaml) or point the `config` input at it'

async function refused(path: string): Promise<ConfigProblem[]> {
  const e = await loadConfig(path).then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ConfigError)
  expect((e as ConfigError).file).toBe(path)
  return (e as ConfigError).problems
}

describe('what cannot be read as a configuration file', () => {
  it('a missing file, a directory, a device and a socket: each named as what it is, with the same fix', async () => {
    expect(await refused(join(dir, 'absent.yaml'))).toEqual([
      { field: 'config', message: 'the file does not exist', fix: FIX },
    ])
    const folder = join(dir, 'folder.yaml')
    mkdirSync(folder)
    expect(await refused(folder)).toEqual([
      { field: 'config', message: 'is a directory, not a regular file', fix: FIX },
    ])
    expect(await refused('/dev/null')).toEqual([
      { field: 'config', message: 'is a device, not a regular file', fix: FIX },
    ])
    const socket = join(dir, 'karpenter.sock')
    const server = createServer()
    await new Promise<void>((r) => server.listen(socket, r))
    try {
      // A socket cannot be opened as a file at all: the open's own error code is named.
      expect(await refused(socket)).toEqual([{ field: 'config', message: 'cannot open the file (ENXIO)', fix: FIX }])
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  it('a file over 1 MiB gives its size and where the bulk belongs', async () => {
    const big = join(dir, 'big.yaml')
    writeFileSync(big, `${BASE}# ${'x'.repeat(1024 * 1024)}\n`)
    const size = Buffer.byteLength(`${BASE}# ${'x'.repeat(1024 * 1024)}\n`)
    expect(await refused(big)).toEqual([
      {
        field: 'config',
        message: `is ${size} bytes, more than the 1048576 bytes (1 MiB) a configuration may have`,
        fix: 'a configuration is a few KB: keep Helm values and manifests in their own files (karpenter.extraManifests)',
      },
    ])
  })

  it('a file of exactly 1 MiB is read (the cap is inclusive) and judged on its content', async () => {
    const edge = join(dir, 'edge.yaml')
    const pad = 1024 * 1024 - Buffer.byteLength(BASE) - 3
    writeFileSync(edge, `${BASE}# ${'x'.repeat(pad)}\n`)
    expect((await loadConfig(edge)).cluster.name).toBe('c')
    expect(() => parseConfig(`${BASE}# ${'x'.repeat(pad + 1)}\n`, 'k.yaml')).toThrow(
      'is more than the 1048576 bytes (1 MiB) a configuration may have',
    )
  })
})

describe('YAML that is not plain data', () => {
  it('a syntax error: the parser’s message, its line, and the fix', () => {
    expect(problems('cluster:\n\tname: c\n')).toEqual([
      { field: 'yaml', message: 'Tabs are not allowed as indentation', line: 2, fix: 'correct the YAML syntax' },
    ])
  })

  it('a key twice in one mapping: named, its second line, and why it matters', () => {
    expect(problems(`${BASE}cluster:\n  name: d\n`)).toEqual([
      {
        field: 'yaml',
        message: 'the key "cluster" appears twice in the same mapping',
        line: 8,
        fix: 'keep one of the two (YAML would silently keep only one)',
      },
    ])
    // The same key in two different mappings is fine.
    expect(parseConfig(`${BASE}tags:\n  name: x\n`, 'k.yaml').tags).toEqual({ name: 'x' })
    // A merge key (<<) twice is left to the schema, which knows no such setting.
    expect(problems(`${BASE}<<: 1\n<<: 2\n`).map((p) => `${p.field}: ${p.message}`)).toEqual([
      '<<: is not a known setting',
    ])
  })

  it('more than 100 aliases: counted, the first one located', () => {
    const aliases = Array.from({ length: 101 }, (_, i) => `  t${i}: *v`).join('\n')
    expect(problems(`${BASE}x: &v a\ntags:\n${aliases}\n`)).toEqual([
      {
        field: 'yaml',
        message: 'holds 101 aliases (*name), more than the 100 a configuration may use',
        line: 10,
        fix: 'write the values out instead of repeating aliases',
      },
    ])
    // 100 aliases pass this count; expanding them is what the next bound (100 copies) then refuses.
    const hundred = Array.from({ length: 100 }, (_, i) => `  t${i}: *v`).join('\n')
    expect(problems(`${BASE}x: &v a\ntags:\n${hundred}\n`).map((p) => p.message)).toEqual([
      'its aliases expand to more than 100 copies (the shape of a "billion laughs" attack)',
    ])
  })

  it('aliases that expand past 100 copies: the billion-laughs shape', () => {
    const text = `${BASE}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`
    expect(problems(text)).toEqual([
      {
        field: 'yaml',
        message: 'its aliases expand to more than 100 copies (the shape of a "billion laughs" attack)',
        fix: 'write the values out instead of nesting aliases',
      },
    ])
  })

  it('a document that is not a mapping', () => {
    for (const text of ['- a\n- b\n', 'just text\n', '']) {
      expect(problems(text)).toEqual([
        { field: 'config', message: 'the file must hold a YAML mapping', fix: 'start from examples/opsfleet-dev.yaml' },
      ])
    }
  })
})

describe('schema problems, each kind worded for its keyword', () => {
  it('required, unknown (with and without a guess), enum, pattern, type, maxLength, minItems, uniqueItems', () => {
    expect(problems('cluster:\n  region: eu-west-1\nnodePools:\n  - name: a\n')).toEqual([
      { field: 'cluster.name', message: 'is required but missing', fix: 'add `name`', line: 2 },
    ])
    expect(problems(pool('    consolidateAfer: 30s\n'))).toEqual([
      {
        field: 'nodePools[0].consolidateAfer',
        message: 'is not a known setting (did you mean `consolidateAfter`?)',
        fix: 'rename it to `consolidateAfter`',
        line: 8,
      },
    ])
    expect(problems(pool('    zzzzzzzz: 1\n'))).toEqual([
      {
        field: 'nodePools[0].zzzzzzzz',
        message: 'is not a known setting',
        fix: 'remove it or correct its spelling (the schema in schema/generated/karpenter-config.schema.json lists the keys)',
        line: 8,
      },
    ])
    expect(problems(pool('    capacityTypes: [spot, ondemand]\n'))).toEqual([
      {
        field: 'nodePools[0].capacityTypes[1]',
        message: 'must be one of "on-demand", "spot", "reserved"',
        fix: 'use one of those values',
        line: 8,
      },
    ])
    expect(problems(pool('    expireAfter: 1d\n'))).toEqual([
      {
        field: 'nodePools[0].expireAfter',
        message: 'has an invalid format (Maximum node lifetime, e.g. 720h, or Never.)',
        fix: 'match ^(([0-9]+(s|m|h))+|Never)$',
        line: 8,
      },
    ])
    expect(problems(pool('    weight: heavy\n'))).toEqual([
      { field: 'nodePools[0].weight', message: 'must be integer', fix: 'write a integer', line: 8 },
    ])
    expect(problems(pool(`iam:\n  nodeRole: ${'r'.repeat(65)}\n`))).toEqual([
      { field: 'iam.nodeRole', message: 'is longer than 64 characters', fix: 'use a shorter name', line: 9 },
    ])
    expect(problems(pool('    architectures: []\n'))).toEqual([
      {
        field: 'nodePools[0].architectures',
        message: 'must have at least 1 item',
        fix: 'add an entry, or remove the key to use the default',
        line: 8,
      },
    ])
    expect(problems('cluster:\n  name: c\n  region: eu-west-1\nnodePools: []\n')).toEqual([
      {
        field: 'nodePools',
        message: 'must have at least 1 item',
        fix: 'add an entry, or remove the key to use the default',
        line: 4,
      },
    ])
    expect(problems(pool('    zones: [eu-west-1a, eu-west-1a]\n'))).toEqual([
      { field: 'nodePools[0].zones', message: 'has duplicate entries', fix: 'list each value once', line: 8 },
    ])
  })

  it('a keyword without its own wording keeps the validator message and the field description as the fix', () => {
    expect(problems(pool('    weight: 0\n'))).toEqual([
      { field: 'nodePools[0].weight', message: 'must be >= 1', fix: 'expected (NodePool weight.)', line: 8 },
    ])
  })

  it("a key holding '/' or '~' is named as written (JSON pointer escapes undone)", () => {
    expect(problems(pool('    labels:\n      example.com/team~x: 5\n'))).toEqual([
      {
        field: 'nodePools[0].labels.example.com/team~x',
        message: 'must be string',
        fix: 'write a string',
        line: 9,
      },
    ])
  })

  it('a line for a problem deep in a list of the second pool', () => {
    const text = `${BASE}  - name: second\n    subnetIds: [subnet-1]\n    securityGroupIds: [sg-1]\n    zones:\n      - eu-west-1a\n      - EU\n`
    expect(problems(text)).toEqual([expect.objectContaining({ field: 'nodePools[1].zones[1]', line: 13 })])
  })

  it('51 problems: fifty listed, then one counted; 52: two counted', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `unknown${i}: 1`).join('\n')
    const fifty1 = problems(`${BASE}${lines(51)}\n`)
    expect(fifty1).toHaveLength(51)
    expect(fifty1[49].field).toBe('unknown49')
    expect(fifty1[50]).toEqual({ field: 'config', message: '1 more problem not listed', fix: 'fix those above first' })
    expect(problems(`${BASE}${lines(52)}\n`)[50].message).toBe('2 more problems not listed')
    expect(problems(`${BASE}${lines(50)}\n`)).toHaveLength(50)
  })
})

describe('problems found offline point at their own lines', () => {
  it("controller requests and limits, a pool's taints and its tags: each problem on the line of its key", () => {
    const text =
      `${BASE}` + // lines 1-7
      '    taints:\n' + // 8
      '      - { key: "bad key!", effect: NoSchedule }\n' + // 9
      '    tags:\n' + // 10
      '      "aws:owner": x\n' + // 11
      'karpenter:\n' + // 12
      '  resources:\n' + // 13
      '    requests:\n' + // 14
      '      cpu: lots\n' + // 15
      '    limits:\n' + // 16
      '      memory: plenty\n' // 17
    const found = problems(text).map((p) => `${p.field} @${p.line}`)
    expect(found).toEqual([
      'karpenter.resources.requests.cpu @15',
      'karpenter.resources.limits.memory @17',
      'nodePools[0].taints[0].key @9',
      'nodePools[0].tags["aws:owner"] @11',
    ])
  })

  it('a text over 1 MiB handed to the parser is refused before it is parsed', () => {
    expect(problems(`${BASE}#${'x'.repeat(1024 * 1024)}\n`)).toEqual([
      {
        field: 'config',
        message: 'is more than the 1048576 bytes (1 MiB) a configuration may have',
        fix: 'keep the configuration a few KB',
      },
    ])
  })

  it('a long key twice is named by its first 80 characters', () => {
    const key = 'k'.repeat(100)
    expect(problems(`${BASE}tags:\n  ${key}: a\n  ${key}: b\n`)).toEqual([
      {
        field: 'yaml',
        message: `the key "${'k'.repeat(80)}" appears twice in the same mapping`,
        line: 10,
        fix: 'keep one of the two (YAML would silently keep only one)',
      },
    ])
  })
})

describe('checks the schema cannot express', () => {
  it('region and partition', () => {
    expect(
      problems(
        'cluster:\n  name: c\nnodePools:\n  - name: a\n    subnetIds: [subnet-1]\n    securityGroupIds: [sg-1]\n',
      ),
    ).toEqual([
      {
        field: 'cluster.region',
        message: 'no region is set',
        fix: 'set `cluster.region` in the file or the `aws-region` input',
        line: 2,
      },
    ])
    expect(problems(BASE.replace('region: eu-west-1', 'region: eu-west-1\n  partition: aws-cn'))).toEqual([
      {
        field: 'cluster.partition',
        message: 'is aws-cn, but the region eu-west-1 is in aws',
        fix: 'remove cluster.partition (the region tells it) or correct it',
        line: 4,
      },
    ])
    // The input's region wins over the file's.
    expect(parseConfig(BASE, 'k.yaml', { region: 'cn-north-1' }).cluster).toEqual({
      name: 'c',
      region: 'cn-north-1',
      partition: 'aws-cn',
    })
  })

  it('node pools: names, subnets, security groups, instance types, @latest, zones', () => {
    const both = `cluster:
  name: c
  region: eu-west-1
nodePools:
  - name: a
    subnetIds: [subnet-1]
    subnetSelector: {k: v}
    securityGroupIds: [sg-1]
    securityGroupSelector: {k: v}
    instanceTypes: []
    amiAlias: al2023@LATEST
    zones: [us-east-1a, eu-west-1b]
  - name: a
`
    expect(problems(both)).toEqual([
      {
        field: 'nodePools[0].subnetIds',
        message: 'is set together with subnetSelector',
        fix: 'keep one of the two',
        line: 6,
      },
      {
        field: 'nodePools[0].securityGroupIds',
        message: 'is set together with securityGroupSelector',
        fix: 'keep one of the two',
        line: 8,
      },
      {
        field: 'nodePools[0].instanceTypes',
        message: 'is empty, so no instance could ever launch',
        fix: 'list at least one instance type or remove the key to allow any',
        line: 10,
      },
      {
        field: 'nodePools[0].amiAlias',
        message: 'uses @latest, which changes nodes without a reviewed plan',
        fix: `pin a version, e.g. ${DEFAULT_AMI_ALIAS}`,
        line: 11,
      },
      {
        field: 'nodePools[0].zones',
        message: 'zone us-east-1a is not in region eu-west-1',
        fix: 'use zones of eu-west-1',
        line: 12,
      },
      { field: 'nodePools[1].name', message: '"a" is used twice', fix: 'give each node pool its own name', line: 13 },
      {
        field: 'nodePools[1].subnetSelector',
        message: 'no subnets are selected',
        fix: 'set `subnetSelector` (tags) or `subnetIds`',
        line: 13,
      },
      {
        field: 'nodePools[1].securityGroupSelector',
        message: 'no security groups are selected',
        fix: 'set `securityGroupSelector` (tags) or `securityGroupIds`',
        line: 13,
      },
    ])
  })

  it('a queue ARN or URL is refused by the pattern, whose description says why', () => {
    for (const queue of ['arn:aws:sqs:eu-west-1:1:q', 'https://sqs.eu-west-1.amazonaws.com/1/q']) {
      expect(problems(`${BASE}interruption:\n  queue: ${queue}\n`)).toEqual([
        {
          field: 'interruption.queue',
          message: 'has an invalid format (SQS queue name (a name, not a URL or ARN).)',
          fix: 'match ^[A-Za-z0-9_-]{1,80}$',
          line: 9,
        },
      ])
    }
  })
})

describe('the configuration a minimal file becomes', () => {
  it('every default filled in, <cluster> replaced by the cluster name, state left absent', () => {
    const config = parseConfig(BASE, 'k.yaml')
    expect(config).toEqual({
      file: 'k.yaml',
      cluster: { name: 'c', region: 'eu-west-1', partition: 'aws' },
      karpenter: {
        version: '1.14.1',
        chart: 'oci://public.ecr.aws/karpenter/karpenter',
        crdChart: 'oci://public.ecr.aws/karpenter/karpenter-crd',
        namespace: 'karpenter',
        release: 'karpenter',
        timeout: '10m',
        auth: 'irsa',
        installCrds: true,
        destroyCrds: false,
        values: {},
      },
      iam: {
        nodeRole: 'KarpenterNodeRole-c',
        controllerRole: 'KarpenterControllerRole-c',
        controllerPolicy: 'KarpenterControllerPolicy-c',
        instanceProfile: 'KarpenterNodeInstanceProfile-c',
        nodeAccess: 'auto',
        path: '/',
      },
      interruption: { enabled: true, queue: 'c' },
      nodePools: [
        {
          name: 'default',
          subnetIds: ['subnet-1'],
          securityGroupIds: ['sg-1'],
          architectures: ['amd64'],
          capacityTypes: ['on-demand'],
          consolidateAfter: '30s',
          consolidationPolicy: 'WhenEmpty',
          expireAfter: 'Never',
          amiAlias: DEFAULT_AMI_ALIAS,
        },
      ],
      tags: {},
      destroyAdopted: false,
    })
  })

  it("defaults are copies: one pool's list never shares the default object with another's", () => {
    const config = parseConfig(
      `${BASE}  - name: b\n    subnetIds: [subnet-1]\n    securityGroupIds: [sg-1]\n`,
      'k.yaml',
    )
    expect(config.nodePools[0].architectures).toEqual(['amd64'])
    expect(config.nodePools[0].architectures).not.toBe(config.nodePools[1].architectures)
    config.nodePools[0].architectures.push('arm64')
    expect(parseConfig(BASE, 'k.yaml').nodePools[0].architectures).toEqual(['amd64'])
  })

  it('a given value is kept over its default; an object left out gets its defaults, one given keeps its own', () => {
    const config = parseConfig(
      `${BASE}karpenter:\n  namespace: kube-system\ninterruption:\n  enabled: false\n`,
      'k.yaml',
    )
    expect(config.karpenter.namespace).toBe('kube-system')
    expect(config.karpenter.release).toBe('karpenter')
    expect(config.interruption).toEqual({ enabled: false, queue: 'c' })
    expect(config.state).toBeUndefined()
  })
})
