import type { IAMClient } from '@aws-sdk/client-iam'
import { iamPage, ignoreNotFound, paginate, tagList, tagMap, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { iamReads } from '../aws/iam-query.js'
import { canonicalPolicyJson, diffPolicies, displayPolicy, type PolicyDocument } from '../aws/policy-document.js'
import { field } from '../plan/fields.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'
import { isManaged } from './tags.js'

/** IAM keeps at most this many versions of a managed policy. */
export const POLICY_VERSION_LIMIT = 5

export interface IamPolicySpec extends AwsSpec {
  name: string
  path: string
  arn: string
  description: string
  /** The document to hold; undefined: a policy of this name should not exist (it left the set). */
  document?: PolicyDocument
}

export interface IamPolicyState {
  arn: string
  defaultVersionId: string
  /** The default version's document as IAM returned it (often URL-encoded); empty for unwanted policies. */
  document: string
  tags: Tags
}

interface PolicyCreation {
  name: string
  path: string
  description: string
  document: string
  tags: Tags
}

/** A new default version holding `document`, after deleting the oldest non-default ones past IAM's limit. */
export type IamPolicyOp = { op: 'new-version'; arn: string; document: string }

/** Which policy ARNs exist (one shared listing instead of one lookup per possible name). */
export type PolicyListing = () => Promise<Set<string>>

/**
 * A customer managed policy. Updates add a new default version. A policy that is no longer wanted is deleted only
 * when this action made or adopted it (tagged so): a stranger of the same name is left alone.
 */
export class IamPolicy extends AwsResource<IamPolicySpec, IamPolicyState, IamPolicyOp, PolicyCreation> {
  readonly kind = 'iam policy'
  protected readonly noun = 'policy'

  constructor(
    aws: AwsSession,
    spec: IamPolicySpec,
    private readonly listing?: PolicyListing,
  ) {
    super(aws, { ...spec, wanted: spec.document !== undefined }, { name: spec.name })
  }

  async read(): Promise<IamPolicyState | undefined> {
    const PolicyArn = this.spec.arn
    if (this.listing && !(await this.listing()).has(PolicyArn)) return undefined
    const policy = (await ignoreNotFound(iamReads.getPolicy(this.aws, { PolicyArn })))?.Policy
    if (!policy) return undefined
    const tags = policy.Tags
      ? tagMap(policy.Tags)
      : tagMap((await iamReads.listPolicyTags(this.aws, { PolicyArn })).Tags)
    const defaultVersionId = policy.DefaultVersionId ?? 'v1'
    if (!this.wanted) return isManaged(tags) ? { arn: PolicyArn, defaultVersionId, document: '', tags } : undefined
    const version = await iamReads.getPolicyVersion(this.aws, { PolicyArn, VersionId: defaultVersionId })
    return { arn: PolicyArn, defaultVersionId, document: version.PolicyVersion?.Document ?? '', tags }
  }

  protected creation() {
    const { name, path, description } = this.spec
    const tags = this.createTags
    const document = this.spec.document!
    return {
      fields: [field('document', undefined, displayPolicy(document))],
      input: { name, path, description, document: JSON.stringify(document), tags },
    }
  }

  protected differences(actual: IamPolicyState): Differences<IamPolicyOp> {
    const doc = this.spec.document!
    if (actual.document && canonicalPolicyJson(actual.document) === canonicalPolicyJson(doc)) {
      return { fields: [], ops: [] }
    }
    return {
      fields: [
        field('document', displayPolicy(actual.document), displayPolicy(doc), {
          detail: diffPolicies(actual.document, doc),
        }),
      ],
      ops: [{ op: 'new-version', arn: actual.arn, document: JSON.stringify(doc) }],
    }
  }

  protected tagTarget(actual: IamPolicyState): string {
    return actual.arn
  }

  protected async create(input: PolicyCreation): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { CreatePolicyCommand } = await import('@aws-sdk/client-iam')
    await iam.send(
      new CreatePolicyCommand({
        PolicyName: input.name,
        Path: input.path,
        Description: input.description,
        PolicyDocument: input.document,
        Tags: tagList(input.tags),
      }),
    )
  }

  protected async perform(op: IamPolicyOp): Promise<void> {
    const iam = await clients.iam(this.aws)
    const sdk = await import('@aws-sdk/client-iam')
    // Room for the new version: the oldest non-default versions go until it fits under IAM's limit.
    const versions = await this.versions(iam, op.arn)
    const old = versions
      .filter((v) => !v.isDefault)
      .sort((a, b) => a.created - b.created || versionNumber(a.id) - versionNumber(b.id))
    const excess = versions.length - (POLICY_VERSION_LIMIT - 1)
    for (const v of old.slice(0, Math.max(0, excess))) {
      await ignoreNotFound(iam.send(new sdk.DeletePolicyVersionCommand({ PolicyArn: op.arn, VersionId: v.id })))
    }
    await iam.send(
      new sdk.CreatePolicyVersionCommand({ PolicyArn: op.arn, PolicyDocument: op.document, SetAsDefault: true }),
    )
  }

  protected async tag(PolicyArn: string, tags: Tags): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { TagPolicyCommand } = await import('@aws-sdk/client-iam')
    await iam.send(new TagPolicyCommand({ PolicyArn, Tags: tagList(tags) }))
  }

  private async versions(iam: IAMClient, PolicyArn: string) {
    const { ListPolicyVersionsCommand } = await import('@aws-sdk/client-iam')
    return paginate(async (Marker) => {
      const out = await iam.send(new ListPolicyVersionsCommand({ PolicyArn, Marker }))
      const versions = out.Versions?.map((v) => ({
        id: v.VersionId ?? '',
        isDefault: v.IsDefaultVersion === true,
        created: v.CreateDate?.getTime() ?? 0,
      }))
      return iamPage(versions, out)
    })
  }

  /** Detaches the policy from everything that holds it, deletes its old versions, then the policy. */
  async destroy(actual: IamPolicyState): Promise<void> {
    const iam = await clients.iam(this.aws)
    const sdk = await import('@aws-sdk/client-iam')
    const PolicyArn = actual.arn
    const detachments = await paginate(async (Marker) => {
      const out = await iam.send(new sdk.ListEntitiesForPolicyCommand({ PolicyArn, Marker }))
      const detach = [
        ...(out.PolicyRoles ?? []).map(
          (r) => () => iam.send(new sdk.DetachRolePolicyCommand({ PolicyArn, RoleName: r.RoleName })),
        ),
        ...(out.PolicyUsers ?? []).map(
          (u) => () => iam.send(new sdk.DetachUserPolicyCommand({ PolicyArn, UserName: u.UserName })),
        ),
        ...(out.PolicyGroups ?? []).map(
          (g) => () => iam.send(new sdk.DetachGroupPolicyCommand({ PolicyArn, GroupName: g.GroupName })),
        ),
      ]
      return iamPage(detach, out)
    })
    for (const detach of detachments) await ignoreNotFound<unknown>(detach())
    for (const v of (await this.versions(iam, PolicyArn)).filter((v) => !v.isDefault)) {
      await ignoreNotFound(iam.send(new sdk.DeletePolicyVersionCommand({ PolicyArn, VersionId: v.id })))
    }
    await ignoreNotFound(iam.send(new sdk.DeletePolicyCommand({ PolicyArn })))
  }
}

function versionNumber(id: string): number {
  return Number(/\d+/.exec(id)?.[0] ?? 0)
}

/** Every customer managed policy ARN under `path`, listed once however many resources ask. */
export function policyListing(aws: AwsSession, path: string): PolicyListing {
  let listed: Promise<Set<string>> | undefined
  return () => {
    listed ??= (async () => {
      const arns = await paginate(async (Marker) => {
        const out = await iamReads.listPolicies(aws, { Scope: 'Local', PathPrefix: path, Marker })
        return iamPage(
          out.Policies.map((p) => p.Arn ?? ''),
          out,
        )
      })
      return new Set(arns)
    })()
    return listed
  }
}
