/**
 * Hundreds of generated bad inputs, each run through the whole action as GitHub runs it (INPUT_* variables,
 * GITHUB_OUTPUT, src/main.ts run()): mutations of examples/opsfleet-dev.yaml field by field (wrong types, lists and
 * mappings for scalars, nulls, injection strings, overlong values, misspelt keys), bad regions, pr-numbers and other
 * inputs, huge and hostile files. AWS, STS and the runner's token service all point at a local listener: every bad
 * input here can be judged offline, so any connection to it is a failure ("reached AWS"). Each case must end with
 * failure-reason config and an error naming the file or input and the field, with no stack trace, within its bound.
 * The table (tried / clear / vague / crash / hang / reached AWS) is printed and kept in the test's output.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { run } from '../../src/main.js'

const ROLE = 'arn:aws:iam::123456789012:role/github-deploy'
const example = parse(readFileSync(new URL('../../examples/opsfleet-dev.yaml', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>

interface Case {
  name: string
  /** The config file's text (or a path already made, for FIFOs and the like). */
  config?: string
  configPath?: string
  inputs?: Record<string, string>
  /** What the error must name: a field (config) or an input. */
  names: string
}

const dir = mkdtempSync(join(tmpdir(), 'ka-bad-'))
const cases: Case[] = []
const add = (c: Case) => cases.push(c)

type Path = (string | number)[]
function leaves(value: unknown, path: Path = []): [Path, unknown][] {
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
    if (entries.length === 0) return [[path, value]]
    return entries.flatMap(([k, v]) => leaves(v, [...path, k]))
  }
  return [[path, value]]
}
function withValue(path: Path, value: unknown, remove = false): Record<string, unknown> {
  const copy = structuredClone(example)
  let node = copy as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>
  const last = path[path.length - 1]
  if (remove) delete node[last]
  else node[last] = value
  return copy
}
const fieldName = (path: Path) =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '')

// Free-form strings (a chart reference, an object key) accept any text: they get only type mutations.
const FREE_FORM = /^(karpenter\.(chart|crdChart)|state\.key)$/
const INJECTIONS = [
  'x\n::warning::injected',
  '$(touch /tmp/ka-pwned)',
  '`id`',
  '../../../etc/passwd',
  'a b',
  '%0A::error::x',
]

for (const [path, value] of leaves(example)) {
  const field = fieldName(path)
  const top = fieldName(path.filter((k) => typeof k === 'string'))
  const selector = /Selector$/.test(String(path[path.length - 2] ?? ''))
  // The field the error names: a selector's values are checked as the selector's.
  const names = selector
    ? fieldName(path.slice(0, -1))
    : typeof path[path.length - 1] === 'number'
      ? fieldName(path.slice(0, -1))
      : field
  if (typeof value === 'object' && value !== null) {
    add({ name: `${field}: a string instead of a mapping`, config: stringify(withValue(path, 'text')), names: field })
    add({ name: `${field}: a list instead of a mapping`, config: stringify(withValue(path, ['a'])), names: field })
    continue
  }
  add({ name: `${field}: a mapping instead of a scalar`, config: stringify(withValue(path, { a: 1 })), names })
  add({ name: `${field}: a list instead of a scalar`, config: stringify(withValue(path, [1, 2])), names })
  add({ name: `${field}: null`, config: stringify(withValue(path, null)), names })
  add({
    name: `${field}: wrong scalar type`,
    config: stringify(withValue(path, typeof value === 'string' ? 12345 : 'not-a-boolean')),
    names,
  })
  if (typeof value === 'string' && !FREE_FORM.test(top) && !selector) {
    for (const s of INJECTIONS)
      add({ name: `${field}: ${JSON.stringify(s)}`, config: stringify(withValue(path, s)), names })
    add({ name: `${field}: 300 characters`, config: stringify(withValue(path, `a${'b'.repeat(299)}`)), names })
  }
}

// Every key misspelt (a letter dropped), at every level: "did you mean".
function keys(value: unknown, path: Path = []): Path[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return Array.isArray(value) && value[0] && typeof value[0] === 'object' ? keys(value[0], [...path, 0]) : []
  }
  return Object.entries(value).flatMap(([k, v]) =>
    /Selector$/.test(String(path[path.length - 1] ?? '')) || path[path.length - 1] === 'values'
      ? []
      : [[...path, k], ...keys(v, [...path, k])],
  )
}
for (const path of keys(example)) {
  const key = String(path[path.length - 1])
  const misspelt = key.slice(0, -2) + key.slice(-1)
  const copy = withValue(path, undefined, true)
  let node = copy as Record<string | number, unknown>
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>
  node[misspelt] = leavesValue(path)
  add({
    name: `misspelt key ${fieldName(path)} → ${misspelt}`,
    config: stringify(copy),
    names: fieldName([...path.slice(0, -1), misspelt]),
  })
}
function leavesValue(path: Path): unknown {
  let node = example as unknown
  for (const k of path) node = (node as Record<string | number, unknown>)[k]
  return node
}

