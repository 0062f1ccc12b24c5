import { ignoreNotFound, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { field } from '../plan/fields.js'
import { tagEksResource } from './access-entry.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'

export interface PodIdentitySpec extends AwsSpec {
  clusterName: string
  namespace: string
  serviceAccount: string
  roleArn: string
}

export interface PodIdentityState {
  associationId: string
  arn: string
  roleArn: string
  tags: Tags
}

interface AssociationCreation {
  clusterName: string
  namespace: string
  serviceAccount: string
  roleArn: string
  tags: Tags
}

export type PodIdentityOp = { op: 'update-role'; associationId: string; roleArn: string }

/** The EKS Pod Identity association that hands the controller role to Karpenter's service account. */
export class PodIdentityAssociation extends AwsResource<
  PodIdentitySpec,
  PodIdentityState,
  PodIdentityOp,
  AssociationCreation
> {
  readonly kind = 'eks pod identity association'
  protected readonly noun = 'association'
  protected override readonly alreadyExists = ['ResourceInUseException']

  constructor(aws: AwsSession, spec: PodIdentitySpec) {
    super(aws, spec, { name: `${spec.namespace}/${spec.serviceAccount}` })
  }

  async read(): Promise<PodIdentityState | undefined> {
    const eks = await clients.eks(this.aws)
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
    const { associationId } = summary
    const out = await ignoreNotFound(
      eks.send(new sdk.DescribePodIdentityAssociationCommand({ clusterName, associationId })),
    )
    const a = out?.association
    if (!a) return undefined
    return {
      associationId,
      arn: a.associationArn ?? summary.associationArn ?? '',
      roleArn: a.roleArn ?? '',
      tags: a.tags ?? {},
    }
  }

  protected creation() {
    const { clusterName, namespace, serviceAccount, roleArn } = this.spec
    const tags = this.createTags
    return {
      fields: [field('roleArn', undefined, roleArn)],
      input: { clusterName, namespace, serviceAccount, roleArn, tags },
    }
  }

  protected differences(actual: PodIdentityState): Differences<PodIdentityOp> {
    const { roleArn } = this.spec
    if (actual.roleArn === roleArn) return { fields: [], ops: [] }
    return {
      fields: [field('roleArn', actual.roleArn, roleArn)],
      ops: [{ op: 'update-role', associationId: actual.associationId, roleArn }],
    }
  }

  protected tagTarget(actual: PodIdentityState): string {
    return actual.arn
  }

  protected async create(input: AssociationCreation): Promise<void> {
    const eks = await clients.eks(this.aws)
    const { CreatePodIdentityAssociationCommand } = await import('@aws-sdk/client-eks')
    await eks.send(new CreatePodIdentityAssociationCommand(input))
  }

  protected async perform(op: PodIdentityOp): Promise<void> {
    const eks = await clients.eks(this.aws)
    const { UpdatePodIdentityAssociationCommand } = await import('@aws-sdk/client-eks')
    const { associationId, roleArn } = op
    await eks.send(
      new UpdatePodIdentityAssociationCommand({ clusterName: this.spec.clusterName, associationId, roleArn }),
    )
  }

  protected async tag(resourceArn: string, tags: Tags): Promise<void> {
    await tagEksResource(this.aws, resourceArn, tags)
  }

  async destroy(actual: PodIdentityState): Promise<void> {
    const eks = await clients.eks(this.aws)
    const { DeletePodIdentityAssociationCommand } = await import('@aws-sdk/client-eks')
    const { associationId } = actual
    await ignoreNotFound(
      eks.send(new DeletePodIdentityAssociationCommand({ clusterName: this.spec.clusterName, associationId })),
    )
  }
}
