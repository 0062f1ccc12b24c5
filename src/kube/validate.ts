import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv'
import { KubeApiError, isRefusal, type KubeClient } from './client.js'
import type { KubeObject } from './types.js'
import { objectKey } from './objects.js'

/** The OpenAPI schema of a kind from a CRD this plan is about to install (undefined: none known). */
export type SchemaSource = (apiVersion: string, kind: string) => Promise<object | undefined>

/** How an object was checked at plan time. */
export type Checked =
  /** The API server's answer to a server-side-apply dry run: the object as it would be stored. */
  | { by: 'api-server'; result: KubeObject }
  /** Its kind is not served yet (the CRD arrives with this apply): checked against the CRD's schema here. */
  | { by: 'crd-schema'; note: string }
  /** Nothing could check it before the apply. */
  | { by: 'none'; note: string }

export interface Rejection {
  object: string
  by: 'api-server' | 'crd-schema'
  message: string
}

/** The plan-time check refused objects. `message` holds every refusal, each with the API server's own words. */
export class RejectedError extends Error {
  constructor(readonly rejections: Rejection[]) {
    super(
      `the desired objects were rejected at plan time, before anything was applied:\n` +
        rejections
          .map(
            (r) =>
              `  - ${r.object}: ${r.message}${r.by === 'crd-schema' ? ' (checked against the CRD schema the apply would install)' : ''}`,
          )
          .join('\n'),
    )
    this.name = 'RejectedError'
  }
}

/**
 * Checks desired objects at plan time with server-side-apply dry runs, so the API server runs its own
 * defaulting, OpenAPI validation, CEL rules and admission, and its message is what the user sees.
 * Every check asked for in the same tick forms one batch: all run at once, and when any is refused,
 * every caller gets one error listing all refusals (so one plan reports every bad object, not the first).
 */
export class Validator {
  private pending: { obj: KubeObject; resolve: (c: Checked) => void; reject: (e: unknown) => void }[] = []

  constructor(
    private readonly kube: KubeClient,
    private readonly schemas?: SchemaSource,
  ) {}

  check(obj: KubeObject): Promise<Checked> {
    return new Promise((resolve, reject) => {
      this.pending.push({ obj, resolve, reject })
      if (this.pending.length === 1) setImmediate(() => void this.flush())
    })
  }

  private async flush(): Promise<void> {
    const batch = this.pending
    this.pending = []
    const rejections: Rejection[] = []
    const results = await Promise.all(
      batch.map(async ({ obj }): Promise<Checked | Error | undefined> => {
        try {
          if (await this.kube.resource(obj.apiVersion, obj.kind)) {
            return { by: 'api-server', result: await this.kube.dryRunApply(obj) }
          }
          return await this.checkLocally(obj, rejections)
        } catch (e) {
          if (e instanceof KubeApiError && e.status === 404 && obj.metadata.namespace) {
            return {
              by: 'none',
              note: `namespace ${obj.metadata.namespace} does not exist yet: the API server checks it when it is applied`,
            } satisfies Checked
          }
          if (isRefusal(e)) {
            rejections.push({ object: objectKey(obj), by: 'api-server', message: e.apiMessage })
            return undefined
          }
          return e instanceof Error ? e : new Error(String(e))
        }
      }),
    )
    const failure = rejections.length ? new RejectedError(rejections) : undefined
    batch.forEach((p, i) => {
      const r = results[i]
      if (failure) p.reject(failure)
      else if (r instanceof Error || r === undefined) p.reject(r ?? new Error('no result'))
      else p.resolve(r)
    })
  }

  private async checkLocally(obj: KubeObject, rejections: Rejection[]): Promise<Checked | undefined> {
    const schema = await this.schemas?.(obj.apiVersion, obj.kind)
    if (!schema) {
      return {
        by: 'none',
        note: `${obj.kind} (${obj.apiVersion}) is not served yet and no CRD in this plan defines it: the API server checks it when it is applied`,
      }
    }
    const problems = await schemaProblems(schema, obj)
    if (problems.length) {
      rejections.push({ object: objectKey(obj), by: 'crd-schema', message: problems.join('; ') })
      return undefined
    }
    return {
      by: 'crd-schema',
      note: 'the CRDs arrive with this apply: checked against their schema here; the API server adds its CEL rules when it is applied',
    }
  }
}

const compiled = new WeakMap<object, ValidateFunction>()

/**
 * Problems of an object against a CRD's openAPIV3Schema (structural rules: types, patterns, enums, required,
 * sizes). CEL rules (`x-kubernetes-validations`) are the API server's alone and are not checked here.
 */
export async function schemaProblems(schema: object, obj: unknown): Promise<string[]> {
  let validate = compiled.get(schema)
  if (!validate) {
    // Loaded only here: most plans check every object with the API server and never need it.
    // ajv is CommonJS: Node's import names its exports, a bundle's import may give only the module as `default`.
    const mod = (await import('ajv')) as unknown as { Ajv?: typeof AjvClass; default?: { Ajv?: typeof AjvClass } }
    const Ajv = mod.Ajv ?? mod.default?.Ajv
    if (!Ajv) throw new Error('the ajv module has no Ajv export')
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false })
    validate = ajv.compile(toJsonSchema(schema) as object)
    compiled.set(schema, validate)
  }
  if (validate(obj)) return []
  return (validate.errors ?? []).map(describe)
}

function describe(e: ErrorObject): string {
  const path = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '')
  const p = e.params as Record<string, unknown>
  const what =
    e.keyword === 'pattern'
      ? `must match '${String(p.pattern)}'`
      : e.keyword === 'required'
        ? `${String(p.missingProperty)} is required`
        : e.keyword === 'enum'
          ? `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
          : (e.message ?? 'is invalid')
  return `${path || '(object)'}: ${what}`
}

/** OpenAPI v3 (as CRDs use it) to JSON Schema: `nullable` becomes a null type; Kubernetes extensions are ignored. */
function toJsonSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toJsonSchema)
  if (!s || typeof s !== 'object') return s
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    if (k.startsWith('x-kubernetes-') || k === 'default' || k === 'description' || k === 'example') continue
    out[k] = k === 'properties' || k === 'definitions' ? mapValues(v, toJsonSchema) : toJsonSchema(v)
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null']
  delete out.nullable
  return out
}

function mapValues(o: unknown, fn: (v: unknown) => unknown): unknown {
  if (!o || typeof o !== 'object') return o
  return Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, fn(v)]))
}

/** The openAPIV3Schema of `kind` in `apiVersion` from CRD objects (undefined when none defines it). */
export function schemaFromCrds(crds: KubeObject[], apiVersion: string, kind: string): object | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]
  for (const crd of crds) {
    if (crd.kind !== 'CustomResourceDefinition') continue
    const spec = crd.spec as {
      group?: string
      names?: { kind?: string }
      versions?: { name: string; schema?: { openAPIV3Schema?: object } }[]
    }
    if (spec?.group !== group || spec.names?.kind !== kind) continue
    return spec.versions?.find((v) => v.name === version)?.schema?.openAPIV3Schema
  }
  return undefined
}
