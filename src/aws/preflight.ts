/**
 * Pre-flight: what must hold in AWS before the action changes anything. Every failure names the config key
 * it concerns and what to do, and all of them are reported at once (like configuration errors).
 */
import { ConfigError, formatProblems, type ConfigProblem } from '../config/errors.js'
import type { Config, NodePoolConfig } from '../config/types.js'
import { looksLikeArnOrUrl } from './arns.js'
import { awsErrorName, paginate, tagMap } from './calls.js'
import { ec2, type Ec2SecurityGroup, type Ec2Subnet } from './ec2-query.js'
import type { AwsSession } from './clients.js'
import type { ClusterFacts } from './cluster.js'
import { isSupportedPolicyVersion, SUPPORTED_POLICY_VERSIONS } from './karpenter-policy.js'

/** IAM's and SQS's name limits. */
export const NAME_LIMITS = { role: 64, instanceProfile: 128, policy: 128, queue: 80, path: 512 } as const

/** EC2's architecture names for the Kubernetes ones the config uses. */
const EC2_ARCH: Record<string, string> = { amd64: 'x86_64', arm64: 'arm64' }

/** What pre-flight found wrong in AWS, listed as configuration problems (reason `preflight`). */
export class PreflightError extends ConfigError {
  constructor(file: string, problems: ConfigProblem[]) {
    super(file, problems, 'preflight')
    this.name = 'PreflightError'
    const [, ...lines] = formatProblems(file, problems).split('\n')
    this.message = [
      `pre-flight: ${problems.length} problem${problems.length === 1 ? '' : 's'} found in AWS for ${file}; nothing was changed`,
      ...lines,
    ].join('\n')
  }
}

export interface PreflightInput {
  config: Config
  aws: AwsSession
  cluster: ClusterFacts
}

export interface PreflightResult {
  vpcId: string
  /** Findings worth a look that do not stop the run (e.g. an instance type missing from one zone). */
  warnings: string[]
}

/** What the EC2 reads found: the raw material of the checks, so these can be tested without AWS. */
export interface Ec2Facts {
  vpcId: string
  vpcExists: boolean
  subnets: Ec2Subnet[]
  securityGroups: Ec2SecurityGroup[]
  /** instance type → its architectures (EC2 names), for the types that exist. */
  instanceTypes: Map<string, string[]>
  /** instance type → the zones that offer it. */
  offerings: Map<string, Set<string>>
}

/** Runs every check; throws PreflightError listing each problem. Reads run concurrently. */
export async function preflight(input: PreflightInput): Promise<PreflightResult> {
  const problems = staticProblems(input.config, input.cluster)
  const facts = await readEc2Facts(input)
  problems.push(...ec2Problems(input.config, input.cluster, facts))
  if (problems.length) throw new PreflightError(input.config.file, problems)
  return { vpcId: facts.vpcId, warnings: ec2Warnings(input.config, facts) }
}

