/**
 * The engine: plans (reads every resource, asks each for its Decision) and applies (runs the planned Steps in
 * dependency order). It knows nothing of AWS, Kubernetes or GitHub, and logs nothing: what happens while applying is
 * told through `onEvent`, and the pipeline renders it.
 */
import { deepEqual } from '../json.js'
import { ActionFailure, errorMessage, failureReasonOf } from '../outcome.js'
import { redactFields } from './redact.js'
import type { Decision, Resource, ResourceId } from './resource.js'
import type { Change, ChangeAction, ChangeResult, EngineEvent, Mode, Plan } from './types.js'

/** The plan could not be made (reason `plan`, or the reason of the failure that stopped it). */
export class PlanError extends ActionFailure {
  constructor(message: string, options?: { cause?: unknown }) {
    const cause = options?.cause
    super(cause instanceof ActionFailure ? failureReasonOf(cause) : 'plan', message, options)
    this.name = 'PlanError'
  }
}

/**
 * One change to carry out, as plain JSON: what the plan decided for one resource. `ops` are the resource's own
 * typed operations (the ones the reviewer's plan shows); `prior` is what the read found, for a delete or replace.
 */
export interface Step {
  id: ResourceId
  action: ChangeAction
  ops: unknown[]
  prior?: unknown
}

export interface PlanResult {
  /** What every view shows (log, job summary, comment, outputs, the reviewed-plan check). */
  plan: Plan
  /** What an apply runs: only the resources that change, in dependency order. */
  steps: Step[]
  /** What each resource's read found, by id (not part of the plan): what movedSince() confirms under the lock. */
  reads: ReadonlyMap<ResourceId, unknown>
}

export interface PlanInput {
  mode: Mode
  cluster: string
  region: string
  resources: Resource[]
  outputs: Record<string, string>
  warnings?: string[]
  /** Reads already under way, by resource id (the graph starts them early); the others are started here. */
  started?: ReadonlyMap<ResourceId, Promise<unknown>>
}

