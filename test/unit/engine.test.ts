import { describe, expect, it } from '@jest/globals'
import { applyPlan, dependencyOrder, movedSince, plan, type Step } from '../../src/plan/engine.js'
import { decide, resourceId, type Decision, type Resource, type ResourceId } from '../../src/plan/resource.js'
import { field } from '../../src/plan/fields.js'
import { planFingerprint } from '../../src/plan/fingerprint.js'
import { renderText } from '../../src/report/text.js'

type SetValue = { op: 'set'; value: string }

/** An in-memory resource: its "world" is a Map, so the engine's ordering and failure handling can be observed. */
class Thing implements Resource<string | undefined, SetValue> {
  kind = 'thing'
  wanted = true
  keepOnDestroy = false
  readonly id: ResourceId
  readonly dependsOn: ResourceId[]
  constructor(
    id: string,
    dependsOn: string[],
    private world: Map<string, string>,
    private want: string,
    private log: string[],
    private failOn?: string,
  ) {
    this.id = id as ResourceId
    this.dependsOn = dependsOn as ResourceId[]
  }
  get name() {
    return this.id
  }
  async read() {
    return this.world.get(this.id)
  }
  exists(actual: string | undefined) {
    return actual !== undefined
  }
  diff(actual: string | undefined): Decision<SetValue> {
    const fields = actual === this.want ? [] : [field('value', actual, this.want)]
    return decide(actual !== undefined, fields, [{ op: 'set', value: this.want }])
  }
  async apply(ops: readonly SetValue[]) {
    await new Promise((r) => setTimeout(r, 5))
    if (this.failOn === 'apply') throw new Error(`${this.id} broke`)
    this.log.push(`apply ${this.id}`)
    for (const op of ops) this.world.set(this.id, op.value)
  }
  async destroy() {
    this.log.push(`destroy ${this.id}`)
    this.world.delete(this.id)
  }
}

function world(entries: [string, string][] = []) {
  return new Map(entries)
}

