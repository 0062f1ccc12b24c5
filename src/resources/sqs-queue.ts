import type { SQSClient } from '@aws-sdk/client-sqs'
import { awsErrorName, clients, isNotFound, type AwsSession } from '../aws/clients.js'
import { canonicalPolicyJson, displayPolicy, diffPolicies, type PolicyDocument } from '../aws/policy-document.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { adoptionNote, isManaged, missingTags, tagsField } from './tags.js'

export interface SqsQueueSpec {
  id: string
  name: string
  /** Attributes to hold, as SQS strings (e.g. MessageRetentionPeriod: '300'); the policy is separate. */
  attributes: Record<string, string>
  policy: PolicyDocument
  tags: Record<string, string>
  /** false: the queue should not exist (deleted only when this action made or adopted it). */
  wanted: boolean
}

export interface SqsQueueActual {
  url: string
  attributes: Record<string, string>
  tags: Record<string, string>
}

function isMissingQueue(e: unknown): boolean {
  return awsErrorName(e) === 'QueueDoesNotExist' || isNotFound(e)
}

/** An SQS queue: its attributes, resource policy and tags. */
export class SqsQueue implements Resource<SqsQueueActual> {
  readonly kind = 'sqs queue'
  readonly dependsOn: string[] = []
  constructor(
    private readonly session: AwsSession,
    readonly spec: SqsQueueSpec,
  ) {}

  get id() {
    return this.spec.id
  }
  get name() {
    return this.spec.name
  }
  get wanted() {
    return this.spec.wanted
  }

  private sqs(): Promise<SQSClient> {
    return clients.sqs(this.session)
  }

  async read(): Promise<SqsQueueActual | undefined> {
    const sqs = await this.sqs()
    const sdk = await import('@aws-sdk/client-sqs')
    let url: string | undefined
    try {
      url = (await sqs.send(new sdk.GetQueueUrlCommand({ QueueName: this.spec.name }))).QueueUrl
    } catch (e) {
      if (isMissingQueue(e)) return undefined
      throw e
    }
    if (!url) return undefined
    const [attributes, tags] = await Promise.all([
      sqs.send(new sdk.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })),
      sqs.send(new sdk.ListQueueTagsCommand({ QueueUrl: url })),
    ])
    const actual = { url, attributes: attributes.Attributes ?? {}, tags: tags.Tags ?? {} }
    // A queue of that name this action neither made nor adopted is not its to delete.
    if (!this.spec.wanted && !isManaged(actual.tags)) return undefined
    return actual
  }

  /** The attributes (and policy) that differ from the desired ones, as SetQueueAttributes wants them. */
  private changedAttributes(actual: SqsQueueActual | undefined): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(this.spec.attributes)) if (actual?.attributes[k] !== v) out[k] = v
    const policy = actual?.attributes.Policy
    if (!policy || canonicalPolicyJson(policy) !== canonicalPolicyJson(this.spec.policy)) {
      out.Policy = JSON.stringify(this.spec.policy)
    }
    return out
  }

  diff(actual: SqsQueueActual | undefined): Decision {
    const changed = this.changedAttributes(actual)
    const fields: FieldChange[] = []
    for (const k of Object.keys(this.spec.attributes)) {
      if (k in changed) fields.push(field(k, actual?.attributes[k], changed[k]))
    }
    if ('Policy' in changed) {
      const before = actual?.attributes.Policy
      fields.push(
        field('Policy', before ? displayPolicy(before) : undefined, displayPolicy(this.spec.policy), {
          detail: before ? diffPolicies(before, this.spec.policy) : undefined,
        }),
      )
    }
    if (!actual) return decide(undefined, fields)
    const tags = tagsField(this.spec.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    return decide(actual, fields, adoptionNote('queue', actual.tags))
  }

  async apply(_decision: Decision, actual: SqsQueueActual | undefined): Promise<void> {
    const sqs = await this.sqs()
    const sdk = await import('@aws-sdk/client-sqs')
    if (!actual) {
      try {
        await sqs.send(
          new sdk.CreateQueueCommand({
            QueueName: this.spec.name,
            Attributes: this.changedAttributes(undefined),
            tags: this.spec.tags,
          }),
        )
        return
      } catch (e) {
        // Exists with other attributes (made meanwhile, or by an interrupted run): update it instead.
        if (awsErrorName(e) !== 'QueueAlreadyExists' && awsErrorName(e) !== 'QueueNameExists') throw e
        actual = await this.read()
        if (!actual) throw e
      }
    }
    const changed = this.changedAttributes(actual)
    if (Object.keys(changed).length) {
      await sqs.send(new sdk.SetQueueAttributesCommand({ QueueUrl: actual.url, Attributes: changed }))
    }
    const tags = missingTags(this.spec.tags, actual.tags)
    if (Object.keys(tags).length) await sqs.send(new sdk.TagQueueCommand({ QueueUrl: actual.url, Tags: tags }))
  }

  async destroy(actual: SqsQueueActual): Promise<void> {
    const sqs = await this.sqs()
    const { DeleteQueueCommand } = await import('@aws-sdk/client-sqs')
    try {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: actual.url }))
    } catch (e) {
      if (!isMissingQueue(e)) throw e
    }
  }
}
