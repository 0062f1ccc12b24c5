import type { IAMClient } from '@aws-sdk/client-iam'
import { clients, isNotFound, type AwsSession } from '../aws/clients.js'
import { canonicalPolicyJson, displayPolicy, diffPolicies, type PolicyDocument } from '../aws/policy-document.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { adoptionNote, missingTags, tagList, tagMap, tagsField } from './tags.js'

export interface IamRoleSpec {
  id: string
  name: string
  path: string
  description: string
  trustPolicy: PolicyDocument
  /** ARNs of managed policies to attach; attachments others made are left alone unless `exclusive`. */
  managedPolicyArns: string[]
  /** Policies the action manages by name (its own): only these are detached when they leave the list. */
  ownedPolicyArns?: string[]
  permissionsBoundary?: string
  tags: Record<string, string>
  dependsOn?: string[]
}

export interface IamRoleActual {
  arn: string
  path: string
  trustPolicy: string
  attached: string[]
  tags: Record<string, string>
  permissionsBoundary?: string
}

/** An IAM role: its trust policy, attached managed policies, permissions boundary and tags. */
export class IamRole implements Resource<IamRoleActual> {
  readonly kind = 'iam role'
  readonly wanted = true
  readonly dependsOn: string[]
  constructor(
    private readonly session: AwsSession,
    readonly spec: IamRoleSpec,
  ) {
    this.dependsOn = spec.dependsOn ?? []
  }

  get id() {
    return this.spec.id
  }
  get name() {
    return this.spec.name
  }

  private iam(): Promise<IAMClient> {
    return clients.iam(this.session)
  }

