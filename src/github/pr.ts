/**
 * The pull-request side of a run: whether to comment, the comment itself (composed exactly as posted), posting it,
 * and the reviewed-apply check that refuses to apply anything but the plan reviewers saw.
 */
import { writeFileSync } from 'node:fs'
import * as core from '../runner.js'
import { ActionFailure, errorMessage } from '../outcome.js'
import { hasChanges, type ChangeResult, type Plan } from '../plan/types.js'
import { renderMarkdown } from '../report/markdown.js'
import { writeJobSummary } from '../report/summary.js'
import type { ApplyRequirement } from './apply-requires.js'
import {
  composeCommentBody,
  fitCommentBody,
  getPullRequestHead,
  readApprovedPlan,
  upsertStickyComment,
  type ApprovedPlan,
  type Octokit,
  type PullRequestHead,
} from './comment.js'
import {
  decideComment,
  readEventContext,
  type CommentDecision,
  type CommentSetting,
  type EventContext,
} from './event.js'
import {
  comparePlans,
  differenceLine,
  formatDigestBlock,
  parseDigestBlock,
  planDigest,
  unverifiableFields,
  type PlanDifference,
} from './reviewed-plan.js'
import { checkApplyRequirements, type RequirementOptions } from './requirements.js'
import { compareVisible, visiblePlan } from './visible-plan.js'

/** Set to a file path, the action writes the comment body there, exactly as it would post it (posted or not). */
export const COMMENT_FILE_ENV = 'KARPENTER_ACTION_COMMENT_FILE'

export interface PullRequestOptions {
  comment: CommentSetting
  githubToken: string
  prNumber?: number
  /** Login the comments are written as, when the token cannot tell (a GitHub App's token). */
  author?: string
  /** Where to write the comment body (default: $KARPENTER_ACTION_COMMENT_FILE). */
  commentFile?: string
  /** What the pull request must satisfy before a reviewed apply (`apply-requires`); none when absent. */
  applyRequires?: readonly ApplyRequirement[]
  requirementOptions?: RequirementOptions
}

export interface ReviewedCheck {
  /** `matches`: same plan as reviewed; `nothing-to-do`: the plan changes nothing, so there is nothing to check. */
  status: 'matches' | 'nothing-to-do'
  approved?: ApprovedPlan
  head?: PullRequestHead
}

export class PlanChangedError extends ActionFailure {
  constructor(
    message: string,
    readonly differences: PlanDifference[],
    readonly markdown: string,
  ) {
    super('plan-changed', message)
    this.name = 'PlanChangedError'
  }
}

/** How many differences the error message lists; the job summary lists them all. */
const MAX_LISTED_DIFFERENCES = 15

export class PullRequestFlow {
  readonly decision: CommentDecision
  private client: Octokit | undefined
  /** The reviewed head commit, once the reviewed-apply check confirmed it: the apply's comment keeps it. */
  private reviewedSha: string | undefined
  /** The base commit the comment records: the event's, the reviewed comment's, or asked of GitHub. */
  private baseSha: string | undefined

  constructor(
    readonly event: EventContext,
    private readonly options: PullRequestOptions,
  ) {
    this.decision = decideComment(options.comment, event)
    this.baseSha = event.baseSha
  }

  static fromInputs(options: PullRequestOptions, env: NodeJS.ProcessEnv = process.env): PullRequestFlow {
    const flow = new PullRequestFlow(readEventContext(env, options.prNumber), {
      ...options,
      commentFile: options.commentFile ?? (env[COMMENT_FILE_ENV] || undefined),
    })
    core.info(`Pull-request comment: ${flow.decision.post ? 'yes' : 'no'} (${flow.decision.why})`)
    // A comment that is required but impossible fails the run before anything is planned or changed.
    if (flow.decision.required && !flow.decision.post) {
      throw new ActionFailure('comment', `No pull request to comment on: ${flow.decision.why}.`)
    }
    return flow
  }

  /** The comment body exactly as it is posted: marker, reviewed-plan digest, the plan, cut to GitHub's limit. */
  composeComment(plan: Plan, planId: string, results?: ChangeResult[]): string {
    const sha = this.reviewedSha ?? this.event.headSha
    return fitCommentBody(this.unfittedComment(plan, planId, sha, results), { runUrl: this.event.runUrl })
  }