// Required keys removed.
for (const path of [['cluster'], ['cluster', 'name'], ['nodePools'], ['nodePools', 0, 'name']] as Path[]) {
  add({
    name: `${fieldName(path)} removed`,
    config: stringify(withValue(path, undefined, true)),
    names: fieldName(path),
  })
}

// Values judgeable offline.
const poolWith = (extra: Record<string, unknown>) => {
  const c = structuredClone(example) as { nodePools: Record<string, unknown>[] }
  Object.assign(c.nodePools[0], extra)
  return stringify(c)
}
for (const d of ['30', '1d', '1.5h', 'never', '-1s', '5 m', 'P1D', '1h 30m'])
  for (const f of ['consolidateAfter', 'expireAfter'])
    add({ name: `${f}: ${d}`, config: poolWith({ [f]: d }), names: `nodePools[0].${f}` })
for (const [key, value] of [
  ['karpenter.sh/nodepool', 'x'],
  ['kubernetes.io/hostname', 'x'],
  ['foo.k8s.io/x', 'y'],
  ['karpenter.k8s.aws/custom', 'y'],
  ['bad key', 'x'],
  ['a/b/c', 'x'],
  ['team', 'x'.repeat(64)],
  ['team', 'bad value!'],
])
  add({
    name: `label ${key}=${value.slice(0, 10)}`,
    config: poolWith({ labels: { [key]: value } }),
    names: 'nodePools[0].labels',
  })
for (const t of [
  { key: 'a/b/c', effect: 'NoSchedule' },
  { key: 'x', value: 'v'.repeat(64), effect: 'NoSchedule' },
  { key: 'x', effect: 'Sometimes' },
  { effect: 'NoSchedule' },
])
  add({
    name: `taint ${JSON.stringify(t).slice(0, 40)}`,
    config: poolWith({ taints: [t] }),
    names: 'nodePools[0].taints[0]',
  })
for (const l of [{ cpu: 'lots' }, { cpu: -1 }, { memory: '10 Gi' }, { cpu: '1e' }])
  add({ name: `limits ${JSON.stringify(l)}`, config: poolWith({ limits: l }), names: 'nodePools[0].limits' })
