import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import type { ErrorObject } from 'ajv'
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml'
import { LineCounter, parseDocument, isMap, isScalar, isSeq, visit, type Node as YamlNode } from 'yaml'
import { partitionOf } from '../aws/arns.js'
import { ConfigError, type ConfigProblem } from './errors.js'
import { validate } from './generated/validate-config.js'
import { didYouMean, labelProblems, quantityProblems, tagProblems, taintProblems } from './rules.js'
import { configSchema } from './schema.js'
import type { Config, RawConfig } from './types.js'

/** The AMI alias used when a node pool names none: pinned, never @latest. */
export const DEFAULT_AMI_ALIAS = configSchema.properties.nodePools.items.properties.amiAlias.default

export interface LoadOptions {
  /** Overrides cluster.region (the `aws-region` input). */
  region?: string
}

/** The largest configuration file read (a configuration is a few KB). */
export const MAX_CONFIG_BYTES = 1024 * 1024
/** Aliases a configuration may hold (`*name`), and how far they may expand (the yaml library's maxAliasCount). */
export const MAX_ALIASES = 100
/** Problems listed at most; the rest are counted. */
export const MAX_PROBLEMS = 50

/**
 * Reads, validates and completes the configuration file. Throws ConfigError naming every problem found.
 * Only a regular file of at most MAX_CONFIG_BYTES is read: it is opened without blocking (a FIFO with no writer
 * would otherwise hang the run) and checked with fstat before a byte is read.
 */
export async function loadConfig(file: string, options: LoadOptions = {}): Promise<Config> {
  const refuse = (message: string, fix: string): never => {
    throw new ConfigError(file, [{ field: 'config', message, fix }])
  }
  const FIX = 'commit the configuration file (see examples/opsfleet-dev.yaml) or point the `config` input at it'
  let handle
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return refuse(code === 'ENOENT' ? 'the file does not exist' : `cannot open the file (${code})`, FIX)
  }
  let text: string
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) {
      const what = stat.isDirectory()
        ? 'a directory'
        : stat.isFIFO()
          ? 'a FIFO (named pipe)'
          : stat.isCharacterDevice() || stat.isBlockDevice()
            ? 'a device'
            : stat.isSocket()
              ? 'a socket'
              : 'not a regular file'
      return refuse(`is ${what}, not a regular file`, FIX)
    }
    if (stat.size > MAX_CONFIG_BYTES) {
      return refuse(
        `is ${stat.size} bytes, more than the ${MAX_CONFIG_BYTES} bytes (1 MiB) a configuration may have`,
        'a configuration is a few KB: keep Helm values and manifests in their own files (karpenter.extraManifests)',
      )
    }
    // Read no more than the cap even if the file grows meanwhile.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
      if (length > MAX_CONFIG_BYTES) {
        return refuse(`grew past ${MAX_CONFIG_BYTES} bytes while it was read`, 'keep the configuration a few KB')
      }
    }
    text = buffer.subarray(0, length).toString('utf8')
  } catch (e) {
    if (e instanceof ConfigError) throw e
    return refuse(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, FIX)
  } finally {
    await handle.close()
  }
  return parseConfig(text, file, options)
}

/** ConfigError for at most MAX_PROBLEMS problems, the rest counted in a last one. */
function configError(file: string, problems: ConfigProblem[]): ConfigError {
  if (problems.length <= MAX_PROBLEMS) return new ConfigError(file, problems)
  const rest = problems.length - MAX_PROBLEMS
  return new ConfigError(file, [
    ...problems.slice(0, MAX_PROBLEMS),
    {
      field: 'config',
      message: `${rest} more problem${rest === 1 ? '' : 's'} not listed`,
      fix: 'fix those above first',
    },
  ])
}

/**
 * Duplicate keys and aliases, in one pass over the document (the yaml library's own `uniqueKeys` compares each key
 * with every earlier one: 40k keys took 14 s).
 */
function structureProblems(doc: ReturnType<typeof parseDocument>, lineOfOffset: (o: number) => number) {
  const out: ConfigProblem[] = []
  let aliases = 0
  let firstAlias: number | undefined
  visit(doc, {
    Alias(_key, node) {
      aliases++
      firstAlias ??= node.range?.[0]
    },
    Map(_key, map) {
      const seen = new Set<string>()
      for (const pair of map.items) {
        const key = pair.key
        if (!isScalar(key) || key.value === '<<') continue
        const name = String(key.value)
        if (seen.has(name)) {
          out.push({
            field: 'yaml',
            message: `the key ${JSON.stringify(name.slice(0, 80))} appears twice in the same mapping`,
            line: key.range ? lineOfOffset(key.range[0]) : undefined,
            fix: 'keep one of the two (YAML would silently keep only one)',
          })
        }
        seen.add(name)
      }
    },
  })
  if (aliases > MAX_ALIASES) {
    out.push({
      field: 'yaml',
      message: `holds ${aliases} aliases (*name), more than the ${MAX_ALIASES} a configuration may use`,
      line: firstAlias === undefined ? undefined : lineOfOffset(firstAlias),
      fix: 'write the values out instead of repeating aliases',
    })
  }
  return out
}

export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, [
      {
        field: 'config',
        message: `is more than the ${MAX_CONFIG_BYTES} bytes (1 MiB) a configuration may have`,
        fix: 'keep the configuration a few KB',
      },
    ])
  }
  return quickConfig(text, file, options) ?? carefulConfig(text, file, options)
}

