/**
 * Would IAM have allowed what the Karpenter controller asked AWS for?
 *
 * moto does not enforce IAM, so the sandbox records every AWS request the real controller makes
 * (`scripts/sandbox/aws_server.py`, one JSON line per request) and the tests replay them here against the
 * permission policies attached to the controller role. Two halves:
 *
 * - `authorizationsFor(request, ctx)`: what IAM evaluates for one request — the actions (an operation may need
 *   several, like CreateFleet: ec2:CreateFleet, ec2:RunInstances, ec2:CreateTags, iam:PassRole), the resource
 *   ARNs of each and the request context AWS builds from the request itself.
 * - `evaluate(policies, authorization)`: IAM's identity-policy evaluation of one of those.
 *
 * The authorizations follow what the controller sends (aws/karpenter-provider-aws v1.13/v1.14:
 * pkg/providers/instance/types.go builds CreateFleet with tag specifications for instance, volume and fleet;
 * pkg/providers/launchtemplate/types.go tags network interfaces and spot requests through the launch template;
 * pkg/controllers/nodeclass/validation.go makes dry-run CreateFleet/RunInstances calls; the instance profile
 * provider creates profiles with a Path and tags) and AWS's service authorization reference (resource types and
 * condition keys of EC2, IAM, SQS, SSM, pricing, EKS and ARC zonal shift; "the caller of AddRoleToInstanceProfile
 * must be granted the PassRole permission on the IAM role"; SQS batch operations authorize as their single
 * action).
 *
 * **Resource tags** (`aws:ResourceTag/<key>`, and `ec2:ResourceTag/<key>` on EC2 resources) are evaluated per resource,
 * from `Authorization.resourceTags`:
 *
 * - Existing resources: the recording proxy adds to each request the tags, read from moto just before the request
 *   ran, of the resources it acts on (`RecordedRequest.resourceTags`: `instance/<id>`, `launch-template/<id>` and
 *   `launch-template/<name>`, `instance-profile/<name>`, and `<ID prefix>/<id>` for the other `ResourceId.N`). Such a
 *   resource's tag keys are evaluated for real: a key it lacks is absent (StringEquals and StringLike "*" fail, Null
 *   "true" holds). A launch template named by name is the resource `launch-template/*` (its ID is not in the
 *   request) with the tags recorded under its name; several templates named by name are several resources behind
 *   that one ARN, each of which must be allowed.
 * - Resources the request creates (the instances, volumes, network interfaces, spot requests and fleet of a
 *   CreateFleet/RunInstances, the template of CreateLaunchTemplate, the profile of CreateInstanceProfile) have no
 *   tags of their own yet, so they are NOT given an empty tag set (that would deny every create on which a policy
 *   puts a resource-tag condition). The IAM User Guide says of `aws:ResourceTag/tag-key`: "This key is included in
 *   the request context when the requested resource already has attached tags or in requests that create a
 *   resource with an attached tag" (reference_policies_condition-keys, Availability), and the EC2 User Guide uses it
 *   that way on a create action ("IAM permissions required for Amazon EC2 launch templates": an
 *   `ec2:CreateLaunchTemplate` statement with `"StringEquals": {"aws:ResourceTag/purpose": "testing"}` "gives the
 *   principal permission to create launch templates only if the template uses the specified tag"). So a created
 *   resource's resource tags are the tags the request gives that resource (its tag specification, merged with the
 *   launch template's as for `aws:RequestTag`), and they are unknown, not absent, wherever those are unknown (a
 *   launch template whose CreateLaunchTemplate was not recorded). Karpenter's own policies condition created
 *   resources on `aws:RequestTag` only, so this matters only for policies that use `aws:ResourceTag` on them.
 * - Any other resource (one a request without `resourceTags` names, older recordings, resource types the proxy does
 *   not look up such as images, subnets and security groups of a launch, the role of iam:PassRole): its resource-tag
 *   keys are not evaluated, as below.
 *
 * What is **not evaluated**: condition keys whose value only AWS knows at evaluation time — the tags of existing
 * resources the recording does not show (above), the principal (`aws:PrincipalArn`, `aws:PrincipalTag/*`), the
 * network (`aws:SourceIp`, `aws:SecureTransport`, `aws:SourceVpce`), EC2's attribute keys (`ec2:InstanceType`,
 * `ec2:Vpc`…) and any other key the request context does not carry. A condition on such a key is reported in
 * `unevaluated` and resolved in the request's favour: satisfied in an Allow statement, not satisfied in a Deny
 * statement, so a denial reported here is one the request itself proves. Keys the request does determine
 * (`aws:RequestedRegion`, `aws:RequestTag/*`, `aws:TagKeys`, `ec2:CreateAction`, `iam:PassedToService`,
 * `iam:AssociatedResourceArn`, `arc-zonal-shift:ResourceIdentifier`) are evaluated, and their absence from the
 * context means they are absent from the request (a missing required tag is a denial), except where an
 * authorization lists them in `unknownKeys` (the tags a launch template adds when its CreateLaunchTemplate request
 * was not recorded). Resource IDs that the request does not name (the security groups in a launch template, the
 * ARN of a launch template named by name) are written with the ID `*`, which a policy's `…/*` pattern matches.
 * Policy variables (`${aws:username}`) and IpAddress/Binary operators are not supported (reported unevaluated).
 */

// ---- Inputs ---------------------------------------------------------------------------------------------------

/** One AWS request as the sandbox's recording proxy wrote it (see `describe_request` in aws_server.py). */
export interface RecordedRequest {
  time?: number
  service: string
  region: string
  accessKeyId?: string
  method: string
  path: string
  /** The query `Action`, the part of `X-Amz-Target` after the dot, or "" for REST protocols. */
  operation: string
  params: Record<string, unknown>
  status?: number
  /**
   * Tags of the existing resources the request acts on, read from moto just before it ran (see `resource_tags` in
   * aws_server.py): `instance/<id>`, `launch-template/<id>` and `launch-template/<name>` (the same template under
   * both), `instance-profile/<name>`, and `<ID prefix before its last dash>/<id>` (`sg/sg-…`) for other
   * `ResourceId.N`. A launch template or instance profile missing here was not found (or not looked up); the proxy
   * writes an entry (`{}` when moto has none) for every instance and resource ID a request names; `_error` reports a
   * failed lookup.
   */
  resourceTags?: Record<string, Record<string, string>>
}

/** What a launch template the controller created says about the instances launched from it. */
export interface LaunchTemplateFacts {
  /** LaunchTemplateData.TagSpecification: tags per resource type of what is launched (network-interface, …). */
  tags: Record<string, Record<string, string>>
  imageIds: string[]
  securityGroupIds: string[]
  subnetIds: string[]
  snapshotIds: string[]
  capacityReservationIds: string[]
  placementGroups: string[]
  /** Name or ARN of LaunchTemplateData.IamInstanceProfile, when set. */
  instanceProfile?: string
  spot: boolean
}

export interface AuthorizeContext {
  partition: string
  /** Used where a request carries no region of its own. */
  region: string
  accountId: string
  /** The role the controller passes to EC2 through the instance profiles it launches with. */
  nodeRoleArn: string
  /** Launch templates by name, from their CreateLaunchTemplate requests (`checkRequests` collects them). */
  launchTemplates?: Record<string, LaunchTemplateFacts>
  /** IAM paths of instance profiles by name (`checkRequests` collects them from CreateInstanceProfile). */
  instanceProfilePaths?: Record<string, string>
}

export type ContextValue = string | string[]

/** Tags by key. */
export type Tags = Record<string, string>

