import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from '@jest/globals'
import { parse, type Tags } from 'yaml'

import {
  EVENT_RULE_NAME_LIMIT,
  INTERRUPTION_QUEUE_ATTRIBUTES,
  INTERRUPTION_RULE_TARGET_ID,
  MANAGED_POLICY_SIZE_LIMIT,
  NODE_ROLE_MANAGED_POLICIES,
  SUPPORTED_POLICY_VERSIONS,
  assertSupportedPolicyVersion,
  buildControllerPolicies,
  controllerPolicyStatements,
  interruptionQueuePolicy,
  interruptionRulePrefix,
  interruptionRules,
  irsaTrustPolicy,
  isSupportedPolicyVersion,
  nodeRoleManagedPolicyArns,
  nodeRoleTrustPolicy,
  packStatements,
  podIdentityTrustPolicy,
  type KarpenterPolicyContext,
} from '../../src/aws/karpenter-policy.js'
import { dnsSuffixOf } from '../../src/aws/regions.js'
import {
  normalizePolicy,
  normalizeStatement,
  policiesEqual,
  policySize,
  statementsOf,
  type PolicyDocument,
  type Statement,
} from '../../src/aws/policy-document.js'

// ---- The official template, resolved with the example's values ----------------------------------

const TEMPLATE_PATH = fileURLToPath(
  new URL('../../../shared/fixtures/karpenter-cloudformation-1.14.1.yaml', import.meta.url),
)

const example: KarpenterPolicyContext = {
  partition: 'aws',
  accountId: '123456789012',
  region: 'eu-west-1',
  clusterName: 'opsfleet-dev-cluster',
  nodeRoleName: 'karpenter-role',
  queueName: 'opsfleet-dev-cluster-karpenter',
  karpenterVersion: '1.14.1',
}
const exampleNodeRoleArn = 'arn:aws:iam::123456789012:role/karpenter-role'
const exampleQueueArn = 'arn:aws:sqs:eu-west-1:123456789012:opsfleet-dev-cluster-karpenter'

/** What `${...}`, `!Ref` and `!GetAtt` resolve to for the example. */
const templateValues: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
  ClusterName: 'opsfleet-dev-cluster',
  'KarpenterNodeRole.Arn': exampleNodeRoleArn,
  'KarpenterInterruptionQueue.Arn': exampleQueueArn,
  KarpenterInterruptionQueue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/opsfleet-dev-cluster-karpenter',
}

const INTRINSICS = [
  'Sub',
  'Ref',
  'GetAtt',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Condition',
]

/** Each `!Fn` short form becomes CloudFormation's long form, `{ "Fn::Fn": value }` (`{ Ref: value }`). */
const cloudFormationTags: Tags = INTRINSICS.flatMap((fn) => {
  const key = fn === 'Ref' || fn === 'Condition' ? fn : `Fn::${fn}`
  return [
    { tag: `!${fn}`, resolve: (value: string) => ({ [key]: value }) },
    { tag: `!${fn}`, collection: 'seq' as const, resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }) },
    { tag: `!${fn}`, collection: 'map' as const, resolve: (map: { toJSON(): unknown }) => ({ [key]: map.toJSON() }) },
  ]
})

function lookup(name: string): string {
  const value = templateValues[name]
  if (value === undefined) throw new Error(`the test does not know the template value ${name}`)
  return value
}

function substitute(text: string, extra: Record<string, string> = {}): string {
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
    name.startsWith('!') ? `\${${name.slice(1)}}` : (extra[name] ?? lookup(name)),
  )
}

