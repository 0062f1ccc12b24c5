/**
 * The `apply-requires` input: what a pull request must satisfy before its reviewed plan is applied, after
 * Atlantis's apply requirements. Read with the other inputs, before any AWS call; checked by src/github/requirements.ts.
 */

export const APPLY_REQUIREMENTS = ['approved', 'mergeable', 'undiverged'] as const
export type ApplyRequirement = (typeof APPLY_REQUIREMENTS)[number]

/**
 * A comma list of `approved`, `mergeable`, `undiverged`, or `none`. Empty: `approved` when a pull request is given
 * (`pr-number`), nothing otherwise. Returns the requirements, or a message saying what is wrong.
 */
export function parseApplyRequires(
  text: string,
  hasPullRequest: boolean,
): { requires: ApplyRequirement[] } | { problem: string } {
  const raw = text.trim()
  if (raw === '') return { requires: hasPullRequest ? ['approved'] : [] }
  const items = raw.split(',').map((s) => s.trim().toLowerCase())
  if (items.length === 1 && items[0] === 'none') return { requires: [] }
  const out: ApplyRequirement[] = []
  for (const item of items) {
    if (!(APPLY_REQUIREMENTS as readonly string[]).includes(item)) {
      const shown = JSON.stringify(item).slice(0, 60)
      return {
        problem:
          `input \`apply-requires\` holds ${shown}; it must be a comma list of ${APPLY_REQUIREMENTS.join(', ')}, ` +
          'or none',
      }
    }
    if (!out.includes(item as ApplyRequirement)) out.push(item as ApplyRequirement)
  }
  if (!hasPullRequest) {
    return {
      problem:
        `input \`apply-requires\` is ${out.join(',')}, but no pull request is given: set \`pr-number\` (the ` +
        'reviewed pull request), or `apply-requires: none`',
    }
  }
  return { requires: out }
}
