import type { IAMClient } from '@aws-sdk/client-iam'
import { awsErrorName, clients, type AwsSession } from '../aws/clients.js'
import { decide, field, type Decision, type Resource } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { ignoreNotFound } from './iam-role.js'
import { adoptionNote, missingTags, tagList, tagMap, tagsField } from './tags.js'

export interface InstanceProfileSpec {
  id: string
  name: string
  path: string
  /** The one role the profile holds (an instance profile holds at most one). */
  roleName: string
  tags: Record<string, string>
  dependsOn: string[]
}

export interface InstanceProfileActual {
  arn: string
  roles: string[]
  tags: Record<string, string>
}

/** The instance profile Karpenter's nodes launch with, holding the node role. */
export class InstanceProfile implements Resource<InstanceProfileActual> {
  readonly kind = 'iam instance profile'
  readonly wanted = true
  constructor(
    private readonly session: AwsSession,
    readonly spec: InstanceProfileSpec,
  ) {}

  get id() {
    return this.spec.id
  }
  get name() {
    return this.spec.name
  }
  get dependsOn() {
    return this.spec.dependsOn
  }

  private iam(): Promise<IAMClient> {
    return clients.iam(this.session)
  }

  async read(): Promise<InstanceProfileActual | undefined> {
    const iam = await this.iam()
    const { GetInstanceProfileCommand, ListInstanceProfileTagsCommand } = await import('@aws-sdk/client-iam')
    const out = await ignoreNotFound(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: this.spec.name })))
    const profile = out?.InstanceProfile
    if (!profile) return undefined
    const tags = profile.Tags
      ? tagMap(profile.Tags)
      : tagMap((await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: this.spec.name }))).Tags)
    return {
      arn: profile.Arn ?? '',
      roles: (profile.Roles ?? []).map((r) => r.RoleName ?? '').filter(Boolean),
      tags,
    }
  }

  diff(actual: InstanceProfileActual | undefined): Decision {
    const want = this.spec.roleName
    if (!actual) return decide(undefined, [field('role', undefined, want)])
    const fields: FieldChange[] = []
    if (actual.roles.length !== 1 || actual.roles[0] !== want) {
      fields.push(field('role', actual.roles.length ? actual.roles.join(', ') : undefined, want))
    }
    const tags = tagsField(this.spec.tags, actual.tags)
    if (tags) fields.push(field(tags.path, tags.before, tags.after))
    return decide(actual, fields, adoptionNote('instance profile', actual.tags))
  }

  async apply(_decision: Decision, actual: InstanceProfileActual | undefined): Promise<void> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    const { name, path, roleName, tags } = this.spec
    if (!actual) {
      try {
        await iam.send(
          new sdk.CreateInstanceProfileCommand({ InstanceProfileName: name, Path: path, Tags: tagList(tags) }),
        )
        actual = { arn: '', roles: [], tags }
      } catch (e) {
        // Made by an earlier, interrupted run: carry on from what is there.
        if (awsErrorName(e) !== 'EntityAlreadyExists') throw e
        actual = await this.read()
        if (!actual) throw e
      }
    }
    const missing = missingTags(tags, actual.tags)
    if (Object.keys(missing).length) {
      await iam.send(new sdk.TagInstanceProfileCommand({ InstanceProfileName: name, Tags: tagList(missing) }))
    }
    for (const other of actual.roles.filter((r) => r !== roleName)) {
      await ignoreNotFound(
        iam.send(new sdk.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: name, RoleName: other })),
      )
    }
    if (!actual.roles.includes(roleName)) {
      await iam.send(new sdk.AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: roleName }))
    }
  }

  async destroy(actual: InstanceProfileActual): Promise<void> {
    const iam = await this.iam()
    const sdk = await import('@aws-sdk/client-iam')
    for (const role of actual.roles) {
      await ignoreNotFound(
        iam.send(new sdk.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: this.spec.name, RoleName: role })),
      )
    }
    await ignoreNotFound(iam.send(new sdk.DeleteInstanceProfileCommand({ InstanceProfileName: this.spec.name })))
  }
}
