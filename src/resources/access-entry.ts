import { ignoreNotFound, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { field } from '../plan/fields.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'

/** The access entry type that lets EC2 Linux nodes of a role join the cluster. */
export const NODE_ACCESS_ENTRY_TYPE = 'EC2_LINUX'

export interface AccessEntrySpec extends AwsSpec {
  clusterName: string
  principalArn: string
  roleName: string
}

export interface AccessEntryState {
  arn: string
  type: string
  tags: Tags
}

interface EntryCreation {
  clusterName: string
  principalArn: string
  type: string
  tags: Tags
}

/** An EKS access entry of type EC2_LINUX for the node role: how nodes join clusters that use the access API. */
export class AccessEntry extends AwsResource<AccessEntrySpec, AccessEntryState, never, EntryCreation> {
  readonly kind = 'eks access entry'
  protected readonly noun = 'access entry'
  protected override readonly alreadyExists = ['ResourceInUseException']

  constructor(aws: AwsSession, spec: AccessEntrySpec) {
    super(aws, spec, { name: spec.roleName })
  }

  async read(): Promise<AccessEntryState | undefined> {
    const eks = await clients.eks(this.aws)
    const { DescribeAccessEntryCommand } = await import('@aws-sdk/client-eks')
    const { clusterName, principalArn } = this.spec
    const entry = (await ignoreNotFound(eks.send(new DescribeAccessEntryCommand({ clusterName, principalArn }))))
      ?.accessEntry
    if (!entry) return undefined
    return { arn: entry.accessEntryArn ?? '', type: entry.type ?? 'STANDARD', tags: entry.tags ?? {} }
  }

  protected creation() {
    const { clusterName, principalArn } = this.spec
    const tags = this.createTags
    return {
      fields: [field('principalArn', undefined, principalArn), field('type', undefined, NODE_ACCESS_ENTRY_TYPE)],
      input: { clusterName, principalArn, type: NODE_ACCESS_ENTRY_TYPE, tags },
    }
  }

  protected differences(actual: AccessEntryState): Differences<never> {
    if (actual.type === NODE_ACCESS_ENTRY_TYPE) return { fields: [], ops: [] }
    // EKS cannot change an entry's type: it is deleted and made again.
    return { fields: [field('type', actual.type, NODE_ACCESS_ENTRY_TYPE, { forcesReplacement: true })], ops: [] }
  }

  protected tagTarget(actual: AccessEntryState): string {
    return actual.arn
  }

  protected async create(input: EntryCreation): Promise<void> {
    const eks = await clients.eks(this.aws)
    const { CreateAccessEntryCommand } = await import('@aws-sdk/client-eks')
    await eks.send(new CreateAccessEntryCommand(input))
  }

  protected async perform(): Promise<void> {
    // An access entry has no operations of its own: it is created, tagged or replaced.
  }

  protected async tag(resourceArn: string, tags: Tags): Promise<void> {
    await tagEksResource(this.aws, resourceArn, tags)
  }

  async destroy(): Promise<void> {
    const eks = await clients.eks(this.aws)
    const { DeleteAccessEntryCommand } = await import('@aws-sdk/client-eks')
    const { clusterName, principalArn } = this.spec
    await ignoreNotFound(eks.send(new DeleteAccessEntryCommand({ clusterName, principalArn })))
  }
}

/** EKS's TagResource, shared by the EKS kinds. */
export async function tagEksResource(aws: AwsSession, resourceArn: string, tags: Tags): Promise<void> {
  const eks = await clients.eks(aws)
  const { TagResourceCommand } = await import('@aws-sdk/client-eks')
  await eks.send(new TagResourceCommand({ resourceArn, tags }))
}