/** Checks that need no AWS call: the cluster's state, names, and settings that must agree with the cluster. */
export function staticProblems(config: Config, cluster: ClusterFacts): ConfigProblem[] {
  const out: ConfigProblem[] = []
  if (cluster.status !== 'ACTIVE') {
    out.push({
      field: 'cluster.name',
      message: `the EKS cluster "${cluster.name}" is ${cluster.status}, not ACTIVE`,
      fix: 'wait until the cluster is ACTIVE, or check the name',
    })
  }
  const name = (field: string, value: string, limit: number, what: string) => {
    if (looksLikeArnOrUrl(value) || value.includes('/')) {
      out.push({ field, message: `"${value}" is an ARN or URL, not ${what} name`, fix: 'write just the name' })
    } else if (value.length > limit) {
      out.push({
        field,
        message: `"${value}" is ${value.length} characters; ${what} name has at most ${limit}`,
        fix: 'use a shorter name',
      })
    }
  }
  name('iam.nodeRole', config.iam.nodeRole, NAME_LIMITS.role, 'a role')
  name('iam.controllerRole', config.iam.controllerRole, NAME_LIMITS.role, 'a role')
  name('iam.instanceProfile', config.iam.instanceProfile, NAME_LIMITS.instanceProfile, 'an instance profile')
  // Room for the `-N` suffix of a split policy.
  name('iam.controllerPolicy', config.iam.controllerPolicy, NAME_LIMITS.policy - 2, 'a policy')
  if (config.iam.path.length > NAME_LIMITS.path) {
    out.push({ field: 'iam.path', message: `is longer than ${NAME_LIMITS.path} characters`, fix: 'use a shorter path' })
  }
  if (config.interruption.enabled) {
    name('interruption.queue', config.interruption.queue, NAME_LIMITS.queue, 'a queue')
    if (!/^[A-Za-z0-9_-]+$/.test(config.interruption.queue) && !looksLikeArnOrUrl(config.interruption.queue)) {
      out.push({
        field: 'interruption.queue',
        message: `"${config.interruption.queue}" has characters SQS does not allow`,
        fix: 'use letters, digits, - and _ only',
      })
    }
  }
  if (!isSupportedPolicyVersion(config.karpenter.version)) {
    out.push({
      field: 'karpenter.version',
      message: `controller permissions are known for Karpenter ${SUPPORTED_POLICY_VERSIONS.join(', ')}, not ${config.karpenter.version}`,
      fix: 'use a supported version',
    })
  }
  if (config.karpenter.auth === 'irsa' && !cluster.oidcIssuer) {
    out.push({
      field: 'karpenter.auth',
      message: `irsa needs the cluster's OIDC issuer, and EKS reports none for "${cluster.name}"`,
      fix: 'associate an OIDC issuer with the cluster, or set karpenter.auth: pod-identity',
    })
  }
  const mode = cluster.authenticationMode ?? 'CONFIG_MAP'
  if (config.iam.nodeAccess === 'access-entry' && mode === 'CONFIG_MAP') {
    out.push({
      field: 'iam.nodeAccess',
      message: `access-entry needs the cluster's authentication mode to include the access API; it is ${mode}`,
      fix: 'switch the cluster to API_AND_CONFIG_MAP (aws eks update-cluster-config --access-config authenticationMode=API_AND_CONFIG_MAP), or set iam.nodeAccess: aws-auth or auto',
    })
  }
  if (config.iam.nodeAccess === 'aws-auth' && mode === 'API') {
    out.push({
      field: 'iam.nodeAccess',
      message: 'aws-auth has no effect: the cluster authenticates through access entries only (mode API)',
      fix: 'set iam.nodeAccess: access-entry or auto',
    })
  }
  return out
}

/** The EC2 facts the checks need, in at most two rounds of concurrent calls. */
export async function readEc2Facts(input: PreflightInput): Promise<Ec2Facts> {
  const aws = input.aws
  const vpcId = input.config.cluster.vpcId ?? input.cluster.vpcId ?? (await vpcOfSubnets(input))
  const types = [...new Set(input.config.nodePools.flatMap((np) => np.instanceTypes ?? []))]
  const byVpc = [{ Name: 'vpc-id', Values: [vpcId] }]
  const byType = [{ Name: 'instance-type', Values: types }]
  const [vpcExists, subnets, securityGroups, instanceTypes, offerings] = await Promise.all([
    ec2.describeVpcs(aws, { VpcIds: [vpcId] }).then(
      (o) => o.items.length > 0,
      (e: unknown) => {
        if (/InvalidVpcID/.test(awsErrorName(e) ?? '')) return false
        throw e
      },
    ),
    paginate((NextToken) => ec2.describeSubnets(aws, { Filters: byVpc, NextToken })),
    paginate((NextToken) => ec2.describeSecurityGroups(aws, { Filters: byVpc, NextToken })),
    types.length === 0 ? [] : paginate((NextToken) => ec2.describeInstanceTypes(aws, { Filters: byType, NextToken })),
    types.length === 0
      ? []
      : paginate((NextToken) =>
          ec2.describeInstanceTypeOfferings(aws, { LocationType: 'availability-zone', Filters: byType, NextToken }),
        ),
  ])
  const offered = new Map<string, Set<string>>()
  for (const o of offerings) {
    if (!o.InstanceType || !o.Location) continue
    if (!offered.has(o.InstanceType)) offered.set(o.InstanceType, new Set())
    offered.get(o.InstanceType)!.add(o.Location)
  }
  return {
    vpcId,
    vpcExists,
    subnets,
    securityGroups,
    instanceTypes: new Map(
      instanceTypes.map((t) => [t.InstanceType ?? '', t.ProcessorInfo?.SupportedArchitectures ?? []] as const),
    ),
    offerings: offered,
  }
}