/** One authorization IAM evaluates: `action` must be allowed on every one of `resources` with `context`. */
export interface Authorization {
  action: string
  resources: string[]
  context: Record<string, ContextValue>
  /**
   * Condition keys (`*` wildcards allowed) that would normally follow from the request but cannot here, so that
   * their absence from `context` proves nothing: they are reported unevaluated.
   */
  unknownKeys?: string[]
  /**
   * The tags `aws:ResourceTag/<key>` (and, on EC2 resources, `ec2:ResourceTag/<key>`) are evaluated against, by
   * resource ARN as in `resources`: the recorded tags of an existing resource, or the tags the request gives a
   * resource it creates. Several sets for one ARN are several resources behind it (launch templates named by
   * name), each of which must be allowed. A resource not listed here leaves its resource-tag keys unevaluated.
   */
  resourceTags?: Record<string, Tags | Tags[]>
}

export type PolicyValue = string | number | boolean

export interface PolicyStatement {
  Sid?: string
  Effect: string
  Action?: string | string[]
  NotAction?: string | string[]
  Resource?: string | string[]
  NotResource?: string | string[]
  Condition?: Record<string, Record<string, PolicyValue | PolicyValue[]>>
}

export interface PolicyDocument {
  Version?: string
  Statement: PolicyStatement | PolicyStatement[]
}

/**
 * A document, its JSON text, or that text URL-encoded as IAM returns it. Parsed JSON typed as a plain record is
 * accepted too and checked when evaluated.
 */
export type PolicyInput = PolicyDocument | Record<string, unknown> | string

export interface Decision {
  allowed: boolean
  reason: string
  /** Condition keys the decision assumed (see the module comment), e.g. `aws:ResourceTag/karpenter.sh/nodepool`. */
  unevaluated: string[]
}

export interface Denial {
  request: RecordedRequest
  authorization: Authorization
  reason: string
}

export interface CheckResult {
  /** Requests that needed at least one authorization. */
  checked: number
  /** Requests that need none (sts:GetCallerIdentity, sts:AssumeRoleWithWebIdentity). */
  skipped: number
  /** Every request by `service:Operation`. */
  operations: Record<string, number>
  denied: Denial[]
  unevaluated: string[]
}

// ---- Request context ------------------------------------------------------------------------------------------

/** Keys the request itself determines: absent from a context means absent from the request. */
const REQUEST_DERIVED_KEYS = [
  'aws:RequestedRegion',
  'aws:RequestTag/*',
  'aws:TagKeys',
  'ec2:CreateAction',
  'iam:PassedToService',
  'iam:AssociatedResourceArn',
  'arc-zonal-shift:ResourceIdentifier',
]

/** Condition keys that come from tags a request may not show. */
const TAG_KEYS = ['aws:RequestTag/*', 'aws:TagKeys']

const EC2_SERVICE_PRINCIPAL = 'ec2.amazonaws.com'

interface Where {
  partition: string
  region: string
  accountId: string
}

function tagContext(tags: Tags): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {}
  for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value
  if (Object.keys(tags).length > 0) context['aws:TagKeys'] = Object.keys(tags)
  return context
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.length > 0) return str(value[0])
  return undefined
}

/** Values of the form keys matching `pattern`, in the order of their numeric indexes. */
function valuesOf(params: Record<string, unknown>, pattern: RegExp): string[] {
  return Object.keys(params)
    .filter((k) => pattern.test(k))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((k) => str(params[k]))
    .filter((v): v is string => v !== undefined && v !== '')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** `prefix` + `TagSpecification.N.…` of an EC2 query request: tags by resource type. */
function tagSpecifications(params: Record<string, unknown>, prefix = ''): Record<string, Tags> {
  const spec = new RegExp(
    `^${escapeRegExp(prefix)}TagSpecification\\.(\\d+)\\.(ResourceType|Tag\\.(\\d+)\\.(Key|Value))$`,
  )
  const types = new Map<string, string>()
  const keys = new Map<string, string>()
  const values = new Map<string, string>()
  for (const [name, raw] of Object.entries(params)) {
    const m = spec.exec(name)
    const value = str(raw)
    if (!m || value === undefined) continue
    if (m[2] === 'ResourceType') types.set(m[1], value)
    else (m[4] === 'Key' ? keys : values).set(`${m[1]}.${m[3]}`, value)
  }
  const out: Record<string, Tags> = {}
  for (const [index, type] of types) {
    const tags: Tags = (out[type] ??= {})
    for (const [at, key] of keys) if (at.startsWith(`${index}.`)) tags[key] = values.get(at) ?? ''
  }
  return out
}

/** Flat `Tag.N.Key`/`Tags.member.N.Key` lists (EC2 CreateTags, IAM), or JSON `Tags` lists and `tags` maps. */
function requestTags(params: Record<string, unknown>): Tags | undefined {
  const flat = /^(Tag|Tags\.member)\.(\d+)\.(Key|Value)$/
  const keys = new Map<string, string>()
  const values = new Map<string, string>()
  for (const [name, raw] of Object.entries(params)) {
    const m = flat.exec(name)
    const value = str(raw)
    if (m && value !== undefined) (m[3] === 'Key' ? keys : values).set(`${m[1]}.${m[2]}`, value)
  }
  if (keys.size > 0) return Object.fromEntries([...keys].map(([at, key]) => [key, values.get(at) ?? '']))
  for (const field of ['Tags', 'tags']) {
    const json = params[field]
    if (Array.isArray(json)) {
      const tags: Tags = {}
      for (const t of json as { Key?: unknown; Value?: unknown }[]) {
        const key = str(t?.Key)
        if (key !== undefined) tags[key] = str(t.Value) ?? ''
      }
      return tags
    }
    if (json && typeof json === 'object') {
      return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, str(v) ?? '']))
    }
  }
  return undefined
}

// ---- ARNs -----------------------------------------------------------------------------------------------------

/** EC2 resource types by ID prefix; images and snapshots have no account in their ARN. */
const EC2_ID_TYPES: [string, string][] = [
  ['i-', 'instance'],
  ['vol-', 'volume'],
  ['eni-', 'network-interface'],
  ['lt-', 'launch-template'],
  ['fleet-', 'fleet'],
  ['sir-', 'spot-instances-request'],
  ['sg-', 'security-group'],
  ['subnet-', 'subnet'],
  ['vpc-', 'vpc'],
  ['ami-', 'image'],
  ['snap-', 'snapshot'],
  ['cr-', 'capacity-reservation'],
  ['pg-', 'placement-group'],
  ['igw-', 'internet-gateway'],
  ['rtb-', 'route-table'],
  ['eipalloc-', 'elastic-ip'],
  ['key-', 'key-pair'],
]

const ACCOUNTLESS_EC2_TYPES = new Set(['image', 'snapshot'])

function ec2Arn(where: Where, type: string, id: string): string {
  const account = ACCOUNTLESS_EC2_TYPES.has(type) ? '' : where.accountId
  return `arn:${where.partition}:ec2:${where.region}:${account}:${type}/${id}`
}

function ec2ArnOfId(where: Where, id: string): string {
  const type = EC2_ID_TYPES.find(([prefix]) => id.startsWith(prefix))?.[1] ?? 'unknown-resource-type'
  return ec2Arn(where, type, id)
}

function iamPath(path: string | undefined): string {
  if (!path || path === '/') return '/'
  return `/${path.replace(/^\/+|\/+$/g, '')}/`
}

function instanceProfileArn(where: Where, name: string, path: string | undefined): string {
  return `arn:${where.partition}:iam::${where.accountId}:instance-profile${iamPath(path)}${name}`
}

function roleArn(where: Where, ctx: AuthorizeContext, name: string): string {
  if (name.startsWith('arn:')) return name
  if (ctx.nodeRoleArn.endsWith(`/${name}`)) return ctx.nodeRoleArn
  return `arn:${where.partition}:iam::${where.accountId}:role/${name}`
}