/** Evaluates the few intrinsic functions the template uses; any other one fails the test loudly. */
function resolveIntrinsics(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolveIntrinsics)
  if (node === null || typeof node !== 'object') return node
  const entries = Object.entries(node)
  if (entries.length === 1) {
    const [key, arg] = entries[0]
    if (key === 'Ref') return lookup(arg as string)
    if (key === 'Fn::GetAtt') return lookup(Array.isArray(arg) ? arg.join('.') : (arg as string))
    if (key === 'Fn::Sub') {
      if (typeof arg === 'string') return substitute(arg)
      const [text, vars] = arg as [string, Record<string, unknown>]
      return substitute(text, resolveIntrinsics(vars) as Record<string, string>)
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]]
      return (resolveIntrinsics(parts) as string[]).join(separator)
    }
    if (key.startsWith('Fn::') || key === 'Condition') throw new Error(`the test cannot evaluate ${key}`)
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v)]))
}

interface TemplateResource {
  Type: string
  Properties: Record<string, unknown>
}

function loadTemplate(): Record<string, TemplateResource> {
  const template = parse(readFileSync(TEMPLATE_PATH, 'utf8'), { customTags: cloudFormationTags }) as {
    Resources: Record<string, TemplateResource>
  }
  return resolveIntrinsics(template.Resources) as Record<string, TemplateResource>
}

const resources = loadTemplate()

function resourcesOfType(type: string): [string, TemplateResource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type)
}

/** The template's managed policies, keyed by logical id; PolicyDocument is JSON text after !Sub. */
const templatePolicies = Object.fromEntries(
  resourcesOfType('AWS::IAM::ManagedPolicy').map(([id, r]) => {
    const doc = r.Properties.PolicyDocument
    return [id, (typeof doc === 'string' ? JSON.parse(doc) : doc) as PolicyDocument]
  }),
)

function templateStatements(exceptPolicies: string[] = []): Statement[] {
  return Object.entries(templatePolicies)
    .filter(([id]) => !exceptPolicies.includes(id))
    .flatMap(([, doc]) => statementsOf(doc))
}

const asPolicy = (statements: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements })

// ---- Controller permissions ---------------------------------------------------------------------

