import { isMap, isSeq, parseDocument, type Document } from 'yaml'
import type { KubeClient } from '../kube/client.js'
import { CONFIGMAP, type KubeObject } from '../kube/types.js'
import { field } from '../plan/fields.js'
import { decide, type Decision, type ResourceId } from '../plan/resource.js'
import type { FieldChange } from '../plan/types.js'
import { retry } from '../retry.js'
import { ManagedResource } from './base.js'

export const AWS_AUTH_NAMESPACE = 'kube-system'
export const AWS_AUTH_NAME = 'aws-auth'

/** What EKS's authenticator expects for a node role in mapRoles. */
export const NODE_USERNAME = 'system:node:{{EC2PrivateDNSName}}'
export const NODE_GROUPS = ['system:bootstrappers', 'system:nodes']

export interface RoleMapping {
  rolearn: string
  username: string
  groups: string[]
}

export interface AwsAuthMappingSpec {
  id: ResourceId
  roleName: string
  /** The role ARN without its path (the only form the authenticator matches). */
  roleArn: string
  /** Other spellings of the same role that count as ours (e.g. the ARN with its path): replaced on update. */
  aliases?: string[]
  dependsOn: readonly ResourceId[]
}

/** Our entry as found in mapRoles. */
export type AwsAuthState = RoleMapping

/** Puts `entry` into mapRoles in place of any entry naming one of `arns`. */
export type MapRoleOp = { op: 'map-role'; entry: RoleMapping; arns: string[] }

/** mapRoles text as a YAML document; an absent or blank key is an empty list. */
function mapRolesDocument(text: string | undefined): Document {
  const doc = parseDocument(text?.trim() ? text : '[]')
  if (doc.errors.length) {
    throw new Error(
      `the aws-auth ConfigMap's mapRoles is not valid YAML (${doc.errors[0].message.split('\n')[0]}); fix it by hand first`,
    )
  }
  if (!isSeq(doc.contents))
    throw new Error("the aws-auth ConfigMap's mapRoles is not a YAML list; fix it by hand first")
  return doc
}

/** The entries of mapRoles, as plain data. */
export function parseMapRoles(text: string | undefined): RoleMapping[] {
  const list = mapRolesDocument(text).toJS() as unknown[]
  return list.map((item) => {
    const m = (item ?? {}) as Partial<RoleMapping>
    return {
      rolearn: String(m.rolearn ?? ''),
      username: String(m.username ?? ''),
      groups: (m.groups ?? []).map(String),
    }
  })
}

/**
 * mapRoles with `entry` in place of any entry for the same role (`arns`), or appended; `entry` undefined
 * removes them. Every other entry keeps its text, order and comments. The list is written in block style, as EKS
 * and people write it, so that an entry someone appends by hand (`- rolearn: ...`) keeps it valid YAML; a list
 * written in flow style (`[{...}]`) is turned into the same entries in block style.
 */
export function mergeMapRoles(text: string | undefined, arns: string[], entry: RoleMapping | undefined): string {
  const doc = mapRolesDocument(text)
  const seq = doc.contents as unknown as { items: unknown[]; flow?: boolean }
  seq.flow = false
  const ours = (item: unknown) => isMap(item) && arns.includes(String(item.get('rolearn')))
  const at = seq.items.findIndex(ours)
  seq.items = seq.items.filter((item, i) => i === at || !ours(item))
  const node = entry ? doc.createNode(entry, { flow: false }) : undefined
  if (at >= 0) {
    if (node) seq.items[at] = node
    else seq.items.splice(at, 1)
  } else if (node) seq.items.push(node)
  return doc.toString({ flowCollectionPadding: false })
}

function sameMapping(a: RoleMapping, b: RoleMapping): boolean {
  return a.username === b.username && [...a.groups].sort().join('\n') === [...b.groups].sort().join('\n')
}

/**
 * The node role's entry in the aws-auth ConfigMap (for clusters that authenticate through it). Only this
 * entry is written: the ConfigMap's other entries and keys are left as they are. Writes carry the
 * resourceVersion they were computed from, so a concurrent edit is re-read and merged again, never lost.
 */
export class AwsAuthMapping extends ManagedResource<AwsAuthState | undefined, MapRoleOp> {
  readonly kind = 'aws-auth mapping'

  constructor(
    private readonly kube: KubeClient,
    readonly spec: AwsAuthMappingSpec,
  ) {
    super({ id: spec.id, name: spec.roleName, dependsOn: spec.dependsOn })
  }

  private get arns(): string[] {
    return [this.spec.roleArn, ...(this.spec.aliases ?? [])]
  }

  private configMap(): Promise<KubeObject | undefined> {
    return this.kube.get({ ...CONFIGMAP, name: AWS_AUTH_NAME, namespace: AWS_AUTH_NAMESPACE })
  }

  async read(): Promise<AwsAuthState | undefined> {
    const mapRoles = ((await this.configMap())?.data as Record<string, string> | undefined)?.mapRoles
    return parseMapRoles(mapRoles).find((m) => this.arns.includes(m.rolearn))
  }

  diff(actual: AwsAuthState | undefined): Decision<MapRoleOp> {
    const want: RoleMapping = { rolearn: this.spec.roleArn, username: NODE_USERNAME, groups: [...NODE_GROUPS] }
    const ops: MapRoleOp[] = [{ op: 'map-role', entry: want, arns: this.arns }]
    if (!actual) {
      const fields = [
        field('rolearn', undefined, want.rolearn),
        field('username', undefined, want.username),
        field('groups', undefined, want.groups),
      ]
      return decide(false, fields, ops)
    }
    const fields: FieldChange[] = []
    if (actual.rolearn !== want.rolearn) fields.push(field('rolearn', actual.rolearn, want.rolearn))
    if (actual.username !== want.username) fields.push(field('username', actual.username, want.username))
    if (!sameMapping({ ...actual, username: want.username }, want))
      fields.push(field('groups', actual.groups, want.groups))
    return decide(true, fields, ops)
  }

  async apply(ops: readonly MapRoleOp[]): Promise<void> {
    for (const op of ops) await this.write(op.arns, op.entry)
  }

  destroy(): Promise<void> {
    return this.write(this.arns, undefined)
  }

  /** Re-reads the ConfigMap and writes our entry (or its absence) into it, again on a concurrent change. */
  private write(arns: string[], entry: RoleMapping | undefined): Promise<void> {
    return retry(
      async () => {
        const cm = await this.configMap()
        if (!cm && !entry) return
        const current = (cm?.data as Record<string, string> | undefined)?.mapRoles
        const next = mergeMapRoles(current, arns, entry)
        if (cm && current === next) return
        const resourceVersion = cm?.metadata.resourceVersion
        await this.kube.apply({
          ...CONFIGMAP,
          metadata: {
            name: AWS_AUTH_NAME,
            namespace: AWS_AUTH_NAMESPACE,
            ...(resourceVersion ? { resourceVersion: String(resourceVersion) } : {}),
          },
          data: { mapRoles: next },
        })
      },
      {
        attempts: 4,
        baseDelayMs: 100,
        retryable: (e) => /has been modified|the object has been modified|Conflict|AlreadyExists/i.test(String(e)),
      },
    )
  }
}