/**
 * What a configuration holds where js-yaml's core schema and the yaml library's YAML 1.2 core schema could read it
 * differently, or where only the careful reading checks it: anchors, aliases and tags (`&a`, `*a`, `!t`), complex
 * keys (`? `), directives (`%YAML`), and the numbers the two disagree on (`0b101`, signed hex and octal, `+.5`).
 * A false alarm only means the careful reading.
 */
const CAREFUL_CONSTRUCTS = /(^|[\s:[,{])([&*!]|[+-]?0[box]|[+-]?\.\d)|^\s*(\?\s|%)/m

/**
 * The fast reading of a configuration that has no problem: js-yaml's core schema (several times faster than the
 * yaml library's document with positions: 110 ms → 12 ms for 50 node pools), then every check the careful reading
 * makes. Undefined when the text holds a construct the two might read differently (CAREFUL_CONSTRUCTS), or when
 * anything is wrong (a duplicate key, the schema, a semantic or offline check): the careful reading then reads it
 * again and reports each problem with its line. So the configuration returned is the one the careful reading
 * would return, and every error still names its line.
 */
export function quickConfig(text: string, file: string, options: LoadOptions): Config | undefined {
  if (CAREFUL_CONSTRUCTS.test(text)) return undefined
  let raw: unknown
  try {
    raw = loadYaml(text, { schema: CORE_SCHEMA })
  } catch {
    return undefined
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !validate(raw)) return undefined
  const config = withDefaults(raw as RawConfig, file, options)
  if (semanticProblems(config).length > 0 || offlineProblems(config, () => undefined).length > 0) return undefined
  return config
}

/** The careful reading: the yaml library's document with positions, so that every problem names its line. */
export function carefulConfig(text: string, file: string, options: LoadOptions): Config {
  const lineCounter = new LineCounter()
  const lineOfOffset = (offset: number) => lineCounter.linePos(offset).line
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false })
  if (doc.errors.length > 0) {
    throw configError(
      file,
      doc.errors.map((e) => ({
        field: 'yaml',
        message: e.message.split('\n')[0],
        line: lineOfOffset(e.pos[0]),
        fix: 'correct the YAML syntax',
      })),
    )
  }
  const structure = structureProblems(doc, lineOfOffset)
  if (structure.length > 0) throw configError(file, structure)
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown
  } catch (e) {
    // An alias that expands too far, or a YAML construct with no JavaScript value.
    const message = (e as Error).message ?? String(e)
    throw new ConfigError(file, [
      {
        field: 'yaml',
        message: /Excessive alias count/.test(message)
          ? `its aliases expand to more than ${MAX_ALIASES} copies (the shape of a "billion laughs" attack)`
          : `cannot be read as data: ${message.split('\n')[0]}`,
        fix: /Excessive alias count/.test(message)
          ? 'write the values out instead of nesting aliases'
          : 'write plain mappings, lists and scalars',
      },
    ])
  }
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
  if (problems.length > 0) throw configError(file, problems)
  const config = withDefaults(raw as RawConfig, file, options)
  const semantic = [
    ...semanticProblems(config).map((p) => ({ ...p, line: p.line ?? lineOf(pathOf(p.field)) })),
    ...offlineProblems(config, lineOf),
  ]
  if (semantic.length > 0) throw configError(file, semantic)
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
    // Lines are looked up for the problems listed only (each lookup walks a mapping).
    out.push(out.length < MAX_PROBLEMS ? { ...problem, line: lineOf(pathOf(problem.field)) } : problem)
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
    case 'additionalProperties': {
      const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {})
      const guess = didYouMean(String(p.additionalProperty), known)
      return {
        field: fieldOf(err.instancePath, String(p.additionalProperty)),
        message: guess ? `is not a known setting (did you mean \`${guess}\`?)` : 'is not a known setting',
        fix: guess
          ? `rename it to \`${guess}\``
          : 'remove it or correct its spelling (the schema in schema/generated/karpenter-config.schema.json lists the keys)',
      }
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

/** Tags, labels, taints and quantities, judged offline (src/config/rules.ts). */
function offlineProblems(c: Config, lineOf: (path: (string | number)[]) => number | undefined): ConfigProblem[] {
  const out: ConfigProblem[] = [...tagProblems(c.tags, 'tags', lineOf, ['tags'])]
  const resources = c.karpenter.resources
  for (const kind of ['requests', 'limits'] as const) {
    const at = ['karpenter', 'resources', kind]
    out.push(...quantityProblems(resources?.[kind], at.join('.'), lineOf, at))
  }
  c.nodePools.forEach((np, i) => {
    const at = `nodePools[${i}]`
    const path = ['nodePools', i]
    out.push(...labelProblems(np.labels, `${at}.labels`, lineOf, [...path, 'labels']))
    out.push(...taintProblems(np.taints, `${at}.taints`, lineOf, [...path, 'taints']))
    out.push(...quantityProblems(np.limits, `${at}.limits`, lineOf, [...path, 'limits']))
    out.push(...tagProblems(np.tags, `${at}.tags`, lineOf, [...path, 'tags'], { karpenter: true }))
  })
  return out
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
  // An ARN or URL as interruption.queue never gets here: the schema's pattern (no ':' or '/') refuses it.
  return out
}
