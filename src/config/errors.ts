import { ActionFailure } from '../outcome.js'

/** One problem found in the configuration, located in its file. */
export interface ConfigProblem {
  /** Dotted path of the field, e.g. `nodePools[0].consolidateAfter`. */
  field: string
  message: string
  /** What to do about it. */
  fix?: string
  line?: number
}

/** Problems of the configuration file, each with its field, line and fix (reason `config`). */
export class ConfigError extends ActionFailure {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
    reason: 'config' | 'preflight' = 'config',
  ) {
    super(reason, formatProblems(file, problems))
    this.name = 'ConfigError'
  }
}

export function formatProblems(file: string, problems: ConfigProblem[]): string {
  const head = `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration`
  const lines = problems.map((p) => {
    const where = p.line ? `${file}:${p.line}` : file
    return `  ${where}: ${p.field}: ${p.message}${p.fix ? `. Fix: ${p.fix}` : ''}`
  })
  return [head, ...lines].join('\n')
}
