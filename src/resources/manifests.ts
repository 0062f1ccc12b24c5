import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { objectKey, parseObjects } from '../kube/objects.js'
import { ownedLabels, type KubeObject } from '../kube/types.js'
import { ActionFailure } from '../outcome.js'

/** Kinds applied before the rest of the extra manifests (what the others may live in or be instances of). */
export const FOUNDATION_KINDS = new Set(['Namespace', 'CustomResourceDefinition'])

/**
 * The user's own manifests (karpenter.extraManifests): every .yaml/.yml/.json file of the folder and its
 * sub-folders, in path order. Each object gets the action's label, so that NodePools and EC2NodeClasses
 * among them are deleted like the action's own when they leave the folder. Namespaced objects must name
 * their namespace (nothing is guessed).
 */
export function loadExtraManifests(folder: string, cwd = process.cwd()): KubeObject[] {
  const key = 'karpenter.extraManifests'
  const root = isAbsolute(folder) ? folder : resolve(cwd, folder)
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new ActionFailure(
      'config',
      `${key}: the folder ${folder} does not exist (relative paths start at ${cwd}). Fix: commit it, or remove ${key}.`,
    )
  }
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry)
      if (statSync(full).isDirectory()) walk(full)
      else if (/\.(ya?ml|json)$/i.test(entry)) files.push(full)
    }
  }
  walk(root)
  const out: KubeObject[] = []
  const seen = new Map<string, string>()
  for (const file of files) {
    const name = `${key} ${relative(cwd, file)}`
    let objects: KubeObject[]
    try {
      objects = parseObjects(readFileSync(file, 'utf8'), name)
    } catch (e) {
      throw new ActionFailure('config', `${(e as Error).message}. Fix: correct the file.`)
    }
    for (const o of objects) {
      const k = `${o.apiVersion} ${objectKey(o)}`
      const before = seen.get(k)
      if (before)
        throw new ActionFailure('config', `${name}: ${objectKey(o)} is also defined in ${before}. Fix: keep one.`)
      seen.set(k, name)
      out.push({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...ownedLabels() } } })
    }
  }
  return out
}