describe('controllerPolicyStatements', () => {
  const ours = controllerPolicyStatements(example)

  it('reads the template it is checked against', () => {
    expect(Object.keys(templatePolicies).sort()).toEqual([
      'EKSIntegrationPolicy',
      'IAMIntegrationPolicy',
      'InterruptionPolicy',
      'NodeLifecyclePolicy',
      'ResourceDiscoveryPolicy',
      'ZonalShiftPolicy',
    ])
    expect(templateStatements().length).toBeGreaterThan(10)
  })

  it('grants exactly what the official template grants', () => {
    expect(normalizePolicy(asPolicy(ours))).toEqual(normalizePolicy(asPolicy(templateStatements())))
    expect(policiesEqual(asPolicy(ours), asPolicy(templateStatements()))).toBe(true)
  })

  it('keeps the template’s Sids, in its order', () => {
    expect(ours.map((s) => s.Sid)).toEqual(templateStatements().map((s) => s.Sid))
  })

  it.each(templateStatements().map((s) => [s.Sid as string, s] as const))(
    'encodes %s like the template',
    (_sid, expected) => {
      const actual = ours.find((s) => s.Sid === expected.Sid) as Statement
      expect(normalizeStatement(actual)).toEqual(normalizeStatement(expected))
    },
  )

  it('leaves the interruption statements out when interruption is disabled', () => {
    for (const queueName of [null, undefined, '']) {
      const without = controllerPolicyStatements({ ...example, queueName })
      expect(policiesEqual(asPolicy(without), asPolicy(templateStatements(['InterruptionPolicy'])))).toBe(true)
      expect(without.some((s) => JSON.stringify(s).includes(':sqs:'))).toBe(false)
    }
  })

  it('uses the partition in every ARN', () => {
    const govCloud = controllerPolicyStatements({ ...example, partition: 'aws-us-gov', region: 'us-gov-west-1' })
    const arns = JSON.stringify(govCloud).match(/arn:[^:"]*:/g) ?? []
    expect(arns.length).toBeGreaterThan(20)
    expect(new Set(arns)).toEqual(new Set(['arn:aws-us-gov:']))
  })

  it('puts the node role path into the PassRole resource', () => {
    const withPath = controllerPolicyStatements({ ...example, nodeRolePath: '/karpenter/' })
    const passRole = withPath.find((s) => s.Sid === 'AllowPassingInstanceRole')
    expect(passRole?.Resource).toBe('arn:aws:iam::123456789012:role/karpenter/karpenter-role')
  })

  it('refuses a Karpenter version whose permissions it does not know', () => {
    expect(() => controllerPolicyStatements({ ...example, karpenterVersion: '1.12.2' })).toThrow(
      /karpenter\.version "1\.12\.2" is not supported.*1\.13\.x, 1\.14\.x/,
    )
  })
})

describe('supported versions', () => {
  it('lists 1.13.x and 1.14.x', () => {
    expect(SUPPORTED_POLICY_VERSIONS).toEqual(['1.13.x', '1.14.x'])
  })

  it.each(['1.14.1', '1.14.0', '1.13.0', '1.13.1', 'v1.14.1', '1.14.2-rc.1'])('accepts %s', (version) => {
    expect(isSupportedPolicyVersion(version)).toBe(true)
    expect(() => assertSupportedPolicyVersion(version)).not.toThrow()
  })

  it.each(['1.12.2', '1.15.0', '2.14.1', '0.37.0', 'latest', '1.14', ''])(
    'rejects %j naming karpenter.version',
    (version) => {
      expect(isSupportedPolicyVersion(version)).toBe(false)
      expect(() => assertSupportedPolicyVersion(version)).toThrow(/karpenter\.version/)
    },
  )
})

// ---- Managed policies and splitting -------------------------------------------------------------

function sids(policies: { document: PolicyDocument }[]): string[] {
  return policies.flatMap((p) => statementsOf(p.document).map((s) => s.Sid as string))
}

describe('buildControllerPolicies', () => {
  it('splits the example, which is larger than one managed policy holds', () => {
    const all = controllerPolicyStatements(example)
    expect(policySize(asPolicy(all))).toBeGreaterThan(MANAGED_POLICY_SIZE_LIMIT)

    const policies = buildControllerPolicies(example, 'karpenter-policy')
    expect(policies.map((p) => p.name)).toEqual(['karpenter-policy', 'karpenter-policy-2'])
    for (const p of policies) {
      expect(policySize(p.document)).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_LIMIT)
      expect(p.document.Version).toBe('2012-10-17')
    }
    expect(sids(policies).sort()).toEqual(all.map((s) => s.Sid).sort())
    expect(policiesEqual(asPolicy(policies.flatMap((p) => statementsOf(p.document))), asPolicy(all))).toBe(true)
  })

  it('keeps one policy named after the base name when everything fits', () => {
    const policies = buildControllerPolicies({ ...example, queueName: null }, 'karpenter-policy')
    expect(policies).toHaveLength(1)
    expect(policies[0].name).toBe('karpenter-policy')
    expect(policySize(policies[0].document)).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_LIMIT)
  })

  it('splits deterministically under a small limit, each statement exactly once', () => {
    const limit = 1200
    const first = buildControllerPolicies(example, 'kp', limit)
    const second = buildControllerPolicies(example, 'kp', limit)
    expect(second).toEqual(first)
    expect(first.length).toBeGreaterThan(3)
    expect(first.map((p) => p.name)).toEqual(first.map((_, i) => (i === 0 ? 'kp' : `kp-${i + 1}`)))
    for (const p of first) expect(policySize(p.document)).toBeLessThanOrEqual(limit)
    const placed = sids(first)
    expect(new Set(placed).size).toBe(placed.length)
    expect(placed.sort()).toEqual(
      controllerPolicyStatements(example)
        .map((s) => s.Sid)
        .sort(),
    )
  })

  it('throws when one statement alone is too large', () => {
    expect(() => buildControllerPolicies(example, 'kp', 300)).toThrow(
      /AllowScopedEC2InstanceAccessActions is \d+ characters: more than a managed policy holds \(300\)/,
    )
  })
})

