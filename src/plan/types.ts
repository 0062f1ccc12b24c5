/**
 * The plan model: what the engine computes and every view (log, job summary, PR comment, outputs,
 * approved-plan check) renders. Plain data: serializable and hashable.
 */

export type Action = 'create' | 'update' | 'delete' | 'replace' | 'noop'

/** An action that changes something. */
export type ChangeAction = Exclude<Action, 'noop'>

/** One field that differs between desired and actual state. Values are display-ready (already redacted). */
export interface FieldChange {
  /** Dotted path, e.g. `assumeRolePolicy` or `spec.disruption.consolidateAfter`. */
  path: string
  before?: unknown
  after?: unknown
  /** The value is secret: views show `(sensitive)` instead of it. */
  sensitive?: boolean
  /** Human lines explaining a structured difference (e.g. the statements of a policy that changed). */
  detail?: string[]
  /** The field alone forces a replacement. */
  forcesReplacement?: boolean
}

export interface Change {
  /** Stable resource id, e.g. `iam-role.node`. */
  id: string
  /** Human kind, e.g. `iam role`, `namespace`, `helm release`. */
  kind: string
  /** Name of the thing in its system, e.g. `karpenter-role`. */
  name: string
  action: Action
  fields: FieldChange[]
  dependsOn: string[]
  /** A short reason for the action, shown in the plan (e.g. `adopting existing role`). */
  note?: string
}

export interface PlanSummary {
  add: number
  change: number
  destroy: number
}

export type Mode = 'plan' | 'apply' | 'destroy'

export interface Plan {
  formatVersion: 1
  mode: Mode
  cluster: string
  region: string
  /**
   * Changes in dependency order (reverse order for destroy): every resource that exists or will, no-ops included;
   * what is absent and stays absent (an unused policy slot, something already destroyed) is left out.
   */
  changes: Change[]
  summary: PlanSummary
  /** Values the outputs expose (role ARNs, names). */
  outputs: Record<string, string>
  /** Non-fatal findings worth showing beside the plan. */
  warnings: string[]
}

/** The changes that do something (the no-ops left out). */
export function changing(plan: Pick<Plan, 'changes'>): Change[] {
  return plan.changes.filter((c) => c.action !== 'noop')
}

/**
 * A resource the plan leaves as it is although a deletion was asked for (destroy, or a config that no longer wants
 * it): e.g. one the action adopted rather than created. Its note says why (`left: ...`); views show it, not hide it.
 */
export function isLeft(c: Change): boolean {
  return c.action === 'noop' && c.note?.startsWith('left:') === true
}

/** True when the plan creates, changes or deletes anything. */
export function hasChanges(plan: Pick<Plan, 'summary'>): boolean {
  return plan.summary.add + plan.summary.change + plan.summary.destroy > 0
}

/** Result of applying one change. */
export interface ChangeResult {
  id: string
  action: Action
  status: 'done' | 'failed' | 'skipped'
  durationMs: number
  error?: string
}

/** What happens to one change while it is applied (the engine tells; the pipeline logs). */
export type EngineEvent = { id: string; kind: string; name: string; action: ChangeAction } & (
  { type: 'started' } | { type: 'done'; durationMs: number } | { type: 'failed'; durationMs: number; error: string }
)
