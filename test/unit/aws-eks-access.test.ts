/**
 * EKS access entries and Pod Identity associations. moto does not serve these APIs, so they are tested
 * here against a local stand-in that implements the documented REST requests and JSON answers of the EKS
 * API reference (CreateAccessEntry, DescribeAccessEntry, DeleteAccessEntry, CreatePodIdentityAssociation,
 * ListPodIdentityAssociations, DescribePodIdentityAssociation, UpdatePodIdentityAssociation,
 * DeletePodIdentityAssociation, TagResource) and checks every request body it gets. The real SDK
 * serializes the requests and parses the answers, error shapes included.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AwsSession } from '../../src/aws/clients.js'
import { ids } from '../../src/graph.js'
import { applyPlan, plan, type Step } from '../../src/plan/engine.js'
import type { Resource } from '../../src/plan/resource.js'
import { AccessEntry } from '../../src/resources/access-entry.js'
import { PodIdentityAssociation } from '../../src/resources/pod-identity.js'
import { managedTags } from '../../src/resources/tags.js'

const CLUSTER = 'opsfleet-dev-cluster'
const ACCOUNT = '123456789012'
const NODE_ROLE = `arn:aws:iam::${ACCOUNT}:role/karpenter-role`
const CONTROLLER_ROLE = `arn:aws:iam::${ACCOUNT}:role/karpenter-controller`
const tags = managedTags(CLUSTER)

interface Entry {
  clusterName: string
  principalArn: string
  kubernetesGroups: string[]
  accessEntryArn: string
  createdAt: number
  modifiedAt: number
  tags: Record<string, string>
  username: string
  type: string
}
interface Association {
  clusterName: string
  namespace: string
  serviceAccount: string
  roleArn: string
  associationArn: string
  associationId: string
  tags: Record<string, string>
  createdAt: number
  modifiedAt: number
}

const world = { entries: new Map<string, Entry>(), associations: new Map<string, Association>() }
const requests: { method: string; path: string; body: Record<string, unknown> }[] = []
let server: Server
let session: AwsSession

function send(res: ServerResponse, status: number, body: unknown, errorType?: string) {
  res.statusCode = status
  res.setHeader('content-type', 'application/json')
  if (errorType) res.setHeader('x-amzn-errortype', errorType)
  res.end(JSON.stringify(body))
}

function fail(res: ServerResponse, status: number, type: string, message: string) {
  send(res, status, { message }, type)
}

/** A field the reference marks as required is missing or of the wrong kind. */
function invalid(body: Record<string, unknown>, required: Record<string, 'string' | 'object'>): string | undefined {
  for (const [k, kind] of Object.entries(required)) if (typeof body[k] !== kind) return `${k} is required`
  return undefined
}

let nextId = 1

