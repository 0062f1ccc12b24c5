/**
 * Checks of the configuration that need no AWS call and that the JSON Schema cannot state clearly: EC2 tags, node
 * labels and taints (Kubernetes' name rules and the label domains Karpenter keeps for itself), resource quantities,
 * and "did you mean" for a misspelt key. Each problem names its field, its line and the fix.
 */
import type { ConfigProblem } from './errors.js'

type LineOf = (path: (string | number)[]) => number | undefined

/** A key of a map in a field name: `labels.team`, or `labels["karpenter.sh/x"]` when it is not a plain word. */
export function keyField(base: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`
}

const show = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}...` : s)

// Kubernetes' rules (apimachinery validation): a DNS-1123 subdomain prefix, a name of 63 characters at most.
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** Why `key` is no Kubernetes qualified name (prefix/name), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  if (!key) return 'is empty'
  const parts = key.split('/')
  if (parts.length > 2) return 'has more than one "/"'
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]]
  if (prefix !== undefined && (!prefix || prefix.length > 253 || !SUBDOMAIN.test(prefix)))
    return `has the prefix ${show(prefix)}, which is no DNS subdomain (lower case letters, digits, "-" and ".")`
  if (!name || name.length > 63 || !NAME.test(name))
    return 'must be 63 characters at most of letters, digits, "-", "_" and ".", starting and ending with a letter or digit'
  return undefined
}

/** Why `value` is no Kubernetes label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined
  if (value.length > 63 || !NAME.test(value))
    return 'must be empty or 63 characters at most of letters, digits, "-", "_" and ".", starting and ending with a letter or digit'
  return undefined
}

// The label domains Karpenter keeps for itself, and the labels of them a NodePool may set (the NodePool CRD's
// validation rules for spec.template.metadata.labels).
const KUBERNETES_IO_ALLOWED = new Set([
  'beta.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'failure-domain.beta.kubernetes.io/zone',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'node.kubernetes.io/windows-build',
])
const KARPENTER_AWS_ALLOWED = new Set(
  [
    'instance-encryption-in-transit-supported',
    'instance-category',
    'instance-hypervisor',
    'instance-family',
    'instance-generation',
    'instance-local-nvme',
    'instance-size',
    'instance-cpu',
    'instance-memory',
    'instance-network-bandwidth',
    'instance-gpu-name',
    'instance-gpu-manufacturer',
    'instance-gpu-count',
    'instance-gpu-memory',
    'instance-accelerator-name',
    'instance-accelerator-manufacturer',
    'instance-accelerator-count',
  ].map((l) => `karpenter.k8s.aws/${l}`),
)

/** Why Karpenter would refuse `key` as a NodePool label (a restricted domain), or undefined. */
export function restrictedLabelProblem(key: string): string | undefined {
  const domain = key.includes('/') ? key.slice(0, key.indexOf('/')) : ''
  const within = (d: string) => domain === d || domain.endsWith(`.${d}`)
  if (key === 'kubernetes.io/hostname') return 'is set by the kubelet for each node'
  if (
    within('kubernetes.io') &&
    !KUBERNETES_IO_ALLOWED.has(key) &&
    !within('node.kubernetes.io') &&
    !within('node-restriction.kubernetes.io')
  )
    return 'is in the domain kubernetes.io, which Karpenter restricts (node.kubernetes.io and node-restriction.kubernetes.io are allowed)'
  if (within('k8s.io') && !within('kops.k8s.io'))
    return 'is in the domain k8s.io, which Karpenter restricts (kops.k8s.io is allowed)'
  if (within('karpenter.sh')) return 'is in the domain karpenter.sh, which Karpenter keeps for itself'
  if (within('karpenter.k8s.aws') && !KARPENTER_AWS_ALLOWED.has(key))
    return 'is in the domain karpenter.k8s.aws, which Karpenter restricts (only its instance-* labels are allowed)'
  return undefined
}

/** Node labels: Kubernetes names and values, Karpenter's restricted domains. */
export function labelProblems(
  labels: Record<string, string> | undefined,
  base: string,
  lineOf: LineOf,
  path: (string | number)[],
): ConfigProblem[] {
  const out: ConfigProblem[] = []
  for (const [key, value] of Object.entries(labels ?? {})) {
    const field = keyField(base, key)
    const line = lineOf([...path, key])
    const name = qualifiedNameProblem(key) ?? restrictedLabelProblem(key)
    if (name)
      out.push({
        field,
        line,
        message: `the label key ${show(key)} ${name}`,
        fix: 'use a key of your own domain, e.g. example.com/team',
      })
    const v = labelValueProblem(value)
    if (v) out.push({ field, line, message: `the value ${show(value)} ${v}`, fix: 'shorten or simplify the value' })
  }
  return out
}

