/**
 * Which values of a plan look secret. Field changes show rendered values (Helm values, chart objects, the user's
 * manifests), and all of them come from the pull request or the cluster: a value under a key such as `apiToken`
 * or `password`, an environment variable named like one, a Secret object's data. The engine marks such fields
 * `sensitive` as it builds the plan (redactFields), so the log, the job summary and the comment, all views of the
 * plan, print `(sensitive)` instead, and the reviewed-plan digest keeps no hash of them. Values stay in the model
 * for the fingerprint: a changed secret still changes the plan id.
 *
 * The key rule: a key is secret when one of its words (split at camelCase, `_`, `-`, `.` and `/`) is password,
 * passwd, passphrase, secret(s), token(s), credential(s) or private, or when it is a compound key such as `apiKey`,
 * `accessKey`, `ssh_key`, `privateKey`. It is not secret when its last word says it only names or points at one
 * (`keyName`, `secretName`, `secretRef`, `tokenFile`, `tokenExpirationSeconds`...), when `key` stands alone or
 * after a label word (the `key` of a toleration, taint or selector, `topologyKey`, IAM's `aws:TagKeys`), or for the known settings
 * `httpTokens` (the IMDS mode of an EC2NodeClass) and `automountServiceAccountToken`. Booleans and nulls are never
 * secret (`privateNetworking: true` shows as it is).
 */
import { isPlainObject } from '../json.js'
import type { FieldChange } from './types.js'

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'private',
])
/** `apikey`, `accesskey`: compound keys written as one word. */
const JOINED_KEY = /^(?:api|access|secret|private|ssh|signing|encryption|master|license|client|auth|session)keys?$/
/** Words before `key` that make it the name of a label or a field, not a secret. */
const LABEL_WORDS = new Set([
  'topology',
  'label',
  'labels',
  'tag',
  'tags',
  'annotation',
  'match',
  'sort',
  'node',
  'selector',
  'partition',
  'routing',
  'hash',
  'primary',
  'foreign',
  'group',
  'metric',
  'object',
  'state',
  'cache',
  'lookup',
  'map',
])
/** Last words that make a key a reference to a secret (its name, where it is, how long it lives), not the secret. */
const REFERENCE_WORDS = new Set([
  'name',
  'names',
  'ref',
  'refs',
  'id',
  'ids',
  'arn',
  'arns',
  'path',
  'paths',
  'file',
  'files',
  'dir',
  'mount',
  'enabled',
  'type',
  'kind',
  'namespace',
  'selector',
  'seconds',
  'ttl',
  'expiration',
  'length',
  'version',
  'provider',
  'source',
  'url',
  'endpoint',
  'audience',
  'format',
])
/** Known settings whose names hold a secret word and whose values are not secrets. */
const NOT_SECRET = new Set(['httptokens', 'automountserviceaccounttoken'])

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase())
}

/** Answers of isSecretKey and of pathHasSecretKey, by key and path: the fields of 50 alike node pools repeat them. */
const secretKeys = new Map<string, boolean>()
const secretPaths = new Map<string, boolean>()
const MEMO_SIZE = 10_000

function memo(cache: Map<string, boolean>, key: string, compute: (k: string) => boolean): boolean {
  let known = cache.get(key)
  if (known === undefined) {
    known = compute(key)
    if (cache.size >= MEMO_SIZE) cache.clear()
    cache.set(key, known)
  }
  return known
}

/** True when a key's value should never be shown (see the rule above). */
export function isSecretKey(key: string): boolean {
  return memo(secretKeys, key, judgeKey)
}

function judgeKey(key: string): boolean {
  const w = words(key)
  if (w.length === 0 || NOT_SECRET.has(w.join(''))) return false
  if (w.length > 1 && REFERENCE_WORDS.has(w[w.length - 1])) return false
  return w.some(
    (word, i) =>
      SECRET_WORDS.has(word) ||
      JOINED_KEY.test(word) ||
      ((word === 'key' || word === 'keys') && i > 0 && !LABEL_WORDS.has(w[i - 1])),
  )
}

/** A value that can hold a secret: a string or number, or a container holding one. */
function canHoldSecret(v: unknown): boolean {
  if (typeof v === 'string') return v !== ''
  if (typeof v === 'number' || typeof v === 'bigint') return true
  if (Array.isArray(v)) return v.some(canHoldSecret)
  if (isPlainObject(v)) return Object.values(v).some(canHoldSecret)
  return false
}

/** `{name: API_TOKEN, value: ...}`: an environment variable (or any name/value pair) named like a secret. */
export function isSecretPair(v: unknown): boolean {
  return isPlainObject(v) && typeof v.name === 'string' && 'value' in v && isSecretKey(v.name) && canHoldSecret(v.value)
}

/** A Kubernetes Secret with data: every value of its data and stringData is secret. */
function isSecretObject(v: unknown): boolean {
  return isPlainObject(v) && v.kind === 'Secret' && (canHoldSecret(v.data) || canHoldSecret(v.stringData))
}

/** True when a value holds something secret anywhere inside: a secret key, a secret name/value pair, a Secret. */
export function containsSecret(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(containsSecret)
  if (!isPlainObject(v)) return false
  if (isSecretPair(v) || isSecretObject(v)) return true
  return Object.entries(v).some(([k, x]) => (isSecretKey(k) && canHoldSecret(x)) || containsSecret(x))
}

/**
 * The keys of a display path (`values.auth["api-token"]`, `spec.env[2].value`), indexes left out. A bracketed
 * segment with a space names an object of a manifest (`manifest["Secret ns/x"]`), not a key: it is left out too.
 */
export function pathKeys(path: string): string[] {
  const out: string[] = []
  for (const m of path.matchAll(/(?:^|\.)([A-Za-z_][A-Za-z0-9_-]*)|\[([A-Za-z_][\w.-]*)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (m[1] !== undefined) out.push(m[1])
    // An entry of a keyed list (`env[API_TOKEN]`): its key value names it as a key would.
    else if (m[2] !== undefined) out.push(m[2])
    else {
      let key: string
      try {
        key = JSON.parse(m[3]) as string
      } catch {
        continue
      }
      if (!/\s/.test(key)) out.push(key)
    }
  }
  return out
}

/** Whether a field must not show its values: its path names a secret key, or its values hold a secret. */
export function isSensitiveField(f: FieldChange): boolean {
  if (f.sensitive) return true
  const values = [f.before, f.after]
  if (memo(secretPaths, f.path, (p) => pathKeys(p).some(isSecretKey)) && values.some(canHoldSecret)) return true
  return values.some(containsSecret)
}

/** The fields with every one that looks secret marked `sensitive` (the others untouched). */
export function redactFields(fields: FieldChange[]): FieldChange[] {
  return fields.map((f) => (!f.sensitive && isSensitiveField(f) ? { ...f, sensitive: true } : f))
}
