import { ignoreNotFound, tagList, tagMap, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { iamReads } from '../aws/iam-query.js'
import { field } from '../plan/fields.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'

/** The audience EKS puts in projected service-account tokens for IRSA. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com'

export interface OidcProviderSpec extends AwsSpec {
  /** The issuer as IAM names it: host and path, no scheme. */
  issuerHostPath: string
  arn: string
}

export interface OidcProviderState {
  clientIds: string[]
  tags: Tags
}

interface ProviderCreation {
  url: string
  clientIds: string[]
  tags: Tags
}

export type OidcProviderOp = { op: 'add-client-id'; clientId: string }

/**
 * The account's IAM OIDC identity provider for the cluster's issuer, which IRSA trust policies name.
 * Created when missing, adopted when present (only the `sts.amazonaws.com` audience and the tags are added).
 * No thumbprint is sent: IAM then takes it from the issuer's certificate chain itself (the parameter is
 * optional), which stays right when the certificate changes, where a pinned value would go stale.
 * Kept on destroy: every IRSA role of the cluster (not only Karpenter's) depends on it.
 */
export class OidcProvider extends AwsResource<OidcProviderSpec, OidcProviderState, OidcProviderOp, ProviderCreation> {
  readonly kind = 'iam oidc provider'
  protected readonly noun = 'OIDC provider'

  constructor(aws: AwsSession, spec: OidcProviderSpec) {
    super(aws, spec, { name: spec.issuerHostPath, keepOnDestroy: true })
  }

  async read(): Promise<OidcProviderState | undefined> {
    const out = await ignoreNotFound(
      iamReads.getOpenIDConnectProvider(this.aws, { OpenIDConnectProviderArn: this.spec.arn }),
    )
    if (!out) return undefined
    return { clientIds: [...(out.ClientIDList ?? [])].sort(), tags: tagMap(out.Tags) }
  }

  protected creation() {
    const url = `https://${this.spec.issuerHostPath}`
    return {
      fields: [field('url', undefined, url), field('clientIds', undefined, [IRSA_AUDIENCE])],
      input: { url, clientIds: [IRSA_AUDIENCE], tags: this.createTags },
    }
  }

  protected differences(actual: OidcProviderState): Differences<OidcProviderOp> {
    if (actual.clientIds.includes(IRSA_AUDIENCE)) return { fields: [], ops: [] }
    return {
      fields: [field('clientIds', actual.clientIds, [...actual.clientIds, IRSA_AUDIENCE].sort())],
      ops: [{ op: 'add-client-id', clientId: IRSA_AUDIENCE }],
    }
  }

  protected tagTarget(): string {
    return this.spec.arn
  }

  protected async create(input: ProviderCreation): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { CreateOpenIDConnectProviderCommand } = await import('@aws-sdk/client-iam')
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: input.url,
        ClientIDList: input.clientIds,
        Tags: tagList(input.tags),
      }),
    )
  }

  protected async perform(op: OidcProviderOp): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { AddClientIDToOpenIDConnectProviderCommand } = await import('@aws-sdk/client-iam')
    await iam.send(
      new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: this.spec.arn, ClientID: op.clientId }),
    )
  }

  protected async tag(OpenIDConnectProviderArn: string, tags: Tags): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { TagOpenIDConnectProviderCommand } = await import('@aws-sdk/client-iam')
    await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn, Tags: tagList(tags) }))
  }

  async destroy(): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { DeleteOpenIDConnectProviderCommand } = await import('@aws-sdk/client-iam')
    await ignoreNotFound(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: this.spec.arn })))
  }
}