describe('packStatements', () => {
  const statement = (sid: string, padding: number): Statement => ({
    Sid: sid,
    Effect: 'Allow',
    Action: 'x:Y',
    Resource: `arn:aws:s3:::${'p'.repeat(padding)}`,
  })
  const sizeOf = (statements: Statement[]) => policySize(asPolicy(statements))

  it('fills the first policy with room, in the given order', () => {
    const a = statement('A', 100)
    const b = statement('B', 100)
    const c = statement('C', 10)
    const limit = sizeOf([a, c]) // A and B do not fit together; C fits beside A
    const packed = packStatements([a, b, c], 'base', limit)
    expect(packed.map((p) => [p.name, statementsOf(p.document).map((s) => s.Sid)])).toEqual([
      ['base', ['A', 'C']],
      ['base-2', ['B']],
    ])
  })

  it('puts everything in one policy when it fits exactly', () => {
    const all = [statement('A', 50), statement('B', 50)]
    expect(packStatements(all, 'base', sizeOf(all))).toEqual([{ name: 'base', document: asPolicy(all) }])
  })

  it('refuses names IAM would reject', () => {
    const all = [statement('A', 100), statement('B', 100)]
    expect(() => packStatements(all, 'n'.repeat(127), sizeOf([all[0]]))).toThrow(/longer than 128/)
  })
})

// ---- Node role ----------------------------------------------------------------------------------

describe('node role', () => {
  const templateRole = resources.KarpenterNodeRole.Properties

  it('trusts EC2 as the template does', () => {
    expect(policiesEqual(nodeRoleTrustPolicy(), templateRole.AssumeRolePolicyDocument as PolicyDocument)).toBe(true)
    expect(nodeRoleTrustPolicy('aws-cn').Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com.cn' }, Action: ['sts:AssumeRole'] },
    ])
    // The template's `ec2.${AWS::URLSuffix}`: the partition's own suffix in the ISO partitions.
    expect(nodeRoleTrustPolicy('aws-iso').Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.c2s.ic.gov' }, Action: ['sts:AssumeRole'] },
    ])
    expect(dnsSuffixOf('aws-iso-b')).toBe('sc2s.sgov.gov')
    expect(dnsSuffixOf('aws-us-gov')).toBe('amazonaws.com')
  })

  it('attaches the template’s AWS managed policies', () => {
    expect(NODE_ROLE_MANAGED_POLICIES).toHaveLength(4)
    expect([...nodeRoleManagedPolicyArns('aws')].sort()).toEqual(
      [...(templateRole.ManagedPolicyArns as string[])].sort(),
    )
    expect(nodeRoleManagedPolicyArns('aws-cn')).toContain('arn:aws-cn:iam::aws:policy/AmazonEKSWorkerNodePolicy')
  })
})

// ---- Controller role trust ----------------------------------------------------------------------

describe('irsaTrustPolicy', () => {
  const issuerUrl = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'
  const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE'
  const options = {
    partition: 'aws',
    accountId: '123456789012',
    issuerUrl,
    namespace: 'karpenter',
    serviceAccount: 'karpenter',
  }

  it('trusts the cluster’s OIDC provider for the Karpenter service account only', () => {
    expect(irsaTrustPolicy(options)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${issuer}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${issuer}:sub`]: 'system:serviceaccount:karpenter:karpenter',
              [`${issuer}:aud`]: 'sts.amazonaws.com',
            },
          },
        },
      ],
    })
  })

  it('accepts the issuer with a trailing slash and rejects anything but https', () => {
    expect(policiesEqual(irsaTrustPolicy({ ...options, issuerUrl: `${issuerUrl}/` }), irsaTrustPolicy(options))).toBe(
      true,
    )
    expect(() => irsaTrustPolicy({ ...options, issuerUrl: `http://${issuer}` })).toThrow(/must be an https:\/\/ URL/)
    expect(() => irsaTrustPolicy({ ...options, issuerUrl: '' })).toThrow(/must be an https:\/\/ URL/)
  })
})

describe('podIdentityTrustPolicy', () => {
  it('trusts EKS Pod Identity to assume and tag', () => {
    expect(podIdentityTrustPolicy()).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    })
  })
})

