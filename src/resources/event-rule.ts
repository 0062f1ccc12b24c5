import type { EventBridgeClient } from '@aws-sdk/client-eventbridge'
import { clients, isNotFound, type AwsSession } from '../aws/clients.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { adoptionNote, isManaged, missingTags, tagList, tagMap, tagsField } from './tags.js'

export interface EventRuleSpec {
  id: string
  name: string
  description: string
  eventPattern: Record<string, unknown>
  /** The queue every rule sends to, and the target id it gets. */
  targetArn: string
  targetId: string
  tags: Record<string, string>
  wanted: boolean
  dependsOn: string[]
}

interface ListedRule {
  arn: string
  eventPattern?: string
  state?: string
  description?: string
}

export interface EventRuleActual extends ListedRule {
  targetsQueue: boolean
  tags: Record<string, string>
}

/**
 * What the interruption rules of one queue look like, read with two calls for all of them (the rules
 * under a name prefix, and the names of the rules that target the queue) instead of two per rule.
 */
export class EventRuleReader {
  private rules?: Promise<Map<string, ListedRule>>
  private targeting?: Promise<Set<string>>
  constructor(
    private readonly session: AwsSession,
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
    const events = await clients.events(this.session)
    const { ListRulesCommand } = await import('@aws-sdk/client-eventbridge')
    const out = new Map<string, ListedRule>()
    let NextToken: string | undefined
    do {
      const page = await events.send(new ListRulesCommand({ NamePrefix: this.namePrefix, NextToken }))
      for (const r of page.Rules ?? []) {
        if (!r.Name) continue
        out.set(r.Name, { arn: r.Arn ?? '', eventPattern: r.EventPattern, state: r.State, description: r.Description })
      }
      NextToken = page.NextToken
    } while (NextToken)
    return out
  }

  private async listTargeting(): Promise<Set<string>> {
    const events = await clients.events(this.session)
    const { ListRuleNamesByTargetCommand } = await import('@aws-sdk/client-eventbridge')
    const out = new Set<string>()
    let NextToken: string | undefined
    do {
      const page = await events.send(new ListRuleNamesByTargetCommand({ TargetArn: this.targetArn, NextToken }))
      for (const n of page.RuleNames ?? []) out.add(n)
      NextToken = page.NextToken
    } while (NextToken)
    return out
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
export class EventRule implements Resource<EventRuleActual> {
  readonly kind = 'eventbridge rule'
  constructor(
    private readonly session: AwsSession,
    readonly spec: EventRuleSpec,
    private readonly reader: EventRuleReader,
  ) {}

  get id() {
    return this.spec.id
  }
  get name() {
    return this.spec.name
  }
  get dependsOn() {
    return this.spec.dependsOn
  }
  get wanted() {
    return this.spec.wanted
  }

  private events(): Promise<EventBridgeClient> {
    return clients.events(this.session)
  }

  async read(): Promise<EventRuleActual | undefined> {
    const [rule, targetsQueue] = await Promise.all([
      this.reader.rule(this.spec.name),
      this.reader.targetsQueue(this.spec.name),
    ])
    if (!rule) return undefined
    const events = await this.events()
    const { ListTagsForResourceCommand } = await import('@aws-sdk/client-eventbridge')
    const tags = tagMap((await events.send(new ListTagsForResourceCommand({ ResourceARN: rule.arn }))).Tags)
    if (!this.spec.wanted && !isManaged(tags)) return undefined
    return { ...rule, targetsQueue, tags }
  }

  diff(actual: EventRuleActual | undefined): Decision {
    const s = this.spec
    if (!actual) {
      return decide(undefined, [
        field('eventPattern', undefined, s.eventPattern),
        field('target', undefined, s.targetArn),
      ])
    }
    const fields: FieldChange[] = []
    if (canonicalEventPattern(actual.eventPattern) !== canonicalEventPattern(s.eventPattern)) {
      fields.push(
        field('eventPattern', actual.eventPattern ? JSON.parse(actual.eventPattern) : undefined, s.eventPattern),
      )
    }
    if (actual.state !== 'ENABLED') fields.push(field('state', actual.state, 'ENABLED'))
    if ((actual.description ?? '') !== s.description)
      fields.push(field('description', actual.description, s.description))
    if (!actual.targetsQueue) fields.push(field('target', undefined, s.targetArn))
    const tags = tagsField(s.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    return decide(actual, fields, adoptionNote('rule', actual.tags))
  }

  async apply(_decision: Decision, actual: EventRuleActual | undefined): Promise<void> {
    const events = await this.events()
    const sdk = await import('@aws-sdk/client-eventbridge')
    const s = this.spec
    const ruleChanged =
      !actual ||
      canonicalEventPattern(actual.eventPattern) !== canonicalEventPattern(s.eventPattern) ||
      actual.state !== 'ENABLED' ||
      (actual.description ?? '') !== s.description
    if (ruleChanged) {
      await events.send(
        new sdk.PutRuleCommand({
          Name: s.name,
          EventPattern: JSON.stringify(s.eventPattern),
          Description: s.description,
          State: 'ENABLED',
          // Tags given to PutRule apply only when it creates the rule.
          ...(actual ? {} : { Tags: tagList(s.tags) }),
        }),
      )
    }
    if (!actual?.targetsQueue) {
      const out = await events.send(
        new sdk.PutTargetsCommand({ Rule: s.name, Targets: [{ Id: s.targetId, Arn: s.targetArn }] }),
      )
      if (out.FailedEntryCount) {
        const why = out.FailedEntries?.map((f) => `${f.ErrorCode}: ${f.ErrorMessage}`).join('; ')
        throw new Error(`EventBridge refused the queue as target of ${s.name}: ${why}`)
      }
    }
    const missing = actual ? missingTags(s.tags, actual.tags) : {}
    if (actual && Object.keys(missing).length) {
      await events.send(new sdk.TagResourceCommand({ ResourceARN: actual.arn, Tags: tagList(missing) }))
    }
  }

  /** Removes the rule's targets (EventBridge refuses to delete a rule that has any), then the rule. */
  async destroy(): Promise<void> {
    const events = await this.events()
    const sdk = await import('@aws-sdk/client-eventbridge')
    try {
      const targets = await events.send(new sdk.ListTargetsByRuleCommand({ Rule: this.spec.name }))
      const Ids = (targets.Targets ?? []).map((t) => t.Id!).filter(Boolean)
      if (Ids.length) await events.send(new sdk.RemoveTargetsCommand({ Rule: this.spec.name, Ids }))
      await events.send(new sdk.DeleteRuleCommand({ Name: this.spec.name }))
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
}
