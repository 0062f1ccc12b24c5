import type { EKSClient } from '@aws-sdk/client-eks'
import { awsErrorName, clients, isNotFound, type AwsSession } from '../aws/clients.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { adoptionNote, missingTags, tagsField } from './tags.js'

export interface PodIdentitySpec {
  id: string
  clusterName: string
  namespace: string
  serviceAccount: string
  roleArn: string
  tags: Record<string, string>
  dependsOn: string[]
}

export interface PodIdentityActual {
  associationId: string
  arn: string
  roleArn: string
  tags: Record<string, string>
}

/** The EKS Pod Identity association that hands the controller role to Karpenter's service account. */
export class PodIdentityAssociation implements Resource<PodIdentityActual> {
  readonly kind = 'eks pod identity association'
  readonly wanted = true
  constructor(
    private readonly session: AwsSession,
    readonly spec: PodIdentitySpec,
  ) {}

  get id() {
    return this.spec.id
  }
  get name() {
    return `${this.spec.namespace}/${this.spec.serviceAccount}`
  }
  get dependsOn() {
    return this.spec.dependsOn
  }

  private eks(): Promise<EKSClient> {
    return clients.eks(this.session)
  }

  async read(): Promise<PodIdentityActual | undefined> {
    const eks = await this.eks()
    const sdk = await import('@aws-sdk/client-eks')
    const { clusterName, namespace, serviceAccount } = this.spec
    const listed = await eks.send(
      new sdk.ListPodIdentityAssociationsCommand({ clusterName, namespace, serviceAccount }),
    )
    // EKS allows one association per service account.
    const summary = (listed.associations ?? []).find(
      (a) => a.namespace === namespace && a.serviceAccount === serviceAccount,
    )
    if (!summary?.associationId) return undefined
    try {
      const out = await eks.send(
        new sdk.DescribePodIdentityAssociationCommand({ clusterName, associationId: summary.associationId }),
      )
      const a = out.association
      if (!a) return undefined
      return {
        associationId: summary.associationId,
        arn: a.associationArn ?? summary.associationArn ?? '',
        roleArn: a.roleArn ?? '',
        tags: a.tags ?? {},
      }
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  diff(actual: PodIdentityActual | undefined): Decision {
    if (!actual) return decide(undefined, [field('roleArn', undefined, this.spec.roleArn)])
    const fields: FieldChange[] = []
    if (actual.roleArn !== this.spec.roleArn) fields.push(field('roleArn', actual.roleArn, this.spec.roleArn))
    const tags = tagsField(this.spec.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    return decide(actual, fields, adoptionNote('association', actual.tags))
  }

  async apply(_decision: Decision, actual: PodIdentityActual | undefined): Promise<void> {
    const eks = await this.eks()
    const sdk = await import('@aws-sdk/client-eks')
    const { clusterName, namespace, serviceAccount, roleArn, tags } = this.spec
    if (!actual) {
      try {
        await eks.send(
          new sdk.CreatePodIdentityAssociationCommand({ clusterName, namespace, serviceAccount, roleArn, tags }),
        )
        return
      } catch (e) {
        if (awsErrorName(e) !== 'ResourceInUseException') throw e
        actual = await this.read()
        if (!actual) throw e
      }
    }
    if (actual.roleArn !== roleArn) {
      await eks.send(
        new sdk.UpdatePodIdentityAssociationCommand({ clusterName, associationId: actual.associationId, roleArn }),
      )
    }
    const missing = missingTags(tags, actual.tags)
    if (Object.keys(missing).length) {
      await eks.send(new sdk.TagResourceCommand({ resourceArn: actual.arn, tags: missing }))
    }
  }

  async destroy(actual: PodIdentityActual): Promise<void> {
    const eks = await this.eks()
    const { DeletePodIdentityAssociationCommand } = await import('@aws-sdk/client-eks')
    try {
      await eks.send(
        new DeletePodIdentityAssociationCommand({
          clusterName: this.spec.clusterName,
          associationId: actual.associationId,
        }),
      )
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
}
