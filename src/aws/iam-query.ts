/**
 * The IAM reads a plan makes, as signed IAM Query requests of our own (src/aws/signed-call.ts): the SDK's IAM client,
 * with the SDK core and the credential chain every SDK client brings, is over a megabyte of code to load and run for
 * a dozen reads. The writes of an apply still go through the SDK's client.
 *
 * Inputs and answers keep the SDK's names and shapes (`Role.AssumeRolePolicyDocument` still URL-encoded,
 * `Tags: [{Key, Value}]`, `IsTruncated`/`Marker`), so the resources read them as they read the SDK's. IAM's
 * endpoint is global (iam.amazonaws.com, signed for us-east-1; its own host in the China and GovCloud partitions),
 * or the one AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL names. Errors carry IAM's code as `name` (NoSuchEntity...) and
 * the HTTP status in `$metadata`, as SDK errors do. Checked beside the SDK on moto in test/integration/aws-reads.test.ts.
 */
import { AwsHttpError } from './calls.js'
import type { AwsSession } from './clients.js'
import { configuredEndpoint } from './regions.js'
import { signedCall } from './signed-call.js'
import { listMembers, listStructs, parseXmlDocument, struct, text, type Xml, type XmlObject } from './xml.js'

const IAM_API_VERSION = '2010-05-08'

/** IAM's refusal (its error code as `name`), or a failed exchange. */
export class IamError extends AwsHttpError {}

export interface IamTag {
  Key?: string
  Value?: string
}

/** IAM's endpoint and signing region for the session's partition (or the configured endpoint, signed for the region). */
export function iamTarget(session: Pick<AwsSession, 'partition' | 'region'>, env: NodeJS.ProcessEnv = process.env) {
  const custom = configuredEndpoint('IAM', env, (message) => new Error(message))
  if (custom) return { url: custom, signingRegion: session.region }
  switch (session.partition) {
    case 'aws-cn':
      return { url: new URL('https://iam.cn-north-1.amazonaws.com.cn/'), signingRegion: 'cn-north-1' }
    case 'aws-us-gov':
      return { url: new URL('https://iam.us-gov.amazonaws.com/'), signingRegion: 'us-gov-west-1' }
    case 'aws':
      return { url: new URL('https://iam.amazonaws.com/'), signingRegion: 'us-east-1' }
    default:
      throw new Error(
        `IAM reads of our own know no endpoint for the partition ${session.partition}: set AWS_ENDPOINT_URL_IAM`,
      )
  }
}

const members = (list: Xml | undefined) => listMembers(list, 'member')
const structs = (list: Xml | undefined) => listStructs(list, 'member')

function strings(list: Xml | undefined): string[] {
  return members(list)
    .map(text)
    .filter((s): s is string => s !== undefined)
}

function tags(list: Xml | undefined): IamTag[] {
  return structs(list).map((t) => ({ Key: text(t.Key), Value: text(t.Value) ?? '' }))
}

/** `Tags` as the SDK gives it: absent when the answer has no Tags element. */
function tagsIn(node: XmlObject): { Tags?: IamTag[] } {
  return node.Tags === undefined ? {} : { Tags: tags(node.Tags) }
}

function page(result: XmlObject): { IsTruncated: boolean; Marker?: string } {
  const marker = text(result.Marker)
  return { IsTruncated: text(result.IsTruncated) === 'true', ...(marker ? { Marker: marker } : {}) }
}

/** IAM's error answer: `<ErrorResponse><Error><Code>..</Code><Message>..</Message></Error><RequestId>..`. */
function errorOf(status: number, doc: XmlObject | undefined): IamError {
  const response = struct(doc?.ErrorResponse)
  const error = struct(response?.Error)
  const code = text(error?.Code) ?? (status === 429 ? 'Throttling' : `HTTP${status}`)
  const message = text(error?.Message) ?? `IAM answered ${status}`
  const requestId = text(response?.RequestId)
  return new IamError(code, message, { httpStatusCode: status, ...(requestId ? { requestId } : {}) })
}

/** One signed IAM Query request: the answer's `<Action>Result` element, or an IamError. */
async function iamCall(session: AwsSession, action: string, input: Record<string, string | undefined>) {
  const params: Record<string, string> = { Action: action, Version: IAM_API_VERSION }
  for (const [k, v] of Object.entries(input)) if (v !== undefined) params[k] = v
  const { url, signingRegion } = iamTarget(session)
  return signedCall(
    session,
    { endpointId: 'IAM', name: 'iam', endpoint: url },
    {
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(params).toString(),
      command: action,
      input,
    },
    async (answer) => {
      const doc = await parseXmlDocument(answer.body)
      if (answer.status !== 200) throw errorOf(answer.status, doc)
      const result = struct(struct(doc?.[`${action}Response`])?.[`${action}Result`])
      if (!result) {
        throw new IamError('InvalidResponse', `IAM answered ${action} without a ${action}Result`, {
          httpStatusCode: answer.status,
        })
      }
      return result
    },
    IamError,
    signingRegion,
  )
}

