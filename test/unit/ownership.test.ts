/**
 * Ownership: what the action created carries its ownership tag (annotation for a namespace); what it adopted does
 * not. A deletion leaves adopted resources and says so; apply changes an adopted role only by what Karpenter needs.
 */
import { describe, expect, it } from '@jest/globals'
import { nodeRoleTrustPolicy, podIdentityTrustPolicy } from '../../src/aws/karpenter-policy.js'
import { statementsOf } from '../../src/aws/policy-document.js'
import { KubeClient } from '../../src/kube/client.js'
import type { KubeObject } from '../../src/kube/types.js'
import { plan } from '../../src/plan/engine.js'
import { resourceId, type Resource } from '../../src/plan/resource.js'
import { IamRole, withStatements, type IamRoleSpec, type IamRoleState } from '../../src/resources/iam-role.js'
import { InstanceProfile } from '../../src/resources/instance-profile.js'
import { Namespace } from '../../src/resources/namespace.js'
import { SqsQueue } from '../../src/resources/sqs-queue.js'
import { CREATED_TAG, LEFT_ADOPTED, managedTags } from '../../src/resources/tags.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'

const session = { region: 'eu-west-1', partition: 'aws' }
const tags = managedTags('opsfleet-dev-cluster')
const created = { ...tags, [CREATED_TAG]: 'true' }
const A = 'arn:aws:iam::aws:policy/A'
const THEIRS = 'arn:aws:iam::123456789012:policy/theirs'

function role(extra: Partial<IamRoleSpec> = {}): IamRole {
  return new IamRole(session, {
    id: resourceId('iam-role', 'node'),
    name: 'karpenter-role',
    path: '/',
    description: '',
    trustPolicy: nodeRoleTrustPolicy('aws'),
    managedPolicyArns: [A],
    permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    tags,
    ...extra,
  })
}

const found = (extra: Partial<IamRoleState> = {}): IamRoleState => ({
  arn: 'arn:aws:iam::123456789012:role/karpenter-role',
  path: '/',
  trustPolicy: JSON.stringify(nodeRoleTrustPolicy('aws')),
  attached: [A],
  tags,
  permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
  ...extra,
})

/** A resource whose read returns `read` (the engine plans it like any other). */
function reading<R>(resource: Resource<R>, read: R): Resource {
  return Object.assign(Object.create(Object.getPrototypeOf(resource)), resource, {
    read: async () => read,
  }) as Resource
}

const destroyPlan = (resources: Resource[]) =>
  plan({ mode: 'destroy', cluster: 'c', region: 'eu-west-1', resources, outputs: {} })

const lambda = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
}

describe('creation carries the ownership tag; adoption never adds it', () => {
  it('a create request has it, the tags added to an adopted role do not', () => {
    const create = role().diff(undefined)
    expect(create.ops[0]).toMatchObject({ op: 'create', input: { tags: { ...tags, [CREATED_TAG]: 'true' } } })
    const adopt = role().diff(found({ tags: { team: 'platform' } }))
    expect(adopt.note).toBe('adopting the existing role')
    const tagOp = adopt.ops.find((o) => o.op === 'tag') as { tags: Record<string, string> }
    expect(tagOp.tags).toEqual(tags)
    expect(tagOp.tags).not.toHaveProperty(CREATED_TAG)
  })
})

describe('apply changes an adopted role only by what Karpenter needs', () => {
  it('its own role: a hand-changed trust policy is put back whole', () => {
    const d = role().diff(found({ tags: created, trustPolicy: JSON.stringify(lambda) }))
    expect(d.ops).toEqual([{ op: 'update-trust-policy', document: JSON.stringify(nodeRoleTrustPolicy('aws')) }])
    expect(d.note).toBeUndefined()
  })

  it('an adopted role keeps its statements and gains only the one Karpenter needs, shown as such', () => {
    const d = role().diff(found({ trustPolicy: encodeURIComponent(JSON.stringify(lambda)) }))
    expect(d.action).toBe('update')
    expect(d.note).toBe('change to an adopted role, not created by this action')
    const op = d.ops.find((o) => o.op === 'update-trust-policy') as { document: string }
    expect(JSON.parse(op.document).Statement).toEqual([
      lambda.Statement[0],
      ...(nodeRoleTrustPolicy('aws').Statement as unknown[]),
    ])
  })

  it('an adopted role that already trusts what Karpenter needs (besides others) is left as it is', () => {
    const both = withStatements(JSON.stringify(lambda), nodeRoleTrustPolicy('aws'))
    const d = role().diff(found({ trustPolicy: JSON.stringify(both) }))
    expect(d.action).toBe('noop')
    expect(d.ops).toEqual([])
    // A statement equal but for its Sid counts as present.
    const named = { Version: '2012-10-17', Statement: [{ ...statementsOf(podIdentityTrustPolicy())[0], Sid: 'Mine' }] }
    expect(withStatements(JSON.stringify(named), podIdentityTrustPolicy())).toEqual(named)
  })

  it('an adopted role keeps its permissions boundary; the action’s own gets the configured one', () => {
    const other = 'arn:aws:iam::123456789012:policy/their-boundary'
    expect(role().diff(found({ permissionsBoundary: other })).ops).toEqual([])
    expect(role().diff(found({ tags: created, permissionsBoundary: other })).ops).toEqual([
      { op: 'put-permissions-boundary', arn: 'arn:aws:iam::123456789012:policy/boundary' },
    ])
  })
})

