/**
 * The five EC2 reads pre-flight makes (DescribeVpcs, DescribeSubnets, DescribeSecurityGroups, DescribeInstanceTypes,
 * DescribeInstanceTypeOfferings) as signed EC2 Query requests. The SDK's EC2 client is 2.1 MB of code for some 700
 * operations, and loading it cost a plan about 55 MiB of memory and a quarter of a second; these five need a form
 * body, a SigV4 signature (src/aws/sigv4.ts, sent by src/aws/signed-call.ts) and the XML parser the IAM client
 * brings.
 *
 * Inputs and answers keep the SDK's names (`Filters`, `NextToken`, `Subnets[].AvailabilityZone`...), so the call log
 * and the checks read as before. Honors AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL like the SDK; retries throttling,
 * 5xx answers and failed connections (src/retry.ts); errors carry EC2's error code as `name` and the HTTP status in
 * `$metadata`, as SDK errors do.
 */
import { AwsHttpError } from './calls.js'
import type { AwsSession } from './clients.js'
import { serviceEndpoint, signedCall, type ServiceId, type SignedRequest } from './signed-call.js'
import { listMembers, listStructs, parseXmlDocument, text, type Xml, type XmlObject } from './xml.js'

/** The EC2 API version the Query requests speak. */
const EC2_API_VERSION = '2016-11-15'

export interface Ec2Filter {
  Name: string
  Values: string[]
}

/** The request fields the five reads use, by their SDK names. */
export interface Ec2ReadInput {
  Filters?: Ec2Filter[]
  VpcIds?: string[]
  SubnetIds?: string[]
  LocationType?: string
  NextToken?: string
}

export interface Ec2Tag {
  Key?: string
  Value?: string
}

export interface Ec2Subnet {
  SubnetId?: string
  VpcId?: string
  AvailabilityZone?: string
  Tags?: Ec2Tag[]
}

export interface Ec2SecurityGroup {
  GroupId?: string
  GroupName?: string
  VpcId?: string
  Tags?: Ec2Tag[]
}

export interface Ec2InstanceType {
  InstanceType?: string
  ProcessorInfo?: { SupportedArchitectures?: string[] }
}

export interface Ec2InstanceTypeOffering {
  InstanceType?: string
  Location?: string
}

export interface Ec2Page<T> {
  items: T[]
  next?: string
}

/** EC2's refusal (its error code as `name`), or a failed exchange (the connection's code as `name` and `code`). */
export class Ec2Error extends AwsHttpError {}

const EC2: ServiceId = { endpointId: 'EC2', name: 'ec2' }

/** The EC2 endpoint: the origin AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL names, or the region's. */
export function ec2Endpoint(region: string, env: NodeJS.ProcessEnv = process.env): URL {
  return serviceEndpoint(EC2, region, env)
}

/** The Query parameters of an input: `Filter.1.Name`, `Filter.1.Value.1`, `VpcId.1`, ... (EC2's list encoding). */
export function queryParams(action: string, input: Ec2ReadInput): Record<string, string> {
  const params: Record<string, string> = { Action: action, Version: EC2_API_VERSION }
  const list = (prefix: string, values: readonly string[] | undefined) =>
    values?.forEach((v, i) => (params[`${prefix}.${i + 1}`] = v))
  input.Filters?.forEach((f, i) => {
    params[`Filter.${i + 1}.Name`] = f.Name
    list(`Filter.${i + 1}.Value`, f.Values)
  })
  list('VpcId', input.VpcIds)
  list('SubnetId', input.SubnetIds)
  if (input.LocationType !== undefined) params.LocationType = input.LocationType
  if (input.NextToken !== undefined) params.NextToken = input.NextToken
  return params
}

const members = (set: Xml | undefined) => listMembers(set, 'item')
const items = (set: Xml | undefined) => listStructs(set, 'item')

function tags(node: Xml | undefined): Ec2Tag[] {
  return items(node).map((t) => ({ Key: text(t.key), Value: text(t.value) ?? '' }))
}