function handle(
  method: string,
  path: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
  res: ServerResponse,
) {
  let m: RegExpMatchArray | null
  const now = Date.now() / 1000
  if ((m = path.match(/^\/clusters\/([^/]+)\/access-entries$/)) && method === 'POST') {
    const bad = invalid(body, { principalArn: 'string', clientRequestToken: 'string' })
    if (bad) return fail(res, 400, 'InvalidParameterException', bad)
    const type = (body.type as string) ?? 'STANDARD'
    if (
      !['STANDARD', 'FARGATE_LINUX', 'EC2_LINUX', 'EC2_WINDOWS', 'EC2', 'HYBRID_LINUX', 'HYPERPOD_LINUX'].includes(type)
    )
      return fail(res, 400, 'InvalidParameterException', `type ${type} is not valid`)
    if (world.entries.has(body.principalArn as string))
      return fail(
        res,
        409,
        'ResourceInUseException',
        'The specified access entry resource is already in use on this cluster.',
      )
    const entry: Entry = {
      clusterName: m[1],
      principalArn: body.principalArn as string,
      kubernetesGroups: type === 'EC2_LINUX' ? [] : ((body.kubernetesGroups as string[]) ?? []),
      accessEntryArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/${m[1]}/role/${ACCOUNT}/karpenter-role/${nextId++}`,
      createdAt: now,
      modifiedAt: now,
      tags: (body.tags as Record<string, string>) ?? {},
      username: type === 'EC2_LINUX' ? 'system:node:{{EC2PrivateDNSName}}' : ((body.username as string) ?? ''),
      type,
    }
    world.entries.set(entry.principalArn, entry)
    return send(res, 200, { accessEntry: entry })
  }
  if ((m = path.match(/^\/clusters\/([^/]+)\/access-entries\/([^/]+)$/))) {
    const entry = world.entries.get(decodeURIComponent(m[2]))
    if (!entry)
      return fail(res, 404, 'ResourceNotFoundException', 'The specified access entry resource could not be found.')
    if (method === 'GET') return send(res, 200, { accessEntry: entry })
    if (method === 'DELETE') {
      world.entries.delete(entry.principalArn)
      return send(res, 200, {})
    }
  }
  if ((m = path.match(/^\/clusters\/([^/]+)\/pod-identity-associations$/))) {
    if (method === 'POST') {
      const bad = invalid(body, {
        namespace: 'string',
        serviceAccount: 'string',
        roleArn: 'string',
        clientRequestToken: 'string',
      })
      if (bad) return fail(res, 400, 'InvalidParameterException', bad)
      const taken = [...world.associations.values()].some(
        (a) => a.namespace === body.namespace && a.serviceAccount === body.serviceAccount,
      )
      if (taken) return fail(res, 409, 'ResourceInUseException', 'Association already exists')
      const id = `a-${String(nextId++).padStart(17, '0')}`
      const a: Association = {
        clusterName: m[1],
        namespace: body.namespace as string,
        serviceAccount: body.serviceAccount as string,
        roleArn: body.roleArn as string,
        associationArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:podidentityassociation/${m[1]}/${id}`,
        associationId: id,
        tags: (body.tags as Record<string, string>) ?? {},
        createdAt: now,
        modifiedAt: now,
      }
      world.associations.set(id, a)
      return send(res, 200, { association: a })
    }
    if (method === 'GET') {
      const associations = [...world.associations.values()]
        .filter(
          (a) =>
            (!query.get('namespace') || a.namespace === query.get('namespace')) &&
            (!query.get('serviceAccount') || a.serviceAccount === query.get('serviceAccount')),
        )
        .map(({ clusterName, namespace, serviceAccount, associationArn, associationId }) => ({
          clusterName,
          namespace,
          serviceAccount,
          associationArn,
          associationId,
        }))
      return send(res, 200, { associations })
    }
  }
  if ((m = path.match(/^\/clusters\/([^/]+)\/pod-identity-associations\/([^/]+)$/))) {
    const a = world.associations.get(m[2])
    if (!a) return fail(res, 404, 'ResourceNotFoundException', 'Association not found')
    if (method === 'GET') return send(res, 200, { association: a })
    if (method === 'POST') {
      if (typeof body.clientRequestToken !== 'string')
        return fail(res, 400, 'InvalidParameterException', 'clientRequestToken')
      if (body.roleArn) a.roleArn = body.roleArn as string
      a.modifiedAt = now
      return send(res, 200, { association: a })
    }
    if (method === 'DELETE') {
      world.associations.delete(a.associationId)
      return send(res, 200, { association: a })
    }
  }
  if ((m = path.match(/^\/tags\/(.+)$/)) && method === 'POST') {
    const arn = decodeURIComponent(m[1])
    const target =
      [...world.entries.values()].find((e) => e.accessEntryArn === arn) ??
      [...world.associations.values()].find((a) => a.associationArn === arn)
    if (!target) return fail(res, 404, 'NotFoundException', `no resource ${arn}`)
    if (typeof body.tags !== 'object') return fail(res, 400, 'BadRequestException', 'tags is required')
    Object.assign(target.tags, body.tags)
    return send(res, 200, {})
  }
  fail(res, 404, 'NotFoundException', `stand-in has no route for ${method} ${path}`)
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let text = ''
    req.on('data', (c: Buffer) => (text += c.toString()))
    req.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {}))
  })
}