  /** The whole comment before it is fitted to GitHub's limit. */
  private unfittedComment(plan: Plan, planId: string, sha: string | undefined, results?: ChangeResult[]): string {
    const marker = { cluster: plan.cluster, planId, ...(sha ? { sha } : {}), ...this.baseField() }
    const view = renderMarkdown(plan, {
      planId,
      commit: sha,
      repoUrl: this.event.repoUrl,
      runUrl: this.event.runUrl,
      results,
      target: 'comment',
      prNumber: this.event.prNumber,
    })
    const body = `${formatDigestBlock(planDigest(plan, planId))}\n${view}`
    return composeCommentBody(marker, body)
  }

  /**
   * Writes the comment file when asked, then posts or updates the sticky comment when the decision says so.
   * Returns the comment's URL (also the `comment-url` output), or undefined when nothing was posted.
   */
  async publish(plan: Plan, planId: string, results?: ChangeResult[]): Promise<string | undefined> {
    if (this.decision.post && !this.baseSha) await this.learnBase()
    // Composed once, and only when it is posted or written to a file (a 50-pool plan's takes ~40 ms).
    let composed: string | undefined
    const body = () => (composed ??= this.composeComment(plan, planId, results))
    if (this.options.commentFile) {
      writeFileSync(this.options.commentFile, body())
      core.info(`Comment body written to ${this.options.commentFile} (${body().length} characters)`)
    }
    if (!this.decision.post) {
      if (this.decision.required) throw new ActionFailure('comment', `No comment posted: ${this.decision.why}.`)
      return undefined
    }
    try {
      const result = await upsertStickyComment(await this.octokit(), {
        owner: this.event.owner!,
        repo: this.event.repo!,
        issueNumber: this.event.prNumber!,
        marker: { cluster: plan.cluster, planId, ...this.shaField(), ...this.baseField() },
        body: body(),
        runUrl: this.event.runUrl,
        author: this.options.author,
      })
      core.setOutput('comment-url', result.url)
      return result.url
    } catch (e) {
      const message = `The plan comment could not be posted: ${errorMessage(e)}`
      if (this.decision.required) throw new ActionFailure('comment', message, { cause: e })
      core.warning(
        `${message}. This pull request comes from a fork, whose GITHUB_TOKEN GitHub makes read-only; ` +
          'the whole plan is in the job summary.',
      )
      return undefined
    }
  }

  /**
   * After an apply or destroy: the result goes into the same comment. The cluster has already changed and the job
   * summary holds the result, so a comment that cannot be posted is a warning here, never the run's failure.
   */
  async publishResult(plan: Plan, planId: string, results: ChangeResult[]): Promise<string | undefined> {
    try {
      return await this.publish(plan, planId, results)
    } catch (e) {
      core.warning(`${errorMessage(e)} The result of the ${plan.mode} is in the job summary.`)
      return undefined
    }
  }