/** Node taints: a qualified-name key, a label-like value. */
export function taintProblems(
  taints: { key: string; value?: string }[] | undefined,
  base: string,
  lineOf: LineOf,
  path: (string | number)[],
): ConfigProblem[] {
  const out: ConfigProblem[] = []
  ;(taints ?? []).forEach((t, i) => {
    const key = qualifiedNameProblem(t.key)
    if (key)
      out.push({
        field: `${base}[${i}].key`,
        line: lineOf([...path, i, 'key']),
        message: `the taint key ${show(t.key)} ${key}`,
        fix: 'use a key such as example.com/dedicated',
      })
    const value = t.value === undefined ? undefined : labelValueProblem(t.value)
    if (value)
      out.push({
        field: `${base}[${i}].value`,
        line: lineOf([...path, i, 'value']),
        message: `the taint value ${show(t.value!)} ${value}`,
        fix: 'shorten or simplify the value',
      })
  })
  return out
}

/** EC2 tag keys Karpenter sets itself on what it launches (the EC2NodeClass refuses them). */
const KARPENTER_TAGS = [
  /^kubernetes\.io\/cluster\//,
  /^karpenter\.sh\/nodepool$/,
  /^eks:eks-cluster-name$/,
  /^karpenter\.k8s\.aws\/ec2nodeclass$/,
  /^karpenter\.sh\/nodeclaim$/,
]

/** AWS tags: at most 50, keys 1–128 characters without the aws: prefix, values 256 at most. */
export function tagProblems(
  tags: Record<string, string> | undefined,
  base: string,
  lineOf: LineOf,
  path: (string | number)[],
  options: { karpenter?: boolean } = {},
): ConfigProblem[] {
  const out: ConfigProblem[] = []
  const entries = Object.entries(tags ?? {})
  if (entries.length > 50)
    out.push({
      field: base,
      line: lineOf(path),
      message: `has ${entries.length} tags; AWS allows 50 per resource`,
      fix: 'keep at most 50 tags',
    })
  for (const [key, value] of entries) {
    const field = keyField(base, key)
    const line = lineOf([...path, key])
    if (!key.trim()) out.push({ field, line, message: 'has an empty tag key', fix: 'give the tag a key' })
    else if (key.length > 128)
      out.push({
        field,
        line,
        message: `the tag key is ${key.length} characters; AWS allows 128`,
        fix: 'shorten the key',
      })
    if (/^aws:/i.test(key))
      out.push({
        field,
        line,
        message: `the tag key ${show(key)} starts with aws:, which AWS keeps for itself`,
        fix: 'use a key of your own',
      })
    if (options.karpenter && KARPENTER_TAGS.some((r) => r.test(key)))
      out.push({ field, line, message: `the tag key ${show(key)} is one Karpenter sets itself`, fix: 'remove it' })
    if (typeof value === 'string' && value.length > 256)
      out.push({
        field,
        line,
        message: `the tag value is ${value.length} characters; AWS allows 256`,
        fix: 'shorten the value',
      })
  }
  return out
}

/** A Kubernetes resource quantity: 1000, 0.5, 100m, 1000Gi, 1e3. */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[mkMGTPE])?$/

/** Resource quantities (NodePool limits, controller requests and limits). */
export function quantityProblems(
  values: Record<string, unknown> | undefined,
  base: string,
  lineOf: LineOf,
  path: (string | number)[],
): ConfigProblem[] {
  const out: ConfigProblem[] = []
  for (const [key, value] of Object.entries(values ?? {})) {
    const ok = typeof value === 'number' ? Number.isFinite(value) && value >= 0 : QUANTITY.test(String(value))
    if (!ok)
      out.push({
        field: keyField(base, key),
        line: lineOf([...path, key]),
        message: `${show(String(value))} is no resource quantity`,
        fix: 'write a quantity such as 1000, 500m or 1000Gi',
      })
  }
  return out
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}

/** The known key closest to `key`, when it is close enough to be a misspelling of it. */
export function didYouMean(key: string, known: string[]): string | undefined {
  if (key.length > 64) return undefined
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 4)) ? best : undefined
}
