import { iamPage, ignoreNotFound, paginate, tagList, tagMap, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { iamReads } from '../aws/iam-query.js'
import {
  canonicalPolicyJson,
  diffPolicies,
  displayPolicy,
  normalizeStatement,
  POLICY_VERSION,
  statementsOf,
  type PolicyDocument,
  type Statement,
} from '../aws/policy-document.js'
import { field } from '../plan/fields.js'
import type { FieldChange } from '../plan/types.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'
import { isCreated } from './tags.js'

export interface IamRoleSpec extends AwsSpec {
  name: string
  path: string
  description: string
  trustPolicy: PolicyDocument
  /** ARNs of managed policies to attach; attachments others made are left alone. */
  managedPolicyArns: string[]
  /** Policies the action manages by name (its own): only these are detached when they leave the list. */
  ownedPolicyArns?: string[]
  permissionsBoundary?: string
}

export interface IamRoleState {
  arn: string
  path: string
  trustPolicy: string
  attached: string[]
  tags: Tags
  permissionsBoundary?: string
}

interface RoleCreation {
  name: string
  path: string
  description: string
  trustPolicy: string
  permissionsBoundary?: string
  tags: Tags
  attach: string[]
}

export type IamRoleOp =
  | { op: 'update-trust-policy'; document: string }
  | { op: 'put-permissions-boundary'; arn: string }
  | { op: 'attach-policy'; arn: string }
  | { op: 'detach-policy'; arn: string }

/** An IAM role: its trust policy, attached managed policies, permissions boundary and tags. */
export class IamRole extends AwsResource<IamRoleSpec, IamRoleState, IamRoleOp, RoleCreation> {
  readonly kind = 'iam role'
  protected readonly noun = 'role'

  constructor(aws: AwsSession, spec: IamRoleSpec) {
    super(aws, spec, { name: spec.name })
  }

  async read(): Promise<IamRoleState | undefined> {
    const RoleName = this.spec.name
    const role = (await ignoreNotFound(iamReads.getRole(this.aws, { RoleName })))?.Role
    if (!role) return undefined
    const [attached, tags] = await Promise.all([
      paginate(async (Marker) => {
        const out = await iamReads.listAttachedRolePolicies(this.aws, { RoleName, Marker })
        return iamPage(
          out.AttachedPolicies.map((p) => p.PolicyArn!),
          out,
        )
      }),
      role.Tags ? tagMap(role.Tags) : iamReads.listRoleTags(this.aws, { RoleName }).then((o) => tagMap(o.Tags)),
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

  protected creation() {
    const s = this.spec
    const fields: FieldChange[] = [
      field('assumeRolePolicy', undefined, displayPolicy(s.trustPolicy)),
      field('managedPolicies', undefined, [...s.managedPolicyArns].sort()),
    ]
    if (s.permissionsBoundary) fields.push(field('permissionsBoundary', undefined, s.permissionsBoundary))
    const input: RoleCreation = {
      name: s.name,
      path: s.path,
      description: s.description,
      trustPolicy: JSON.stringify(s.trustPolicy),
      permissionsBoundary: s.permissionsBoundary,
      tags: this.createTags,
      attach: s.managedPolicyArns,
    }
    return { fields, input }
  }

  // An adopted role keeps its path: IAM cannot change it, and recreating the role would break its users. An adopted
  // role's trust policy keeps every statement it has, gaining only the ones Karpenter needs that it lacks; its
  // permissions boundary is left as it is (iam.permissionsBoundary is for the roles the action creates).
  protected differences(actual: IamRoleState): Differences<IamRoleOp> {
    const s = this.spec
    const fields: FieldChange[] = []
    const ops: IamRoleOp[] = []
    const adopted = this.adopted(actual)
    const trust = adopted ? withStatements(actual.trustPolicy, s.trustPolicy) : s.trustPolicy
    if (canonicalPolicyJson(actual.trustPolicy) !== canonicalPolicyJson(trust)) {
      fields.push(
        field('assumeRolePolicy', displayPolicy(actual.trustPolicy), displayPolicy(trust), {
          detail: diffPolicies(actual.trustPolicy, trust),
        }),
      )
      ops.push({ op: 'update-trust-policy', document: JSON.stringify(trust) })
    }
    const want = new Set(s.managedPolicyArns)
    const owned = new Set(s.ownedPolicyArns ?? [])
    const missing = s.managedPolicyArns.filter((a) => !actual.attached.includes(a))
    const extra = actual.attached.filter((a) => owned.has(a) && !want.has(a))
    if (missing.length || extra.length) {
      const after = [...actual.attached.filter((a) => !extra.includes(a)), ...missing].sort()
      fields.push(field('managedPolicies', actual.attached, after))
      ops.push(...missing.map((arn) => ({ op: 'attach-policy' as const, arn })))
      ops.push(...extra.map((arn) => ({ op: 'detach-policy' as const, arn })))
    }
    if (!adopted && s.permissionsBoundary && actual.permissionsBoundary !== s.permissionsBoundary) {
      fields.push(field('permissionsBoundary', actual.permissionsBoundary, s.permissionsBoundary))
      ops.push({ op: 'put-permissions-boundary', arn: s.permissionsBoundary })
    }
    return { fields, ops }
  }

  /** The managed policies this action attaches (and those it made and may have attached before). */
  private ownPolicies(): Set<string> {
    return new Set([...this.spec.managedPolicyArns, ...(this.spec.ownedPolicyArns ?? [])])
  }

  /**
   * A deletion leaves an adopted role, and one of the action's own that holds managed policies it did not attach
   * (IAM deletes no role with policies attached, and those are not the action's to detach).
   */
  override keep(actual: IamRoleState | undefined): string | undefined {
    const adopted = super.keep(actual)
    if (adopted || !actual || this.spec.destroyAdopted) return adopted
    const own = this.ownPolicies()
    const foreign = actual.attached.filter((a) => !own.has(a))
    return foreign.length ? `left: holds policies this action did not attach (${foreign.join(', ')})` : undefined
  }

  protected tagTarget(): string {
    return this.spec.name
  }

  protected async create(input: RoleCreation): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { CreateRoleCommand } = await import('@aws-sdk/client-iam')
    await iam.send(
      new CreateRoleCommand({
        RoleName: input.name,
        Path: input.path,
        Description: input.description,
        AssumeRolePolicyDocument: input.trustPolicy,
        PermissionsBoundary: input.permissionsBoundary,
        Tags: tagList(input.tags),
      }),
    )
    for (const arn of input.attach) await this.perform({ op: 'attach-policy', arn })
  }

  protected async perform(op: IamRoleOp): Promise<void> {
    const iam = await clients.iam(this.aws)
    const sdk = await import('@aws-sdk/client-iam')
    const RoleName = this.spec.name
    if (op.op === 'update-trust-policy') {
      await iam.send(new sdk.UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: op.document }))
    } else if (op.op === 'put-permissions-boundary') {
      await iam.send(new sdk.PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: op.arn }))
    } else if (op.op === 'attach-policy') {
      await iam.send(new sdk.AttachRolePolicyCommand({ RoleName, PolicyArn: op.arn }))
    } else {
      await iam.send(new sdk.DetachRolePolicyCommand({ RoleName, PolicyArn: op.arn }))
    }
  }

  protected async tag(RoleName: string, tags: Tags): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { TagRoleCommand } = await import('@aws-sdk/client-iam')
    await iam.send(new TagRoleCommand({ RoleName, Tags: tagList(tags) }))
  }

  /**
   * Deletes the role: first what IAM requires gone. Only what this action put there is taken off (the policies it
   * attaches, the instance profiles it created); with `destroyAdopted`, everything. A role that still holds
   * something else (an inline policy, another instance profile) is left, with the error naming them.
   */
  async destroy(actual: IamRoleState): Promise<void> {
    const iam = await clients.iam(this.aws)
    const sdk = await import('@aws-sdk/client-iam')
    const RoleName = this.spec.name
    const all = this.spec.destroyAdopted === true
    const own = this.ownPolicies()
    for (const PolicyArn of actual.attached.filter((a) => all || own.has(a))) {
      await ignoreNotFound(iam.send(new sdk.DetachRolePolicyCommand({ RoleName, PolicyArn })))
    }
    const foreign: string[] = []
    const inline = await iam.send(new sdk.ListRolePoliciesCommand({ RoleName }))
    for (const PolicyName of inline.PolicyNames ?? []) {
      if (all) await ignoreNotFound(iam.send(new sdk.DeleteRolePolicyCommand({ RoleName, PolicyName })))
      else foreign.push(`inline policy ${PolicyName}`)
    }
    const profiles = await iam.send(new sdk.ListInstanceProfilesForRoleCommand({ RoleName }))
    for (const p of profiles.InstanceProfiles ?? []) {
      const InstanceProfileName = p.InstanceProfileName!
      // The listing may leave tags out; GetInstanceProfile has them.
      const tags = async () =>
        tagMap(
          p.Tags?.length
            ? p.Tags
            : (await iam.send(new sdk.GetInstanceProfileCommand({ InstanceProfileName }))).InstanceProfile?.Tags,
        )
      if (all || isCreated(await tags())) {
        await ignoreNotFound(iam.send(new sdk.RemoveRoleFromInstanceProfileCommand({ RoleName, InstanceProfileName })))
      } else foreign.push(`instance profile ${InstanceProfileName}`)
    }
    if (foreign.length) {
      throw new Error(
        `iam role ${RoleName} was created by this action but holds what it did not put there: ${foreign.join(', ')}. ` +
          'Left the role and those in place. Fix: remove them from the role and run destroy again, or set ' +
          '`destroyAdopted: true` to have destroy remove them too.',
      )
    }
    await ignoreNotFound(iam.send(new sdk.DeleteRoleCommand({ RoleName })))
  }
}

/**
 * `current` with each statement of `needed` it lacks appended (statements compared in canonical form, Sid aside);
 * `needed` as a whole when `current` cannot be read as a policy.
 */
export function withStatements(current: string, needed: PolicyDocument): PolicyDocument {
  let doc: PolicyDocument
  try {
    doc = displayPolicy(current)
  } catch {
    return needed
  }
  const key = (st: Statement) => JSON.stringify({ ...normalizeStatement(st), Sid: undefined })
  const have = new Set(statementsOf(doc).map(key))
  const missing = statementsOf(needed).filter((st) => !have.has(key(st)))
  if (!missing.length) return doc
  return { ...doc, Version: doc.Version ?? POLICY_VERSION, Statement: [...statementsOf(doc), ...missing] }
}
