/**
 * The run as GitHub describes it: which event, which repository, which pull request and commit, where the run's
 * page is. Read from the runner's environment (GITHUB_*) and the event payload file, so it can be built in a test.
 */
import { isForkPullRequest, readEventPayload, repositoryUrl, runUrl } from '../workflow-run.js'

export interface EventContext {
  /** `pull_request`, `workflow_dispatch`, `schedule`, ...; empty outside GitHub. */
  eventName: string
  owner?: string
  repo?: string
  /** The pull request this run is about: from the event, or the `pr-number` input. */
  prNumber?: number
  /** Where the number came from. */
  prSource?: 'event' | 'input'
  /**
   * The commit the plan is for. On pull_request events, the pull request's head (GITHUB_SHA is the temporary merge
   * commit there, which changes whenever the base branch moves); elsewhere GITHUB_SHA.
   */
  headSha?: string
  /** The base branch's commit, from the pull_request event (absent on other events). */
  baseSha?: string
  /** The pull request comes from a fork (or a since-deleted repository): GITHUB_TOKEN is read-only for it. */
  fromFork: boolean
  actor?: string
  runUrl?: string
  /** `https://github.com/<owner>/<repo>` */
  repoUrl?: string
  /** GITHUB_API_URL, for GitHub Enterprise Server too. */
  apiUrl: string
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

export function isPullRequestEvent(eventName: string): boolean {
  return PULL_REQUEST_EVENTS.has(eventName)
}

/** Reads the event context; `prNumberInput` (the `pr-number` input) wins over the event's pull request. */
export function readEventContext(env: NodeJS.ProcessEnv = process.env, prNumberInput?: number): EventContext {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const payload = isPullRequestEvent(eventName) ? readEventPayload(env.GITHUB_EVENT_PATH) : {}
  const pr = payload.pull_request
  const eventPr = typeof pr?.number === 'number' ? pr.number : undefined
  return {
    eventName,
    owner: owner || undefined,
    repo: repo || undefined,
    prNumber: prNumberInput ?? eventPr,
    prSource: prNumberInput !== undefined ? 'input' : eventPr !== undefined ? 'event' : undefined,
    headSha: pr?.head?.sha || env.GITHUB_SHA || undefined,
    ...(typeof pr?.base?.sha === 'string' && pr.base.sha ? { baseSha: pr.base.sha } : {}),
    fromFork: isForkPullRequest(payload, env.GITHUB_REPOSITORY),
    actor: env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || undefined,
    runUrl: runUrl(env),
    repoUrl: repositoryUrl(env),
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
  }
}

/** A drift check: a plan run by a `schedule` event, which fails when it finds changes. */
export function isDriftCheck(mode: string, eventName: string): boolean {
  return mode === 'plan' && eventName === 'schedule'
}

export type CommentSetting = 'auto' | 'always' | 'never'

export interface CommentDecision {
  /** Post (or update) the sticky comment. */
  post: boolean
  /** A failure to post fails the run; otherwise it is a warning. */
  required: boolean
  /** Why, for the log. */
  why: string
}

/**
 * When to comment.
 * - `never`: no comment.
 * - `auto`: on pull_request events, and on runs given `pr-number` (a reviewed apply reports its result where the
 *   plan was reviewed). A comment that cannot be posted fails the run, except on a pull request from a fork, whose
 *   token GitHub makes read-only: there it is a warning and the job summary holds the plan.
 * - `always`: like `auto` but a comment is required: no pull request to comment on, or a comment that cannot be
 *   posted, fails the run.
 */
export function decideComment(setting: CommentSetting, event: EventContext): CommentDecision {
  if (setting === 'never') return { post: false, required: false, why: 'input `comment` is never' }
  const pr = event.prNumber
  if (pr === undefined) {
    return {
      post: false,
      required: setting === 'always',
      why:
        setting === 'always'
          ? `input \`comment\` is always, but this ${event.eventName || 'local'} run has no pull request: set \`pr-number\``
          : `no pull request in this ${event.eventName || 'local'} run`,
    }
  }
  const from = event.prSource === 'input' ? 'input `pr-number`' : `the ${event.eventName} event`
  return {
    post: true,
    required: setting === 'always' || !event.fromFork,
    why: `pull request #${pr} from ${from}`,
  }
}