function ssmParameterArn(where: Where, name: string): string {
  if (name.startsWith('arn:')) return name
  // AWS's public parameters (/aws/service/...) belong to no account.
  const account = name.startsWith('/aws/') ? '' : where.accountId
  return `arn:${where.partition}:ssm:${where.region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`
}

/** `https://sqs.eu-west-1.amazonaws.com/123456789012/name` (or a local endpoint with the same path). */
function queueArnOfUrl(where: Where, url: string): string {
  let path = url
  try {
    path = new URL(url).pathname
  } catch {
    // not a URL: a bare path
  }
  const [account, name] = path.split('/').filter(Boolean).slice(-2)
  return `arn:${where.partition}:sqs:${where.region}:${name === undefined ? where.accountId : account}:${name ?? account}`
}

// ---- Recorded resource tags -----------------------------------------------------------------------------------

/** The tags the recording shows for the first of `keys` it has (the proxy's keys, see `RecordedRequest`). */
function recordedTags(request: RecordedRequest, ...keys: string[]): Tags | undefined {
  const all = request.resourceTags
  if (!all || typeof all !== 'object') return undefined
  for (const key of keys) {
    if (key.startsWith('_') || !Object.prototype.hasOwnProperty.call(all, key)) continue
    const tags = all[key]
    if (!tags || typeof tags !== 'object' || Array.isArray(tags)) continue
    return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, str(v) ?? '']))
  }
  return undefined
}

/** The proxy's keys for an EC2 resource ID: `instance/<id>`, else the ID's prefix before its last dash (`sg/sg-…`). */
function ec2TagKeys(id: string): string[] {
  if (id.startsWith('i-')) return [`instance/${id}`]
  const dash = id.lastIndexOf('-')
  const byPrefix = `${dash >= 0 ? id.slice(0, dash) : id}/${id}`
  return id.startsWith('lt-') ? [`launch-template/${id}`, byPrefix] : [byPrefix]
}

/**
 * Recorded tags of the launch templates a request names, by the ARN the authorizations give them: by ID under
 * `launch-template/<id>`; those named by name all under `launch-template/*`, known only when every one was found.
 */
function launchTemplateTags(
  request: RecordedRequest,
  where: Where,
  ids: string[],
  names: string[],
): Record<string, Tags | Tags[]> {
  const out: Record<string, Tags | Tags[]> = {}
  for (const id of unique(ids)) {
    const tags = recordedTags(request, `launch-template/${id}`)
    if (tags) out[ec2Arn(where, 'launch-template', id)] = tags
  }
  const byName = unique(names).map((name) => recordedTags(request, `launch-template/${name}`))
  if (byName.length > 0 && byName.every((t): t is Tags => t !== undefined)) {
    out[ec2Arn(where, 'launch-template', '*')] = byName.length === 1 ? byName[0] : byName
  }
  return out
}

/** `{ resourceTags }` when there are any, for spreading into an authorization. */
function withResourceTags(tags: Record<string, Tags | Tags[]>): { resourceTags?: Record<string, Tags | Tags[]> } {
  return Object.keys(tags).length > 0 ? { resourceTags: tags } : {}
}

// ---- Operation names ------------------------------------------------------------------------------------------

const STS_OPERATIONS = new Set([
  'GetCallerIdentity',
  'AssumeRole',
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithSAML',
  'GetSessionToken',
  'GetAccessKeyInfo',
])

/** Operations authorized without the caller's permissions: the caller identity, and role assumption (the role's
 * trust policy decides, which the STS request itself does not sign with the controller's credentials). */
const NEEDS_NO_PERMISSION = new Set([
  'sts:GetCallerIdentity',
  'sts:AssumeRoleWithWebIdentity',
  'sts:AssumeRoleWithSAML',
])

/** SigV4 signing names that differ from the IAM service prefix. */
const SERVICE_PREFIXES: Record<string, string> = { monitoring: 'cloudwatch', email: 'ses' }

interface RestRoute {
  service: string
  method: string
  pattern: RegExp
  operation: string
}

const REST_ROUTES: RestRoute[] = [
  { service: 'eks', method: 'GET', pattern: /^\/clusters\/?$/, operation: 'ListClusters' },
  { service: 'eks', method: 'GET', pattern: /^\/clusters\/([^/]+)\/?$/, operation: 'DescribeCluster' },
  { service: 'arc-zonal-shift', method: 'GET', pattern: /^\/managedresources\/(.+)$/, operation: 'GetManagedResource' },
]

function serviceOf(request: RecordedRequest): string {
  if (request.service) return SERVICE_PREFIXES[request.service] ?? request.service
  // Unsigned requests (AssumeRoleWithWebIdentity is one) carry no service in a credential scope.
  return STS_OPERATIONS.has(request.operation) ? 'sts' : 'unknown'
}

