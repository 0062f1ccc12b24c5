import * as exec from '@actions/exec'
import type { CallRecorder } from '../calls.js'

/** A helm or kubectl process that failed. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly args: string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`${tool} ${args.slice(0, 3).join(' ')} failed (exit ${exitCode}): ${stderr.trim() || '(no output)'}`)
    this.name = 'ToolError'
  }
}

export interface RunOptions {
  input?: string
  env?: Record<string, string>
  /** Don't throw on a non-zero exit; the caller reads exitCode. */
  allowFailure?: boolean
  /** Told of the process (the benchmark counts them). */
  recorder?: CallRecorder
}

export interface RunResult {
  stdout: string
  stderr: string
  exitCode: number
}

/** Runs helm or kubectl quietly (the caller logs what matters) and captures its output. */
export async function runTool(tool: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  opts.recorder?.process({ tool, args })
  const out = await exec.getExecOutput(tool, args, {
    silent: true,
    ignoreReturnCode: true,
    input: opts.input === undefined ? undefined : Buffer.from(opts.input),
    env: opts.env ? ({ ...process.env, ...opts.env } as Record<string, string>) : undefined,
  })
  if (out.exitCode !== 0 && !opts.allowFailure) throw new ToolError(tool, args, out.exitCode, out.stderr)
  return out
}