describe('engine', () => {
  it('orders by dependency and refuses cycles and unknown dependencies', () => {
    const w = world()
    const log: string[] = []
    const a = new Thing('a', ['b'], w, '1', log)
    const b = new Thing('b', ['c'], w, '1', log)
    const c = new Thing('c', [], w, '1', log)
    expect(dependencyOrder([a, b, c]).map((r) => r.id)).toEqual(['c', 'b', 'a'])
    expect(() => dependencyOrder([new Thing('x', ['y'], w, '', log), new Thing('y', ['x'], w, '', log)])).toThrow(
      /cycle: x -> y -> x/,
    )
    expect(() => dependencyOrder([new Thing('x', ['nope'], w, '', log)])).toThrow(/depends on nope/)
  })

  it('plans creates, updates and no-ops, and applies in dependency order', async () => {
    const w = world([
      ['role', 'old'],
      ['ns', 'ok'],
    ])
    const log: string[] = []
    const resources = [
      new Thing('profile', ['role'], w, 'p', log),
      new Thing('role', [], w, 'new', log),
      new Thing('ns', [], w, 'ok', log),
    ]
    const { plan: p, steps } = await plan({ mode: 'apply', cluster: 'c', region: 'r', resources, outputs: {} })
    expect(p.changes.map((c) => [c.id, c.action])).toEqual([
      ['role', 'update'],
      ['profile', 'create'],
      ['ns', 'noop'],
    ])
    expect(p.summary).toEqual({ add: 1, change: 1, destroy: 0 })
    expect(renderText(p)).toContain('Plan: 1 to add, 1 to change, 0 to destroy.')
    expect(renderText(p)).toContain('  ~ thing role\n        ~ value: "old" -> "new"')
    const results = await applyPlan(steps, resources)
    expect(results.every((r) => r.status === 'done')).toBe(true)
    expect(log).toEqual(['apply role', 'apply profile'])
    const again = await plan({ mode: 'apply', cluster: 'c', region: 'r', resources, outputs: {} })
    expect(again.plan.summary).toEqual({ add: 0, change: 0, destroy: 0 })
    expect(renderText(again.plan)).toBe('No changes. The cluster matches the configuration.')
  })

  it('stops after a failure and reports the rest as not started', async () => {
    const w = world()
    const log: string[] = []
    const resources = [
      new Thing('a', [], w, '1', log, 'apply'),
      new Thing('b', ['a'], w, '1', log),
      new Thing('c', [], w, '1', log),
    ]
    const { steps } = await plan({ mode: 'apply', cluster: 'c', region: 'r', resources, outputs: {} })
    const results = await applyPlan(steps, resources)
    expect(results.find((r) => r.id === 'a')).toMatchObject({ status: 'failed', error: 'a broke' })
    expect(results.find((r) => r.id === 'c')).toMatchObject({ status: 'done' })
    expect(results.find((r) => r.id === 'b')).toMatchObject({ status: 'skipped' })
    expect(w.has('b')).toBe(false)
  })

  it('starts each step once what it depends on is done, not once a whole level is', async () => {
    const w = world()
    const log: string[] = []
    // slow and fast are independent; after waits for fast only, last for slow and after.
    const slow = Object.assign(new Thing('slow', [], w, '1', log), {
      apply: async () => {
        await new Promise((r) => setTimeout(r, 60))
        log.push('apply slow')
        w.set('slow', '1')
      },
    })
    const resources = [
      slow,
      new Thing('fast', [], w, '1', log),
      new Thing('after', ['fast'], w, '1', log),
      new Thing('last', ['slow', 'after'], w, '1', log),
    ]
    const { steps } = await plan({ mode: 'apply', cluster: 'c', region: 'r', resources, outputs: {} })
    const results = await applyPlan(steps, resources)
    expect(log).toEqual(['apply fast', 'apply after', 'apply slow', 'apply last'])
    // Results in a fixed order (by depth, then as planned), not in the order they ended.
    expect(results.map((r) => [r.id, r.status])).toEqual(['slow', 'fast', 'after', 'last'].map((id) => [id, 'done']))
  })

  it('starts nothing after a failure: a step waiting for a running one is skipped', async () => {
    const w = world()
    const log: string[] = []
    const slow = Object.assign(new Thing('slow', [], w, '1', log), {
      apply: async () => {
        await new Promise((r) => setTimeout(r, 40))
        log.push('apply slow')
      },
    })
    const resources = [slow, new Thing('broken', [], w, '1', log, 'apply'), new Thing('next', ['slow'], w, '1', log)]
    const { steps } = await plan({ mode: 'apply', cluster: 'c', region: 'r', resources, outputs: {} })
    const results = await applyPlan(steps, resources)
    expect(Object.fromEntries(results.map((r) => [r.id, r.status]))).toEqual({
      slow: 'done',
      broken: 'failed',
      next: 'skipped',
    })
    expect(log).toEqual(['apply slow'])
  })

  it('destroys in reverse dependency order and keeps what must be kept', async () => {
    const w = world([
      ['a', '1'],
      ['b', '1'],
      ['c', '1'],
    ])
    const log: string[] = []
    const kept = Object.assign(new Thing('c', [], w, '1', log), { keepOnDestroy: true })
    const resources = [new Thing('b', ['a'], w, '1', log), new Thing('a', [], w, '1', log), kept]
    const { plan: p, steps } = await plan({ mode: 'destroy', cluster: 'c', region: 'r', resources, outputs: {} })
    expect(p.summary).toEqual({ add: 0, change: 0, destroy: 2 })
    await applyPlan(steps, resources)
    expect(log).toEqual(['destroy b', 'destroy a'])
    expect(w.has('c')).toBe(true)
  })

  it('leaves out what is absent and stays absent', async () => {
    const log: string[] = []
    const gone = Object.assign(new Thing('slot', [], world(), '1', log), { wanted: false })
    const kept = new Thing('kept', [], world([['kept', '1']]), '1', log)
    const { plan: p } = await plan({ mode: 'apply', cluster: 'c', region: 'r', resources: [gone, kept], outputs: {} })
    expect(p.changes.map((c) => c.id)).toEqual(['kept'])
    const destroyed = await plan({ mode: 'destroy', cluster: 'c', region: 'r', resources: [gone, kept], outputs: {} })
    expect(destroyed.plan.changes.map((c) => [c.id, c.action])).toEqual([['kept', 'delete']])
  })

  it('fingerprints what a plan would change, not how it is shown', async () => {
    const log: string[] = []
    const mk = (value: string) => [
      new Thing('a', [], world([['a', 'x']]), value, log),
      new Thing('n', [], world([['n', 'k']]), 'k', log),
    ]
    const p1 = (await plan({ mode: 'plan', cluster: 'c', region: 'r', resources: mk('y'), outputs: {} })).plan
    const p2 = (
      await plan({ mode: 'apply', cluster: 'c', region: 'r', resources: mk('y'), outputs: {}, warnings: ['w'] })
    ).plan
    const p3 = (await plan({ mode: 'plan', cluster: 'c', region: 'r', resources: mk('z'), outputs: {} })).plan
    expect(planFingerprint(p1)).toBe(planFingerprint(p2))
    expect(planFingerprint(p1)).not.toBe(planFingerprint(p3))
    expect(planFingerprint(p1)).toMatch(/^[0-9a-f]{16}$/)
  })

  it('applies exactly the planned operations, also from a plan that went through JSON to a fresh set of resources', async () => {
    const log: string[] = []
    const make = (w: Map<string, string>, want: string) => [
      new Thing('a', [], w, want, log),
      new Thing('b', ['a'], w, want, log),
    ]
    const inProcess = world([['a', 'old']])
    const planned = await plan({
      mode: 'apply',
      cluster: 'c',
      region: 'r',
      resources: make(inProcess, 'v1'),
      outputs: {},
    })
    expect(planned.steps).toEqual([
      { id: 'a', action: 'update', ops: [{ op: 'set', value: 'v1' }] },
      { id: 'b', action: 'create', ops: [{ op: 'set', value: 'v1' }] },
    ])
    // The serialized plan, applied elsewhere by resources built again: even ones that would now plan another value
    // run what was planned, nothing re-derived.
    const steps = JSON.parse(JSON.stringify(planned.steps)) as Step[]
    const elsewhere = world([['a', 'old']])
    const results = await applyPlan(steps, make(elsewhere, 'v2'))
    expect(results.map((r) => r.status)).toEqual(['done', 'done'])
    await applyPlan(planned.steps, make(inProcess, 'v1'))
    expect([...elsewhere]).toEqual([...inProcess])
    expect([...elsewhere]).toEqual([
      ['a', 'v1'],
      ['b', 'v1'],
    ])
  })

  it('tells what happens while applying through onEvent, and refuses a step for an unknown resource', async () => {
    const w = world()
    const resources = [new Thing('a', [], w, '1', []), new Thing('b', [], w, '1', [], 'apply')]
    const { steps } = await plan({ mode: 'apply', cluster: 'c', region: 'r', resources, outputs: {} })
    const events: string[] = []
    await applyPlan(steps, resources, { onEvent: (e) => events.push(`${e.type} ${e.id}`) })
    expect(events.sort()).toEqual(['done a', 'failed b', 'started a', 'started b'])
    const stray: Step = { id: resourceId('thing', 'gone'), action: 'create', ops: [] }
    await expect(applyPlan([stray], resources)).rejects.toThrow(/thing.gone, which is not a resource/)
  })
})