const saved = { ...process.env }

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://stand-in')
      requests.push({ method: req.method ?? '', path: url.pathname, body })
      handle(req.method ?? '', url.pathname, url.searchParams, body, res)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
  // Own credentials: a client of its own, pointed at the stand-in.
  session = { region: 'eu-west-1', partition: 'aws', credentials: { accessKeyId: 'UNITEKS', secretAccessKey: 'x' } }
})

afterAll(async () => {
  process.env = saved
  await new Promise((r) => server.close(r))
})

beforeEach(() => {
  world.entries.clear()
  world.associations.clear()
  requests.length = 0
})

const entry = () =>
  new AccessEntry(session, {
    id: ids.accessEntry,
    clusterName: CLUSTER,
    principalArn: NODE_ROLE,
    roleName: 'karpenter-role',
    tags,
    dependsOn: [],
  })

const association = (roleArn = CONTROLLER_ROLE) =>
  new PodIdentityAssociation(session, {
    id: ids.podIdentity,
    clusterName: CLUSTER,
    namespace: 'karpenter',
    serviceAccount: 'karpenter',
    roleArn,
    tags,
    dependsOn: [],
  })

async function run(mode: 'apply' | 'destroy', resource: AccessEntry | PodIdentityAssociation) {
  const result = await plan({ mode, cluster: CLUSTER, region: 'eu-west-1', resources: [resource], outputs: {} })
  const results = await applyPlan(result.steps, [resource])
  for (const r of results) if (r.status === 'failed') throw new Error(r.error)
  return result.plan.changes[0]
}

describe('EKS access entry (EC2_LINUX)', () => {
  it('is created with the documented request, then is no change, then is deleted', async () => {
    const created = await run('apply', entry())
    expect(created.action).toBe('create')
    const create = requests.find((r) => r.method === 'POST')!
    expect(create.path).toBe(`/clusters/${CLUSTER}/access-entries`)
    expect(create.body).toMatchObject({ principalArn: NODE_ROLE, type: 'EC2_LINUX', tags })
    expect(typeof create.body.clientRequestToken).toBe('string')
    expect(world.entries.get(NODE_ROLE)?.username).toBe('system:node:{{EC2PrivateDNSName}}')

    expect((await run('apply', entry())).action).toBe('noop')
    const deleted = await run('destroy', entry())
    expect(deleted.action).toBe('delete')
    expect(requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/clusters/${CLUSTER}/access-entries/${encodeURIComponent(NODE_ROLE)}`,
    })
    expect(world.entries.size).toBe(0)
  })

  it('adopts an existing EC2_LINUX entry by tagging it, and replaces one of another type', async () => {
    const now = Date.now() / 1000
    const made = {
      clusterName: CLUSTER,
      principalArn: NODE_ROLE,
      kubernetesGroups: [],
      accessEntryArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/${CLUSTER}/role/x/1`,
      createdAt: now,
      modifiedAt: now,
      tags: { owner: 'terraform' },
      username: 'system:node:{{EC2PrivateDNSName}}',
      type: 'EC2_LINUX',
    }
    world.entries.set(NODE_ROLE, { ...made })
    const adopted = await run('apply', entry())
    expect(adopted).toMatchObject({ action: 'update', note: 'adopting the existing access entry' })
    expect(adopted.fields.map((f) => f.path)).toEqual(['tags'])
    expect(world.entries.get(NODE_ROLE)?.tags).toEqual({ owner: 'terraform', ...tags })
    expect(world.entries.get(NODE_ROLE)?.createdAt).toBe(now) // not recreated

    world.entries.set(NODE_ROLE, { ...made, type: 'STANDARD', tags })
    const replaced = await run('apply', entry())
    expect(replaced.action).toBe('replace')
    expect(replaced.fields[0]).toMatchObject({
      path: 'type',
      before: 'STANDARD',
      after: 'EC2_LINUX',
      forcesReplacement: true,
    })
    expect(world.entries.get(NODE_ROLE)?.type).toBe('EC2_LINUX')
  })

  it('continues when the entry appeared between plan and apply', async () => {
    const r = entry()
    const planned = await plan({ mode: 'apply', cluster: CLUSTER, region: 'eu-west-1', resources: [r], outputs: {} })
    await entry().apply(entry().diff(undefined).ops) // someone else, meanwhile
    const results = await applyPlan(planned.steps, [r])
    expect(results[0].status).toBe('done')
    expect(world.entries.size).toBe(1)
  })
})