function restRoute(request: RecordedRequest): { operation: string; args: string[] } | undefined {
  const service = serviceOf(request)
  for (const route of REST_ROUTES) {
    if (route.service !== service || route.method !== request.method.toUpperCase()) continue
    const m = route.pattern.exec(request.path)
    if (m) return { operation: route.operation, args: m.slice(1).map((a) => safeDecode(a)) }
  }
  return undefined
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** `service:Operation` of a request; a REST call the table does not know is `service:METHOD /path`. */
export function operationName(request: RecordedRequest): string {
  const service = serviceOf(request)
  if (request.operation) return `${service}:${request.operation}`
  if (service === 's3') return s3Request(request).action
  const route = restRoute(request)
  return `${service}:${route ? route.operation : `${request.method.toUpperCase()} ${request.path}`}`
}

// ---- Authorizations per operation -----------------------------------------------------------------------------

/** What CreateFleet and RunInstances launch, gathered from the request and the launch templates it names. */
interface Launch {
  via: 'CreateFleet' | 'RunInstances'
  launchTemplates: string[]
  images: string[]
  subnets: string[]
  securityGroups: string[]
  snapshots: string[]
  capacityReservations: string[]
  placementGroups: string[]
  /** Tags per resource type the launch creates, or undefined where they cannot be known. */
  tags: Record<string, Tags | undefined>
  /** Recorded tags of the launch templates it uses, by ARN (see `launchTemplateTags`). */
  templateTags: Record<string, Tags | Tags[]>
  spot: boolean
  passesRole: boolean
}

/** What a CreateLaunchTemplate request tells about the launches that will use the template. */
export function launchTemplateFacts(
  request: RecordedRequest,
): { name: string; facts: LaunchTemplateFacts } | undefined {
  if (request.operation !== 'CreateLaunchTemplate') return undefined
  const p = request.params
  const name = str(p.LaunchTemplateName)
  if (!name) return undefined
  const data = 'LaunchTemplateData.'
  const d = escapeRegExp(data)
  const profile = str(p[`${data}IamInstanceProfile.Name`]) ?? str(p[`${data}IamInstanceProfile.Arn`])
  return {
    name,
    facts: {
      tags: tagSpecifications(p, data),
      imageIds: valuesOf(p, new RegExp(`^${d}ImageId$`)),
      securityGroupIds: valuesOf(p, new RegExp(`^${d}(NetworkInterface\\.\\d+\\.)?SecurityGroupId\\.\\d+$`)),
      subnetIds: valuesOf(p, new RegExp(`^${d}NetworkInterface\\.\\d+\\.SubnetId$`)),
      snapshotIds: valuesOf(p, new RegExp(`^${d}BlockDeviceMapping\\.\\d+\\.Ebs\\.SnapshotId$`)),
      capacityReservationIds: valuesOf(
        p,
        new RegExp(`^${d}CapacityReservationSpecification\\.CapacityReservationTarget\\.CapacityReservationId$`),
      ),
      placementGroups: valuesOf(p, new RegExp(`^${d}Placement\\.GroupName$`)),
      ...(profile ? { instanceProfile: profile } : {}),
      spot: str(p[`${data}InstanceMarketOptions.MarketType`]) === 'spot',
    },
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}

function launchOf(request: RecordedRequest, ctx: AuthorizeContext): Launch {
  const p = request.params
  const fleet = request.operation === 'CreateFleet'
  const spec = fleet ? 'LaunchTemplateConfigs\\.\\d+\\.LaunchTemplateSpecification\\.' : 'LaunchTemplate\\.'
  const names = valuesOf(p, new RegExp(`^${spec}LaunchTemplateName$`))
  const ids = valuesOf(p, new RegExp(`^${spec}LaunchTemplateId$`))
  const facts = names.map((n) => ctx.launchTemplates?.[n]).filter((f): f is LaunchTemplateFacts => f !== undefined)
  // Whether every launch template the request uses is known (trivially so when it uses none).
  const allKnown = ids.length === 0 && facts.length === names.length
  const fromTemplates = (pick: (f: LaunchTemplateFacts) => string[]): string[] => unique(facts.flatMap(pick))

  const own = (field: string): string[] =>
    fleet
      ? valuesOf(p, new RegExp(`^LaunchTemplateConfigs\\.\\d+\\.Overrides\\.\\d+\\.${field}$`))
      : valuesOf(p, new RegExp(`^(NetworkInterface\\.\\d+\\.)?${field}$`))
  const images = unique([...own('ImageId'), ...fromTemplates((f) => f.imageIds)])
  const subnets = unique([...own('SubnetId'), ...fromTemplates((f) => f.subnetIds)])
  const securityGroups = unique([
    ...valuesOf(p, /^(NetworkInterface\.\d+\.)?SecurityGroupId\.\d+$/),
    ...fromTemplates((f) => f.securityGroupIds),
  ])
  const placementGroups = unique([
    ...(fleet
      ? valuesOf(p, /^LaunchTemplateConfigs\.\d+\.Overrides\.\d+\.Placement\.GroupName$/)
      : valuesOf(p, /^Placement\.GroupName$/)),
    ...fromTemplates((f) => f.placementGroups),
  ])
  const capacityReservations = unique([
    ...valuesOf(p, /^CapacityReservationSpecification\.CapacityReservationTarget\.CapacityReservationId$/),
    ...fromTemplates((f) => f.capacityReservationIds),
  ])
  const snapshots = unique([
    ...valuesOf(p, /^BlockDeviceMapping\.\d+\.Ebs\.SnapshotId$/),
    ...fromTemplates((f) => f.snapshotIds),
  ])
  const spot = fleet
    ? str(p['TargetCapacitySpecification.DefaultTargetCapacityType']) === 'spot'
    : str(p['InstanceMarketOptions.MarketType']) === 'spot' || facts.some((f) => f.spot)

  const ownTags = tagSpecifications(p)
  const created = ['instance', 'volume', 'network-interface', ...(spot ? ['spot-instances-request'] : [])]
  const tags: Record<string, Tags | undefined> = {}
  for (const type of created) {
    // Tags of the request win over those of the launch template; a template we have not seen may add some.
    const merged: Tags = Object.assign({}, ...facts.map((f) => f.tags[type] ?? {}), ownTags[type] ?? {})
    tags[type] = ownTags[type] !== undefined || allKnown ? merged : undefined
  }
  if (fleet) tags.fleet = ownTags.fleet ?? {}

  const where = whereOf(request, ctx)
  const launchTemplates = [
    ...ids.map((id) => ec2Arn(where, 'launch-template', id)),
    // A template named by name: its ID (part of the ARN) is not in the request.
    ...(names.length > 0 ? [ec2Arn(where, 'launch-template', '*')] : []),
  ]
  const explicitProfile = str(p['IamInstanceProfile.Name']) ?? str(p['IamInstanceProfile.Arn'])
  const passesRole = explicitProfile !== undefined || !allKnown || facts.some((f) => f.instanceProfile !== undefined)
  return {
    via: fleet ? 'CreateFleet' : 'RunInstances',
    launchTemplates: unique(launchTemplates),
    images,
    subnets,
    securityGroups,
    snapshots,
    capacityReservations,
    placementGroups,
    tags,
    templateTags: launchTemplateTags(request, where, ids, names),
    spot,
    passesRole,
  }
}

function launchAuthorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const where = whereOf(request, ctx)
  const base = baseContext(request, ctx)
  const launch = launchOf(request, ctx)
  const orAny = (ids: string[], type: string): string[] =>
    (ids.length > 0 ? ids : ['*']).map((id) => ec2Arn(where, type, id))
  const images = orAny(launch.images, 'image')
  const subnets = orAny(launch.subnets, 'subnet')
  const existing = [
    ...images,
    ...subnets,
    ...orAny(launch.securityGroups, 'security-group'),
    ...launch.launchTemplates,
    ...launch.snapshots.map((id) => ec2Arn(where, 'snapshot', id)),
    ...launch.capacityReservations.map((id) => ec2Arn(where, 'capacity-reservation', id)),
    ...launch.placementGroups.map((name) => ec2Arn(where, 'placement-group', name)),
  ]
  const out: Authorization[] = []
  // A resource the launch creates: its resource tags are the tags the request gives it (see the module comment).
  const withTags = (action: string, type: string, extra: Record<string, ContextValue> = {}): Authorization => {
    const tags = launch.tags[type]
    const resource = ec2Arn(where, type, '*')
    return {
      action,
      resources: [resource],
      context: { ...base, ...tagContext(tags ?? {}), ...extra },
      ...(tags === undefined ? { unknownKeys: TAG_KEYS } : { resourceTags: { [resource]: tags } }),
    }
  }
  const templates = withResourceTags(launch.templateTags)
  if (launch.via === 'CreateFleet') {
    out.push(withTags('ec2:CreateFleet', 'fleet'))
    out.push({
      action: 'ec2:CreateFleet',
      resources: [...launch.launchTemplates, ...subnets, ...images],
      context: base,
      ...templates,
    })
  }
  out.push({ action: 'ec2:RunInstances', resources: existing, context: base, ...templates })
  const created = Object.keys(launch.tags).filter((type) => type !== 'fleet')
  for (const type of created) out.push(withTags('ec2:RunInstances', type))
  // Tagging on creation is authorized as ec2:CreateTags with ec2:CreateAction, for each resource type it tags.
  for (const type of Object.keys(launch.tags)) {
    const tags = launch.tags[type]
    if (tags && Object.keys(tags).length > 0) {
      out.push(withTags('ec2:CreateTags', type, { 'ec2:CreateAction': launch.via }))
    }
  }
  if (launch.passesRole) {
    // Launching with an instance profile passes its role; the instance's ID is not known yet.
    const instances = `arn:${where.partition}:ec2:${where.region}:${where.accountId}:instance/*`
    out.push(passRole(where, ctx.nodeRoleArn, instances))
  }
  return out
}

function passRole(where: Where, role: string, associated: string): Authorization {
  return {
    action: 'iam:PassRole',
    resources: [role],
    context: {
      'aws:RequestedRegion': where.region,
      'iam:PassedToService': EC2_SERVICE_PRINCIPAL,
      'iam:AssociatedResourceArn': associated,
    },
  }
}

function whereOf(request: RecordedRequest, ctx: AuthorizeContext): Where {
  return { partition: ctx.partition, region: request.region || ctx.region, accountId: ctx.accountId }
}

function baseContext(request: RecordedRequest, ctx: AuthorizeContext): Record<string, ContextValue> {
  return { 'aws:RequestedRegion': request.region || ctx.region }
}

function ec2Authorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const where = whereOf(request, ctx)
  const base = baseContext(request, ctx)
  const p = request.params
  const op = request.operation
  switch (op) {
    case 'CreateFleet':
    case 'RunInstances':
      return launchAuthorizations(request, ctx)
    case 'CreateLaunchTemplate': {
      const tags = tagSpecifications(p)['launch-template'] ?? {}
      const resources = [ec2Arn(where, 'launch-template', '*')]
      // The template it creates: its resource tags are those it is created with (see the module comment).
      const resourceTags = { [resources[0]]: tags }
      const out: Authorization[] = [
        { action: 'ec2:CreateLaunchTemplate', resources, context: { ...base, ...tagContext(tags) }, resourceTags },
      ]
      if (Object.keys(tags).length > 0) {
        out.push({
          action: 'ec2:CreateTags',
          resources,
          context: { ...base, ...tagContext(tags), 'ec2:CreateAction': 'CreateLaunchTemplate' },
          resourceTags,
        })
      }
      return out
    }
    case 'DeleteLaunchTemplate':
    case 'CreateLaunchTemplateVersion':
    case 'ModifyLaunchTemplate': {
      const id = str(p.LaunchTemplateId)
      const name = id === undefined ? str(p.LaunchTemplateName) : undefined
      return [
        {
          action: `ec2:${op}`,
          resources: [ec2Arn(where, 'launch-template', id ?? '*')],
          context: base,
          ...withResourceTags(launchTemplateTags(request, where, id ? [id] : [], name ? [name] : [])),
        },
      ]
    }
    case 'TerminateInstances':
    case 'StopInstances':
    case 'StartInstances':
    case 'RebootInstances': {
      const ids = valuesOf(p, /^InstanceId\.\d+$/)
      return [
        {
          action: `ec2:${op}`,
          resources: ids.map((id) => ec2Arn(where, 'instance', id)),
          context: base,
          ...withResourceTags(existingEc2Tags(request, where, ids)),
        },
      ]
    }
    case 'CreateTags':
    case 'DeleteTags': {
      const ids = valuesOf(p, /^ResourceId\.\d+$/)
      const tags = requestTags(p) ?? {}
      const context: Record<string, ContextValue> =
        op === 'CreateTags'
          ? { ...base, ...tagContext(tags) }
          : { ...base, ...(Object.keys(tags).length > 0 ? { 'aws:TagKeys': Object.keys(tags) } : {}) }
      return [
        {
          action: `ec2:${op}`,
          resources: ids.map((id) => ec2ArnOfId(where, id)),
          context,
          ...withResourceTags(existingEc2Tags(request, where, ids)),
        },
      ]
    }
    default:
      // Describe* and the like: no resource-level permissions, authorized on "*".
      return [defaultAuthorization(request, ctx)]
  }
}

