import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, parseConfig, DEFAULT_AMI_ALIAS } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/errors.js'
import { configSchema } from '../../src/config/schema.js'
import { repoRoot } from '../support/sandbox.js'

const minimal = `cluster:
  name: opsfleet-dev-cluster
  region: eu-west-1
nodePools:
  - name: default
    subnetSelector: {karpenter.sh/discovery: opsfleet-dev-cluster}
    securityGroupSelector: {karpenter.sh/discovery: opsfleet-dev-cluster}
`

function problemsOf(text: string) {
  try {
    parseConfig(text, 'k.yaml')
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

describe('config', () => {
  it('loads the example with the seed values', async () => {
    const c = await loadConfig(join(repoRoot, 'examples/opsfleet-dev.yaml'))
    expect(c.cluster).toEqual({
      name: 'opsfleet-dev-cluster',
      region: 'eu-west-1',
      vpcId: 'vpc-06f7a571cfcef0a0c',
      partition: 'aws',
    })
    expect(c.iam).toMatchObject({
      nodeRole: 'karpenter-role',
      controllerPolicy: 'karpenter-policy',
      instanceProfile: 'opsfleet_dev_karpenter_profile',
    })
    expect(c.nodePools[0].instanceTypes).toEqual(['m6g.large', 'm5.large', 'c6g.large', 'c5.large'])
    expect(c.nodePools[0].consolidateAfter).toBe('30s')
    expect(c.state).toEqual({ bucket: 'espace-project-store', key: 'karpenter/opsfleet-dev-cluster.json' })
  })

  it('completes a minimal config with defaults', () => {
    const c = parseConfig(minimal, 'k.yaml')
    expect(c.karpenter).toMatchObject({
      version: '1.14.1',
      namespace: 'karpenter',
      release: 'karpenter',
      timeout: '10m',
      auth: 'irsa',
    })
    expect(c.iam.nodeRole).toBe('KarpenterNodeRole-opsfleet-dev-cluster')
    expect(c.interruption).toEqual({ enabled: true, queue: 'opsfleet-dev-cluster' })
    expect(c.nodePools[0]).toMatchObject({
      architectures: ['amd64'],
      capacityTypes: ['on-demand'],
      expireAfter: 'Never',
      amiAlias: DEFAULT_AMI_ALIAS,
    })
    expect(c.state).toBeUndefined()
  })

  it('lets the aws-region input override cluster.region', () => {
    expect(parseConfig(minimal, 'k.yaml', { region: 'eu-central-1' }).cluster.region).toBe('eu-central-1')
  })

  it('takes the partition from the region, and refuses one that disagrees with it', () => {
    expect(parseConfig(minimal, 'k.yaml', { region: 'cn-north-1' }).cluster.partition).toBe('aws-cn')
    const text = minimal.replace('  region: eu-west-1', '  region: eu-west-1\n  partition: aws-us-gov')
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        field: 'cluster.partition',
        line: 4,
        message: 'is aws-us-gov, but the region eu-west-1 is in aws',
      }),
    ])
  })

  it('fills every default the schema gives, `<cluster>` standing for the cluster name, and nothing else', () => {
    const c = parseConfig(minimal, 'k.yaml')
    expect(c.iam).toEqual({
      nodeRole: 'KarpenterNodeRole-opsfleet-dev-cluster',
      controllerRole: 'KarpenterControllerRole-opsfleet-dev-cluster',
      controllerPolicy: 'KarpenterControllerPolicy-opsfleet-dev-cluster',
      instanceProfile: 'KarpenterNodeInstanceProfile-opsfleet-dev-cluster',
      nodeAccess: 'auto',
      path: '/',
    })
    expect(c.karpenter).toEqual({
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
    })
    expect(c.tags).toEqual({})
    expect(c.nodePools[0]).toEqual({
      name: 'default',
      subnetSelector: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' },
      securityGroupSelector: { 'karpenter.sh/discovery': 'opsfleet-dev-cluster' },
      architectures: ['amd64'],
      capacityTypes: ['on-demand'],
      consolidateAfter: '30s',
      consolidationPolicy: 'WhenEmpty',
      expireAfter: 'Never',
      amiAlias: DEFAULT_AMI_ALIAS,
    })
    // Defaults are copies: filling one config leaves the next one's defaults alone.
    c.karpenter.values.x = 1
    expect(parseConfig(minimal, 'k.yaml').karpenter.values).toEqual({})
  })

  it('names the field, its line and the fix for schema errors', () => {
    const problems = problemsOf(
      minimal.replace('  region: eu-west-1', '  region: eu-west-1\n  regoin: x') + '    capacityTypes: [spot, cheap]\n',
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'cluster.regoin',
          line: 4,
          message: 'is not a known setting (did you mean `region`?)',
        }),
        expect.objectContaining({ field: 'nodePools[0].capacityTypes[1]', line: 9 }),
      ]),
    )
    expect(problems.every((p) => p.fix)).toBe(true)
  })

  it('reports a missing required key and YAML syntax errors with lines', () => {
    expect(problemsOf('cluster:\n  region: eu-west-1\nnodePools: []\n')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'cluster.name', message: 'is required but missing' }),
        expect.objectContaining({ field: 'nodePools', message: 'must have at least 1 item' }),
      ]),
    )
    expect(problemsOf('cluster: [\n')[0]).toMatchObject({ field: 'yaml', line: expect.any(Number) })
  })

  it('checks what the schema cannot: region, selectors, @latest, zones, duplicate pools', () => {
    const text = `cluster: {name: c1}
nodePools:
  - name: a
    amiAlias: al2023@latest
    zones: [us-east-1a]
  - name: a
    subnetSelector: {x: y}
    subnetIds: [subnet-0abc]
    securityGroupIds: [sg-0abc]
`
    const fields = problemsOf(text).map((p) => p.field)
    expect(fields).toEqual(
      expect.arrayContaining([
        'cluster.region',
        'nodePools[0].subnetSelector',
        'nodePools[0].securityGroupSelector',
        'nodePools[0].amiAlias',
        'nodePools[1].name',
        'nodePools[1].subnetIds',
      ]),
    )
    const latest = problemsOf(text).find((p) => p.field === 'nodePools[0].amiAlias')!
    expect(latest.line).toBe(4)
  })

  it('says a missing file is missing and how to fix it', async () => {
    await expect(loadConfig('/nonexistent/karpenter.yaml')).rejects.toThrow(
      /does not exist.*Fix: commit the configuration file/s,
    )
  })

  it('publishes the same schema it validates with', () => {
    const published = JSON.parse(readFileSync(join(repoRoot, 'schema/generated/karpenter-config.schema.json'), 'utf8'))
    expect(published).toEqual(configSchema)
  })
})

describe('generated validator', () => {
  it('is up to date with src/config/schema.ts (run `npm run schema` when this fails)', async () => {
    const { loadSchema, validatorSource } = (await import(join(repoRoot, 'scripts/write-schema.mjs'))) as {
      loadSchema: () => unknown
      validatorSource: (s: unknown) => string
    }
    expect(loadSchema()).toEqual(configSchema)
    expect(readFileSync(join(repoRoot, 'src/config/generated/validate-config.js'), 'utf8')).toBe(
      validatorSource(configSchema),
    )
  })
})