describe('EKS Pod Identity association', () => {
  it('is created for karpenter/karpenter with the controller role, then is no change, then is deleted', async () => {
    expect((await run('apply', association())).action).toBe('create')
    const create = requests.find((r) => r.method === 'POST')!
    expect(create.path).toBe(`/clusters/${CLUSTER}/pod-identity-associations`)
    expect(create.body).toMatchObject({
      namespace: 'karpenter',
      serviceAccount: 'karpenter',
      roleArn: CONTROLLER_ROLE,
      tags,
    })
    expect((await run('apply', association())).action).toBe('noop')
    expect((await run('destroy', association())).action).toBe('delete')
    expect(world.associations.size).toBe(0)
  })

  it('points an existing association at the controller role in place', async () => {
    await run('apply', association(`arn:aws:iam::${ACCOUNT}:role/old`))
    const id = [...world.associations.keys()][0]
    const change = await run('apply', association())
    expect(change.action).toBe('update')
    expect(change.fields).toEqual([
      { path: 'roleArn', before: `arn:aws:iam::${ACCOUNT}:role/old`, after: CONTROLLER_ROLE },
    ])
    expect(requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/clusters/${CLUSTER}/pod-identity-associations/${id}`,
    })
    expect(world.associations.get(id)?.roleArn).toBe(CONTROLLER_ROLE)
  })
})

describe('a plan applied from its JSON by resources built again', () => {
  /** Plans an update of the association and a new access entry, then applies the plan, in-process or from JSON. */
  async function outcome(fromJson: boolean) {
    world.entries.clear()
    world.associations.clear()
    nextId = 1
    await run('apply', association(`arn:aws:iam::${ACCOUNT}:role/old`))
    requests.length = 0
    const resources: Resource[] = [association(), entry()]
    const planned = await plan({ mode: 'apply', cluster: CLUSTER, region: 'eu-west-1', resources, outputs: {} })
    const steps = fromJson ? (JSON.parse(JSON.stringify(planned.steps)) as Step[]) : planned.steps
    const results = await applyPlan(steps, fromJson ? [association(), entry()] : resources)
    return {
      changes: planned.plan.changes.map((c) => [c.id, c.action]),
      results: results.map((r) => [r.id, r.status]),
      // Every request but its idempotency token (a fresh one each time, by design).
      requests: requests.map(({ method, path, body: { clientRequestToken: _, ...body } }) => ({ method, path, body })),
      entries: [...world.entries.values()].map(({ createdAt: _, modifiedAt: __, ...e }) => e),
      associations: [...world.associations.values()].map(({ createdAt: _, modifiedAt: __, ...a }) => a),
    }
  }

  it('makes the same requests and leaves the same state as the plan applied where it was made', async () => {
    const inProcess = await outcome(false)
    const fromJson = await outcome(true)
    expect(fromJson).toEqual(inProcess)
    expect(inProcess.changes).toEqual([
      [ids.podIdentity, 'update'],
      [ids.accessEntry, 'create'],
    ])
    const writes = inProcess.requests.filter((r) => r.method !== 'GET')
    expect(writes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      [
        `POST /clusters/${CLUSTER}/access-entries`,
        `POST /clusters/${CLUSTER}/pod-identity-associations/a-00000000000000001`,
      ].sort(),
    )
    expect(inProcess.associations.map((a) => a.roleArn)).toEqual([CONTROLLER_ROLE])
    expect(inProcess.entries.map((e) => [e.principalArn, e.type])).toEqual([[NODE_ROLE, 'EC2_LINUX']])
  })
})
