/**
 * The plan fingerprint is what the reviewed-apply check compares: every part of what a plan would do must change it,
 * and nothing else may. Each case below changes one thing and says which way the fingerprint must go.
 */
import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { planFingerprint } from '../../src/plan/fingerprint.js'
import type { Plan } from '../../src/plan/types.js'
import { change, CLUSTER, field, planOf, REGION } from './pr-fixtures.js'

function base(): Plan {
  return planOf([
    change('iam-role:karpenter-role', 'update', {
      note: 'adopting existing role',
      fields: [field('managedPolicies', ['A'], ['A', 'B']), field('tags.team', 'x', 'y')],
    }),
    change('sqs-queue:opsfleet-dev-cluster-karpenter', 'create', { fields: [field('name', undefined, 'q')] }),
    change('namespace:karpenter', 'noop', { fields: [field('labels.a', '1', '1')] }),
  ])
}

function edited(edit: (p: Plan) => void): Plan {
  const p = structuredClone(base())
  edit(p)
  return p
}

const role = (p: Plan) => p.changes[0]
const noop = (p: Plan) => p.changes[2]

describe('plan fingerprint', () => {
  test('is the first 16 hex digits of sha256 over the canonical plan material', () => {
    const p = base()
    const material = {
      changes: [
        {
          action: 'update',
          fields: [
            { after: ['A', 'B'], before: ['A'], path: 'managedPolicies' },
            { after: 'y', before: 'x', path: 'tags.team' },
          ],
          id: 'iam-role:karpenter-role',
        },
        { action: 'create', fields: [{ after: 'q', path: 'name' }], id: 'sqs-queue:opsfleet-dev-cluster-karpenter' },
      ],
      cluster: CLUSTER,
      region: REGION,
      v: 1,
    }
    const expected = createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 16)
    expect(planFingerprint(p)).toBe(expected)
    expect(planFingerprint(p)).toMatch(/^[0-9a-f]{16}$/)
  })

  test('is the same for the same plan, made again', () => {
    expect(planFingerprint(base())).toBe(planFingerprint(base()))
  })

  const material: [string, (p: Plan) => void][] = [
    ['a field value before the change', (p) => (role(p).fields[1].before = 'other')],
    ['a field value after the change', (p) => (role(p).fields[1].after = 'other')],
    ['a field that now starts from nothing', (p) => (role(p).fields[1].before = undefined)],
    ['a field path', (p) => (role(p).fields[1].path = 'tags.owner')],
    ['a field more', (p) => role(p).fields.push(field('tags.extra', undefined, 'z'))],
    ['the action of a resource', (p) => (role(p).action = 'replace')],
    ['a create that became a delete', (p) => (p.changes[1].action = 'delete')],
    ['the resource id', (p) => (role(p).id = 'iam-role:other-role')],
    ['the cluster', (p) => (p.cluster = 'another-cluster')],
    ['the region', (p) => (p.region = 'us-east-1')],
    ['the plan format', (p) => ((p as { formatVersion: number }).formatVersion = 2)],
    ['a no-op that now changes something', (p) => (noop(p).action = 'update')],
    ['the order of the changes', (p) => p.changes.reverse()],
  ]
  test.each(material)('changes with %s', (_, edit) => {
    expect(planFingerprint(edited(edit))).not.toBe(planFingerprint(base()))
  })

  const presentation: [string, (p: Plan) => void][] = [
    ['the mode', (p) => (p.mode = 'apply')],
    ['warnings', (p) => p.warnings.push('a warning')],
    ['outputs', (p) => (p.outputs = { other: 'x' })],
    ['a note', (p) => (role(p).note = 'another note')],
    ['the detail lines of a field', (p) => (role(p).fields[0].detail = ['+ B'])],
    ['the sensitive flag', (p) => (role(p).fields[0].sensitive = true)],
    ['dependencies', (p) => (role(p).dependsOn = ['x'])],
    ['the summary counts', (p) => (p.summary = { add: 9, change: 9, destroy: 9 })],
    ['a no-op resource more', (p) => p.changes.push(change('namespace:other', 'noop'))],
    ['the fields of a no-op', (p) => (noop(p).fields = [field('labels.b', 'x', 'y')])],
    ['a no-op gone', (p) => p.changes.splice(2, 1)],
  ]
  test.each(presentation)('stays the same with %s', (_, edit) => {
    expect(planFingerprint(edited(edit))).toBe(planFingerprint(base()))
  })

  test('a plan of no-ops only has the fingerprint of an empty plan for the same cluster', () => {
    const noops = planOf([change('namespace:karpenter', 'noop'), change('helm-release:karpenter', 'noop')])
    expect(planFingerprint(noops)).toBe(planFingerprint(planOf([])))
    expect(planFingerprint(planOf([]))).not.toBe(planFingerprint(planOf([], { region: 'us-east-1' })))
  })
})