async function vpcOfSubnets(input: PreflightInput): Promise<string> {
  const first = input.cluster.subnetIds[0]
  const vpc = first ? (await ec2.describeSubnets(input.aws, { SubnetIds: [first] })).items[0]?.VpcId : undefined
  if (vpc) return vpc
  throw new PreflightError(input.config.file, [
    {
      field: 'cluster.vpcId',
      message: 'EKS reports no VPC for the cluster',
      fix: 'set cluster.vpcId to the VPC of the cluster',
    },
  ])
}

/** Karpenter's tag selector: every key present, with the given value or any value for `*`. */
export function matchesSelector(
  tags: { Key?: string; Value?: string }[] | undefined,
  selector: Record<string, string>,
): boolean {
  const have = tagMap(tags)
  return Object.entries(selector).every(([k, v]) => k in have && (v === '*' || have[k] === v))
}

function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
}

/** The subnets a node pool selects among the VPC's. */
export function selectedSubnets(np: NodePoolConfig, facts: Ec2Facts): Ec2Subnet[] {
  if (np.subnetIds) return facts.subnets.filter((s) => np.subnetIds!.includes(s.SubnetId ?? ''))
  return facts.subnets.filter((s) => matchesSelector(s.Tags, np.subnetSelector ?? {}))
}

/** The zones a node pool can launch in: its configured zones, else those of its subnets. */
function poolZones(np: NodePoolConfig, facts: Ec2Facts): string[] {
  return np.zones ?? [...new Set(selectedSubnets(np, facts).map((s) => s.AvailabilityZone ?? ''))].sort()
}

/** The problems the EC2 facts show. */
export function ec2Problems(config: Config, cluster: ClusterFacts, facts: Ec2Facts): ConfigProblem[] {
  const out: ConfigProblem[] = []
  const vpc = facts.vpcId
  if (config.cluster.vpcId && cluster.vpcId && config.cluster.vpcId !== cluster.vpcId) {
    out.push({
      field: 'cluster.vpcId',
      message: `is ${config.cluster.vpcId}, but the cluster runs in ${cluster.vpcId}`,
      fix: `set it to ${cluster.vpcId} or remove it`,
    })
  }
  if (!facts.vpcExists) {
    out.push({
      field: 'cluster.vpcId',
      message: `the VPC ${vpc} does not exist in ${config.cluster.region}`,
      fix: "set cluster.vpcId to the cluster's VPC, or remove it to use the VPC EKS reports",
    })
    return out // Nothing else can be checked without it.
  }
  config.nodePools.forEach((np, i) => {
    const at = `nodePools[${i}]`
    if (np.subnetIds) {
      const inVpc = new Set(facts.subnets.map((s) => s.SubnetId))
      for (const id of np.subnetIds.filter((id) => !inVpc.has(id))) {
        out.push({
          field: `${at}.subnetIds`,
          message: `${id} is not a subnet of ${vpc}`,
          fix: `use subnets of ${vpc}`,
        })
      }
    } else if (np.subnetSelector && selectedSubnets(np, facts).length === 0) {
      out.push({
        field: `${at}.subnetSelector`,
        message: `${selectorText(np.subnetSelector)} matches no subnet in ${vpc}`,
        fix: 'tag the subnets the nodes should use with it, or correct the selector',
      })
    }
    if (np.securityGroupIds) {
      const inVpc = new Set(facts.securityGroups.map((g) => g.GroupId))
      for (const id of np.securityGroupIds.filter((id) => !inVpc.has(id))) {
        out.push({
          field: `${at}.securityGroupIds`,
          message: `${id} is not a security group of ${vpc}`,
          fix: `use security groups of ${vpc}`,
        })
      }
    } else if (
      np.securityGroupSelector &&
      !facts.securityGroups.some((g) => matchesSelector(g.Tags, np.securityGroupSelector!))
    ) {
      out.push({
        field: `${at}.securityGroupSelector`,
        message: `${selectorText(np.securityGroupSelector)} matches no security group in ${vpc}`,
        fix: 'tag the security groups of the nodes with it, or correct the selector',
      })
    }
    const subnetZones = new Set(selectedSubnets(np, facts).map((s) => s.AvailabilityZone))
    for (const z of (np.zones ?? []).filter((z) => !subnetZones.has(z))) {
      out.push({
        field: `${at}.zones`,
        message: `no selected subnet is in ${z}`,
        fix: `select a subnet in ${z}, or remove ${z} from zones`,
      })
    }
    out.push(...instanceTypeProblems(np, at, facts, config.cluster.region))
  })
  return out
}