/** Resources sorted so that each comes after what it depends on. Throws on unknown ids and cycles. */
export function dependencyOrder<R extends Resource>(resources: R[]): R[] {
  const byId = new Map(resources.map((r) => [r.id, r]))
  if (byId.size !== resources.length) throw new PlanError('two resources share an id')
  const out: R[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (r: R, trail: string[]) => {
    const s = state.get(r.id)
    if (s === 'done') return
    if (s === 'visiting') throw new PlanError(`dependency cycle: ${[...trail, r.id].join(' -> ')}`)
    state.set(r.id, 'visiting')
    for (const dep of r.dependsOn) {
      const d = byId.get(dep)
      if (!d) throw new PlanError(`${r.id} depends on ${dep}, which is not a resource`)
      visit(d, [...trail, r.id])
    }
    state.set(r.id, 'done')
    out.push(r)
  }
  for (const r of resources) visit(r, [])
  return out
}

/** Reads every resource concurrently and decides what to do with each. Changes nothing. */
export async function plan(input: PlanInput): Promise<PlanResult> {
  const ordered = dependencyOrder(input.resources)
  const reads = await Promise.all(
    ordered.map((r) =>
      (input.started?.get(r.id) ?? r.read()).catch((e: unknown) => {
        throw new PlanError(`reading ${r.kind} ${r.name} failed: ${errorMessage(e)}`, { cause: e })
      }),
    ),
  )
  const decided = ordered.map((resource, i) => {
    const read = reads[i]
    const exists = resource.exists(read)
    try {
      let decision: Decision
      if (input.mode === 'destroy' || !resource.wanted) {
        const gone = !exists || (input.mode === 'destroy' && resource.keepOnDestroy)
        const kept = gone ? undefined : resource.keep?.(read)
        decision = { action: gone || kept ? 'noop' : 'delete', fields: [], ops: [], ...(kept ? { note: kept } : {}) }
      } else decision = resource.diff(read)
      return { resource, read, exists, decision }
    } catch (e) {
      throw new PlanError(`planning ${resource.kind} ${resource.name} failed: ${errorMessage(e)}`, { cause: e })
    }
  })
  // What is absent and stays absent (a slot the config doesn't use, something already destroyed) is no part of
  // the plan. Deletions run in reverse dependency order; show them that way too.
  const present = decided.filter((d) => !(d.decision.action === 'noop' && !d.exists))
  const shown = input.mode === 'destroy' ? [...present].reverse() : present
  const changes: Change[] = shown.map(({ resource, decision }) => ({
    id: resource.id,
    kind: resource.kind,
    name: decision.name ?? resource.name,
    action: decision.action,
    // The one place values that look secret are marked: every view of the plan then leaves them out.
    fields: redactFields(decision.fields),
    dependsOn: [...resource.dependsOn],
    ...(decision.note ? { note: decision.note } : {}),
  }))
  const steps: Step[] = []
  for (const { resource, read, decision } of decided) {
    if (decision.action === 'noop') continue
    const withPrior = decision.action === 'delete' || decision.action === 'replace'
    steps.push({ id: resource.id, action: decision.action, ops: decision.ops, ...(withPrior ? { prior: read } : {}) })
  }
  const count = (...actions: string[]) => changes.filter((c) => actions.includes(c.action)).length
  return {
    steps,
    reads: new Map(decided.map((d) => [d.resource.id, d.read])),
    plan: {
      formatVersion: 1,
      mode: input.mode,
      cluster: input.cluster,
      region: input.region,
      changes,
      summary: { add: count('create', 'replace'), change: count('update'), destroy: count('delete', 'replace') },
      outputs: input.outputs,
      warnings: input.warnings ?? [],
    },
  }
}

/**
 * The resources whose state is no longer what a plan read: each confirms its read cheaply (`unchanged`), or is read
 * again and the two reads compared. A resource that cannot be confirmed (its look fails, it was not in the plan)
 * counts as moved. Changes nothing; an empty answer means the plan still stands.
 */
export async function movedSince(result: PlanResult, resources: Resource[]): Promise<Resource[]> {
  const moved = await Promise.all(
    resources.map(async (r) => {
      if (!result.reads.has(r.id)) return true
      const read = result.reads.get(r.id)
      try {
        return r.unchanged ? !(await r.unchanged(read)) : !deepEqual(await r.read(), read)
      } catch {
        return true
      }
    }),
  )
  return resources.filter((_, i) => moved[i])
}

export interface ApplyOptions {
  onEvent?: (event: EngineEvent) => void
}

/**
 * Carries out planned steps with the resources they were planned for (the same instances, or ones built again from
 * the same configuration): creations and updates in dependency order, deletions in reverse order after them. Each
 * step starts as soon as the steps it waits for are done (not when a whole level is), so a slow step holds back only
 * what depends on it. After the first failure no step starts: the running ones finish, what is left is reported
 * `skipped`, and a rerun (which plans again) completes the work. Results come in a fixed order: forward steps,
 * then deletions, each by dependency depth, then as planned.
 */
export async function applyPlan(
  steps: Step[],
  resources: Resource[],
  options: ApplyOptions = {},
): Promise<ChangeResult[]> {
  const byId = new Map(resources.map((r) => [r.id, r]))
  const todo = steps.map((step) => {
    const resource = byId.get(step.id)
    if (!resource)
      throw new PlanError(`the plan has a step for ${step.id}, which is not a resource of this configuration`)
    return { step, resource }
  })
  const onEvent = options.onEvent ?? (() => undefined)
  const results: ChangeResult[] = []
  const state = { failed: false }
  const passes = [
    { items: todo.filter((t) => t.step.action !== 'delete'), reverse: false },
    { items: todo.filter((t) => t.step.action === 'delete'), reverse: true },
  ].map((p) => ({ ...p, waitsFor: waitsFor(p.items, p.reverse) }))
  for (const p of passes) await runAll(p.items, p.waitsFor, onEvent, results, state)
  // Reported in a fixed order whatever the timing: forward steps, then deletions, each by dependency depth, then as
  // planned (the order steps ran in when each level ran as one).
  const rank = new Map<string, number>()
  passes.forEach(({ items, waitsFor: edges }, pass) => {
    const depth = depths(edges)
    items.forEach((t, i) => rank.set(t.step.id, pass * 1e9 + depth.get(t.step.id)! * 1e5 + i))
  })
  return results.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!)
}

