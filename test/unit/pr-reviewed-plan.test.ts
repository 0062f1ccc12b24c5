/** The reviewed plan's digest in the comment, and the difference between it and the plan now. */
import { describe, expect, test } from '@jest/globals'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import {
  comparePlans,
  differenceLine,
  formatDigestBlock,
  MAX_DIGEST_CHARS,
  parseDigestBlock,
  planDigest,
  unverifiableFields,
  type PlanDigest,
} from '../../src/github/reviewed-plan.js'
import { planFingerprint } from '../../src/plan/fingerprint.js'
import type { Plan } from '../../src/plan/types.js'
import { change, field, firstPlan, planOf } from './pr-fixtures.js'

function digestOf(plan: Plan) {
  return planDigest(plan, planFingerprint(plan))
}

function withChange(plan: Plan, id: string, edit: (c: Plan['changes'][number]) => void): Plan {
  const copy = structuredClone(plan)
  edit(copy.changes.find((c) => c.id === id)!)
  return copy
}

describe('digest block', () => {
  test('round-trips through the hidden comment, among other text', () => {
    const digest = digestOf(firstPlan())
    const block = formatDigestBlock(digest)
    expect(block).toMatch(/^<!-- karpenter-action:reviewed-plan [A-Za-z0-9_-]+ -->$/)
    expect(parseDigestBlock(`<!-- karpenter-action:plan cluster=c -->\n${block}\n### Plan\n`)).toEqual(digest)
  })

  test('holds ids, actions and field paths, leaves out no-ops, and never a value', () => {
    const digest = digestOf(firstPlan())
    expect(digest.changes.map((c) => c.id)).not.toContain('namespace:karpenter')
    const helm = digest.changes.find((c) => c.id === 'helm-release:karpenter')!
    expect(helm.fields?.map((f) => f.path)).toEqual(['version', 'values.settings.clusterName', 'values.webhook.token'])
    expect(helm.fields?.[0].h).toMatch(/^[0-9a-f]{10}$/)
    expect(helm.fields?.[2]).toEqual({ path: 'values.webhook.token' })
    const decoded = inflateRawSync(
      Buffer.from(/reviewed-plan (\S+)/.exec(formatDigestBlock(digest))![1], 'base64url'),
    ).toString()
    expect(decoded).not.toContain('hunter2')
    expect(decoded).not.toContain('1.14.1')
  })

  test('stays within its bound: field lists go first, then resources', () => {
    const fat = planOf(
      Array.from({ length: 2000 }, (_, i) =>
        change(`node-pool:pool-${i}`, 'create', {
          fields: Array.from({ length: 10 }, (_, j) =>
            field(`spec.template.spec.requirements[${j}]`, undefined, `${i}:${j}`),
          ),
        }),
      ),
    )
    const digest = digestOf(fat)
    const block = formatDigestBlock(digest, 12_000)
    expect(block.length).toBeLessThanOrEqual(12_000)
    const back = parseDigestBlock(block)!
    expect(back.cut).toBe('changes')
    expect(back.changes.length).toBeGreaterThan(1000)
    expect(back.changes.length).toBeLessThan(2000)
    expect(back.changes[0].fields).toBeUndefined()

    const medium = formatDigestBlock(digestOf(planOf(fat.changes.slice(0, 300))), 12_000)
    expect(parseDigestBlock(medium)).toMatchObject({ cut: 'fields' })
    expect(parseDigestBlock(medium)!.changes).toHaveLength(300)
  })

  test('a missing or mangled block reads as undefined', () => {
    expect(parseDigestBlock('no block')).toBeUndefined()
    expect(parseDigestBlock('<!-- karpenter-action:reviewed-plan bm90IGpzb24 -->')).toBeUndefined()
    const wrongVersion = deflateRawSync(JSON.stringify({ v: 2, planId: 'x', changes: [] })).toString('base64url')
    expect(parseDigestBlock(`<!-- karpenter-action:reviewed-plan ${wrongVersion} -->`)).toBeUndefined()
  })
})