function instanceTypeProblems(np: NodePoolConfig, at: string, facts: Ec2Facts, region: string): ConfigProblem[] {
  if (!np.instanceTypes) return []
  const out: ConfigProblem[] = []
  const zones = poolZones(np, facts)
  for (const type of np.instanceTypes) {
    if (!facts.instanceTypes.has(type)) {
      out.push({
        field: `${at}.instanceTypes`,
        message: `${type} is not an EC2 instance type in ${region}`,
        fix: 'correct the name (e.g. m5.large) or remove it',
      })
      continue
    }
    const offered = facts.offerings.get(type) ?? new Set<string>()
    if (zones.length && !zones.some((z) => offered.has(z))) {
      out.push({
        field: `${at}.instanceTypes`,
        message: `${type} is not offered in ${zones.join(', ')}`,
        fix: `use a type offered there${offered.size ? `, or add a zone where it is (${[...offered].sort().join(', ')})` : ''}`,
      })
    }
  }
  for (const arch of np.architectures) {
    const ec2Arch = EC2_ARCH[arch] ?? arch
    const known = np.instanceTypes.filter((t) => facts.instanceTypes.has(t))
    if (known.length && !known.some((t) => facts.instanceTypes.get(t)!.includes(ec2Arch))) {
      out.push({
        field: `${at}.architectures`,
        message: `lists ${arch}, but none of the instance types is ${arch} (${known.join(', ')})`,
        fix: `add an ${arch} instance type (${arch === 'arm64' ? 'e.g. m6g.large' : 'e.g. m5.large'}) or remove ${arch}`,
      })
    }
  }
  return out
}

/** Findings that do not stop the run. */
export function ec2Warnings(config: Config, facts: Ec2Facts): string[] {
  const out: string[] = []
  config.nodePools.forEach((np, i) => {
    if (!np.instanceTypes) return
    const zones = poolZones(np, facts)
    const archs = np.architectures.map((a) => EC2_ARCH[a] ?? a)
    for (const type of np.instanceTypes) {
      const offered = facts.offerings.get(type)
      const supported = facts.instanceTypes.get(type)
      if (!offered || !supported) continue
      const missing = zones.filter((z) => !offered.has(z))
      if (missing.length && missing.length < zones.length) {
        out.push(
          `nodePools[${i}].instanceTypes: ${type} is not offered in ${missing.join(', ')}; Karpenter will launch it only in the other zones.`,
        )
      }
      if (!supported.some((a) => archs.includes(a))) {
        out.push(
          `nodePools[${i}].instanceTypes: ${type} (${supported.join(', ')}) never launches: its architecture is not in architectures (${np.architectures.join(', ')}).`,
        )
      }
    }
  })
  return out
}