for (const [name, tags] of [
  ['51 tags', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']))],
  ['aws: prefix', { 'aws:owner': 'me' }],
  ['AWS: prefix', { 'AWS:owner': 'me' }],
  ['empty key', { '': 'v' }],
  ['129-character key', { ['k'.repeat(129)]: 'v' }],
  ['257-character value', { k: 'v'.repeat(257) }],
] as [string, Record<string, string>][]) {
  add({ name: `tags: ${name}`, config: stringify({ ...example, tags }), names: 'tags' })
  add({ name: `nodePools[0].tags: ${name}`, config: poolWith({ tags }), names: 'nodePools[0].tags' })
}
add({
  name: 'nodePools[0].tags: a tag Karpenter sets',
  config: poolWith({ tags: { 'karpenter.sh/nodepool': 'x' } }),
  names: 'nodePools[0].tags',
})
add({ name: 'amiAlias @latest', config: poolWith({ amiAlias: 'al2023@latest' }), names: 'nodePools[0].amiAlias' })
add({ name: 'zone outside the region', config: poolWith({ zones: ['us-east-1a'] }), names: 'nodePools[0].zones' })
add({ name: 'empty instanceTypes', config: poolWith({ instanceTypes: [] }), names: 'nodePools[0].instanceTypes' })
add({ name: 'weight 0', config: poolWith({ weight: 0 }), names: 'nodePools[0].weight' })
add({ name: 'weight 101', config: poolWith({ weight: 101 }), names: 'nodePools[0].weight' })
add({ name: 'no node pools', config: stringify({ ...example, nodePools: [] }), names: 'nodePools' })
add({
  name: 'node pool twice',
  config: stringify({
    ...example,
    nodePools: [...(example.nodePools as object[]), ...(example.nodePools as object[])],
  }),
  names: 'nodePools[1].name',
})
add({
  name: 'queue as ARN',
  config: stringify(withValue(['interruption', 'queue'], 'arn:aws:sqs:eu-west-1:123456789012:q')),
  names: 'interruption.queue',
})
add({
  name: 'partition against the region',
  config: stringify(withValue(['cluster', 'partition'], 'aws-cn')),
  names: 'cluster.partition',
})

// Regions, in the file and as the input.
const REGIONS = [
  '@host.example/',
  'eu-west-1.evil.example#',
  '@127.0.0.1:1/',
  'eu-west-1/../',
  'eu-west-1?x=',
  'eu-west-1:443',
  'EU-WEST-1',
  'eu-west-',
  'xx-west-1',
  'eu-west-1a',
  'eu-west-100',
  'eu-west-1\n::warning::x',
]
for (const r of REGIONS) {
  add({
    name: `cluster.region ${JSON.stringify(r)}`,
    config: stringify(withValue(['cluster', 'region'], r)),
    names: 'cluster.region',
  })
  add({ name: `aws-region ${JSON.stringify(r)}`, inputs: { 'aws-region': r }, names: 'input `aws-region`' })
  add({
    name: `state.region ${JSON.stringify(r)}`,
    config: stringify(withValue(['state', 'region'], r)),
    names: 'state.region',
  })
}

// Inputs.
for (const pr of ['1'.repeat(40), '12345678901', 'abc', '0', '-1', '1e3', '0x10', '1.5', '١٢', '1\n::warning::x'])
  add({ name: `pr-number ${JSON.stringify(pr)}`, inputs: { 'pr-number': pr }, names: 'input `pr-number`' })
for (const m of ['Plan', 'deploy', 'plan\n::warning::x', 'apply; rm -rf /', 'x'.repeat(10_000)])
  add({ name: `mode ${JSON.stringify(m.slice(0, 20))}`, inputs: { mode: m }, names: 'input `mode`' })
for (const c of ['sometimes', 'yes']) add({ name: `comment ${c}`, inputs: { comment: c }, names: 'input `comment`' })
for (const b of ['yes', '1', 'TRUE '])
  add({ name: `break-lock ${b}`, inputs: { 'break-lock': b }, names: 'input `break-lock`' })
for (const r of [
  'arn:aws:iam::123:role/x',
  'role-name',
  'arn:aws:iam::123456789012:user/x',
  'arn:aws:iam::123456789012:role/a b',
  'arn:aws:iam::123456789012:role/x\n::warning::y',
])
  add({
    name: `role-to-assume ${JSON.stringify(r.slice(0, 30))}`,
    inputs: { 'role-to-assume': r },
    names: 'input `role-to-assume`',
  })

// Files that are not configurations.
const raw = (name: string, text: string, names = 'config') => add({ name, config: text, names })
raw('empty file', '')
raw('a list', '- a\n- b\n')
raw('a scalar', 'just text\n')
raw('YAML syntax error', 'cluster: {name: c\n', 'yaml')
raw('tab indentation', 'cluster:\n\tname: c\n', 'yaml')
raw('binary garbage', '\u0000\u0001\u0002\u00ff\ufffe', 'yaml')
raw('2 MiB file', stringify(example) + `# ${'x'.repeat(2 * 1024 * 1024)}\n`)
raw('duplicate key', stringify(example).replace('cluster:\n', 'cluster:\n  name: x\n'), 'yaml')
raw('40,000 duplicate keys', stringify(example) + 'karpenter:\n  values:\n' + '    a: 1\n'.repeat(40_000), 'yaml')
raw(
  '40,000 unknown keys',
  stringify(example) + Array.from({ length: 40_000 }, (_, i) => `k${i}: v`).join('\n') + '\n',
  'k0',
)
raw(
  'alias bomb',
  `${stringify(example).replace(/karpenter:\n( {2}.*\n)+/, '')}karpenter:\n  values:\n    a: &a [x,x,x,x,x,x,x,x,x]\n${Array.from(
    { length: 8 },
    (_, i) =>
      `    ${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(',')}]`,
  ).join('\n')}\n`,
  'yaml',
)
raw('a custom tag', '!!js/function "function(){}"\n', 'yaml')
raw('multiple documents', `${stringify(example)}---\n${stringify(example)}`, 'yaml')
const fifo = join(dir, 'fifo.yaml')
execFileSync('mkfifo', [fifo])
add({ name: 'a FIFO', configPath: fifo, names: 'config' })
add({ name: 'a directory', configPath: dir, names: 'config' })
add({ name: 'a device', configPath: '/dev/zero', names: 'config' })
add({ name: 'a missing file', configPath: join(dir, 'missing.yaml'), names: 'config' })

type Verdict = 'clear' | 'vague' | 'crash' | 'hang' | 'reached AWS'
interface Outcome {
  case: Case
  verdict: Verdict
  why?: string
}

