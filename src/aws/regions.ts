/**
 * AWS regions and partitions: which names are regions at all, the partition each belongs to, and the DNS suffix of
 * its service endpoints. A region ends up in hostnames (the STS endpoint the OIDC token is sent to), so nothing but a
 * name of this exact shape is ever accepted as one.
 */
import { oneLine } from '../report/escape.js'

export interface PartitionInfo {
  /** The partition's id, as ARNs spell it. */
  id: string
  /** The regions it holds (the shape of their names). */
  regions: RegExp
  /** The DNS suffix of its service endpoints, e.g. amazonaws.com. */
  dnsSuffix: string
  /** A region of it, for messages. */
  example: string
}

/** The partitions, most specific first (us-gov-west-1 must not be taken for a region of `aws`). */
export const PARTITIONS = [
  { id: 'aws-us-gov', regions: /^us-gov-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'amazonaws.com', example: 'us-gov-west-1' },
  { id: 'aws-iso', regions: /^us-iso-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'c2s.ic.gov', example: 'us-iso-east-1' },
  { id: 'aws-iso-b', regions: /^us-isob-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'sc2s.sgov.gov', example: 'us-isob-east-1' },
  { id: 'aws-iso-e', regions: /^eu-isoe-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'cloud.adc-e.uk', example: 'eu-isoe-west-1' },
  { id: 'aws-iso-f', regions: /^us-isof-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'csp.hci.ic.gov', example: 'us-isof-south-1' },
  { id: 'aws-eusc', regions: /^eusc-de-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'amazonaws.eu', example: 'eusc-de-east-1' },
  { id: 'aws-cn', regions: /^cn-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'amazonaws.com.cn', example: 'cn-north-1' },
  {
    id: 'aws',
    regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$/,
    dnsSuffix: 'amazonaws.com',
    example: 'eu-west-1',
  },
] as const satisfies readonly PartitionInfo[]

export type PartitionId = (typeof PARTITIONS)[number]['id']

/** The JSON Schema pattern of a region (any partition's). */
export const REGION_PATTERN =
  '^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$'

/** The partition a region belongs to, or undefined when the name is no region's. */
export function partitionOfRegion(region: string): (typeof PARTITIONS)[number] | undefined {
  return PARTITIONS.find((p) => p.regions.test(region))
}

/** True for a well-formed region name of a known partition. */
export function isRegion(region: string): boolean {
  return partitionOfRegion(region) !== undefined
}

/** Why a region is refused, in one sentence naming the fix; undefined when it is a region. */
export function regionProblem(region: string): string | undefined {
  if (isRegion(region)) return undefined
  const cut = region.length > 60 ? `${region.slice(0, 60)}...` : region
  return `"${oneLine(cut)}" is not an AWS region; write a region name such as eu-west-1, cn-north-1 or us-gov-west-1`
}

/** The DNS suffix of a partition's endpoints (amazonaws.com when unknown). */
export function dnsSuffixOf(partition: string): string {
  return PARTITIONS.find((p) => p.id === partition)?.dnsSuffix ?? 'amazonaws.com'
}

/**
 * The endpoint AWS_ENDPOINT_URL_<SERVICE> or else AWS_ENDPOINT_URL names (as the SDK reads them), checked: an http(s)
 * URL without credentials in it, or `refuse`'s error. Undefined when neither is set.
 */
export function configuredEndpoint(
  service: string,
  env: NodeJS.ProcessEnv,
  refuse: (message: string) => Error,
): URL | undefined {
  const custom = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL
  if (!custom) return undefined
  const name = `AWS_ENDPOINT_URL(_${service})`
  let url: URL
  try {
    url = new URL(custom)
  } catch {
    throw refuse(`${name} is not a URL: set it to e.g. https://${service.toLowerCase()}.example.internal`)
  }
  if (!/^https?:$/.test(url.protocol) || url.username || url.password) {
    throw refuse(`${name} must be an http(s) URL without credentials in it`)
  }
  return url
}
