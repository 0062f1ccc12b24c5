import type { IAMClient } from '@aws-sdk/client-iam'
import { awsErrorName, clients, type AwsSession } from '../aws/clients.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { ignoreNotFound } from './iam-role.js'
import { adoptionNote, missingTags, tagList, tagMap, tagsField } from './tags.js'

/** The audience EKS puts in projected service-account tokens for IRSA. */
export const IRSA_AUDIENCE = 'sts.amazonaws.com'

export interface OidcProviderSpec {
  id: string
  /** The issuer as IAM names it: host and path, no scheme. */
  issuerHostPath: string
  arn: string
  tags: Record<string, string>
}

export interface OidcProviderActual {
  clientIds: string[]
  tags: Record<string, string>
}

/**
 * The account's IAM OIDC identity provider for the cluster's issuer, which IRSA trust policies name.
 * Created when missing, adopted when present (only the `sts.amazonaws.com` audience and the tags are added).
 * No thumbprint is sent: IAM then takes it from the issuer's certificate chain itself (the parameter is
 * optional), which stays right when the certificate changes, where a pinned value would go stale.
 * Kept on destroy: every IRSA role of the cluster (not only Karpenter's) depends on it.
 */
export class OidcProvider implements Resource<OidcProviderActual> {
  readonly kind = 'iam oidc provider'
  readonly wanted = true
  readonly keepOnDestroy = true
  readonly dependsOn: string[] = []
  constructor(
    private readonly session: AwsSession,
    readonly spec: OidcProviderSpec,
  ) {}

  get id() {
    return this.spec.id
  }
  get name() {
    return this.spec.issuerHostPath
  }

  private iam(): Promise<IAMClient> {
    return clients.iam(this.session)
  }

  async read(): Promise<OidcProviderActual | undefined> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    const out = await ignoreNotFound(
      iam.send(new sdk.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: this.spec.arn })),
    )
    if (!out) return undefined
    return { clientIds: [...(out.ClientIDList ?? [])].sort(), tags: tagMap(out.Tags) }
  }

  diff(actual: OidcProviderActual | undefined): Decision {
    if (!actual) {
      return decide(undefined, [
        field('url', undefined, `https://${this.spec.issuerHostPath}`),
        field('clientIds', undefined, [IRSA_AUDIENCE]),
      ])
    }
    const fields: FieldChange[] = []
    if (!actual.clientIds.includes(IRSA_AUDIENCE)) {
      fields.push(field('clientIds', actual.clientIds, [...actual.clientIds, IRSA_AUDIENCE].sort()))
    }
    const tags = tagsField(this.spec.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    return decide(actual, fields, adoptionNote('OIDC provider', actual.tags))
  }

  async apply(_decision: Decision, actual: OidcProviderActual | undefined): Promise<void> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    if (!actual) {
      try {
        await iam.send(
          new sdk.CreateOpenIDConnectProviderCommand({
            Url: `https://${this.spec.issuerHostPath}`,
            ClientIDList: [IRSA_AUDIENCE],
            Tags: tagList(this.spec.tags),
          }),
        )
        return
      } catch (e) {
        if (awsErrorName(e) !== 'EntityAlreadyExists') throw e
        actual = await this.read()
        if (!actual) throw e
      }
    }
    const OpenIDConnectProviderArn = this.spec.arn
    if (!actual.clientIds.includes(IRSA_AUDIENCE)) {
      await iam.send(
        new sdk.AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn, ClientID: IRSA_AUDIENCE }),
      )
    }
    const missing = missingTags(this.spec.tags, actual.tags)
    if (Object.keys(missing).length) {
      await iam.send(new sdk.TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn, Tags: tagList(missing) }))
    }
  }

  async destroy(): Promise<void> {
    const iam = await this.iam()
    const { DeleteOpenIDConnectProviderCommand } = await import('@aws-sdk/client-iam')
    await ignoreNotFound(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: this.spec.arn })))
  }
}
