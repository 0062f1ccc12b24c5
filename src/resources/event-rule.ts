import { isNotFound, paginate, tagList, tagMap, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { eventReads } from '../aws/json-query.js'
import { field } from '../plan/fields.js'
import type { FieldChange } from '../plan/types.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'
import { isManaged } from './tags.js'

export interface EventRuleSpec extends AwsSpec {
  name: string
  description: string
  eventPattern: Record<string, unknown>
  /** The queue every rule sends to, and the target id it gets. */
  targetArn: string
  targetId: string
}

interface ListedRule {
  arn: string
  eventPattern?: string
  state?: string
  description?: string
}

export interface EventRuleState extends ListedRule {
  targetsQueue: boolean
  tags: Tags
}

/** The rule as PutRule takes it (PutRule creates or updates; tags given to it apply only when it creates). */
interface RuleDefinition {
  name: string
  eventPattern: string
  description: string
  tags?: Tags
}

interface Target {
  id: string
  arn: string
}

export type EventRuleOp = { op: 'put-rule'; rule: RuleDefinition } | { op: 'put-targets'; targets: Target[] }

/**
 * What the interruption rules of one queue look like, read with two calls for all of them (the rules
 * under a name prefix, and the names of the rules that target the queue) instead of two per rule.
 */
export class EventRuleReader {
  private rules?: Promise<Map<string, ListedRule>>
  private targeting?: Promise<Set<string>>
  constructor(
    private readonly aws: AwsSession,
    private readonly namePrefix: string,
    private readonly targetArn: string,
  ) {}

  rule(name: string): Promise<ListedRule | undefined> {
    this.rules ??= this.listRules()
    return this.rules.then((m) => m.get(name))
  }

  targetsQueue(name: string): Promise<boolean> {
    this.targeting ??= this.listTargeting()
    return this.targeting.then((s) => s.has(name))
  }

  private async listRules(): Promise<Map<string, ListedRule>> {
    const rules = await paginate(async (NextToken) => {
      const page = await eventReads.listRules(this.aws, { NamePrefix: this.namePrefix, NextToken })
      return { items: page.Rules ?? [], next: page.NextToken }
    })
    const out = new Map<string, ListedRule>()
    for (const r of rules) {
      if (r.Name)
        out.set(r.Name, { arn: r.Arn ?? '', eventPattern: r.EventPattern, state: r.State, description: r.Description })
    }
    return out
  }

  private async listTargeting(): Promise<Set<string>> {
    const names = await paginate(async (NextToken) => {
      const page = await eventReads.listRuleNamesByTarget(this.aws, { TargetArn: this.targetArn, NextToken })
      return { items: page.RuleNames ?? [], next: page.NextToken }
    })
    return new Set(names)
  }
}

/** An event pattern in a form where equal patterns compare equal: keys sorted, value lists sorted. */
export function canonicalEventPattern(pattern: string | Record<string, unknown> | undefined): string {
  if (pattern === undefined) return ''
  const value: unknown = typeof pattern === 'string' ? JSON.parse(pattern) : pattern
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const items = v.map(sort)
      return items.every((i) => typeof i !== 'object' || i === null)
        ? [...items].sort((a, b) => String(a).localeCompare(String(b)))
        : items
    }
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      )
    }
    return v
  }
  return JSON.stringify(sort(value))
}

/** An EventBridge rule on the default bus that sends matching events to the interruption queue. */
export class EventRule extends AwsResource<
  EventRuleSpec,
  EventRuleState,
  EventRuleOp,
  { rule: RuleDefinition; targets: Target[] }
