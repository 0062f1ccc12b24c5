import type { IAMClient } from '@aws-sdk/client-iam'
import { awsErrorName, clients, type AwsSession } from '../aws/clients.js'
import { canonicalPolicyJson, displayPolicy, diffPolicies, type PolicyDocument } from '../aws/policy-document.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { collect, ignoreNotFound } from './iam-role.js'
import { adoptionNote, isManaged, missingTags, tagList, tagMap, tagsField } from './tags.js'

/** IAM keeps at most this many versions of a managed policy. */
export const POLICY_VERSION_LIMIT = 5

export interface IamPolicySpec {
  id: string
  name: string
  path: string
  arn: string
  description: string
  /** The document to hold; undefined: a policy of this name should not exist (it left the set). */
  document?: PolicyDocument
  tags: Record<string, string>
  dependsOn?: string[]
}

export interface IamPolicyActual {
  arn: string
  defaultVersionId: string
  /** The default version's document as IAM returned it (often URL-encoded); empty for unwanted policies. */
  document: string
  tags: Record<string, string>
}

/** Which policy ARNs exist (one shared listing instead of one lookup per possible name). */
export type PolicyListing = () => Promise<Set<string>>

/**
 * A customer managed policy. Updates add a new default version, first deleting the oldest non-default
 * version when IAM's five are in use. A policy that is no longer wanted is deleted only when this action
 * made or adopted it (tagged so): a stranger of the same name is left alone.
 */
export class IamPolicy implements Resource<IamPolicyActual> {
  readonly kind = 'iam policy'
  constructor(
    private readonly session: AwsSession,
    readonly spec: IamPolicySpec,
    private readonly listing?: PolicyListing,
  ) {}

  get id() {
    return this.spec.id
  }
  get name() {
    return this.spec.name
  }
  get dependsOn() {
    return this.spec.dependsOn ?? []
  }
  get wanted() {
    return this.spec.document !== undefined
  }

  private iam(): Promise<IAMClient> {
    return clients.iam(this.session)
  }

  async read(): Promise<IamPolicyActual | undefined> {
    if (this.listing && !(await this.listing()).has(this.spec.arn)) return undefined
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    const policy = (await ignoreNotFound(iam.send(new sdk.GetPolicyCommand({ PolicyArn: this.spec.arn }))))?.Policy
    if (!policy) return undefined
    const tags = policy.Tags
      ? tagMap(policy.Tags)
      : tagMap((await iam.send(new sdk.ListPolicyTagsCommand({ PolicyArn: this.spec.arn }))).Tags)
    const defaultVersionId = policy.DefaultVersionId ?? 'v1'
    if (!this.wanted) return isManaged(tags) ? { arn: this.spec.arn, defaultVersionId, document: '', tags } : undefined
    const version = await iam.send(
      new sdk.GetPolicyVersionCommand({ PolicyArn: this.spec.arn, VersionId: defaultVersionId }),
    )
    return { arn: this.spec.arn, defaultVersionId, document: version.PolicyVersion?.Document ?? '', tags }
  }

  private documentChanged(actual: IamPolicyActual): boolean {
    return !actual.document || canonicalPolicyJson(actual.document) !== canonicalPolicyJson(this.spec.document!)
  }