  /**
   * The reviewed-apply check, for an apply given `pr-number`: the pull request's plan comment must exist, be for
   * the pull request's current head, and carry the fingerprint of the plan just made. Throws an ActionFailure
   * (`no-reviewed-plan`, `plan-stale` or `plan-changed`) naming the cause and the fix; changes nothing.
   */
  async checkReviewedPlan(plan: Plan, planId: string): Promise<ReviewedCheck> {
    const prNumber = this.event.prNumber
    if (prNumber === undefined) throw new Error('checkReviewedPlan needs a pull request number (`pr-number`)')
    if (!hasChanges(plan)) {
      core.info(`The plan changes nothing, so there is nothing to check against pull request #${prNumber}.`)
      return { status: 'nothing-to-do' }
    }
    const where = { owner: this.event.owner!, repo: this.event.repo!, prNumber }
    const octokit = await this.octokit()
    const [head, approved] = await Promise.all([
      getPullRequestHead(octokit, where),
      readApprovedPlan(octokit, { ...where, cluster: plan.cluster, author: this.options.author }),
    ])
    if (!approved) {
      throw new ActionFailure(
        'no-reviewed-plan',
        `Pull request #${prNumber} has no plan comment for cluster ${plan.cluster}, so there is no reviewed plan to ` +
          'apply. Let the plan workflow run on the pull request (it posts the comment this check reads), review the ' +
          'plan, then run the apply again. Nothing was changed.',
      )
    }
    if (approved.sha !== head.headSha) {
      throw new ActionFailure(
        'plan-stale',
        `Pull request #${prNumber} has new commits since its plan was reviewed: the plan comment (${approved.commentUrl}) ` +
          `is for commit ${approved.sha.slice(0, 7)}, the pull request's head is now ${head.headSha.slice(0, 7)}. ` +
          'Let the plan workflow update the comment for the new head, review it, then run the apply again. ' +
          'Nothing was changed.',
      )
    }
    if (head.state === 'closed' && !head.merged) {
      core.warning(`Pull request #${prNumber} is closed without being merged; applying its reviewed plan anyway.`)
    }
    if (approved.count > 1) {
      throw new ActionFailure(
        'plan-changed',
        `Pull request #${prNumber} has ${approved.count} plan comments for cluster ${plan.cluster} by the action's ` +
          'identity, but the action keeps exactly one: the others were added by something else (every workflow ' +
          'using GITHUB_TOKEN writes as the same bot), so which plan was reviewed cannot be told. Delete the plan ' +
          'comments, re-run the plan on the pull request, review it, then run the apply again. Nothing was changed.',
      )
    }
    // What reviewers read is the comment's visible text: it must be exactly the rendering of the plan now.
    const diff = compareVisible(visiblePlan(approved.body), visiblePlan(this.reviewRendering(plan, planId, approved)))
    if (approved.planId !== planId || diff) {
      const refusal = planChanged(plan, planId, approved, prNumber, diff)
      await writeJobSummary(refusal.markdown)
      throw refusal
    }
    await checkApplyRequirements(
      octokit,
      where,
      this.options.applyRequires ?? [],
      { head, reviewed: approved },
      this.options.requirementOptions,
    )
    this.reviewedSha = approved.sha
    if (approved.base) this.baseSha = approved.base
    core.info(`The plan matches the plan reviewed on pull request #${prNumber}: ${planId} (${approved.commentUrl})`)
    return { status: 'matches', approved, head }
  }

  /** The comment as the plan run on the pull request would have written it for this plan. */
  private reviewRendering(plan: Plan, planId: string, approved: ApprovedPlan): string {
    return this.unfittedComment({ ...plan, mode: 'plan' }, planId, approved.sha)
  }

  /** The base commit, asked of GitHub when the event does not carry it (a plan from workflow_dispatch). */
  private async learnBase(): Promise<void> {
    const prNumber = this.event.prNumber
    if (prNumber === undefined || !this.event.owner || !this.event.repo) return
    try {
      const head = await getPullRequestHead(await this.octokit(), {
        owner: this.event.owner,
        repo: this.event.repo,
        prNumber,
      })
      this.baseSha = head.baseSha
    } catch (e) {
      core.warning(`The base commit of pull request #${prNumber} could not be read: ${errorMessage(e)}`)
    }
  }

  private baseField(): { base?: string } {
    return this.baseSha ? { base: this.baseSha } : {}
  }

  private shaField(): { sha?: string } {
    const sha = this.reviewedSha ?? this.event.headSha
    return sha ? { sha } : {}
  }

  /** The GitHub client, made when first needed: its package (and HTTP stack) loads only for runs that talk to GitHub. */
  private async octokit(): Promise<Octokit> {
    if (this.client) return this.client
    if (!this.event.owner || !this.event.repo) {
      throw new ActionFailure(
        'comment',
        'GITHUB_REPOSITORY is not set: the pull request cannot be found outside GitHub',
      )
    }
    if (!this.options.githubToken) {
      throw new ActionFailure(
        'comment',
        'No GitHub token: the `github-token` input is empty. Leave it at its default (`${{ github.token }}`) or pass ' +
          'a token that can read and write pull-request comments.',
      )
    }
    const { getOctokit } = await import('@actions/github')
    this.client = getOctokit(this.options.githubToken, { baseUrl: this.event.apiUrl })
    return this.client
  }
}

/** How many lines of the comment's text difference the error message shows; the job summary shows more. */
const MAX_LISTED_TEXT_LINES = 30

