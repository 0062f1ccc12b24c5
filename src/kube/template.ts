import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import type { KubeObject } from './types.js'

/**
 * The YAML templates of `manifests/` (the NodePool and the EC2NodeClass the config fills in).
 *
 * They are read at run time from the action's own checkout rather than embedded in the bundle: GitHub
 * downloads the whole repository of an action, so `manifests/` sits beside `dist/`, and the files stay
 * plain reviewable YAML with no build step between them and what runs. The folder is found relative to
 * this module: `dist/index.js` → `../manifests/` in the bundle, `src/kube/template.ts` → `../../manifests/`
 * in tests. `KARPENTER_ACTION_MANIFESTS` overrides it (a fork's own templates, or tests).
 */
export function manifestsDir(): string {
  const override = process.env.KARPENTER_ACTION_MANIFESTS
  if (override) return override
  // Built from a list so that the bundler leaves these URLs alone (it would try to bundle a literal one).
  const candidates = ['../manifests/', '../../manifests/']
  for (const rel of candidates) {
    const dir = fileURLToPath(new URL(rel, import.meta.url))
    if (existsSync(`${dir}nodepool.yaml`)) return dir
  }
  throw new Error(
    `the manifest templates (manifests/nodepool.yaml) are not beside the action (looked in ${candidates.join(', ')} from ${import.meta.url}); the action's checkout is incomplete`,
  )
}

const cache = new Map<string, unknown>()

/** A template of `manifests/`, parsed (not yet filled). */
export function loadTemplate(file: string): unknown {
  const path = `${manifestsDir()}${file}`
  let doc = cache.get(path)
  if (doc === undefined) {
    doc = parseYaml(readFileSync(path, 'utf8')) as unknown
    cache.set(path, doc)
  }
  return doc
}

const PLACEHOLDER = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/

/** Thrown for a placeholder the caller gave no entry for at all (a typo in a template). */
export class TemplateError extends Error {}

/**
 * Fills a parsed template. A string that is exactly `${name}` becomes `vars[name]`, whatever its type.
 * `vars[name] === undefined` removes the key holding it, and a list item that contained one is removed
 * whole. A name missing from `vars` altogether is an error (so a template typo cannot pass silently).
 */
export function fillTemplate(template: unknown, vars: Record<string, unknown>): unknown {
  const DROP = Symbol('drop')
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const m = PLACEHOLDER.exec(node)
      if (!m) return node
      if (!(m[1] in vars)) throw new TemplateError(`the template uses \${${m[1]}}, which has no value`)
      const v = vars[m[1]]
      return v === undefined ? DROP : structuredClone(v)
    }
    if (Array.isArray(node)) {
      const out: unknown[] = []
      for (const item of node) {
        const dropped = { any: false }
        const v = walkItem(item, dropped)
        if (v !== DROP && !dropped.any) out.push(v)
      }
      return out
    }
    if (node && typeof node === 'object') return walkMap(node as Record<string, unknown>, { any: false })
    return node
  }
  // Inside a list item, remember whether any placeholder below it was dropped.
  const walkItem = (node: unknown, dropped: { any: boolean }): unknown => {
    if (node && typeof node === 'object' && !Array.isArray(node))
      return walkMap(node as Record<string, unknown>, dropped)
    return walk(node)
  }
  // A mapping left empty by dropped placeholders goes too (`metadata: {labels: ${nodeLabels}}` without labels).
  const walkMap = (node: Record<string, unknown>, dropped: { any: boolean }): Record<string, unknown> | typeof DROP => {
    const out: Record<string, unknown> = {}
    let removed = false
    for (const [k, v] of Object.entries(node)) {
      const filled =
        v && typeof v === 'object' && !Array.isArray(v) ? walkMap(v as Record<string, unknown>, dropped) : walk(v)
      if (filled === DROP) {
        dropped.any = true
        removed = true
      } else out[k] = filled
    }
    return removed && Object.keys(out).length === 0 ? DROP : out
  }
  return walk(template)
}

/** Loads and fills a template of `manifests/` that describes one Kubernetes object. */
export function renderTemplate(file: string, vars: Record<string, unknown>): KubeObject {
  const o = fillTemplate(loadTemplate(file), vars) as KubeObject
  if (!o?.apiVersion || !o.kind || !o.metadata?.name) {
    throw new TemplateError(`manifests/${file} did not give an object with apiVersion, kind and metadata.name`)
  }
  return o
}