  async read(): Promise<IamRoleActual | undefined> {
    const iam = await this.iam()
    const { GetRoleCommand, ListAttachedRolePoliciesCommand, ListRoleTagsCommand } = await import('@aws-sdk/client-iam')
    let role
    try {
      role = (await iam.send(new GetRoleCommand({ RoleName: this.spec.name }))).Role
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
    if (!role) return undefined
    const [attached, tags] = await Promise.all([
      collect(async (Marker) => {
        const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: this.spec.name, Marker }))
        return {
          items: (out.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
          marker: out.IsTruncated ? out.Marker : undefined,
        }
      }),
      role.Tags
        ? Promise.resolve(tagMap(role.Tags))
        : iam.send(new ListRoleTagsCommand({ RoleName: this.spec.name })).then((o) => tagMap(o.Tags)),
    ])
    return {
      arn: role.Arn!,
      path: role.Path ?? '/',
      trustPolicy: role.AssumeRolePolicyDocument ?? '{}',
      attached: attached.sort(),
      tags,
      permissionsBoundary: role.PermissionsBoundary?.PermissionsBoundaryArn,
    }
  }

  diff(actual: IamRoleActual | undefined): Decision {
    const s = this.spec
    if (!actual) {
      const fields: FieldChange[] = [
        field('assumeRolePolicy', undefined, displayPolicy(s.trustPolicy)),
        field('managedPolicies', undefined, [...s.managedPolicyArns].sort()),
      ]
      if (s.permissionsBoundary) fields.push(field('permissionsBoundary', undefined, s.permissionsBoundary))
      return decide(undefined, fields)
    }
    const fields: FieldChange[] = []
    if (canonicalPolicyJson(actual.trustPolicy) !== canonicalPolicyJson(s.trustPolicy)) {
      fields.push(
        field('assumeRolePolicy', displayPolicy(actual.trustPolicy), displayPolicy(s.trustPolicy), {
          detail: diffPolicies(actual.trustPolicy, s.trustPolicy),
        }),
      )
    }
    const { missing, extra } = this.attachmentChanges(actual)
    if (missing.length || extra.length) {
      const after = [...actual.attached.filter((a) => !extra.includes(a)), ...missing].sort()
      fields.push(field('managedPolicies', actual.attached, after))
    }
    if ((actual.permissionsBoundary ?? '') !== (s.permissionsBoundary ?? '') && s.permissionsBoundary) {
      fields.push(field('permissionsBoundary', actual.permissionsBoundary, s.permissionsBoundary))
    }
    const tags = tagsField(s.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    // An adopted role keeps its path: IAM cannot change it, and recreating the role would break its users.
    return decide(actual, fields, adoptionNote('role', actual.tags))
  }

  private attachmentChanges(actual: Pick<IamRoleActual, 'attached'>) {
    const want = new Set(this.spec.managedPolicyArns)
    const owned = new Set(this.spec.ownedPolicyArns ?? [])
    return {
      missing: this.spec.managedPolicyArns.filter((a) => !actual.attached.includes(a)),
      extra: actual.attached.filter((a) => owned.has(a) && !want.has(a)),
    }
  }

  async apply(_decision: Decision, actual: IamRoleActual | undefined): Promise<void> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    const s = this.spec
    const trust = JSON.stringify(s.trustPolicy)
    if (!actual) {
      try {
        await iam.send(
          new sdk.CreateRoleCommand({
            RoleName: s.name,
            Path: s.path,
            Description: s.description,
            AssumeRolePolicyDocument: trust,
            PermissionsBoundary: s.permissionsBoundary,
            Tags: tagList(s.tags),
          }),
        )
      } catch (e) {
        // Created meanwhile (a rerun after a partial apply, or a race): continue as an update.
        if ((e as { name?: string }).name !== 'EntityAlreadyExists') throw e
        actual = await this.read()
      }
    }
    if (actual) {
      if (canonicalPolicyJson(actual.trustPolicy) !== canonicalPolicyJson(s.trustPolicy)) {
        await iam.send(new sdk.UpdateAssumeRolePolicyCommand({ RoleName: s.name, PolicyDocument: trust }))
      }
      const tags = missingTags(s.tags, actual.tags)
      if (Object.keys(tags).length) await iam.send(new sdk.TagRoleCommand({ RoleName: s.name, Tags: tagList(tags) }))
      if (s.permissionsBoundary && actual.permissionsBoundary !== s.permissionsBoundary) {
        await iam.send(
          new sdk.PutRolePermissionsBoundaryCommand({ RoleName: s.name, PermissionsBoundary: s.permissionsBoundary }),
        )
      }
    }
    const { missing, extra } = this.attachmentChanges(actual ?? { attached: [] })
    for (const arn of missing) await iam.send(new sdk.AttachRolePolicyCommand({ RoleName: s.name, PolicyArn: arn }))
    for (const arn of extra) await iam.send(new sdk.DetachRolePolicyCommand({ RoleName: s.name, PolicyArn: arn }))
  }

  /** Deletes the role: first what IAM requires gone (attachments, inline policies, instance profiles). */
  async destroy(actual: IamRoleActual): Promise<void> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    const name = this.spec.name
    for (const arn of actual.attached) {
      await ignoreNotFound(iam.send(new sdk.DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn })))
    }
    const inline = await iam.send(new sdk.ListRolePoliciesCommand({ RoleName: name }))
    for (const p of inline.PolicyNames ?? []) {
      await ignoreNotFound(iam.send(new sdk.DeleteRolePolicyCommand({ RoleName: name, PolicyName: p })))
    }
    const profiles = await iam.send(new sdk.ListInstanceProfilesForRoleCommand({ RoleName: name }))
    for (const p of profiles.InstanceProfiles ?? []) {
      await ignoreNotFound(
        iam.send(
          new sdk.RemoveRoleFromInstanceProfileCommand({ RoleName: name, InstanceProfileName: p.InstanceProfileName! }),
        ),
      )
    }
    await ignoreNotFound(iam.send(new sdk.DeleteRoleCommand({ RoleName: name })))
  }
}

export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** Follows an IAM Marker pagination to the end. */
export async function collect<T>(page: (marker?: string) => Promise<{ items: T[]; marker?: string }>): Promise<T[]> {
  const out: T[] = []
  let marker: string | undefined
  do {
    const p = await page(marker)
    out.push(...p.items)
    marker = p.marker
  } while (marker)
  return out
}