let listener: Server
let connections = 0
let port = 0
const outcomes: Outcome[] = []
const saved = { ...process.env }

beforeAll(async () => {
  listener = createServer((_req, res) => {
    res.statusCode = 500
    res.end()
  })
  listener.on('connection', () => connections++)
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r))
  port = (listener.address() as AddressInfo).port
})

afterAll(async () => {
  process.env = saved
  await new Promise((r) => listener.close(r))
})

const PER_CASE_MS = 15_000

async function attempt(c: Case, index: number): Promise<Outcome> {
  const configPath = c.configPath ?? join(dir, `case-${index}.yaml`)
  if (c.config !== undefined) writeFileSync(configPath, c.config)
  const output = join(dir, `output-${index}`)
  writeFileSync(output, '')
  const inputs: Record<string, string> = {
    mode: 'plan',
    config: configPath,
    'role-to-assume': ROLE,
    comment: 'never',
    ...c.inputs,
  }
  process.env = {
    ...saved,
    GITHUB_OUTPUT: output,
    GITHUB_WORKSPACE: dir,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'bad-inputs',
    AWS_SECRET_ACCESS_KEY: 'bad-inputs',
    AWS_EC2_METADATA_DISABLED: 'true',
    ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?x=1`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bad-inputs',
  }
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v
  const chunks: string[] = []
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk))
    return true
  })
  const before = connections
  process.exitCode = undefined
  let timer: NodeJS.Timeout | undefined
  let settled: 'done' | 'threw' | 'hang'
  try {
    settled = await Promise.race([
      run().then(() => 'done' as const),
      new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), PER_CASE_MS))),
    ])
  } catch {
    settled = 'threw'
  } finally {
    clearTimeout(timer)
    spy.mockRestore()
  }
  const exitCode = process.exitCode
  process.exitCode = undefined
  const stdout = chunks.join('')
  const reason = /failure-reason<<(\S+)\n(.*)\n/.exec(readFileSync(output, 'utf8'))?.[2]
  if (settled === 'hang') return { case: c, verdict: 'hang' }
  if (connections > before) return { case: c, verdict: 'reached AWS' }
  if (settled === 'threw' || reason !== 'config' || exitCode !== 1)
    return { case: c, verdict: 'crash', why: `settled ${settled}, reason ${reason}, exit ${exitCode}` }
  const errors = stdout.split('\n').filter((l) => l.startsWith('::error'))
  const stack = /\n\s+at .+\(.+:\d+:\d+\)/.test(stdout)
  const named = errors.some(
    (l) => l.includes(c.names) || decodeURIComponent(l.replace(/%(?![0-9A-F]{2})/g, '%25')).includes(c.names),
  )
  const inFile = c.inputs ? true : errors.some((l) => l.includes('file=') || l.includes(configPath))
  if (!stack && named && inFile && errors.length > 0) return { case: c, verdict: 'clear' }
  return { case: c, verdict: 'vague', why: errors.join(' | ').slice(0, 400) }
}

describe('the harness', () => {
  it('sees a call to AWS: the unchanged example goes on to the token exchange and is counted', async () => {
    const o = await attempt({ name: 'the example as it is', config: stringify(example), names: 'none' }, 100_000)
    expect(o.verdict).toBe('reached AWS')
  })

  it('calls an error vague when it does not name the field', async () => {
    const o = await attempt(
      { name: 'null cluster', config: stringify({ ...example, cluster: null }), names: 'no.such.field' },
      100_001,
    )
    expect(o.verdict).toBe('vague')
  })
})

describe('generated bad inputs', () => {
  it(`are ${cases.length} cases, at least 250`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(250)
  })

  it('each ends in a clear error, with no hang, no crash and no AWS call', async () => {
    const connectionsBefore = connections
    for (const [i, c] of cases.entries()) outcomes.push(await attempt(c, i))
    const count = (v: Verdict) => outcomes.filter((o) => o.verdict === v).length
    const table = {
      tried: outcomes.length,
      clear: count('clear'),
      vague: count('vague'),
      crash: count('crash'),
      hang: count('hang'),
      'reached AWS': count('reached AWS'),
    }
    const bad = outcomes.filter((o) => o.verdict !== 'clear').map((o) => `${o.verdict}: ${o.case.name}: ${o.why ?? ''}`)
    writeFileSync(join(dir, 'table.json'), JSON.stringify({ table, bad }, null, 2))
    process.stderr.write(`bad inputs: ${JSON.stringify(table)}\n${bad.join('\n')}\n`)
    expect(bad).toEqual([])
    expect(table.clear).toBe(table.tried)
    expect(connections - connectionsBefore).toBe(0)
  }, 900_000)
})