/** EC2's error answer: `<Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors>..`. */
function errorOf(status: number, doc: XmlObject | undefined): Ec2Error {
  const response = doc?.Response as XmlObject | undefined
  const errors = response?.Errors as XmlObject | undefined
  const first = (Array.isArray(errors?.Error) ? errors.Error[0] : errors?.Error) as XmlObject | undefined
  const code = text(first?.Code) ?? (status === 429 ? 'Throttling' : `HTTP${status}`)
  const message = text(first?.Message) ?? `EC2 answered ${status}`
  const requestId = text(response?.RequestID) ?? text(response?.RequestId)
  return new Ec2Error(code, message, { httpStatusCode: status, ...(requestId ? { requestId } : {}) })
}

/** One signed EC2 Query request; the answer's document element (its children), or an Ec2Error. */
function ec2Call(session: AwsSession, action: string, input: Ec2ReadInput, region = session.region) {
  const body = new URLSearchParams(queryParams(action, input)).toString()
  const request: SignedRequest = {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    command: action,
    input,
  }
  return signedCall(
    session,
    EC2,
    request,
    async (answer) => {
      const doc = await parseXmlDocument(answer.body)
      if (answer.status !== 200) throw errorOf(answer.status, doc)
      const root = doc?.[`${action}Response`]
      if (!root || typeof root !== 'object' || Array.isArray(root)) {
        throw new Ec2Error('InvalidResponse', `EC2 answered ${action} without a ${action}Response`, {
          httpStatusCode: answer.status,
        })
      }
      return root
    },
    Ec2Error,
    region,
  )
}

function page<T>(root: XmlObject, set: string, map: (item: XmlObject) => T): Ec2Page<T> {
  const next = text(root.nextToken)
  return { items: items(root[set]).map(map), ...(next ? { next } : {}) }
}

/** The five reads, each one page of its answer in the SDK's shape. */
export const ec2 = {
  async describeVpcs(session: AwsSession, input: Ec2ReadInput): Promise<Ec2Page<{ VpcId?: string }>> {
    return page(await ec2Call(session, 'DescribeVpcs', input), 'vpcSet', (v) => ({ VpcId: text(v.vpcId) }))
  },
  async describeSubnets(session: AwsSession, input: Ec2ReadInput): Promise<Ec2Page<Ec2Subnet>> {
    return page(await ec2Call(session, 'DescribeSubnets', input), 'subnetSet', (s) => ({
      SubnetId: text(s.subnetId),
      VpcId: text(s.vpcId),
      AvailabilityZone: text(s.availabilityZone),
      Tags: tags(s.tagSet),
    }))
  },
  async describeSecurityGroups(session: AwsSession, input: Ec2ReadInput): Promise<Ec2Page<Ec2SecurityGroup>> {
    return page(await ec2Call(session, 'DescribeSecurityGroups', input), 'securityGroupInfo', (g) => ({
      GroupId: text(g.groupId),
      GroupName: text(g.groupName),
      VpcId: text(g.vpcId),
      Tags: tags(g.tagSet),
    }))
  },
  async describeInstanceTypes(session: AwsSession, input: Ec2ReadInput): Promise<Ec2Page<Ec2InstanceType>> {
    return page(await ec2Call(session, 'DescribeInstanceTypes', input), 'instanceTypeSet', (t) => ({
      InstanceType: text(t.instanceType),
      ProcessorInfo: {
        SupportedArchitectures: members((t.processorInfo as XmlObject | undefined)?.supportedArchitectures)
          .map(text)
          .filter((a): a is string => a !== undefined),
      },
    }))
  },
  async describeInstanceTypeOfferings(
    session: AwsSession,
    input: Ec2ReadInput,
  ): Promise<Ec2Page<Ec2InstanceTypeOffering>> {
    return page(await ec2Call(session, 'DescribeInstanceTypeOfferings', input), 'instanceTypeOfferingSet', (o) => ({
      InstanceType: text(o.instanceType),
      Location: text(o.location),
    }))
  },
}
