/**
 * The configuration comes from an unreviewed pull request: each check of the loader must refuse exactly what it is
 * for, with the field, its line and the fix, and let the valid neighbour through.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, type ConfigProblem } from '../../src/config/errors.js'
import { loadConfig, parseConfig } from '../../src/config/load.js'

const CLUSTER = 'opsfleet-dev-cluster'

/** A valid config whose node pool gets `pool` as extra lines (indented as node-pool keys). */
function configWith(pool: string[] = [], head: string[] = ['  region: eu-west-1']): string {
  return [
    'cluster:',
    `  name: ${CLUSTER}`,
    ...head,
    'nodePools:',
    '  - name: default',
    `    subnetSelector: {karpenter.sh/discovery: ${CLUSTER}}`,
    `    securityGroupSelector: {karpenter.sh/discovery: ${CLUSTER}}`,
    ...pool.map((l) => `    ${l}`),
    '',
  ].join('\n')
}

function problemsOf(text: string, region?: string): ConfigProblem[] {
  try {
    parseConfig(text, 'k.yaml', { region })
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

describe('zones', () => {
  it('a zone of another region is refused, naming the zone, the region, its line and the fix', () => {
    expect(problemsOf(configWith(['zones: [eu-west-1a, us-east-1b]']))).toEqual([
      {
        field: 'nodePools[0].zones',
        message: 'zone us-east-1b is not in region eu-west-1',
        fix: 'use zones of eu-west-1',
        line: 8,
      },
    ])
  })

  it('each zone is judged on its own: two foreign zones are two problems', () => {
    const problems = problemsOf(configWith(['zones: [us-east-1a, us-east-1b]']))
    expect(problems.map((p) => p.message)).toEqual([
      'zone us-east-1a is not in region eu-west-1',
      'zone us-east-1b is not in region eu-west-1',
    ])
  })

  it('zones of the region pass', () => {
    const c = parseConfig(configWith(['zones: [eu-west-1a, eu-west-1c]']), 'k.yaml')
    expect(c.nodePools[0].zones).toEqual(['eu-west-1a', 'eu-west-1c'])
  })

  it('zones are judged against the aws-region input when it overrides the file', () => {
    expect(problemsOf(configWith(['zones: [eu-west-1a]']), 'eu-central-1')).toEqual([
      expect.objectContaining({ message: 'zone eu-west-1a is not in region eu-central-1' }),
    ])
    expect(
      parseConfig(configWith(['zones: [eu-central-1a]']), 'k.yaml', { region: 'eu-central-1' }).cluster.region,
    ).toBe('eu-central-1')
  })

  it('without any region, the missing region is the one problem (zones cannot be judged)', () => {
    expect(problemsOf(configWith(['zones: [us-east-1a]'], []))).toEqual([
      {
        field: 'cluster.region',
        message: 'no region is set',
        fix: 'set `cluster.region` in the file or the `aws-region` input',
        line: 2,
      },
    ])
  })
})

describe('instance types', () => {
  it('an empty list is refused: no instance could ever launch', () => {
    expect(problemsOf(configWith(['instanceTypes: []']))).toEqual([
      {
        field: 'nodePools[0].instanceTypes',
        message: 'is empty, so no instance could ever launch',
        fix: 'list at least one instance type or remove the key to allow any',
        line: 8,
      },
    ])
  })

  it('a list with a type passes, and no list at all allows any', () => {
    expect(parseConfig(configWith(['instanceTypes: [m5.large]']), 'k.yaml').nodePools[0].instanceTypes).toEqual([
      'm5.large',
    ])
    expect(parseConfig(configWith(), 'k.yaml').nodePools[0].instanceTypes).toBeUndefined()
  })
})

describe('the other checks the schema cannot make', () => {
  it('a partition that disagrees with the region', () => {
    expect(problemsOf(configWith([], ['  region: eu-west-1', '  partition: aws-cn']))).toEqual([
      {
        field: 'cluster.partition',
        message: 'is aws-cn, but the region eu-west-1 is in aws',
        fix: 'remove cluster.partition (the region tells it) or correct it',
        line: 4,
      },
    ])
    expect(parseConfig(configWith([], ['  region: cn-north-1']), 'k.yaml').cluster.partition).toBe('aws-cn')
    expect(parseConfig(configWith([], ['  region: cn-north-1', '  partition: aws-cn']), 'k.yaml').cluster).toEqual({
      name: CLUSTER,
      region: 'cn-north-1',
      partition: 'aws-cn',
    })
  })

  it('two node pools of one name', () => {
    const text = `${configWith()}  - name: default\n    subnetIds: [subnet-0abc]\n    securityGroupIds: [sg-0abc]\n`
    expect(problemsOf(text)).toEqual([
      {
        field: 'nodePools[1].name',
        message: '"default" is used twice',
        fix: 'give each node pool its own name',
        line: 8,
      },
    ])
    expect(
      parseConfig(text.replace('  - name: default\n    subnetIds', '  - name: other\n    subnetIds'), 'k.yaml'),
    ).toBeTruthy()
  })

  it('subnets and security groups: neither, or both ways at once', () => {
    const none = ['cluster:', `  name: ${CLUSTER}`, '  region: eu-west-1', 'nodePools:', '  - name: bare', ''].join(
      '\n',
    )
    expect(problemsOf(none)).toEqual([
      {
        field: 'nodePools[0].subnetSelector',
        message: 'no subnets are selected',
        fix: 'set `subnetSelector` (tags) or `subnetIds`',
        line: 5,
      },
      {
        field: 'nodePools[0].securityGroupSelector',
        message: 'no security groups are selected',
        fix: 'set `securityGroupSelector` (tags) or `securityGroupIds`',
        line: 5,
      },
    ])
    expect(problemsOf(configWith(['subnetIds: [subnet-0abc]', 'securityGroupIds: [sg-0abc]']))).toEqual([
      {
        field: 'nodePools[0].subnetIds',
        message: 'is set together with subnetSelector',
        fix: 'keep one of the two',
        line: 8,
      },
      {
        field: 'nodePools[0].securityGroupIds',
        message: 'is set together with securityGroupSelector',
        fix: 'keep one of the two',
        line: 9,
      },
    ])
    const ids = none.replace(
      '  - name: bare',
      '  - name: bare\n    subnetIds: [subnet-0abc]\n    securityGroupIds: [sg-0abc]',
    )
    expect(parseConfig(ids, 'k.yaml').nodePools[0]).toMatchObject({
      subnetIds: ['subnet-0abc'],
      securityGroupIds: ['sg-0abc'],
    })
  })

  it('@latest in any case is refused; a pinned alias passes', () => {
    for (const alias of ['al2023@latest', 'bottlerocket@LATEST']) {
      expect(problemsOf(configWith([`amiAlias: ${alias}`]))).toEqual([
        {
          field: 'nodePools[0].amiAlias',
          message: 'uses @latest, which changes nodes without a reviewed plan',
          fix: expect.stringMatching(/^pin a version, e\.g\. al2023@v\d+$/),
          line: 8,
        },
      ])
    }
    expect(parseConfig(configWith(['amiAlias: al2023@v20250101']), 'k.yaml').nodePools[0].amiAlias).toBe(
      'al2023@v20250101',
    )
    expect(parseConfig(configWith(['amiAlias: latest@v1']), 'k.yaml').nodePools[0].amiAlias).toBe('latest@v1')
  })

  it('an interruption queue given as an ARN or a URL is refused as a name of the wrong format', () => {
    for (const queue of ['arn:aws:sqs:eu-west-1:123456789012:q', 'https://sqs.eu-west-1.amazonaws.com/1/q']) {
      expect(problemsOf(`${configWith()}interruption:\n  queue: "${queue}"\n`)).toEqual([
        {
          field: 'interruption.queue',
          message: 'has an invalid format (SQS queue name (a name, not a URL or ARN).)',
          fix: 'match ^[A-Za-z0-9_-]{1,80}$',
          line: 9,
        },
      ])
    }
    const named = parseConfig(`${configWith()}interruption:\n  queue: my-arn-queue\n`, 'k.yaml')
    expect(named.interruption.queue).toBe('my-arn-queue')
  })

  it('several problems are all reported at once, in the order of the file', () => {
    const text = configWith(['instanceTypes: []', 'amiAlias: al2023@latest', 'zones: [us-east-1a]'])
    expect(problemsOf(text).map((p) => [p.field, p.line])).toEqual([
      ['nodePools[0].instanceTypes', 8],
      ['nodePools[0].amiAlias', 9],
      ['nodePools[0].zones', 10],
    ])
  })
})

describe('schema errors', () => {
  const cases: [string, string[], Partial<ConfigProblem>][] = [
    [
      'a required key',
      ['cluster:', '  region: eu-west-1', 'nodePools: [{name: a}]'],
      { field: 'cluster.name', message: 'is required but missing', fix: 'add `name`', line: 2 },
    ],
    [
      'an unknown key',
      ['cluster: {name: c, region: eu-west-1, colour: red}', 'nodePools: [{name: a}]'],
      {
        field: 'cluster.colour',
        message: 'is not a known setting',
        fix: 'remove it or correct its spelling (the schema in schema/generated/karpenter-config.schema.json lists the keys)',
        line: 1,
      },
    ],
    [
      'a value outside its enum',
      ['cluster: {name: c, region: eu-west-1}', 'karpenter:', '  auth: kiam', 'nodePools: [{name: a}]'],
      {
        field: 'karpenter.auth',
        message: 'must be one of "irsa", "pod-identity"',
        fix: 'use one of those values',
        line: 3,
      },
    ],
    [
      'a value of the wrong format',
      ['cluster: {name: c, region: eu-west-1}', 'nodePools:', '  - name: Not_A_Name'],
      {
        field: 'nodePools[0].name',
        message: 'has an invalid format (NodePool name (also the EC2NodeClass name).)',
        fix: 'match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
        line: 3,
      },
    ],
    [
      'a value of the wrong type',
      ['cluster: {name: c, region: eu-west-1}', 'nodePools:', '  - name: a', '    weight: heavy'],
      { field: 'nodePools[0].weight', message: 'must be integer', fix: 'write a integer', line: 4 },
    ],
    [
      'a name too long',
      ['cluster: {name: c, region: eu-west-1}', 'karpenter:', `  release: ${'r'.repeat(54)}`, 'nodePools: [{name: a}]'],
      { field: 'karpenter.release', message: 'is longer than 53 characters', fix: 'use a shorter name', line: 3 },
    ],
    [
      'an empty list that needs one item',
      ['cluster: {name: c, region: eu-west-1}', 'nodePools: []'],
      {
        field: 'nodePools',
        message: 'must have at least 1 item',
        fix: 'add an entry, or remove the key to use the default',
        line: 2,
      },
    ],
    [
      'a list with duplicates',
      ['cluster: {name: c, region: eu-west-1}', 'nodePools:', '  - name: a', '    zones: [eu-west-1a, eu-west-1a]'],
      { field: 'nodePools[0].zones', message: 'has duplicate entries', fix: 'list each value once', line: 4 },
    ],
    [
      'a number out of range (another keyword)',
      ['cluster: {name: c, region: eu-west-1}', 'nodePools:', '  - name: a', '    weight: 101'],
      { field: 'nodePools[0].weight', message: 'must be <= 100', fix: 'expected (NodePool weight.)', line: 4 },
    ],
    [
      'a document that is not a mapping',
      ['- just', '- a list'],
      { field: 'config', message: 'the file must hold a YAML mapping', fix: 'start from examples/opsfleet-dev.yaml' },
    ],
  ]
  it.each(cases)('%s: the field, the message, the fix and the line', (_, lines, expected) => {
    const problems = problemsOf(lines.join('\n') + '\n')
    expect(problems).toContainEqual(expected)
  })

  it('an error repeated by the validator is reported once', () => {
    const problems = problemsOf(
      'cluster: {name: c, region: eu-west-1}\nnodePools: [{name: a, capacityTypes: [x, y]}]\n',
    )
    const keys = problems.map((p) => `${p.field}|${p.message}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys).toEqual(
      expect.arrayContaining([
        'nodePools[0].capacityTypes[0]|must be one of "on-demand", "spot", "reserved"',
        'nodePools[0].capacityTypes[1]|must be one of "on-demand", "spot", "reserved"',
      ]),
    )
  })

  it('a YAML error names its line', () => {
    expect(problemsOf('cluster:\n  name: c\n  name: d\n')).toEqual([
      expect.objectContaining({ field: 'yaml', line: 3, message: 'the key "name" appears twice in the same mapping' }),
    ])
    expect(problemsOf('cluster:\n  name: [c\n')).toEqual([
      expect.objectContaining({ field: 'yaml', fix: 'correct the YAML syntax' }),
    ])
  })

  it('a field in a list item deep inside the file is found at its own line', () => {
    const text = configWith(['labels:', '  team: a', 'taints:', '  - key: k', '    effect: Sometimes'])
    expect(problemsOf(text)).toEqual([expect.objectContaining({ field: 'nodePools[0].taints[0].effect', line: 12 })])
  })
})

describe('the file', () => {
  it('a path that cannot be read names the cause', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ka-config-'))
    await expect(loadConfig(dir)).rejects.toThrow(/is a directory, not a regular file/)
    const file = join(dir, 'k.yaml')
    writeFileSync(file, configWith())
    await expect(loadConfig(file, { region: 'eu-central-1' })).resolves.toMatchObject({
      file,
      cluster: { region: 'eu-central-1' },
    })
  })

  it('an empty aws-region input leaves the file its region', () => {
    expect(parseConfig(configWith(), 'k.yaml', { region: '' }).cluster.region).toBe('eu-west-1')
  })
})