// ---- Interruption queue and rules ---------------------------------------------------------------

describe('interruption queue', () => {
  it('has the template’s queue policy (plus an explicit Version)', () => {
    const ours = interruptionQueuePolicy({ queueArn: exampleQueueArn })
    const template = resources.KarpenterInterruptionQueuePolicy.Properties.PolicyDocument as PolicyDocument
    expect(template.Version).toBeUndefined()
    expect(ours.Version).toBe('2012-10-17')
    expect(policiesEqual({ ...ours, Version: undefined }, template)).toBe(true)
  })

  it('denies plain HTTP to everyone, with the "*" principal', () => {
    const deny = statementsOf(interruptionQueuePolicy({ queueArn: exampleQueueArn })).find((s) => s.Effect === 'Deny')
    expect(deny).toMatchObject({
      Principal: '*',
      Action: 'sqs:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    })
  })

  it('sets the template’s queue attributes', () => {
    const props = resources.KarpenterInterruptionQueue.Properties
    expect(INTERRUPTION_QUEUE_ATTRIBUTES).toEqual({
      MessageRetentionPeriod: String(props.MessageRetentionPeriod),
      SqsManagedSseEnabled: String(props.SqsManagedSseEnabled),
    })
  })
})

describe('interruptionRules', () => {
  const templateRules = resourcesOfType('AWS::Events::Rule').map(([, r]) => r.Properties)

  it('matches the template’s rules, in its order', () => {
    const rules = interruptionRules(example.clusterName)
    expect(rules.map((r) => r.eventPattern)).toEqual(templateRules.map((r) => r.EventPattern))
  })

  it('uses the template’s target id', () => {
    for (const rule of templateRules) {
      expect(rule.Targets).toEqual([{ Id: INTERRUPTION_RULE_TARGET_ID, Arn: exampleQueueArn }])
    }
  })

  it('names the example’s rules after the cluster', () => {
    expect(interruptionRules('opsfleet-dev-cluster').map((r) => r.name)).toEqual([
      'karpenter-opsfleet-dev-cluster-scheduled-change',
      'karpenter-opsfleet-dev-cluster-spot-interruption',
      'karpenter-opsfleet-dev-cluster-rebalance',
      'karpenter-opsfleet-dev-cluster-instance-state-change',
      'karpenter-opsfleet-dev-cluster-capacity-reservation',
    ])
    for (const rule of interruptionRules('opsfleet-dev-cluster')) {
      expect(rule.description).toMatch(/^Karpenter interruption handling for cluster opsfleet-dev-cluster: /)
    }
  })

  it.each([1, 20, 33, 34, 63, 100])('keeps names valid and unique for a %i-character cluster name', (length) => {
    const cluster = 'c'.repeat(length)
    const names = interruptionRules(cluster).map((r) => r.name)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(EVENT_RULE_NAME_LIMIT)
      expect(name).toMatch(/^[.\-_A-Za-z0-9]+$/)
      expect(name.startsWith(`${interruptionRulePrefix(cluster)}-`)).toBe(true)
    }
  })

  it('shortens long cluster names with a hash, so that clusters sharing a long prefix still differ', () => {
    const a = `${'shared-prefix-'.repeat(5)}a`
    const b = `${'shared-prefix-'.repeat(5)}b`
    expect(interruptionRulePrefix(a)).toMatch(/^karpenter-shared-prefix-shared-pr-[0-9a-f]{8}$/)
    expect(interruptionRulePrefix(a)).not.toBe(interruptionRulePrefix(b))
    expect(interruptionRulePrefix(a)).toBe(interruptionRulePrefix(a))
  })
})