  diff(actual: IamPolicyActual | undefined): Decision {
    const doc = this.spec.document!
    if (!actual) return decide(undefined, [field('document', undefined, displayPolicy(doc))])
    const fields: FieldChange[] = []
    if (this.documentChanged(actual)) {
      fields.push(
        field('document', displayPolicy(actual.document), displayPolicy(doc), {
          detail: diffPolicies(actual.document, doc),
        }),
      )
    }
    const tags = tagsField(this.spec.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    return decide(actual, fields, adoptionNote('policy', actual.tags))
  }

  async apply(_decision: Decision, actual: IamPolicyActual | undefined): Promise<void> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    const { name, path, description, tags } = this.spec
    const document = JSON.stringify(this.spec.document)
    if (!actual) {
      try {
        await iam.send(
          new sdk.CreatePolicyCommand({
            PolicyName: name,
            Path: path,
            Description: description,
            PolicyDocument: document,
            Tags: tagList(tags),
          }),
        )
        return
      } catch (e) {
        // Made by an earlier, interrupted run: update it instead.
        if (awsErrorName(e) !== 'EntityAlreadyExists') throw e
        actual = await this.read()
        if (!actual) throw e
      }
    }
    if (this.documentChanged(actual)) {
      await this.makeRoomForVersion(iam)
      await iam.send(
        new sdk.CreatePolicyVersionCommand({ PolicyArn: actual.arn, PolicyDocument: document, SetAsDefault: true }),
      )
    }
    const missing = missingTags(tags, actual.tags)
    if (Object.keys(missing).length) {
      await iam.send(new sdk.TagPolicyCommand({ PolicyArn: actual.arn, Tags: tagList(missing) }))
    }
  }

  /** Deletes the oldest non-default versions until a new one fits under IAM's limit. */
  private async makeRoomForVersion(iam: IAMClient): Promise<void> {
    const sdk = await import('@aws-sdk/client-iam')
    const versions = await this.versions(iam)
    const old = versions
      .filter((v) => !v.isDefault)
      .sort((a, b) => a.created - b.created || versionNumber(a.id) - versionNumber(b.id))
    const excess = versions.length - (POLICY_VERSION_LIMIT - 1)
    for (const v of old.slice(0, Math.max(0, excess))) {
      await ignoreNotFound(iam.send(new sdk.DeletePolicyVersionCommand({ PolicyArn: this.spec.arn, VersionId: v.id })))
    }
  }

  private async versions(iam: IAMClient): Promise<{ id: string; isDefault: boolean; created: number }[]> {
    const { ListPolicyVersionsCommand } = await import('@aws-sdk/client-iam')
    return collect(async (Marker) => {
      const out = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: this.spec.arn, Marker }))
      return {
        items: (out.Versions ?? []).map((v) => ({
          id: v.VersionId ?? '',
          isDefault: v.IsDefaultVersion === true,
          created: v.CreateDate?.getTime() ?? 0,
        })),
        marker: out.IsTruncated ? out.Marker : undefined,
      }
    })
  }

  /** Detaches the policy from everything that holds it, deletes its old versions, then the policy. */
  async destroy(actual: IamPolicyActual): Promise<void> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    const PolicyArn = actual.arn
    const detachments = await collect(async (Marker) => {
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
      return { items: detach, marker: out.IsTruncated ? out.Marker : undefined }
    })
    for (const detach of detachments) await ignoreNotFound<unknown>(detach())
    for (const v of (await this.versions(iam)).filter((v) => !v.isDefault)) {
      await ignoreNotFound(iam.send(new sdk.DeletePolicyVersionCommand({ PolicyArn, VersionId: v.id })))
    }
    await ignoreNotFound(iam.send(new sdk.DeletePolicyCommand({ PolicyArn })))
  }
}

function versionNumber(id: string): number {
  return Number(/\d+/.exec(id)?.[0] ?? 0)
}

/** Every customer managed policy ARN under `path`, listed once however many resources ask. */
export function policyListing(session: AwsSession, path: string): PolicyListing {
  let listed: Promise<Set<string>> | undefined
  return () => {
    listed ??= (async () => {
      const iam = await clients.iam(session)
      const { ListPoliciesCommand } = await import('@aws-sdk/client-iam')
      const arns = await collect(async (Marker) => {
        const out = await iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: path, Marker }))
        return {
          items: (out.Policies ?? []).map((p) => p.Arn ?? ''),
          marker: out.IsTruncated ? out.Marker : undefined,
        }
      })
      return new Set(arns)
    })()
    return listed
  }
}
