import type { EKSClient } from '@aws-sdk/client-eks'
import { awsErrorName, clients, isNotFound, type AwsSession } from '../aws/clients.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { adoptionNote, missingTags, tagsField } from './tags.js'

/** The access entry type that lets EC2 Linux nodes of a role join the cluster. */
export const NODE_ACCESS_ENTRY_TYPE = 'EC2_LINUX'

export interface AccessEntrySpec {
  id: string
  clusterName: string
  principalArn: string
  roleName: string
  tags: Record<string, string>
  dependsOn: string[]
}

export interface AccessEntryActual {
  arn: string
  type: string
  tags: Record<string, string>
}

/** An EKS access entry of type EC2_LINUX for the node role: how nodes join clusters that use the access API. */
export class AccessEntry implements Resource<AccessEntryActual> {
  readonly kind = 'eks access entry'
  readonly wanted = true
  constructor(
    private readonly session: AwsSession,
    readonly spec: AccessEntrySpec,
  ) {}

  get id() {
    return this.spec.id
  }
  get name() {
    return this.spec.roleName
  }
  get dependsOn() {
    return this.spec.dependsOn
  }

  private eks(): Promise<EKSClient> {
    return clients.eks(this.session)
  }

  async read(): Promise<AccessEntryActual | undefined> {
    const eks = await this.eks()
    const { DescribeAccessEntryCommand } = await import('@aws-sdk/client-eks')
    try {
      const out = await eks.send(
        new DescribeAccessEntryCommand({ clusterName: this.spec.clusterName, principalArn: this.spec.principalArn }),
      )
      const entry = out.accessEntry
      if (!entry) return undefined
      return { arn: entry.accessEntryArn ?? '', type: entry.type ?? 'STANDARD', tags: entry.tags ?? {} }
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  diff(actual: AccessEntryActual | undefined): Decision {
    if (!actual) {
      return decide(undefined, [
        field('principalArn', undefined, this.spec.principalArn),
        field('type', undefined, NODE_ACCESS_ENTRY_TYPE),
      ])
    }
    const fields: FieldChange[] = []
    if (actual.type !== NODE_ACCESS_ENTRY_TYPE) {
      // EKS cannot change an entry's type: it is deleted and made again.
      fields.push(field('type', actual.type, NODE_ACCESS_ENTRY_TYPE, { forcesReplacement: true }))
    }
    const tags = tagsField(this.spec.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    return decide(actual, fields, adoptionNote('access entry', actual.tags))
  }

  async apply(_decision: Decision, actual: AccessEntryActual | undefined): Promise<void> {
    const eks = await this.eks()
    const sdk = await import('@aws-sdk/client-eks')
    const { clusterName, principalArn, tags } = this.spec
    if (!actual) {
      try {
        await eks.send(
          new sdk.CreateAccessEntryCommand({ clusterName, principalArn, type: NODE_ACCESS_ENTRY_TYPE, tags }),
        )
        return
      } catch (e) {
        // Made by an interrupted run (or a race): continue from what is there.
        if (awsErrorName(e) !== 'ResourceInUseException') throw e
        actual = await this.read()
        if (!actual) throw e
      }
    }
    const missing = missingTags(tags, actual.tags)
    if (Object.keys(missing).length) {
      await eks.send(new sdk.TagResourceCommand({ resourceArn: actual.arn, tags: missing }))
    }
  }

  async destroy(): Promise<void> {
    const eks = await this.eks()
    const { DeleteAccessEntryCommand } = await import('@aws-sdk/client-eks')
    try {
      await eks.send(
        new DeleteAccessEntryCommand({ clusterName: this.spec.clusterName, principalArn: this.spec.principalArn }),
      )
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
}
