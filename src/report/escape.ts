/**
 * Untrusted text (inputs, names and kinds from the configuration or the user's manifests) on its way into the log.
 * The runner reads every line of a step's output, and a line starting with `::` is a workflow command
 * (`::warning::`, `::add-mask::`, `::stop-commands::`...): a line break inside a name would start one. So no line
 * break or other control character survives (each is shown as its escape, `\n`, `\r`, `\u001b`...; terminal escape
 * sequences cannot hide text either), and a leading `::` is written `%3A:`, which is no command.
 */

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** `s` as one log line's worth of text: nothing in it can break the line or start a workflow command. */
export function oneLine(s: string): string {
  const flat = String(s).replace(
    // C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return flat.replace(/^(\s*)::/, '$1%3A:')
}

/**
 * Lines of text for the log, kept as lines: each has its control characters escaped and cannot start a workflow
 * command (a leading `::`, after any spaces, loses its first colon to `%3A`).
 */
export function logLines(text: string): string {
  return String(text)
    .split(/\r?\n/)
    .map((line) => oneLine(line))
    .join('\n')
}

/**
 * The first line of a run (src/index.ts prints it before anything loads): the mode and config inputs, not validated
 * yet and coming from the pull request, each kept to its line.
 */
export function startLine(env: NodeJS.ProcessEnv = process.env): string {
  const input = (name: string) => oneLine((env[`INPUT_${name.toUpperCase()}`] ?? '').trim())
  return `karpenter-action: mode ${input('mode') || 'plan'}, config ${input('config') || '.github/karpenter.yaml'}\n`
}
