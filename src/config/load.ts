import { readFile } from 'node:fs/promises'
import type { ErrorObject } from 'ajv'
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml'
import { partitionOf } from '../aws/arns.js'
import { ConfigError, type ConfigProblem } from './errors.js'
import { validate } from './generated/validate-config.js'
import { configSchema } from './schema.js'
import type { Config, RawConfig } from './types.js'

/** The AMI alias used when a node pool names none: pinned, never @latest. */
export const DEFAULT_AMI_ALIAS = configSchema.properties.nodePools.items.properties.amiAlias.default

export interface LoadOptions {
  /** Overrides cluster.region (the `aws-region` input). */
  region?: string
}

/** Reads, validates and completes the configuration file. Throws ConfigError naming every problem found. */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<Config> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new ConfigError(file, [
      {
        field: 'config',
        message: code === 'ENOENT' ? 'the file does not exist' : `cannot read the file (${code})`,
        fix: 'commit the configuration file (see examples/opsfleet-dev.yaml) or point the `config` input at it',
      },
    ])
  }
  return parseConfig(text, file, options)
}

export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        field: 'yaml',
        message: e.message.split('\n')[0],
        line: lineCounter.linePos(e.pos[0]).line,
        fix: 'correct the YAML syntax',
      })),
    )
  }
  const raw = doc.toJS() as unknown
  const lineOf = (path: (string | number)[]): number | undefined => {
    let node: unknown = doc.contents
    let last: YamlNode | undefined = node as YamlNode
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key)
        if (!pair) break
        last = (pair.key as YamlNode) ?? last
        node = pair.value
      } else if (isSeq(node)) {
        node = node.items[Number(key)]
      } else break
      if (node && (node as YamlNode).range) last = node as YamlNode
    }
    const offset = last?.range?.[0]
    return offset === undefined ? undefined : lineCounter.linePos(offset).line
  }

  const problems = schemaProblems(raw, lineOf)
  if (problems.length > 0) throw new ConfigError(file, problems)
  const config = withDefaults(raw as RawConfig, file, options)
  const semantic = semanticProblems(config).map((p) => ({ ...p, line: p.line ?? lineOf(pathOf(p.field)) }))
  if (semantic.length > 0) throw new ConfigError(file, semantic)
  return config
}

function schemaProblems(raw: unknown, lineOf: (path: (string | number)[]) => number | undefined): ConfigProblem[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return [
      { field: 'config', message: 'the file must hold a YAML mapping', fix: 'start from examples/opsfleet-dev.yaml' },
    ]
  }
  if (validate(raw)) return []
  const seen = new Set<string>()
  const out: ConfigProblem[] = []
  for (const err of validate.errors ?? []) {
    const problem = describeSchemaError(err)
    const key = `${problem.field}|${problem.message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ ...problem, line: lineOf(pathOf(problem.field)) })
  }
  return out
}

/** `nodePools[0].zones[1]` → ['nodePools', 0, 'zones', 1] */
function pathOf(field: string): (string | number)[] {
  const out: (string | number)[] = []
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1])
  return out
}

function fieldOf(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (extra !== undefined) parts.push(extra)
  let out = ''
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p
  return out || 'config'
}

function describeSchemaError(err: ErrorObject): ConfigProblem {
  const p = err.params as Record<string, unknown>
  const schema = err.parentSchema as { description?: string; enum?: unknown[]; pattern?: string } | undefined
  const hint = schema?.description ? ` (${schema.description})` : ''
  switch (err.keyword) {
    case 'required':
      return {
        field: fieldOf(err.instancePath, String(p.missingProperty)),
        message: 'is required but missing',
        fix: `add \`${String(p.missingProperty)}\``,
      }
    case 'additionalProperties':
      return {
        field: fieldOf(err.instancePath, String(p.additionalProperty)),
        message: 'is not a known setting',
        fix: 'remove it or correct its spelling (the schema in schema/generated/karpenter-config.schema.json lists the keys)',
      }
    case 'enum':
      return {
        field: fieldOf(err.instancePath),
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        fix: 'use one of those values',
      }
    case 'pattern':
      return {
        field: fieldOf(err.instancePath),
        message: `has an invalid format${hint}`,
        fix: `match ${String(p.pattern)}`,
      }
    case 'type':
      return {
        field: fieldOf(err.instancePath),
        message: `must be ${String(p.type)}`,
        fix: `write a ${String(p.type)}`,
      }
    case 'maxLength':
      return {
        field: fieldOf(err.instancePath),
        message: `is longer than ${String(p.limit)} characters`,
        fix: 'use a shorter name',
      }
    case 'minItems':
      return {
        field: fieldOf(err.instancePath),
        message: `must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`,
        fix: 'add an entry, or remove the key to use the default',
      }
    case 'uniqueItems':
      return { field: fieldOf(err.instancePath), message: 'has duplicate entries', fix: 'list each value once' }
    default:
      return {
        field: fieldOf(err.instancePath),
        message: err.message ?? 'is invalid',
        fix: hint ? `expected${hint}` : undefined,
      }
  }
}

