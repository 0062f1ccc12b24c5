/**
 * The apply requirements (`apply-requires`), checked through GitHub's REST API right before a reviewed apply:
 *
 * - `approved`: someone other than the pull request's author, and not a bot (a workflow's GITHUB_TOKEN can approve
 *   pull requests where the repository allows it), approved the pull request's current head commit (the review's
 *   `commit_id` is the head: an approval before the last push does not count) after the plan comment took its
 *   present text, and no reviewer's latest review requests changes;
 * - `mergeable`: GitHub says the pull request can be merged (`mergeable` true; asked again while it is still
 *   computing, `null`);
 * - `undiverged`: the base branch's commit is the one recorded in the plan comment when the plan was made.
 *
 * Any unmet one refuses the apply with reason `apply-requirements`, naming what is missing. Changes nothing.
 */
import * as core from '../runner.js'
import { ActionFailure } from '../outcome.js'
import type { ApplyRequirement } from './apply-requires.js'
import {
  explain,
  getPullRequestHead,
  sameLogin,
  type ApprovedPlan,
  type Octokit,
  type PullRequestHead,
} from './comment.js'

export interface RequirementTarget {
  owner: string
  repo: string
  prNumber: number
}

export interface RequirementOptions {
  /** How often, and how far apart, `mergeable: null` is asked again. */
  mergeableAttempts?: number
  mergeableDelayMs?: number
}

interface Review {
  id: number
  user: { login: string; type?: string } | null
  state: string
  commit_id: string | null
  submitted_at?: string
}

/** Checks every requirement; throws one ActionFailure (`apply-requirements`) listing all that are unmet. */
export async function checkApplyRequirements(
  octokit: Octokit,
  target: RequirementTarget,
  requires: readonly ApplyRequirement[],
  context: { head: PullRequestHead; reviewed: ApprovedPlan },
  options: RequirementOptions = {},
): Promise<void> {
  if (requires.length === 0) return
  const missing: string[] = []
  let head = context.head
  if (requires.includes('mergeable') && head.mergeable === null) {
    head = await waitForMergeable(octokit, target, head, options)
  }
  if (requires.includes('approved')) {
    const problem = approvalProblem(await listReviews(octokit, target), head, context.reviewed)
    if (problem) missing.push(`approved: ${problem}`)
  }
  if (requires.includes('mergeable') && head.mergeable !== true) {
    const state = head.mergeableState ? ` (mergeable_state: ${head.mergeableState})` : ''
    missing.push(
      head.mergeable === null
        ? 'mergeable: GitHub has not yet worked out whether the pull request can be merged; run the apply again in a minute'
        : `mergeable: GitHub says the pull request cannot be merged${state}; resolve its conflicts with the base branch`,
    )
  }
  if (requires.includes('undiverged')) {
    const recorded = context.reviewed.base
    if (!recorded) {
      missing.push(
        'undiverged: the plan comment records no base commit (it was posted by an older version); re-run the plan ' +
          'on the pull request so that it does',
      )
    } else if (recorded !== head.baseSha) {
      missing.push(
        `undiverged: the base branch moved since the plan: it was at ${recorded.slice(0, 7)}, it is now at ` +
          `${head.baseSha.slice(0, 7)}; update the pull request from its base branch (the plan runs again), review ` +
          'it, then apply',
      )
    }
  }
  if (missing.length) {
    throw new ActionFailure(
      'apply-requirements',
      `Pull request #${target.prNumber} does not meet the apply requirements (apply-requires: ${requires.join(',')}):\n` +
        missing.map((m) => `  - ${m}`).join('\n') +
        '\nNothing was changed.',
    )
  }
  core.info(`Pull request #${target.prNumber} meets the apply requirements: ${requires.join(', ')}`)
}

async function waitForMergeable(
  octokit: Octokit,
  target: RequirementTarget,
  head: PullRequestHead,
  options: RequirementOptions,
): Promise<PullRequestHead> {
  const attempts = options.mergeableAttempts ?? 5
  const delay = options.mergeableDelayMs ?? 2000
  let now = head
  for (let i = 0; i < attempts && now.mergeable === null; i++) {
    core.info('GitHub is still working out whether the pull request can be merged; asking again')
    await new Promise((r) => setTimeout(r, delay))
    now = await getPullRequestHead(octokit, target)
  }
  if (now.headSha !== head.headSha) {
    throw new ActionFailure(
      'plan-stale',
      `Pull request #${target.prNumber} got new commits while the apply checked it (head now ${now.headSha.slice(0, 7)}). Nothing was changed.`,
    )
  }
  return now
}

async function listReviews(octokit: Octokit, target: RequirementTarget): Promise<Review[]> {
  try {
    return (await octokit.paginate(octokit.rest.pulls.listReviews, {
      owner: target.owner,
      repo: target.repo,
      pull_number: target.prNumber,
      per_page: 100,
    })) as Review[]
  } catch (err) {
    throw explain(err, { owner: target.owner, repo: target.repo, issueNumber: target.prNumber }, 'read')
  }
}

/** Why the pull request does not count as approved, or undefined when it does. */
export function approvalProblem(reviews: Review[], head: PullRequestHead, reviewed: ApprovedPlan): string | undefined {
  // The latest review that decides (approve, request changes, dismissed) of each reviewer, oldest first.
  const latest = new Map<string, Review>()
  const ordered = [...reviews].sort((a, b) => (a.submitted_at ?? '').localeCompare(b.submitted_at ?? '') || a.id - b.id)
  for (const r of ordered) {
    if (!r.user || !['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.state)) continue
    latest.set(r.user.login.toLowerCase(), r)
  }
  const discounted: string[] = []
  const approvals: Review[] = []
  const blocking: string[] = []
  for (const r of latest.values()) {
    const who = r.user!.login
    if (r.state === 'CHANGES_REQUESTED') {
      if (!(head.author && sameLogin(who, head.author))) blocking.push(who)
      continue
    }
    if (r.state !== 'APPROVED') continue
    if (head.author && sameLogin(who, head.author)) discounted.push(`${who} is the pull request's author`)
    else if (r.user!.type === 'Bot' || /\[bot\]$/i.test(who)) discounted.push(`${who} is a bot`)
    else if (r.commit_id !== head.headSha) {
      discounted.push(
        `${who} approved commit ${(r.commit_id ?? '?').slice(0, 7)}, before the last push (head ${head.headSha.slice(0, 7)})`,
      )
    } else if (!r.submitted_at || r.submitted_at < reviewed.updatedAt) {
      discounted.push(`${who} approved before the plan comment took its present text (${reviewed.updatedAt})`)
    } else approvals.push(r)
  }
  if (blocking.length) return `changes are requested by ${blocking.join(', ')}`
  if (approvals.length) return undefined
  const why = discounted.length ? ` (not counted: ${discounted.join('; ')})` : ''
  return (
    `no approval of the head commit ${head.headSha.slice(0, 7)} by someone other than its author${why}; ` +
    'a reviewer other than the author must approve the pull request after reading its plan comment'
  )
}
