import * as core from '@actions/core'
import type { Decision, Resource } from './resource.js'
import type { Change, ChangeResult, Mode, Plan } from './types.js'

export class PlanError extends Error {}

/** Resources sorted so that each comes after what it depends on. Throws on unknown ids and cycles. */
export function dependencyOrder(resources: Resource[]): Resource[] {
  const byId = new Map(resources.map((r) => [r.id, r]))
  if (byId.size !== resources.length) throw new PlanError('two resources share an id')
  const out: Resource[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (r: Resource, trail: string[]) => {
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

/** Runs fn over items with at most `limit` at once, keeping order of results. */
export async function mapConcurrent<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export interface PlannedResource {
  resource: Resource
  actual: unknown
  decision: Decision
}

export interface EngineResult {
  plan: Plan
  planned: PlannedResource[]
}

export interface PlanInput {
  mode: Mode
  cluster: string
  region: string
  resources: Resource[]
  outputs: Record<string, string>
  warnings?: string[]
}

/** Reads every resource concurrently and decides what to do with each. Changes nothing. */
export async function plan(input: PlanInput): Promise<EngineResult> {
  const ordered = dependencyOrder(input.resources)
  const actuals = await Promise.all(
    ordered.map((r) =>
      r.read().catch((e: unknown) => {
        throw new PlanError(`reading ${r.kind} ${r.name} failed: ${errorMessage(e)}`)
      }),
    ),
  )
  const planned: PlannedResource[] = ordered.map((resource, i) => {
    const actual = actuals[i]
    return { resource, actual, decision: decideFor(input.mode, resource, actual) }
  })
  // What is absent and stays absent (a slot the config doesn't use, something already destroyed) is no part of
  // the plan. Deletions run in reverse dependency order; show them that way too.
  const present = planned.filter((p) => !(p.decision.action === 'noop' && p.actual === undefined))
  const shown = input.mode === 'destroy' ? [...present].reverse() : present
  const changes: Change[] = shown.map(({ resource, decision }) => ({
    id: resource.id,
    kind: resource.kind,
    name: resource.name,
    action: decision.action,
    fields: decision.fields,
    dependsOn: resource.dependsOn,
    ...(decision.note ? { note: decision.note } : {}),
  }))
  const count = (...actions: string[]) => changes.filter((c) => actions.includes(c.action)).length
  return {
    planned,
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

function decideFor(mode: Mode, r: Resource, actual: unknown): Decision {
  if (mode === 'destroy' || !r.wanted) {
    if (actual === undefined || (mode === 'destroy' && r.keepOnDestroy)) return { action: 'noop', fields: [] }
    return { action: 'delete', fields: [] }
  }
  return r.diff(actual)
}

/**
 * Carries out a plan: creations and updates in dependency order, deletions in reverse order, independent
 * resources of one level at once. Stops at the first level with a failure; what is left is reported
 * `skipped`, and a rerun (which plans again) completes the work.
 */
export async function applyPlan(planned: PlannedResource[]): Promise<ChangeResult[]> {
  const results: ChangeResult[] = []
  const todo = planned.filter((p) => p.decision.action !== 'noop')
  const forward = todo.filter((p) => p.decision.action !== 'delete')
  const backward = todo.filter((p) => p.decision.action === 'delete')
  const waves = [...levels(forward, false), ...levels(backward, true)]
  let failed = false
  for (const wave of waves) {
    if (failed) {
      for (const p of wave)
        results.push({ id: p.resource.id, action: p.decision.action, status: 'skipped', durationMs: 0 })
      continue
    }
    const done = await Promise.all(wave.map(runOne))
    results.push(...done)
    failed = done.some((r) => r.status === 'failed')
  }
  return results
}

async function runOne(p: PlannedResource): Promise<ChangeResult> {
  const { resource: r, decision, actual } = p
  const started = Date.now()
  const verb = { create: 'creating', update: 'updating', replace: 'replacing', delete: 'deleting', noop: '' }[
    decision.action
  ]
  core.info(`${verb} ${r.kind} ${r.name} ...`)
  try {
    if (decision.action === 'delete') await r.destroy(actual)
    else if (decision.action === 'replace') {
      if (actual !== undefined) await r.destroy(actual)
      await r.apply({ ...decision, action: 'create' }, undefined)
    } else await r.apply(decision, actual)
    const durationMs = Date.now() - started
    core.info(`${r.kind} ${r.name}: ${decision.action} done in ${(durationMs / 1000).toFixed(1)}s`)
    return { id: r.id, action: decision.action, status: 'done', durationMs }
  } catch (e) {
    const durationMs = Date.now() - started
    const error = errorMessage(e)
    core.error(`${r.kind} ${r.name}: ${decision.action} failed after ${(durationMs / 1000).toFixed(1)}s: ${error}`)
    return { id: r.id, action: decision.action, status: 'failed', durationMs, error }
  }
}

/** Groups resources into waves: each wave depends only on earlier waves (among the given ones). */
function levels(items: PlannedResource[], reverse: boolean): PlannedResource[][] {
  const ids = new Set(items.map((p) => p.resource.id))
  const depth = new Map<string, number>()
  const byId = new Map(items.map((p) => [p.resource.id, p]))
  // Edges: forward, a resource waits for its dependencies; reverse, a dependency waits for its dependents.
  const waitsFor = (p: PlannedResource): string[] =>
    reverse
      ? items.filter((q) => q.resource.dependsOn.includes(p.resource.id)).map((q) => q.resource.id)
      : p.resource.dependsOn.filter((d) => ids.has(d))
  const depthOf = (id: string): number => {
    const known = depth.get(id)
    if (known !== undefined) return known
    const deps = waitsFor(byId.get(id)!)
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depthOf))
    depth.set(id, d)
    return d
  }
  const out: PlannedResource[][] = []
  for (const p of items) (out[depthOf(p.resource.id)] ??= []).push(p)
  return out.filter(Boolean)
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}