/** Recorded tags of the existing EC2 resources with these IDs, by their ARN. */
function existingEc2Tags(request: RecordedRequest, where: Where, ids: string[]): Record<string, Tags> {
  const out: Record<string, Tags> = {}
  for (const id of ids) {
    const tags = recordedTags(request, ...ec2TagKeys(id))
    if (tags) out[ec2ArnOfId(where, id)] = tags
  }
  return out
}

function iamAuthorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const where = whereOf(request, ctx)
  const base = baseContext(request, ctx)
  const p = request.params
  const op = request.operation
  const action = `iam:${op}`
  const profile = str(p.InstanceProfileName)
  const policy = iamPolicyResource(where, op, p)
  if (policy) return [{ action, resources: [policy], context: { ...base, ...tagContext(requestTags(p) ?? {}) } }]
  const provider = oidcProviderResource(where, op, p)
  if (provider) return [{ action, resources: [provider], context: { ...base, ...tagContext(requestTags(p) ?? {}) } }]
  if (op === 'ListInstanceProfiles' || !profile) {
    const role = str(p.RoleName)
    if (role && op !== 'ListInstanceProfiles')
      return [{ action, resources: [roleArn(where, ctx, role)], context: base }]
    return [defaultAuthorization(request, ctx)]
  }
  const path = op === 'CreateInstanceProfile' ? str(p.Path) : ctx.instanceProfilePaths?.[profile]
  const resources = [instanceProfileArn(where, profile, path)]
  const tags = requestTags(p)
  let context = base
  if (op === 'CreateInstanceProfile' || op === 'TagInstanceProfile') context = { ...base, ...tagContext(tags ?? {}) }
  if (op === 'UntagInstanceProfile') {
    const keys = valuesOf(p, /^TagKeys\.member\.\d+$/)
    context = { ...base, ...(keys.length > 0 ? { 'aws:TagKeys': keys } : {}) }
  }
  // The profile CreateInstanceProfile creates has the tags it is created with; any other is looked up in the recording.
  const profileTags =
    op === 'CreateInstanceProfile' ? (tags ?? {}) : recordedTags(request, `instance-profile/${profile}`)
  const out: Authorization[] = [
    { action, resources, context, ...(profileTags ? { resourceTags: { [resources[0]]: profileTags } } : {}) },
  ]
  const role = str(p.RoleName)
  if (op === 'AddRoleToInstanceProfile' && role) {
    // "The caller of this operation must be granted the PassRole permission on the IAM role."
    out.push(passRole(where, roleArn(where, ctx, role), `arn:${where.partition}:ec2:*:${where.accountId}:instance/*`))
  }
  return out
}

/**
 * The managed policy an IAM policy operation acts on: `PolicyArn`, or for CreatePolicy the ARN it will have. Role
 * operations that name a policy (AttachRolePolicy) act on the role, so they are left to the role's branch.
 */
function iamPolicyResource(where: Where, op: string, p: Record<string, unknown>): string | undefined {
  if (op === 'CreatePolicy' && str(p.PolicyName)) {
    return `arn:${where.partition}:iam::${where.accountId}:policy${iamPath(str(p.Path))}${str(p.PolicyName)}`
  }
  if (/(Role|User|Group)Policy$/.test(op) || /^(Attach|Detach)/.test(op)) return undefined
  return str(p.PolicyArn)
}

/** The OIDC provider an IAM operation acts on: its ARN, or for CreateOpenIDConnectProvider the ARN of its URL. */
function oidcProviderResource(where: Where, op: string, p: Record<string, unknown>): string | undefined {
  if (op === 'CreateOpenIDConnectProvider' && str(p.Url)) {
    const host = str(p.Url)!.replace(/^https?:\/\//, '')
    return `arn:${where.partition}:iam::${where.accountId}:oidc-provider/${host}`
  }
  return str(p.OpenIDConnectProviderArn)
}

/** EventBridge rule operations act on the rule (`rule/<name>`, or `rule/<bus>/<name>` off the default bus). */
function eventsAuthorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const where = whereOf(request, ctx)
  const p = request.params
  const action = `events:${request.operation}`
  const context = { ...baseContext(request, ctx), ...tagContext(jsonTags(p.Tags) ?? {}) }
  const arn = str(p.ResourceARN)
  if (arn) return [{ action, resources: [arn], context }]
  const rule = request.operation === 'ListRules' ? undefined : (str(p.Rule) ?? str(p.Name))
  if (!rule) return [{ ...defaultAuthorization(request, ctx), action }]
  const bus = str(p.EventBusName)
  const path = bus && bus !== 'default' && !bus.startsWith('arn:') ? `${bus}/${rule}` : rule
  return [
    { action, resources: [`arn:${where.partition}:events:${where.region}:${where.accountId}:rule/${path}`], context },
  ]
}

