import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execFile } from 'node:child_process'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const fixtures = resolve(repoRoot, '../shared/fixtures')

/**
 * The tests' sandbox: KA_SANDBOX_DIR (scripts/test.sh sets it), else `.sandbox-test`, the folder `npm test` uses, apart
 * from the demo's `.sandbox`.
 */
export function sandboxDir(): string {
  return process.env.KA_SANDBOX_DIR ?? join(repoRoot, '.sandbox-test')
}

/** The sandbox's environment (<sandbox>/env, written by scripts/sandbox/up.sh) as key/values. */
export function sandboxEnv(): Record<string, string> {
  const dir = sandboxDir()
  const file = join(dir, 'env')
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: start the tests' sandbox with \`KA_SANDBOX_DIR=${dir} KA_SANDBOX_PORT_BASE=18550 npm run sandbox:up\` (npm test does it for you).`,
    )
  }
  const env: Record<string, string> = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (!m) continue
    let v = m[2]
    if (/^".*"$/.test(v) || /^'.*'$/.test(v)) v = v.slice(1, -1)
    env[m[1]] = v.replace(/\$PATH|\$\{PATH\}/g, process.env.PATH ?? '')
  }
  return env
}

/** Puts the sandbox's environment into this process (AWS endpoint and credentials, KUBECONFIG, PATH). */
export function useSandbox(): Record<string, string> {
  const env = sandboxEnv()
  Object.assign(process.env, env)
  return env
}

/** The sandbox's config file path (.sandbox/karpenter.yaml). */
export function sandboxConfigPath(): string {
  return join(sandboxDir(), 'karpenter.yaml')
}

/** A unique suffix so tests sharing one sandbox never collide. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`
}

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
}

/** Parses a GITHUB_OUTPUT file (name<<DELIM ... DELIM blocks, or name=value lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const body: string[] = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i])
      out[heredoc[1]] = body.join('\n')
    } else {
      const kv = /^([^=]+)=(.*)$/.exec(lines[i])
      if (kv) out[kv[1]] = kv[2]
    }
  }
  return out
}

/** Runs `node dist/index.js` the way GitHub runs it: INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. */
export function runAction(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ka-run-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(inputs)) inputEnv[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  const childEnv = {
    ...process.env,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: repoRoot,
    RUNNER_TEMP: dir,
    ...inputEnv,
    ...env,
  }
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'dist/index.js')],
      { cwd: repoRoot, env: childEnv, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolvePromise({
          exitCode: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
          outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
          summary: readFileSync(summaryFile, 'utf8'),
        })
      },
    )
  })
}