/** A Thing that confirms its read by a version number, the way Kubernetes objects do with resourceVersion. */
class VersionedThing extends Thing {
  constructor(
    id: string,
    w: Map<string, string>,
    private versions: Map<string, number>,
    log: string[],
  ) {
    super(id, [], w, 'want', log)
  }
  override async read() {
    const v = await super.read()
    return v === undefined ? undefined : `${v}@${this.versions.get(this.id) ?? 0}`
  }
  async unchanged(read: string | undefined) {
    this.reads.push(this.id)
    const now = await super.read()
    return now === undefined ? read === undefined : read === `${now}@${this.versions.get(this.id) ?? 0}`
  }
  readonly reads: string[] = []
}

describe('confirming a plan under the lock', () => {
  const input = (resources: Resource[]) => ({
    mode: 'apply' as const,
    cluster: 'c',
    region: 'r',
    resources,
    outputs: {},
  })

  it('finds nothing moved when nothing changed, asking the cheap look where there is one', async () => {
    const w = world([['a', 'old']])
    const versions = new Map([['b', 1]])
    const log: string[] = []
    const a = new Thing('a', [], w, 'new', log)
    const b = new VersionedThing('b', w, versions, log)
    w.set('b', 'x')
    const resources = [a, b]
    const planned = await plan(input(resources))
    expect(await movedSince(planned, resources)).toEqual([])
    expect(b.reads).toEqual(['b'])
  })

  it('detects a change between the plan and the lock: a value read again, a version, a thing created meanwhile', async () => {
    const w = world([
      ['a', 'old'],
      ['b', 'x'],
    ])
    const versions = new Map([['b', 1]])
    const log: string[] = []
    const a = new Thing('a', [], w, 'new', log)
    const b = new VersionedThing('b', w, versions, log)
    const c = new VersionedThing('c', w, versions, log)
    const d = new Thing('d', [], w, 'new', log)
    const resources = [a, b, c, d]
    const planned = await plan(input(resources))
    w.set('a', 'changed by someone else') // no cheap look: read again and compared
    versions.set('b', 2) // same value, new version: moved all the same
    w.set('c', 'created meanwhile')
    expect((await movedSince(planned, resources)).map((r) => r.id)).toEqual(['a', 'b', 'c'])
  })

  it('counts a resource whose look fails, or that the plan never read, as moved', async () => {
    const w = world([['a', 'v']])
    const log: string[] = []
    const a = new Thing('a', [], w, 'v', log)
    const planned = await plan(input([a]))
    const late = new Thing('late', [], w, 'v', log)
    const broken = new Thing('a', [], w, 'v', log)
    broken.read = async () => {
      throw new Error('throttled')
    }
    expect((await movedSince(planned, [late])).map((r) => r.id)).toEqual(['late'])
    expect((await movedSince(planned, [broken])).map((r) => r.id)).toEqual(['a'])
  })
})