describe('comparePlans', () => {
  test('the same plan: no difference', () => {
    expect(comparePlans(digestOf(firstPlan()), digestOf(firstPlan()))).toEqual([])
  })

  test('a field value that changed, a field that appeared, one that went', () => {
    const reviewed = firstPlan()
    let now = withChange(reviewed, 'node-pool:default', (c) => {
      c.fields = [field('spec.disruption.consolidateAfter', undefined, '5m'), field('spec.weight', undefined, 10)]
    })
    now = withChange(now, 'iam-role:karpenter-role', (c) => {
      c.fields = c.fields.slice(0, 1)
    })
    expect(comparePlans(digestOf(reviewed), digestOf(now)).map(differenceLine)).toEqual([
      '~ iam role karpenter-role: field managedPolicies was in the review, no longer changes',
      '~ node pool default: field spec.disruption.consolidateAfter changes to another value',
      '~ node pool default: field spec.weight changes now, not in the review',
    ])
  })

  test('resources new since the review, no longer planned, or with another action', () => {
    const reviewed = firstPlan()
    const now = structuredClone(reviewed)
    now.changes = now.changes.filter((c) => c.id !== 'sqs-queue:opsfleet-dev-cluster-karpenter')
    now.changes.push(change('ec2-node-class:default', 'create'))
    now.changes.find((c) => c.id === 'instance-profile:opsfleet_dev_karpenter_profile')!.action = 'replace'
    expect(comparePlans(digestOf(reviewed), digestOf(now)).map(differenceLine)).toEqual([
      '~ instance profile opsfleet_dev_karpenter_profile: reviewed as create, now replace',
      '+ ec2 node class default: create is new since the review',
      '- sqs queue opsfleet-dev-cluster-karpenter: reviewed create is no longer planned',
    ])
  })

  test('a resource that was renamed (same id, another name) is a difference', () => {
    const reviewed = firstPlan()
    const now = withChange(reviewed, 'iam-role:karpenter-role', (c) => {
      c.name = 'karpenter-role-v2'
    })
    expect(comparePlans(digestOf(reviewed), digestOf(now)).map(differenceLine)).toEqual([
      '~ iam role karpenter-role-v2: was iam role karpenter-role in the review',
    ])
  })

  test('another cluster or region is a difference of its own', () => {
    const now = { ...firstPlan(), region: 'eu-central-1' }
    expect(comparePlans(digestOf(firstPlan()), digestOf(now))[0].text).toBe(
      'the plan was for opsfleet-dev-cluster in eu-west-1, now for opsfleet-dev-cluster in eu-central-1',
    )
  })

  test('a sensitive value that changed is invisible to the digest (the fingerprint catches it)', () => {
    const reviewed = firstPlan()
    const now = withChange(reviewed, 'helm-release:karpenter', (c) => {
      c.fields[2] = { ...c.fields[2], after: 'another-secret' }
    })
    expect(planFingerprint(now)).not.toBe(planFingerprint(reviewed))
    expect(comparePlans(digestOf(reviewed), digestOf(now))).toEqual([])
  })
})

/** A digest block holding `data` as it is, whatever its shape (what a forged or older comment may carry). */
function blockOf(data: unknown): string {
  return `<!-- karpenter-action:reviewed-plan ${deflateRawSync(JSON.stringify(data)).toString('base64url')} -->`
}

describe('digest block, at its edges', () => {
  test('a block of exactly the bound is kept whole; one character less and the field lists go', () => {
    const digest = digestOf(firstPlan())
    const whole = formatDigestBlock(digest)
    expect(whole.length).toBeLessThan(MAX_DIGEST_CHARS)
    expect(formatDigestBlock(digest, whole.length)).toBe(whole)
    const lean = parseDigestBlock(formatDigestBlock(digest, whole.length - 1))!
    expect(lean.cut).toBe('fields')
    expect(lean.changes.map((c) => c.id)).toEqual(digest.changes.map((c) => c.id))
    expect(lean.changes.every((c) => c.fields === undefined)).toBe(true)
  })

  test('a bound too small for any resource keeps none and ends, marked as cut', () => {
    const block = formatDigestBlock(digestOf(firstPlan()), 10)
    const back = parseDigestBlock(block)!
    expect(back).toMatchObject({ cut: 'changes', changes: [] })
    expect(back.planId).toBe(planFingerprint(firstPlan()))
  })

  test('a block without a plan id or a list of changes is not a digest', () => {
    expect(parseDigestBlock(blockOf({ v: 1, planId: 'p', changes: [] }))).toEqual({ v: 1, planId: 'p', changes: [] })
    expect(parseDigestBlock(blockOf({ v: 1, planId: 7, changes: [] }))).toBeUndefined()
    expect(parseDigestBlock(blockOf({ v: 1, planId: 'p', changes: {} }))).toBeUndefined()
    expect(parseDigestBlock(blockOf(null))).toBeUndefined()
    expect(parseDigestBlock(undefined)).toBeUndefined()
  })

  test('a field hash covers the value before as well as after', () => {
    const reviewed = planOf([change('iam-role:r', 'update', { fields: [field('path', '/', '/k/')] })])
    const now = planOf([change('iam-role:r', 'update', { fields: [field('path', '/old/', '/k/')] })])
    expect(comparePlans(digestOf(reviewed), digestOf(now)).map(differenceLine)).toEqual([
      '~ iam role r: field path changes to another value',
    ])
  })
})

