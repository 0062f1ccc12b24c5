/**
 * Local chart and manifest folders come from the pull request: helm reads every file of a chart folder and
 * follows symlinks, and the extra manifests are read and shown in the plan. So a folder must lie inside the
 * workspace, and nothing in its tree may lead out of it: no symlink whose target is outside (`/proc/self/environ`
 * would put the runner's environment into a rendered value), no FIFO or device (a read that never ends).
 * Checked right after the config is loaded, before any AWS call; uses only the file system.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, type Stats } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { LineCounter, parseDocument, isMap, type Node as YamlNode } from 'yaml'
import { ConfigError, type ConfigProblem } from '../config/errors.js'

/** A config field holding a local path, and the value it has. */
export interface LocalPathField {
  /** Dotted config path, e.g. `karpenter.chart`. */
  field: string
  value: string
}

/** The path-taking fields of the config (src/config/schema.ts) that name something on disk. */
export function localPathFields(config: {
  karpenter: { chart: string; crdChart: string; installCrds?: boolean; extraManifests?: string }
}): LocalPathField[] {
  const k = config.karpenter
  const out: LocalPathField[] = []
  const isOci = (ref: string) => /^oci:\/\//.test(ref)
  if (!isOci(k.chart)) out.push({ field: 'karpenter.chart', value: k.chart })
  if (!isOci(k.crdChart)) out.push({ field: 'karpenter.crdChart', value: k.crdChart })
  if (k.extraManifests !== undefined) out.push({ field: 'karpenter.extraManifests', value: k.extraManifests })
  return out
}

/**
 * The folder local paths must stay in: GITHUB_WORKSPACE on a runner; elsewhere the repository holding the config
 * file (the nearest folder upwards with a `.git`), or the working directory when there is none.
 */
export function workspaceRoot(configFile: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.GITHUB_WORKSPACE) return resolve(cwd, env.GITHUB_WORKSPACE)
  let dir = dirname(resolve(cwd, configFile))
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir
    const up = dirname(dir)
    if (up === dir) return cwd
    dir = up
  }
}

/** Most entries a folder tree may hold (a chart has dozens; this bounds a hostile tree). */
export const MAX_TREE_ENTRIES = 10_000

export interface CheckOptions {
  /** The folder everything must stay in (default: workspaceRoot()). */
  root?: string
  /** Relative paths start here (default: the working directory, as helm and the manifest loader resolve them). */
  cwd?: string
}

/**
 * Refuses (ConfigError, reason `config`, naming the file, line, field and fix) every local chart or manifest
 * path that is outside the workspace, or whose tree holds a symlink leading out of it or a special file.
 */
export function checkLocalPaths(
  configFile: string,
  config: Parameters<typeof localPathFields>[0],
  options: CheckOptions = {},
): void {
  const cwd = options.cwd ?? process.cwd()
  const root = options.root ?? workspaceRoot(configFile, process.env, cwd)
  const problems: ConfigProblem[] = []
  for (const f of localPathFields(config)) {
    const problem = checkPath(f, root, cwd)
    if (problem) problems.push({ ...problem, line: lineOf(configFile, f.field) })
  }
  if (problems.length) throw new ConfigError(configFile, problems)
}

function checkPath(f: LocalPathField, root: string, cwd: string): ConfigProblem | undefined {
  const realRoot = safeRealpath(root) ?? root
  const given = isAbsolute(f.value) ? f.value : resolve(cwd, f.value)
  const fix = `use a folder committed inside the repository (a path relative to ${root})`
  if (!inside(given, root) && !inside(given, realRoot)) {
    return { field: f.field, message: `${f.value} is outside the workspace ${root}`, fix }
  }
  // A missing folder is reported where it is used (with what a chart or manifest folder must hold).
  if (!existsSync(given)) return undefined
  const real = safeRealpath(given)
  if (!real || !inside(real, realRoot)) {
    return { field: f.field, message: `${f.value} leads outside the workspace ${root} (to ${real ?? '?'})`, fix }
  }
  return walk(f, given, realRoot, root)
}

/** Walks a tree with lstat; follows symlinks to folders inside the workspace (helm does) without looping. */
function walk(f: LocalPathField, start: string, realRoot: string, root: string): ConfigProblem | undefined {
  const seen = new Set<string>()
  const stack = [start]
  let entries = 0
  const shown = (p: string) => relative(root, p) || '.'
  while (stack.length) {
    const path = stack.pop()!
    if (++entries > MAX_TREE_ENTRIES) {
      return {
        field: f.field,
        message: `${f.value} holds more than ${MAX_TREE_ENTRIES} files and folders`,
        fix: 'point it at the chart or manifest folder itself, not at a larger tree',
      }
    }
    let stat: Stats
    try {
      stat = lstatSync(path)
    } catch {
      continue
    }
    if (stat.isSymbolicLink()) {
      const target = readlinkSync(path)
      const real = safeRealpath(path)
      const lexical = resolve(dirname(path), target)
      if (!real ? !inside(lexical, realRoot) && !inside(lexical, root) : !inside(real, realRoot)) {
        return {
          field: f.field,
          message: `${shown(path)} is a symlink to ${target}, outside the workspace ${root}`,
          fix: 'commit the file itself instead of a link (no link in a chart or manifest folder may leave the repository)',
        }
      }
      // A dangling link inside the workspace reads nothing; one to a folder is walked where it leads.
      if (real && !seen.has(real)) stack.push(real)
      continue
    }
    if (stat.isDirectory()) {
      const real = safeRealpath(path) ?? path
      if (seen.has(real)) continue
      seen.add(real)
      for (const entry of readdirSync(path)) stack.push(join(path, entry))
      continue
    }
    if (!stat.isFile()) {
      return {
        field: f.field,
        message: `${shown(path)} is not a regular file (a FIFO, socket or device)`,
        fix: 'remove it: chart and manifest folders hold only files and folders',
      }
    }
  }
  return undefined
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path)
  } catch {
    return undefined
  }
}

/** The line of a dotted field in the config file, when the file can be read and parsed. */
function lineOf(file: string, field: string): number | undefined {
  try {
    const counter = new LineCounter()
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: counter })
    let node: unknown = doc.contents
    let at: YamlNode | undefined
    for (const key of field.split('.')) {
      if (!isMap(node)) return undefined
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key)
      if (!pair) return undefined
      at = pair.key as YamlNode
      node = pair.value
    }
    const offset = at?.range?.[0]
    return offset === undefined ? undefined : counter.linePos(offset).line
  } catch {
    return undefined
  }
}