/** Tags of a JSON-protocol request: `[{Key, Value}]`. */
function jsonTags(value: unknown): Tags | undefined {
  if (!Array.isArray(value)) return undefined
  const tags: Tags = {}
  for (const t of value as { Key?: unknown; Value?: unknown }[]) {
    const key = str(t?.Key)
    if (key !== undefined) tags[key] = str(t?.Value) ?? ''
  }
  return tags
}

/**
 * S3 object and bucket operations (path-style requests, as the SDK sends them to an IP endpoint). HEAD is authorized
 * as s3:GetObject, as AWS does; a request without a key acts on the bucket.
 */
function s3Authorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const { action, bucket, key } = s3Request(request)
  const resource = !bucket
    ? '*'
    : key
      ? `arn:${ctx.partition}:s3:::${bucket}/${key}`
      : `arn:${ctx.partition}:s3:::${bucket}`
  return [{ action, resources: [resource], context: baseContext(request, ctx) }]
}

const S3_OBJECT_ACTIONS: Record<string, string> = {
  GET: 's3:GetObject',
  HEAD: 's3:GetObject',
  PUT: 's3:PutObject',
  POST: 's3:PutObject',
  DELETE: 's3:DeleteObject',
}
const S3_BUCKET_ACTIONS: Record<string, string> = {
  GET: 's3:ListBucket',
  HEAD: 's3:ListBucket',
  PUT: 's3:CreateBucket',
  DELETE: 's3:DeleteBucket',
}

/** The action, bucket and key of a path-style S3 request. */
function s3Request(request: RecordedRequest): { action: string; bucket?: string; key?: string } {
  const [bucket, ...rest] = request.path.split('/').filter(Boolean).map(safeDecode)
  const method = request.method.toUpperCase()
  if (!bucket) return { action: 's3:ListAllMyBuckets' }
  const key = rest.join('/')
  if (!key) return { action: S3_BUCKET_ACTIONS[method] ?? `s3:${method} /<bucket>`, bucket }
  return { action: S3_OBJECT_ACTIONS[method] ?? `s3:${method} /<bucket>/<key>`, bucket, key }
}

/** SQS batch operations are authorized as their single-message action. */
const SQS_ACTIONS: Record<string, string> = {
  DeleteMessageBatch: 'DeleteMessage',
  SendMessageBatch: 'SendMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
}

function sqsAuthorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const where = whereOf(request, ctx)
  const p = request.params
  const action = `sqs:${SQS_ACTIONS[request.operation] ?? request.operation}`
  const url = str(p.QueueUrl)
  const name = str(p.QueueName)
  let queue: string | undefined
  if (url) queue = queueArnOfUrl(where, url)
  else if (name && request.operation !== 'ListQueues') {
    const owner = str(p.QueueOwnerAWSAccountId) ?? where.accountId
    queue = `arn:${where.partition}:sqs:${where.region}:${owner}:${name}`
  } else if (/^\/\d{12}\/[^/]+\/?$/.test(request.path)) queue = queueArnOfUrl(where, request.path)
  if (!queue) return [{ ...defaultAuthorization(request, ctx), action }]
  const tags = request.operation === 'CreateQueue' || request.operation === 'TagQueue' ? requestTags(p) : undefined
  return [{ action, resources: [queue], context: { ...baseContext(request, ctx), ...tagContext(tags ?? {}) } }]
}

function ssmAuthorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const where = whereOf(request, ctx)
  const p = request.params
  const names = [
    ...(str(p.Name) ? [str(p.Name) as string] : []),
    ...(Array.isArray(p.Names) ? (p.Names as unknown[]).map(str).filter((n): n is string => !!n) : []),
    ...(str(p.Path) ? [str(p.Path) as string] : []),
  ]
  if (names.length === 0) return [defaultAuthorization(request, ctx)]
  return [
    {
      action: `ssm:${request.operation}`,
      resources: names.map((n) => ssmParameterArn(where, n)),
      context: baseContext(request, ctx),
    },
  ]
}

function restAuthorizations(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const where = whereOf(request, ctx)
  const base = baseContext(request, ctx)
  const service = serviceOf(request)
  const route = restRoute(request)
  if (!route) return [{ action: operationName(request), resources: ['*'], context: base }]
  const action = `${service}:${route.operation}`
  if (route.operation === 'DescribeCluster') {
    const name = route.args[0]
    return [
      {
        action,
        resources: [`arn:${where.partition}:eks:${where.region}:${where.accountId}:cluster/${name}`],
        context: base,
      },
    ]
  }
  if (route.operation === 'GetManagedResource') {
    const id = route.args[0]
    return [{ action, resources: [id], context: { ...base, 'arc-zonal-shift:ResourceIdentifier': id } }]
  }
  return [{ action, resources: ['*'], context: base }]
}

/** An operation this module has no model for: `<service>:<operation>` on "*", with the tags the request shows. */
function defaultAuthorization(request: RecordedRequest, ctx: AuthorizeContext): Authorization {
  const specs = tagSpecifications(request.params)
  const tags = Object.keys(specs).length > 0 ? Object.assign({}, ...Object.values(specs)) : requestTags(request.params)
  return {
    action: operationName(request),
    resources: ['*'],
    context: { ...baseContext(request, ctx), ...tagContext(tags ?? {}) },
  }
}

/**
 * The IAM authorizations one recorded request needs. An empty list: the request needs no permission
 * (sts:GetCallerIdentity; sts:AssumeRoleWithWebIdentity, which the role's trust policy authorizes).
 */
export function authorizationsFor(request: RecordedRequest, ctx: AuthorizeContext): Authorization[] {
  const name = operationName(request)
  if (NEEDS_NO_PERMISSION.has(name)) return []
  if (serviceOf(request) === 's3') return s3Authorizations(request, ctx)
  if (!request.operation) return restAuthorizations(request, ctx)
  switch (serviceOf(request)) {
    case 'ec2':
      return ec2Authorizations(request, ctx)
    case 'iam':
      return iamAuthorizations(request, ctx)
    case 'sqs':
      return sqsAuthorizations(request, ctx)
    case 'ssm':
      return ssmAuthorizations(request, ctx)
    case 'events':
      return eventsAuthorizations(request, ctx)
    default:
      // pricing:GetProducts and everything unmodelled: "*".
      return [defaultAuthorization(request, ctx)]
  }
}

// ---- Policy evaluation ----------------------------------------------------------------------------------------

interface Labelled {
  statement: PolicyStatement
  label: string
}

const globCache = new Map<string, RegExp>()