describe('comparePlans, for what a digest may hold', () => {
  test('another cluster alone is a difference too', () => {
    const now = { ...firstPlan(), cluster: 'opsfleet-prod-cluster' }
    expect(comparePlans(digestOf(firstPlan()), digestOf(now))).toEqual([
      {
        id: '(cluster)',
        mark: '~',
        text: 'the plan was for opsfleet-dev-cluster in eu-west-1, now for opsfleet-prod-cluster in eu-west-1',
      },
    ])
  })

  test('a resource of another kind under the same id is a difference', () => {
    const reviewed = firstPlan()
    const now = withChange(reviewed, 'sqs-queue:opsfleet-dev-cluster-karpenter', (c) => {
      c.kind = 'sns topic'
    })
    expect(comparePlans(digestOf(reviewed), digestOf(now)).map(differenceLine)).toEqual([
      '~ sns topic opsfleet-dev-cluster-karpenter: was sqs queue opsfleet-dev-cluster-karpenter in the review',
    ])
  })

  test('a resource with another action is one difference: its fields are not listed on top', () => {
    const reviewed = firstPlan()
    const now = withChange(reviewed, 'node-pool:default', (c) => {
      c.action = 'replace'
      c.fields = [field('spec.weight', undefined, 10)]
    })
    expect(comparePlans(digestOf(reviewed), digestOf(now)).map(differenceLine)).toEqual([
      '~ node pool default: reviewed as create, now replace',
    ])
  })

  test('a digest cut to fewer resources lists no resource as new, but still the ones that went', () => {
    const reviewed: PlanDigest = { ...digestOf(firstPlan()), cut: 'changes' }
    reviewed.changes = reviewed.changes.slice(0, 2)
    const now = digestOf(firstPlan())
    expect(comparePlans(reviewed, now)).toEqual([])
    now.changes = now.changes.slice(1)
    expect(comparePlans(reviewed, now).map(differenceLine)).toEqual([
      '- iam role karpenter-role: reviewed update is no longer planned',
    ])
  })

  test('a digest without field lists compares resources and actions, not fields', () => {
    const lean = (d: PlanDigest): PlanDigest => ({
      ...d,
      cut: 'fields',
      changes: d.changes.map(({ fields: _, ...c }) => c),
    })
    const reviewed = firstPlan()
    const now = withChange(reviewed, 'node-pool:default', (c) => {
      c.fields = [field('spec.weight', undefined, 10)]
    })
    expect(comparePlans(lean(digestOf(reviewed)), digestOf(now))).toEqual([])
    expect(comparePlans(digestOf(reviewed), lean(digestOf(now)))).toEqual([])
    // Resources still count in a lean digest.
    now.changes.push(change('ec2-node-class:default', 'create'))
    expect(comparePlans(lean(digestOf(reviewed)), digestOf(now)).map(differenceLine)).toEqual([
      '+ ec2 node class default: create is new since the review',
    ])
  })

  test('each difference names the resource it is about', () => {
    const reviewed = firstPlan()
    const now = withChange(reviewed, 'node-pool:default', (c) => {
      c.fields = [field('spec.weight', undefined, 10)]
    })
    now.changes = now.changes.filter((c) => c.id !== 'iam-policy:karpenter-policy')
    expect(comparePlans(digestOf(reviewed), digestOf(now)).map((d) => [d.id, d.mark])).toEqual([
      ['node-pool:default', '~'],
      ['node-pool:default', '~'],
      ['iam-policy:karpenter-policy', '-'],
    ])
  })
})

describe('unverifiableFields', () => {
  test('names the sensitive fields, whose values the digest cannot compare, and nothing else', () => {
    expect(unverifiableFields(digestOf(firstPlan()))).toEqual([
      'helm release karpenter: field values.webhook.token (sensitive)',
    ])
    const plain = planOf([change('iam-role:r', 'update', { fields: [field('path', '/', '/k/')] })])
    expect(unverifiableFields(digestOf(plain))).toEqual([])
  })

  test('a digest without field lists names none', () => {
    const digest = digestOf(firstPlan())
    expect(unverifiableFields({ ...digest, changes: digest.changes.map(({ fields: _, ...c }) => c) })).toEqual([])
  })
})