describe('destroy leaves what the action adopted', () => {
  it('an adopted role is left and the plan says so; its own role is deleted', async () => {
    const { plan: p, steps } = await destroyPlan([reading(role(), found({ attached: [A, THEIRS] }))])
    expect(p.changes).toEqual([expect.objectContaining({ id: 'iam-role.node', action: 'noop', note: LEFT_ADOPTED })])
    expect(steps).toEqual([])
    expect(p.summary.destroy).toBe(0)
    expect(renderText(p)).toContain('iam role karpenter-role  (left: adopted, not created by this action)')
    expect(renderMarkdown(p, { planId: 'x' })).toContain(
      '**Left in place** (1):\n\n- iam role `karpenter-role`: left: adopted, not created by this action',
    )

    const own = await destroyPlan([reading(role(), found({ tags: created }))])
    expect(own.plan.changes[0]).toMatchObject({ action: 'delete' })
    expect(own.steps).toHaveLength(1)
  })

  it('destroyAdopted: true deletes the adopted role too', async () => {
    const { plan: p } = await destroyPlan([reading(role({ destroyAdopted: true }), found())])
    expect(p.changes[0]).toMatchObject({ action: 'delete' })
  })

  it('its own role holding a policy it did not attach is left, naming that policy', async () => {
    const { plan: p, steps } = await destroyPlan([reading(role(), found({ tags: created, attached: [A, THEIRS] }))])
    expect(p.changes[0]).toMatchObject({
      action: 'noop',
      note: `left: holds policies this action did not attach (${THEIRS})`,
    })
    expect(steps).toEqual([])
  })

  it('an adopted instance profile is left; one the action created is deleted', async () => {
    const profile = new InstanceProfile(session, {
      id: resourceId('iam-instance-profile', 'node'),
      name: 'profile',
      path: '/',
      roleName: 'karpenter-role',
      tags,
    })
    const adopted = await destroyPlan([reading(profile, { arn: 'a', roles: ['karpenter-role', 'x'], tags })])
    expect(adopted.plan.changes[0]).toMatchObject({ action: 'noop', note: LEFT_ADOPTED })
    const own = await destroyPlan([reading(profile, { arn: 'a', roles: ['karpenter-role'], tags: created })])
    expect(own.plan.changes[0]).toMatchObject({ action: 'delete' })
  })

  it('an interruption queue the config no longer wants is deleted only when the action created it', async () => {
    const queue = new SqsQueue(session, {
      id: resourceId('sqs-queue', 'interruption'),
      name: 'q',
      attributes: {},
      policy: { Statement: [] },
      tags,
      wanted: false,
    })
    const apply = (read: unknown) =>
      plan({ mode: 'apply', cluster: 'c', region: 'r', resources: [reading(queue, read)], outputs: {} })
    expect((await apply({ url: 'u', attributes: {}, tags })).plan.changes[0]).toMatchObject({
      action: 'noop',
      note: LEFT_ADOPTED,
    })
    expect((await apply({ url: 'u', attributes: {}, tags: created })).plan.changes[0]).toMatchObject({
      action: 'delete',
    })
  })
})

describe('namespace', () => {
  const namespace = (destroyAdopted = false) =>
    new Namespace(new KubeClient('/nonexistent/kubeconfig'), {
      id: resourceId('namespace', 'karpenter'),
      name: 'karpenter',
      timeout: '1m',
      keepOnDestroy: false,
      destroyAdopted,
    })
  const ns = (annotations?: Record<string, string>, labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'karpenter', ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
  })
  const label = { 'app.kubernetes.io/managed-by': 'karpenter-action' }

  it('created with the ownership annotation; adopted with the label only', () => {
    const create = namespace().diff(undefined)
    expect(create.ops[0].object.metadata.annotations).toEqual({ [CREATED_TAG]: 'true' })
    const adopt = namespace().diff(ns())
    expect(adopt.note).toBe('adopting the existing namespace')
    expect(adopt.ops[0].object.metadata).toEqual({ name: 'karpenter', labels: label })
  })

  it('a shared namespace (not created by the action) is left by destroy; its own is deleted', async () => {
    const shared = await destroyPlan([reading(namespace(), ns(undefined, label))])
    expect(shared.plan.changes[0]).toMatchObject({ action: 'noop', note: LEFT_ADOPTED })
    expect(shared.steps).toEqual([])
    const own = await destroyPlan([reading(namespace(), ns({ [CREATED_TAG]: 'true' }, label))])
    expect(own.plan.changes[0]).toMatchObject({ action: 'delete' })
    const forced = await destroyPlan([reading(namespace(true), ns(undefined, label))])
    expect(forced.plan.changes[0]).toMatchObject({ action: 'delete' })
  })
})