function planChanged(
  plan: Plan,
  planId: string,
  approved: ApprovedPlan,
  prNumber: number,
  textDiff?: string[],
): PlanChangedError {
  if (approved.planId === planId && textDiff) return commentAltered(planId, approved, prNumber, textDiff)
  const reviewed = parseDigestBlock(approved.body)
  const now = planDigest(plan, planId)
  const usable = reviewed && reviewed.planId === approved.planId
  const differences = usable ? comparePlans(reviewed, now) : []
  const lines = differences.map((d) => `  ${differenceLine(d)}`)
  if (!usable)
    lines.push('  (the comment holds no readable digest of the reviewed plan, so only the fingerprints differ)')
  else if (differences.length === 0) {
    const hidden = unverifiableFields(now)
    lines.push(
      hidden.length
        ? `  the same resources and fields change; a sensitive value must differ, in one of: ${hidden.join('; ')}`
        : '  the same resources and fields change, but the details kept in the comment cannot tell what differs',
    )
  } else if (reviewed.cut) {
    lines.push('  (the reviewed plan was large: its digest kept less detail, so the list may be incomplete)')
  }
  const listed = lines.slice(0, MAX_LISTED_DIFFERENCES)
  if (lines.length > listed.length) listed.push(`  ... and ${lines.length - listed.length} more in the job summary`)
  const message =
    `The plan changed since it was reviewed on pull request #${prNumber}: reviewed ${approved.planId} ` +
    `(${approved.commentUrl}), now ${planId}.\n${listed.join('\n')}\n` +
    'Nothing was changed. Run the plan on the pull request again (re-run its workflow, or push), review the new ' +
    'plan, then run the apply again.'
  const markdown = [
    '### Apply refused: the plan changed since it was reviewed',
    '',
    `Reviewed plan \`${approved.planId}\` ([comment](${approved.commentUrl})) · plan now \`${planId}\``,
    '',
    '```diff',
    ...lines.map((l) => l.trim()),
    '```',
    '',
    ...(textDiff ? textDiffDetails(textDiff) : []),
    'Nothing was changed. Run the plan on the pull request again, review it, then run the apply again.',
    '',
  ].join('\n')
  return new PlanChangedError(message, differences, markdown)
}

/** The comment's text against the plan now's, folded away in the job summary. */
function textDiffDetails(diff: string[]): string[] {
  const fence = fenceFor(diff)
  return [
    '<details><summary>The comment against the plan now (<code>-</code> the comment, <code>+</code> now)</summary>',
    '',
    `${fence}diff`,
    ...diff,
    fence,
    '',
    '</details>',
    '',
  ]
}

/** A code fence longer than any run of backticks in the lines. */
function fenceFor(lines: string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))))
  return '`'.repeat(Math.max(3, longest + 1))
}

/**
 * The fingerprint agrees but the comment's visible text is not the rendering of this plan: the comment was
 * edited, or a newer one forged, by something writing as the action. Reviewers read that text, not the marker.
 */
function commentAltered(planId: string, approved: ApprovedPlan, prNumber: number, diff: string[]): PlanChangedError {
  const shown = diff.slice(0, MAX_LISTED_TEXT_LINES)
  if (diff.length > shown.length) shown.push(`... ${diff.length - shown.length} more lines in the job summary`)
  const message =
    `The plan comment on pull request #${prNumber} (${approved.commentUrl}) does not show the plan being applied: ` +
    `its marker names plan ${planId}, but its visible text differs from that plan's rendering, so reviewers read ` +
    `something else (the comment was edited, or written by another workflow using the same token). ` +
    `Difference (- the comment, + the plan now):\n${shown.map((l) => `  ${l}`).join('\n')}\n` +
    'Nothing was changed. Re-run the plan on the pull request (it rewrites the comment), review it, then run the ' +
    'apply again.'
  const fence = fenceFor(diff)
  const markdown = [
    '### Apply refused: the plan comment does not show this plan',
    '',
    `The comment ([link](${approved.commentUrl})) carries the marker of plan \`${planId}\`, but its visible text ` +
      'is not the rendering of that plan. Difference (`-` the comment, `+` the plan now):',
    '',
    `${fence}diff`,
    ...diff,
    fence,
    '',
    'Nothing was changed. Re-run the plan on the pull request, review it, then run the apply again.',
    '',
  ].join('\n')
  return new PlanChangedError(message, [], markdown)
}