> {
  readonly kind = 'eventbridge rule'
  protected readonly noun = 'rule'
  // PutRule creates or updates: a create never finds one already there.
  protected override readonly alreadyExists = []

  constructor(
    aws: AwsSession,
    spec: EventRuleSpec,
    private readonly reader: EventRuleReader,
  ) {
    super(aws, spec, { name: spec.name })
  }

  async read(): Promise<EventRuleState | undefined> {
    const [rule, targetsQueue] = await Promise.all([
      this.reader.rule(this.spec.name),
      this.reader.targetsQueue(this.spec.name),
    ])
    if (!rule) return undefined
    const tags = tagMap((await eventReads.listTagsForResource(this.aws, { ResourceARN: rule.arn })).Tags)
    if (!this.wanted && !isManaged(tags)) return undefined
    return { ...rule, targetsQueue, tags }
  }

  private definition(): RuleDefinition {
    const s = this.spec
    return { name: s.name, eventPattern: JSON.stringify(s.eventPattern), description: s.description }
  }

  private targets(): Target[] {
    return [{ id: this.spec.targetId, arn: this.spec.targetArn }]
  }

  protected creation() {
    const s = this.spec
    return {
      fields: [field('eventPattern', undefined, s.eventPattern), field('target', undefined, s.targetArn)],
      input: { rule: { ...this.definition(), tags: this.createTags }, targets: this.targets() },
    }
  }

  protected differences(actual: EventRuleState): Differences<EventRuleOp> {
    const s = this.spec
    const rule: FieldChange[] = []
    if (canonicalEventPattern(actual.eventPattern) !== canonicalEventPattern(s.eventPattern)) {
      const before = actual.eventPattern ? JSON.parse(actual.eventPattern) : undefined
      rule.push(field('eventPattern', before, s.eventPattern))
    }
    if (actual.state !== 'ENABLED') rule.push(field('state', actual.state, 'ENABLED'))
    if ((actual.description ?? '') !== s.description) rule.push(field('description', actual.description, s.description))
    const ops: EventRuleOp[] = rule.length ? [{ op: 'put-rule', rule: this.definition() }] : []
    if (actual.targetsQueue) return { fields: rule, ops }
    ops.push({ op: 'put-targets', targets: this.targets() })
    return { fields: [...rule, field('target', undefined, s.targetArn)], ops }
  }

  protected tagTarget(actual: EventRuleState): string {
    return actual.arn
  }

  protected async create(input: { rule: RuleDefinition; targets: Target[] }): Promise<void> {
    await this.perform({ op: 'put-rule', rule: input.rule })
    await this.perform({ op: 'put-targets', targets: input.targets })
  }

  protected async perform(op: EventRuleOp): Promise<void> {
    const events = await clients.events(this.aws)
    const sdk = await import('@aws-sdk/client-eventbridge')
    if (op.op === 'put-rule') {
      const { name, eventPattern, description, tags } = op.rule
      await events.send(
        new sdk.PutRuleCommand({
          Name: name,
          EventPattern: eventPattern,
          Description: description,
          State: 'ENABLED',
          ...(tags ? { Tags: tagList(tags) } : {}),
        }),
      )
      return
    }
    const Targets = op.targets.map((t) => ({ Id: t.id, Arn: t.arn }))
    const out = await events.send(new sdk.PutTargetsCommand({ Rule: this.spec.name, Targets }))
    if (out.FailedEntryCount) {
      const why = out.FailedEntries?.map((f) => `${f.ErrorCode}: ${f.ErrorMessage}`).join('; ')
      throw new Error(`EventBridge refused the queue as target of ${this.spec.name}: ${why}`)
    }
  }

  protected async tag(ResourceARN: string, tags: Tags): Promise<void> {
    const events = await clients.events(this.aws)
    const { TagResourceCommand } = await import('@aws-sdk/client-eventbridge')
    await events.send(new TagResourceCommand({ ResourceARN, Tags: tagList(tags) }))
  }

  /** Removes the rule's targets (EventBridge refuses to delete a rule that has any), then the rule. */
  async destroy(): Promise<void> {
    const events = await clients.events(this.aws)
    const sdk = await import('@aws-sdk/client-eventbridge')
    const Rule = this.spec.name
    try {
      const targets = await events.send(new sdk.ListTargetsByRuleCommand({ Rule }))
      const Ids = (targets.Targets ?? []).map((t) => t.Id!).filter(Boolean)
      if (Ids.length) await events.send(new sdk.RemoveTargetsCommand({ Rule, Ids }))
      await events.send(new sdk.DeleteRuleCommand({ Name: Rule }))
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
}