/** What each step waits for among `items`: forward, its dependencies; reverse (deletions), its dependents. */
function waitsFor(items: Todo[], reverse: boolean): Map<string, string[]> {
  const ids = new Set<string>(items.map((t) => t.step.id))
  return new Map(
    items.map((t) => [
      t.step.id,
      reverse
        ? items.filter((q) => q.resource.dependsOn.includes(t.step.id)).map((q) => q.step.id)
        : t.resource.dependsOn.filter((d) => ids.has(d) && d !== t.step.id),
    ]),
  )
}

/** How many steps, at the most, each waits for before it, one after the other. */
function depths(edges: Map<string, string[]>): Map<string, number> {
  const depth = new Map<string, number>()
  const of = (id: string): number => {
    const known = depth.get(id)
    if (known !== undefined) return known
    const deps = edges.get(id)!
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(of))
    depth.set(id, d)
    return d
  }
  for (const id of edges.keys()) of(id)
  return depth
}

type Todo = { step: Step; resource: Resource }

/**
 * Runs `items`, each once everything it waits for among them (`waitsFor`) is done. A step whose wait includes a failed or skipped one, or that has not started when a failure happens,
 * is skipped.
 */
async function runAll(
  items: Todo[],
  waitsFor: Map<string, string[]>,
  onEvent: (e: EngineEvent) => void,
  out: ChangeResult[],
  state: { failed: boolean },
): Promise<void> {
  const results = new Map<string, ChangeResult>()
  const settle = (r: ChangeResult) => {
    results.set(r.id, r)
    out.push(r)
  }
  const running = new Map<string, Promise<void>>()
  const skip = (t: Todo) => settle({ id: t.step.id, action: t.step.action, status: 'skipped', durationMs: 0 })
  for (;;) {
    const waiting = items.filter((t) => !results.has(t.step.id) && !running.has(t.step.id))
    if (!waiting.length && !running.size) return
    for (const t of waiting) {
      if (state.failed) {
        skip(t)
        continue
      }
      const deps = waitsFor.get(t.step.id)!
      if (!deps.every((d) => results.get(d)?.status === 'done')) continue
      running.set(
        t.step.id,
        runStep(t, onEvent).then((r) => {
          settle(r)
          running.delete(r.id)
          if (r.status === 'failed') state.failed = true
        }),
      )
    }
    if (!running.size) {
      // Nothing runs and nothing could start: only what waits for a step that did not run is left (a cycle is
      // refused when planning).
      for (const t of items.filter((q) => !results.has(q.step.id))) skip(t)
      return
    }
    await Promise.race(running.values())
  }
}

async function runStep({ step, resource: r }: Todo, onEvent: (e: EngineEvent) => void): Promise<ChangeResult> {
  const what = { id: r.id as string, kind: r.kind, name: r.name, action: step.action }
  const started = Date.now()
  onEvent({ type: 'started', ...what })
  try {
    if (step.action === 'delete') await r.destroy(step.prior)
    else {
      if (step.action === 'replace' && r.exists(step.prior)) await r.destroy(step.prior)
      await r.apply(step.ops)
    }
    const durationMs = Date.now() - started
    onEvent({ type: 'done', ...what, durationMs })
    return { id: r.id, action: step.action, status: 'done', durationMs }
  } catch (e) {
    const durationMs = Date.now() - started
    const error = errorMessage(e)
    onEvent({ type: 'failed', ...what, durationMs, error })
    return { id: r.id, action: step.action, status: 'failed', durationMs, error }
  }
}