/**
 * The configuration with the schema's defaults filled in: a missing property gets its `default` (`<cluster>` in a
 * default stands for cluster.name), an object the file leaves out gets the defaults of its properties when it has
 * any (`karpenter`, `iam`...; `state` stays absent), items of lists of objects get theirs. Then what the schema
 * cannot say: the region from the `aws-region` input or the file, the partition from the region unless set.
 */
function withDefaults(raw: RawConfig, file: string, options: LoadOptions): Config {
  const filled = fillDefaults(configSchema as SchemaNode, structuredClone(raw), raw.cluster.name) as Omit<
    Config,
    'file'
  >
  const region = options.region || raw.cluster.region || ''
  const cluster = { ...filled.cluster, region, partition: raw.cluster.partition ?? partitionOf(region) }
  return { file, ...filled, cluster }
}

interface SchemaNode {
  $ref?: string
  default?: unknown
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
}

function fillDefaults(schema: SchemaNode, value: unknown, cluster: string): unknown {
  const node = resolve(schema)
  if (Array.isArray(value) && node.items) return value.map((item) => fillDefaults(node.items!, item, cluster))
  if (!node.properties || !value || typeof value !== 'object' || Array.isArray(value)) return value
  const out = value as Record<string, unknown>
  for (const [key, property] of Object.entries(node.properties)) {
    const p = resolve(property)
    if (out[key] === undefined && p.default !== undefined) out[key] = placeholders(structuredClone(p.default), cluster)
    else if (out[key] === undefined && p.properties && hasDefaults(p)) out[key] = {}
    if (out[key] !== undefined) out[key] = fillDefaults(p, out[key], cluster)
  }
  return out
}

function resolve(node: SchemaNode): SchemaNode {
  const name = node.$ref?.replace('#/definitions/', '')
  const definitions = configSchema.definitions as Record<string, SchemaNode>
  return name ? { ...definitions[name], ...node, $ref: undefined } : node
}

function hasDefaults(node: SchemaNode): boolean {
  return Object.values(node.properties ?? {}).some((p) => resolve(p).default !== undefined)
}

function placeholders(value: unknown, cluster: string): unknown {
  return typeof value === 'string' ? value.replace(/<cluster>/g, cluster) : value
}

/** Checks the schema cannot express. */
function semanticProblems(c: Config): ConfigProblem[] {
  const out: ConfigProblem[] = []
  if (!c.cluster.region) {
    out.push({
      field: 'cluster.region',
      message: 'no region is set',
      fix: 'set `cluster.region` in the file or the `aws-region` input',
    })
  } else if (c.cluster.partition !== partitionOf(c.cluster.region)) {
    out.push({
      field: 'cluster.partition',
      message: `is ${c.cluster.partition}, but the region ${c.cluster.region} is in ${partitionOf(c.cluster.region)}`,
      fix: 'remove cluster.partition (the region tells it) or correct it',
    })
  }
  const names = new Set<string>()
  c.nodePools.forEach((np, i) => {
    const at = `nodePools[${i}]`
    if (names.has(np.name))
      out.push({ field: `${at}.name`, message: `"${np.name}" is used twice`, fix: 'give each node pool its own name' })
    names.add(np.name)
    if (!np.subnetSelector && !np.subnetIds) {
      out.push({
        field: `${at}.subnetSelector`,
        message: 'no subnets are selected',
        fix: 'set `subnetSelector` (tags) or `subnetIds`',
      })
    }
    if (np.subnetSelector && np.subnetIds) {
      out.push({ field: `${at}.subnetIds`, message: 'is set together with subnetSelector', fix: 'keep one of the two' })
    }
    if (!np.securityGroupSelector && !np.securityGroupIds) {
      out.push({
        field: `${at}.securityGroupSelector`,
        message: 'no security groups are selected',
        fix: 'set `securityGroupSelector` (tags) or `securityGroupIds`',
      })
    }
    if (np.securityGroupSelector && np.securityGroupIds) {
      out.push({
        field: `${at}.securityGroupIds`,
        message: 'is set together with securityGroupSelector',
        fix: 'keep one of the two',
      })
    }
    if (np.instanceTypes && np.instanceTypes.length === 0) {
      out.push({
        field: `${at}.instanceTypes`,
        message: 'is empty, so no instance could ever launch',
        fix: 'list at least one instance type or remove the key to allow any',
      })
    }
    if (/@latest$/i.test(np.amiAlias)) {
      out.push({
        field: `${at}.amiAlias`,
        message: 'uses @latest, which changes nodes without a reviewed plan',
        fix: `pin a version, e.g. ${DEFAULT_AMI_ALIAS}`,
      })
    }
    for (const z of np.zones ?? []) {
      if (c.cluster.region && !z.startsWith(c.cluster.region)) {
        out.push({
          field: `${at}.zones`,
          message: `zone ${z} is not in region ${c.cluster.region}`,
          fix: `use zones of ${c.cluster.region}`,
        })
      }
    }
  })
  if (/^arn:|^https?:/.test(c.interruption.queue)) {
    out.push({
      field: 'interruption.queue',
      message: 'must be a queue name, not an ARN or URL',
      fix: 'write just the name',
    })
  }
  return out
}
