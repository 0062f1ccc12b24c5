import { ignoreNotFound, tagList, tagMap, type Tags } from '../aws/calls.js'
import { clients, type AwsSession } from '../aws/clients.js'
import { iamReads } from '../aws/iam-query.js'
import { field } from '../plan/fields.js'
import { AwsResource, type AwsSpec, type Differences } from './aws-resource.js'

export interface InstanceProfileSpec extends AwsSpec {
  name: string
  path: string
  /** The one role the profile holds (an instance profile holds at most one). */
  roleName: string
}

export interface InstanceProfileState {
  arn: string
  roles: string[]
  tags: Tags
}

interface ProfileCreation {
  name: string
  path: string
  tags: Tags
  role: string
}

export type InstanceProfileOp = { op: 'remove-role'; role: string } | { op: 'add-role'; role: string }

/** The instance profile Karpenter's nodes launch with, holding the node role. */
export class InstanceProfile extends AwsResource<
  InstanceProfileSpec,
  InstanceProfileState,
  InstanceProfileOp,
  ProfileCreation
> {
  readonly kind = 'iam instance profile'
  protected readonly noun = 'instance profile'

  constructor(aws: AwsSession, spec: InstanceProfileSpec) {
    super(aws, spec, { name: spec.name })
  }

  async read(): Promise<InstanceProfileState | undefined> {
    const InstanceProfileName = this.spec.name
    const profile = (await ignoreNotFound(iamReads.getInstanceProfile(this.aws, { InstanceProfileName })))
      ?.InstanceProfile
    if (!profile) return undefined
    const tags = profile.Tags
      ? tagMap(profile.Tags)
      : tagMap((await iamReads.listInstanceProfileTags(this.aws, { InstanceProfileName })).Tags)
    return {
      arn: profile.Arn ?? '',
      roles: (profile.Roles ?? []).map((r) => r.RoleName ?? '').filter(Boolean),
      tags,
    }
  }

  protected creation() {
    const { name, path, roleName } = this.spec
    const tags = this.createTags
    return { fields: [field('role', undefined, roleName)], input: { name, path, tags, role: roleName } }
  }

  protected differences(actual: InstanceProfileState): Differences<InstanceProfileOp> {
    const want = this.spec.roleName
    if (actual.roles.length === 1 && actual.roles[0] === want) return { fields: [], ops: [] }
    const ops: InstanceProfileOp[] = actual.roles.filter((r) => r !== want).map((role) => ({ op: 'remove-role', role }))
    if (!actual.roles.includes(want)) ops.push({ op: 'add-role', role: want })
    return { fields: [field('role', actual.roles.length ? actual.roles.join(', ') : undefined, want)], ops }
  }

  protected tagTarget(): string {
    return this.spec.name
  }

  protected async create(input: ProfileCreation): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { CreateInstanceProfileCommand } = await import('@aws-sdk/client-iam')
    const { name: InstanceProfileName, path: Path, tags } = input
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName, Path, Tags: tagList(tags) }))
    await this.perform({ op: 'add-role', role: input.role })
  }

  protected async perform(op: InstanceProfileOp): Promise<void> {
    const iam = await clients.iam(this.aws)
    const sdk = await import('@aws-sdk/client-iam')
    const InstanceProfileName = this.spec.name
    if (op.op === 'add-role') {
      await iam.send(new sdk.AddRoleToInstanceProfileCommand({ InstanceProfileName, RoleName: op.role }))
    } else {
      await ignoreNotFound(
        iam.send(new sdk.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName, RoleName: op.role })),
      )
    }
  }

  protected async tag(InstanceProfileName: string, tags: Tags): Promise<void> {
    const iam = await clients.iam(this.aws)
    const { TagInstanceProfileCommand } = await import('@aws-sdk/client-iam')
    await iam.send(new TagInstanceProfileCommand({ InstanceProfileName, Tags: tagList(tags) }))
  }

  async destroy(actual: InstanceProfileState): Promise<void> {
    for (const role of actual.roles) await this.perform({ op: 'remove-role', role })
    const iam = await clients.iam(this.aws)
    const { DeleteInstanceProfileCommand } = await import('@aws-sdk/client-iam')
    await ignoreNotFound(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: this.spec.name })))
  }
}