function glob(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}:${pattern}`
  let re = globCache.get(cacheKey)
  if (!re) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : escapeRegExp(c)))
      .join('')
    re = new RegExp(`^${body}$`, ignoreCase ? 'i' : '')
    globCache.set(cacheKey, re)
  }
  return re
}

function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** Accepts a document, JSON text, or IAM's URL-encoded JSON text. */
export function parsePolicyInput(input: PolicyInput): PolicyDocument {
  let doc: unknown = input
  if (typeof input === 'string') {
    const text = input.trim().startsWith('%') ? decodeURIComponent(input) : input
    doc = JSON.parse(text)
  }
  const statement = (doc as { Statement?: unknown } | null)?.Statement
  if (!statement || typeof statement !== 'object') {
    throw new Error(`not an IAM policy document (no Statement): ${JSON.stringify(doc).slice(0, 200)}`)
  }
  return doc as PolicyDocument
}

function statementsOf(policies: readonly PolicyInput[]): Labelled[] {
  return policies.flatMap((input, p) =>
    list(parsePolicyInput(input).Statement).map((statement, s) => ({
      statement,
      label: statement.Sid ? `"${statement.Sid}"` : `statement ${s + 1} of policy ${p + 1}`,
    })),
  )
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return list(statement.Action).some((a) => glob(a, true).test(action))
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((a) => glob(a, true).test(action))
  return false
}

function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined) return list(statement.Resource).some((r) => glob(r, false).test(resource))
  if (statement.NotResource !== undefined) {
    return !list(statement.NotResource).some((r) => glob(r, false).test(resource))
  }
  return false
}

/** ArnLike/ArnEquals: each of the six colon-separated parts matched on its own, with wildcards. */
function arnMatches(value: string, pattern: string): boolean {
  const split = (arn: string): string[] | undefined => {
    const parts = arn.split(':')
    if (parts.length < 6) return undefined
    return [...parts.slice(0, 5), parts.slice(5).join(':')]
  }
  const v = split(value)
  const p = split(pattern)
  // A pattern that is not a whole ARN matches only as the lone wildcard.
  if (!p) return pattern === '*'
  if (!v) return false
  return p.every((part, i) => glob(part, false).test(v[i]))
}

type Comparison = (value: string, policyValue: string) => boolean

const numeric =
  (test: (a: number, b: number) => boolean): Comparison =>
  (a, b) =>
    a.trim() !== '' &&
    b.trim() !== '' &&
    !Number.isNaN(Number(a)) &&
    !Number.isNaN(Number(b)) &&
    test(Number(a), Number(b))
const date =
  (test: (a: number, b: number) => boolean): Comparison =>
  (a, b) => {
    const [x, y] = [Date.parse(a), Date.parse(b)]
    return !Number.isNaN(x) && !Number.isNaN(y) && test(x, y)
  }

/** The positive form of each supported operator; `negated` marks the Not… forms. */
const OPERATORS: Record<string, { compare: Comparison; negated: boolean }> = {
  StringEquals: { compare: (a, b) => a === b, negated: false },
  StringNotEquals: { compare: (a, b) => a === b, negated: true },
  StringEqualsIgnoreCase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: true },
  StringLike: { compare: (a, b) => glob(b, false).test(a), negated: false },
  StringNotLike: { compare: (a, b) => glob(b, false).test(a), negated: true },
  ArnEquals: { compare: arnMatches, negated: false },
  ArnLike: { compare: arnMatches, negated: false },
  ArnNotEquals: { compare: arnMatches, negated: true },
  ArnNotLike: { compare: arnMatches, negated: true },
  Bool: { compare: (a, b) => a.toLowerCase() === b.toLowerCase(), negated: false },
  NumericEquals: { compare: numeric((a, b) => a === b), negated: false },
  NumericNotEquals: { compare: numeric((a, b) => a === b), negated: true },
  NumericLessThan: { compare: numeric((a, b) => a < b), negated: false },
  NumericLessThanEquals: { compare: numeric((a, b) => a <= b), negated: false },
  NumericGreaterThan: { compare: numeric((a, b) => a > b), negated: false },
  NumericGreaterThanEquals: { compare: numeric((a, b) => a >= b), negated: false },
  DateEquals: { compare: date((a, b) => a === b), negated: false },
  DateNotEquals: { compare: date((a, b) => a === b), negated: true },
  DateLessThan: { compare: date((a, b) => a < b), negated: false },
  DateLessThanEquals: { compare: date((a, b) => a <= b), negated: false },
  DateGreaterThan: { compare: date((a, b) => a > b), negated: false },
  DateGreaterThanEquals: { compare: date((a, b) => a >= b), negated: false },
}

const OPERATOR_NAMES = new Map(Object.keys(OPERATORS).map((name) => [name.toLowerCase(), name]))

interface ParsedOperator {
  set?: 'all' | 'any'
  base: string
  ifExists: boolean
}

function parseOperator(operator: string): ParsedOperator | undefined {
  let rest = operator
  let set: ParsedOperator['set']
  const m = /^(ForAllValues|ForAnyValue):(.+)$/i.exec(rest)
  if (m) {
    set = m[1].toLowerCase() === 'forallvalues' ? 'all' : 'any'
    rest = m[2]
  }
  const ifExists = /IfExists$/i.test(rest)
  if (ifExists) rest = rest.slice(0, -'IfExists'.length)
  if (rest.toLowerCase() === 'null') return ifExists ? undefined : { set, base: 'Null', ifExists }
  const base = OPERATOR_NAMES.get(rest.toLowerCase())
  return base ? { set, base, ifExists } : undefined
}

type Tri = 'true' | 'false' | 'unknown'

interface ConditionOutcome {
  result: Tri
  unevaluated: string[]
  /** For a false result: every condition that failed, in words. */
  failed?: string
}

function lookup(authorization: Authorization, key: string): ContextValue | undefined {
  const lower = key.toLowerCase()
  for (const [k, v] of Object.entries(authorization.context)) if (k.toLowerCase() === lower) return v
  return undefined
}

function isKnownAbsent(authorization: Authorization, key: string): boolean {
  const derived = REQUEST_DERIVED_KEYS.some((k) => glob(k, true).test(key))
  const unknown = (authorization.unknownKeys ?? []).some((k) => glob(k, true).test(key))
  return derived && !unknown
}

/** One resource as IAM evaluates it: its ARN and, when known, the tags its resource-tag keys see. */
interface Target {
  resource: string
  tags?: Tags
}

/** A condition key's value for one resource: known (present or absent) or not, and where it comes from. */
interface Found {
  value: ContextValue | undefined
  known: boolean
  from: 'request' | 'resource'
}

const RESOURCE_TAG_KEY = /^(aws|ec2):ResourceTag\/(.+)$/i

function isEc2Arn(resource: string): boolean {
  return resource.split(':')[2] === 'ec2'
}

function find(authorization: Authorization, key: string, target: Target): Found {
  const m = RESOURCE_TAG_KEY.exec(key)
  // ec2:ResourceTag is EC2's own key: only EC2 resources carry it.
  if (m && target.tags !== undefined && (m[1].toLowerCase() === 'aws' || isEc2Arn(target.resource))) {
    // Tag keys in condition keys are matched case-insensitively (IAM User Guide, aws:ResourceTag).
    const name = m[2]
    const keys = Object.keys(target.tags)
    const hit = keys.includes(name) ? name : keys.find((k) => k.toLowerCase() === name.toLowerCase())
    return { value: hit === undefined ? undefined : target.tags[hit], known: true, from: 'resource' }
  }
  const value = lookup(authorization, key)
  return { value, known: value !== undefined || isKnownAbsent(authorization, key), from: 'request' }
}

function describeValue(found: Found): string {
  if (found.from === 'resource') {
    return found.value === undefined
      ? 'the resource has no such tag'
      : `the resource has ${JSON.stringify(found.value)}`
  }
  if (found.value === undefined) return 'absent from the request'
  return `the request has ${JSON.stringify(found.value)}`
}

function evaluateCondition(operator: string, rawValues: PolicyValue | PolicyValue[], found: Found): Tri {
  const parsed = parseOperator(operator)
  if (!parsed) return 'unknown'
  const policyValues = list(rawValues).map((v) => String(v))
  const raw = found.value
  if (!found.known) return 'unknown'
  const values = raw === undefined ? undefined : list(raw)
  const present = values !== undefined && values.length > 0
  if (parsed.base === 'Null') {
    return policyValues.some((v) => (v.toLowerCase() === 'true') === !present) ? 'true' : 'false'
  }
  const { compare, negated } = OPERATORS[parsed.base]
  const hit = (v: string): boolean => policyValues.some((p) => compare(v, p))
  let result: boolean
  if (!present) {
    if (parsed.ifExists) result = true
    else if (parsed.set === 'all') result = true
    else if (parsed.set === 'any') result = false
    else result = negated
  } else if (parsed.set === 'all') {
    result = values.every((v) => (negated ? !hit(v) : hit(v)))
  } else if (parsed.set === 'any') {
    result = values.some((v) => (negated ? !hit(v) : hit(v)))
  } else {
    result = negated ? !values.some(hit) : values.some(hit)
  }
  return result ? 'true' : 'false'
}

/** All conditions of a statement for one resource; a false result names every condition that failed. */
function evaluateConditions(
  statement: PolicyStatement,
  authorization: Authorization,
  target: Target,
): ConditionOutcome {
  const unevaluated: string[] = []
  const failed: string[] = []
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) {
      const found = find(authorization, key, target)
      const result = evaluateCondition(operator, values, found)
      if (result === 'false') failed.push(`${operator} ${key} ${JSON.stringify(values)} (${describeValue(found)})`)
      if (result === 'unknown') unevaluated.push(parseOperator(operator) ? key : `${operator}:${key}`)
    }
  }
  if (failed.length > 0) return { result: 'false', unevaluated: [], failed: failed.join(' and ') }
  return { result: unevaluated.length > 0 ? 'unknown' : 'true', unevaluated }
}

interface ResourceDecision {
  resource: string
  verdict: 'allow' | 'explicit-deny' | 'implicit-deny'
  by?: string
  misses: string[]
  unevaluated: string[]
}

function decideResource(statements: Labelled[], authorization: Authorization, target: Target): ResourceDecision {
  const { resource } = target
  const unevaluated: string[] = []
  const applicable = statements.filter(
    ({ statement }) => actionMatches(statement, authorization.action) && resourceMatches(statement, resource),
  )
  for (const { statement, label } of applicable) {
    if (statement.Effect !== 'Deny') continue
    const outcome = evaluateConditions(statement, authorization, target)
    if (outcome.result === 'true') return { resource, verdict: 'explicit-deny', by: label, misses: [], unevaluated: [] }
    // A Deny whose condition depends on what we cannot see: resolved in the request's favour, but reported.
    if (outcome.result === 'unknown') unevaluated.push(...outcome.unevaluated)
  }
  const misses: string[] = []
  let fallback: { label: string; unevaluated: string[] } | undefined
  for (const { statement, label } of applicable) {
    if (statement.Effect !== 'Allow') continue
    const outcome = evaluateConditions(statement, authorization, target)
    if (outcome.result === 'true') return { resource, verdict: 'allow', by: label, misses: [], unevaluated }
    if (outcome.result === 'unknown') fallback ??= { label, unevaluated: outcome.unevaluated }
    else misses.push(`${label}: ${outcome.failed}`)
  }
  if (fallback) {
    return {
      resource,
      verdict: 'allow',
      by: fallback.label,
      misses: [],
      unevaluated: [...unevaluated, ...fallback.unevaluated],
    }
  }
  return { resource, verdict: 'implicit-deny', misses, unevaluated }
}

/** The resources of an authorization as IAM evaluates them: one per tag set where several share an ARN. */
function targetsOf(authorization: Authorization): Target[] {
  return authorization.resources.flatMap((resource) => {
    const tags = Object.prototype.hasOwnProperty.call(authorization.resourceTags ?? {}, resource)
      ? authorization.resourceTags?.[resource]
      : undefined
    const sets = tags === undefined ? [] : list(tags)
    return sets.length > 0 ? sets.map((t) => ({ resource, tags: t })) : [{ resource }]
  })
}

/**
 * IAM's evaluation of identity policies for one authorization: an explicit Deny that applies wins; otherwise the
 * action is allowed when, for every resource, an Allow statement matches the action (wildcards, case-insensitive),
 * the resource (wildcards `*`/`?`, case-sensitive; Resource or NotResource) and its conditions hold.
 *
 * `aws:ResourceTag/<key>` (and `ec2:ResourceTag/<key>` on an EC2 resource) is evaluated, for each resource, against
 * that resource's tags in `authorization.resourceTags`; a tag it lacks is absent.
 *
 * Conditions on keys the authorization cannot carry (the resource tags of a resource `resourceTags` does not list,
 * and the like, see the module comment) are not evaluated: they count as satisfied in an Allow and as unsatisfied
 * in a Deny, and are returned in `unevaluated`. An operator this evaluator does not implement is treated the same
 * way.
 */
export function evaluate(policies: readonly PolicyInput[], authorization: Authorization): Decision {
  const statements = statementsOf(policies)
  const decisions = targetsOf(authorization).map((t) => decideResource(statements, authorization, t))
  const unevaluated = unique(decisions.flatMap((d) => d.unevaluated)).sort()
  const denied = decisions.find((d) => d.verdict === 'explicit-deny')
  if (denied) {
    return {
      allowed: false,
      reason: `explicit deny: ${authorization.action} on ${denied.resource} is denied by ${denied.by}`,
      unevaluated,
    }
  }
  const implicit = decisions.filter((d) => d.verdict === 'implicit-deny')
  if (implicit.length > 0 || decisions.length === 0) {
    const parts = unique(
      implicit.map(
        (d) =>
          `${authorization.action} on ${d.resource}: no Allow statement grants it` +
          (d.misses.length > 0 ? ` (conditions failed: ${d.misses.join('; ')})` : ''),
      ),
    )
    return {
      allowed: false,
      reason: `implicit deny: ${parts.length > 0 ? parts.join('; ') : `${authorization.action} names no resource`}`,
      unevaluated,
    }
  }
  const by = unique(decisions.map((d) => d.by as string))
  return { allowed: true, reason: `${authorization.action} allowed by ${by.join(', ')}`, unevaluated }
}

// ---- All requests ---------------------------------------------------------------------------------------------

/** Launch templates and instance-profile paths the recorded requests show, merged into `ctx`. */
export function withRecordedFacts(requests: readonly RecordedRequest[], ctx: AuthorizeContext): AuthorizeContext {
  const launchTemplates: Record<string, LaunchTemplateFacts> = { ...ctx.launchTemplates }
  const instanceProfilePaths: Record<string, string> = { ...ctx.instanceProfilePaths }
  for (const request of requests) {
    const lt = launchTemplateFacts(request)
    if (lt) launchTemplates[lt.name] ??= lt.facts
    if (serviceOf(request) === 'iam' && request.operation === 'CreateInstanceProfile') {
      const name = str(request.params.InstanceProfileName)
      const path = str(request.params.Path)
      if (name && path) instanceProfilePaths[name] ??= path
    }
  }
  return { ...ctx, launchTemplates, instanceProfilePaths }
}

/**
 * Every request against the policies. Failed requests (HTTP status >= 400) are checked too: the controller tried
 * them. What the launch templates and instance profiles created in the same recording say is used for the
 * CreateFleet/RunInstances and instance-profile requests that name them.
 */
export function checkRequests(
  requests: readonly RecordedRequest[],
  policies: readonly PolicyInput[],
  ctx: AuthorizeContext,
): CheckResult {
  const full = withRecordedFacts(requests, ctx)
  const operations: Record<string, number> = {}
  const denied: Denial[] = []
  const unevaluated = new Set<string>()
  let checked = 0
  let skipped = 0
  for (const request of requests) {
    const name = operationName(request)
    operations[name] = (operations[name] ?? 0) + 1
    const authorizations = authorizationsFor(request, full)
    if (authorizations.length === 0) {
      skipped++
      continue
    }
    checked++
    for (const authorization of authorizations) {
      const decision = evaluate(policies, authorization)
      decision.unevaluated.forEach((k) => unevaluated.add(k))
      if (!decision.allowed) denied.push({ request, authorization, reason: decision.reason })
    }
  }
  return { checked, skipped, operations, denied, unevaluated: [...unevaluated].sort() }
}
