import { ignoreNotFound, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { sqsReads } from '../aws/json-query.js'
import { canonicalPolicyJson, diffPolicies, displayPolicy, type PolicyDocument } from '../aws/policy-document.js'
import { field } from '../plan/fields.js'
import type { FieldChange } from '../plan/types.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'
import { isManaged } from './tags.js'

export interface SqsQueueSpec extends AwsSpec {
  name: string
  /** Attributes to hold, as SQS strings (e.g. MessageRetentionPeriod: '300'); the policy is separate. */
  attributes: Record<string, string>
  policy: PolicyDocument
}

export interface SqsQueueState {
  url: string
  attributes: Record<string, string>
  tags: Tags
}

interface QueueCreation {
  name: string
  attributes: Record<string, string>
  tags: Tags
}

export type SqsQueueOp = { op: 'set-attributes'; url: string; attributes: Record<string, string> }

/** An SQS queue: its attributes, resource policy and tags. */
export class SqsQueue extends AwsResource<SqsQueueSpec, SqsQueueState, SqsQueueOp, QueueCreation> {
  readonly kind = 'sqs queue'
  protected readonly noun = 'queue'
  // Exists with other attributes (made meanwhile, or by an interrupted run): SQS says so with these.
  protected override readonly alreadyExists = ['QueueAlreadyExists', 'QueueNameExists']

  constructor(aws: AwsSession, spec: SqsQueueSpec) {
    super(aws, spec, { name: spec.name })
  }

  async read(): Promise<SqsQueueState | undefined> {
    const url = (await ignoreNotFound(sqsReads.getQueueUrl(this.aws, { QueueName: this.spec.name })))?.QueueUrl
    if (!url) return undefined
    const [attributes, tags] = await Promise.all([
      sqsReads.getQueueAttributes(this.aws, { QueueUrl: url, AttributeNames: ['All'] }),
      sqsReads.listQueueTags(this.aws, { QueueUrl: url }),
    ])
    const actual = { url, attributes: attributes.Attributes ?? {}, tags: tags.Tags ?? {} }
    // A queue of that name this action neither made nor adopted is not its to delete.
    if (!this.wanted && !isManaged(actual.tags)) return undefined
    return actual
  }

  /** The attributes (and policy) that differ from the desired ones, as SetQueueAttributes wants them, with their fields. */
  private changed(actual: SqsQueueState | undefined): { fields: FieldChange[]; attributes: Record<string, string> } {
    const attributes: Record<string, string> = {}
    const fields: FieldChange[] = []
    for (const [k, v] of Object.entries(this.spec.attributes)) {
      if (actual?.attributes[k] === v) continue
      attributes[k] = v
      fields.push(field(k, actual?.attributes[k], v))
    }
    const before = actual?.attributes.Policy
    if (!before || canonicalPolicyJson(before) !== canonicalPolicyJson(this.spec.policy)) {
      attributes.Policy = JSON.stringify(this.spec.policy)
      fields.push(
        field('Policy', before ? displayPolicy(before) : undefined, displayPolicy(this.spec.policy), {
          detail: before ? diffPolicies(before, this.spec.policy) : undefined,
        }),
      )
    }
    return { attributes, fields }
  }

  protected creation() {
    const { fields, attributes } = this.changed(undefined)
    return { fields, input: { name: this.spec.name, attributes, tags: this.createTags } }
  }

  protected differences(actual: SqsQueueState): Differences<SqsQueueOp> {
    const { fields, attributes } = this.changed(actual)
    return { fields, ops: fields.length ? [{ op: 'set-attributes', url: actual.url, attributes }] : [] }
  }

  protected tagTarget(actual: SqsQueueState): string {
    return actual.url
  }

  protected async create(input: QueueCreation): Promise<void> {
    const sqs = await clients.sqs(this.aws)
    const { CreateQueueCommand } = await import('@aws-sdk/client-sqs')
    await sqs.send(new CreateQueueCommand({ QueueName: input.name, Attributes: input.attributes, tags: input.tags }))
  }

  protected async perform(op: SqsQueueOp): Promise<void> {
    const sqs = await clients.sqs(this.aws)
    const { SetQueueAttributesCommand } = await import('@aws-sdk/client-sqs')
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: op.url, Attributes: op.attributes }))
  }

  protected async tag(QueueUrl: string, Tags: Tags): Promise<void> {
    const sqs = await clients.sqs(this.aws)
    const { TagQueueCommand } = await import('@aws-sdk/client-sqs')
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags }))
  }

  async destroy(actual: SqsQueueState): Promise<void> {
    const sqs = await clients.sqs(this.aws)
    const { DeleteQueueCommand } = await import('@aws-sdk/client-sqs')
    await ignoreNotFound(sqs.send(new DeleteQueueCommand({ QueueUrl: actual.url })))
  }
}