function role(r: XmlObject) {
  const boundary = struct(r.PermissionsBoundary)
  return {
    RoleName: text(r.RoleName),
    RoleId: text(r.RoleId),
    Arn: text(r.Arn),
    Path: text(r.Path),
    AssumeRolePolicyDocument: text(r.AssumeRolePolicyDocument),
    Description: text(r.Description),
    ...(boundary
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryArn: text(boundary.PermissionsBoundaryArn),
            PermissionsBoundaryType: text(boundary.PermissionsBoundaryType),
          },
        }
      : {}),
    ...tagsIn(r),
  }
}

function policy(p: XmlObject) {
  return {
    PolicyName: text(p.PolicyName),
    PolicyId: text(p.PolicyId),
    Arn: text(p.Arn),
    Path: text(p.Path),
    DefaultVersionId: text(p.DefaultVersionId),
    Description: text(p.Description),
    ...tagsIn(p),
  }
}

export type IamRoleRead = ReturnType<typeof role>
export type IamPolicyRead = ReturnType<typeof policy>

/** A List<Thing>Tags read: one page of tags. */
function tagListing<I extends { Marker?: string }>(action: string) {
  return async (session: AwsSession, input: I) => {
    const r = await iamCall(session, action, input)
    return { Tags: tags(r.Tags), ...page(r) }
  }
}

/** The reads, each as the SDK's command of the same name answers (the fields the action reads). */
export const iamReads = {
  async getRole(session: AwsSession, input: { RoleName: string }) {
    const r = await iamCall(session, 'GetRole', input)
    const found = struct(r.Role)
    return found ? { Role: role(found) } : {}
  },
  async listAttachedRolePolicies(session: AwsSession, input: { RoleName: string; Marker?: string }) {
    const r = await iamCall(session, 'ListAttachedRolePolicies', input)
    return {
      AttachedPolicies: structs(r.AttachedPolicies).map((p) => ({
        PolicyName: text(p.PolicyName),
        PolicyArn: text(p.PolicyArn),
      })),
      ...page(r),
    }
  },
  listRoleTags: tagListing<{ RoleName: string; Marker?: string }>('ListRoleTags'),
  async getInstanceProfile(session: AwsSession, input: { InstanceProfileName: string }) {
    const r = await iamCall(session, 'GetInstanceProfile', input)
    const p = struct(r.InstanceProfile)
    if (!p) return {}
    return {
      InstanceProfile: {
        InstanceProfileName: text(p.InstanceProfileName),
        InstanceProfileId: text(p.InstanceProfileId),
        Arn: text(p.Arn),
        Path: text(p.Path),
        Roles: structs(p.Roles).map(role),
        ...tagsIn(p),
      },
    }
  },
  listInstanceProfileTags: tagListing<{ InstanceProfileName: string; Marker?: string }>('ListInstanceProfileTags'),
  async getPolicy(session: AwsSession, input: { PolicyArn: string }) {
    const r = await iamCall(session, 'GetPolicy', input)
    const p = struct(r.Policy)
    return p ? { Policy: policy(p) } : {}
  },
  listPolicyTags: tagListing<{ PolicyArn: string; Marker?: string }>('ListPolicyTags'),
  async getPolicyVersion(session: AwsSession, input: { PolicyArn: string; VersionId: string }) {
    const r = await iamCall(session, 'GetPolicyVersion', input)
    const v = struct(r.PolicyVersion)
    if (!v) return {}
    return {
      PolicyVersion: {
        Document: text(v.Document),
        VersionId: text(v.VersionId),
        IsDefaultVersion: text(v.IsDefaultVersion) === 'true',
      },
    }
  },
  async listPolicies(session: AwsSession, input: { Scope?: string; PathPrefix?: string; Marker?: string }) {
    const r = await iamCall(session, 'ListPolicies', input)
    return { Policies: structs(r.Policies).map(policy), ...page(r) }
  },
  async getOpenIDConnectProvider(session: AwsSession, input: { OpenIDConnectProviderArn: string }) {
    const r = await iamCall(session, 'GetOpenIDConnectProvider', input)
    return {
      Url: text(r.Url),
      ClientIDList: strings(r.ClientIDList),
      ThumbprintList: strings(r.ThumbprintList),
      ...tagsIn(r),
    }
  },
}
