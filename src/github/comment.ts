/**
 * The sticky pull-request comment: one comment per pull request and cluster, found again by a hidden marker and
 * updated in place. The marker also carries what the reviewed-apply check reads back (plan fingerprint, head sha).
 *
 * This module takes a ready markdown body; rendering the plan is the report module's job.
 */
import * as core from '../runner.js'
import type { getOctokit } from '@actions/github'

export type Octokit = ReturnType<typeof getOctokit>

/** GitHub rejects issue comments longer than this many characters. */
export const COMMENT_LIMIT = 65_536
/** Author of comments written with the workflow's GITHUB_TOKEN. */
export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]'

const MARKER_TAG = 'karpenter-action:plan'
const MARKER_PATTERN = /<!--\s*karpenter-action:plan\s([\s\S]*?)-->/
const MARKER_PATTERN_ALL = new RegExp(MARKER_PATTERN.source, 'g')
/** Marker values: no whitespace, quotes or angle brackets, so `-->` can never appear inside one. */
const MARKER_VALUE = /^[\w.:@/+-]+$/

// ---------------------------------------------------------------------------------------------------------------
// The marker
// ---------------------------------------------------------------------------------------------------------------

export interface MarkerData {
  /** The EKS cluster the plan is for: one sticky comment per pull request and cluster. */
  cluster: string
  /** Fingerprint of the plan the comment shows. */
  planId?: string
  /** Head commit of the pull request the plan was computed for. */
  sha?: string
  /** The base branch's commit when the plan was made (what `apply-requires: undiverged` compares). */
  base?: string
}

const MARKER_KEYS: ReadonlyArray<[keyof MarkerData, string]> = [
  ['cluster', 'cluster'],
  ['planId', 'plan-id'],
  ['sha', 'sha'],
  ['base', 'base'],
]

/** `<!-- karpenter-action:plan cluster=<cluster> plan-id=<hex> sha=<sha> base=<sha> -->` (absent ones left out). */
export function formatMarker(data: MarkerData): string {
  const parts = [MARKER_TAG]
  for (const [field, key] of MARKER_KEYS) {
    const value = data[field]
    if (value === undefined && field !== 'cluster') continue
    if (typeof value !== 'string' || !MARKER_VALUE.test(value)) {
      throw new Error(
        `comment marker: ${key} must be a non-empty word without spaces or quotes, got ${JSON.stringify(value)}`,
      )
    }
    parts.push(`${key}=${value}`)
  }
  return `<!-- ${parts.join(' ')} -->`
}

/** The first marker in a comment body, or null when there is none (or it names no cluster). */
export function parseMarker(body: string | null | undefined): MarkerData | null {
  const match = MARKER_PATTERN.exec(body ?? '')
  if (!match) return null
  const attributes = new Map<string, string>()
  for (const token of match[1].trim().split(/\s+/)) {
    const eq = token.indexOf('=')
    if (eq > 0) attributes.set(token.slice(0, eq), token.slice(eq + 1))
  }
  const data: Partial<MarkerData> = {}
  for (const [field, key] of MARKER_KEYS) {
    const value = attributes.get(key)
    if (value && MARKER_VALUE.test(value)) data[field] = value
  }
  return data.cluster ? (data as MarkerData) : null
}

/** The body with exactly one marker, on its first line (any marker already in the body is dropped). */
export function composeCommentBody(marker: MarkerData, body: string): string {
  const rest = body.replace(MARKER_PATTERN_ALL, '').replace(/^\s*\n/, '')
  return `${formatMarker(marker)}\n${rest}`
}

// ---------------------------------------------------------------------------------------------------------------
// Fitting a body into GitHub's limit
// ---------------------------------------------------------------------------------------------------------------

export interface FitOptions {
  /** Maximum length; GitHub's is 65,536 characters. */
  limit?: number
  /** Link to the run whose job summary holds the whole plan. */
  runUrl?: string
}

/**
 * Returns the body unchanged when it fits; otherwise cuts it on a line boundary, keeps the marker on the first line,
 * closes a code fence or `<details>` left open by the cut, and appends where the whole text can be read.
 * Lengths are UTF-16 code units, never fewer than GitHub's characters, so the result always fits.
 */
export function fitCommentBody(body: string, options: FitOptions = {}): string {
  const limit = options.limit ?? COMMENT_LIMIT
  if (body.length <= limit) return body
  const marker = MARKER_PATTERN.exec(body)?.[0]
  const head = marker ? `${marker}\n` : ''
  const rest = marker ? body.replace(marker, '').replace(/^\s*\n/, '') : body
  const notice = truncationNotice(body.length, limit, options.runUrl)
  let budget = limit - head.length - notice.length
  while (budget > 0) {
    const kept = cutAtLineBoundary(rest, budget)
    const result = `${head}${kept}${closeOpenBlocks(kept)}${notice}`
    if (result.length <= limit) return result
    budget -= result.length - limit
  }
  throw new RangeError(`comment limit ${limit} is too small to hold the marker and the truncation notice`)
}

function truncationNotice(length: number, limit: number, runUrl: string | undefined): string {
  const where = runUrl ? `the [job summary of this run](${runUrl})` : "this run's job summary and log"
  const size = `${thousands(length)} characters; GitHub allows ${thousands(limit)}`
  return `\n\n> [!WARNING]\n> This comment was cut short (${size}). The full plan is in ${where}.\n`
}

/**
 * 65,536: what `toLocaleString('en-US')` gives for a count, without its first call's ~25 ms of loading the number
 * formats of the ICU data.
 */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** The longest prefix within `budget` that ends at a line end; a hard cut only when the first line is too long. */
function cutAtLineBoundary(text: string, budget: number): string {
  if (text.length <= budget) return text
  const newline = text.lastIndexOf('\n', budget)
  if (newline > 0) return text.slice(0, newline)
  const end = isHighSurrogate(text.charCodeAt(budget - 1)) ? budget - 1 : budget
  return text.slice(0, end)
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

/** What must follow `text` to end an open code fence and every open `<details>` outside fences. */
function closeOpenBlocks(text: string): string {
  let fence: string | undefined
  let details = 0
  for (const line of text.split('\n')) {
    if (fence) {
      if (closesFence(line, fence)) fence = undefined
      continue
    }
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line)
    if (opening) {
      fence = opening[1]
      continue
    }
    details += countMatches(line, /<details\b/gi) - countMatches(line, /<\/details\s*>/gi)
    details = Math.max(0, details)
  }
  return (fence ? `\n${fence}` : '') + '\n</details>'.repeat(details)
}

function closesFence(line: string, fence: string): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line)
  return !!match && match[1][0] === fence[0] && match[1].length >= fence.length
}

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0
}

// ---------------------------------------------------------------------------------------------------------------
// Who the action is on GitHub
// ---------------------------------------------------------------------------------------------------------------

export interface Identity {
  login: string
  /** `token`: GET /user answered; `github-actions`: an installation token, assumed GITHUB_TOKEN; `configured`. */
  source: 'token' | 'github-actions' | 'configured'
}

const identities = new WeakMap<object, Identity>()

/**
 * The login whose comments the action owns. A personal access token answers GET /user; an installation token
 * (the workflow's GITHUB_TOKEN) gets 403 there and writes as `github-actions[bot]`. A GitHub App's installation
 * token also gets 403 but writes as `<app-slug>[bot]`: pass that login as `login`.
 */
export async function resolveIdentity(octokit: Octokit, options: { login?: string } = {}): Promise<Identity> {
  if (options.login) return { login: options.login, source: 'configured' }
  const cached = identities.get(octokit)
  if (cached) return cached
  const identity = await askGitHubWhoAmI(octokit)
  identities.set(octokit, identity)
  core.debug(`comment author: ${identity.login} (${identity.source})`)
  return identity
}

async function askGitHubWhoAmI(octokit: Octokit): Promise<Identity> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return { login: data.login, source: 'token' }
  } catch (err) {
    const status = statusOf(err)
    if (status === 403) {
      core.debug(`GET /user answered 403 (an installation token): assuming comments are by ${GITHUB_ACTIONS_LOGIN}`)
      return { login: GITHUB_ACTIONS_LOGIN, source: 'github-actions' }
    }
    if (status === 401)
      throw new Error('GitHub rejected the token (401 Bad credentials): check the `github-token` input')
    throw err
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Finding, creating and updating the comment
// ---------------------------------------------------------------------------------------------------------------

export interface CommentTarget {
  owner: string
  repo: string
  /** The pull request's number (pull requests are issues for the comments API). */
  issueNumber: number
}

export interface StickyComment {
  id: number
  url: string
  body: string
  marker: MarkerData
  createdAt: string
  updatedAt: string
  /** How many comments by the action's identity carry a marker for this cluster (this one included). */
  count: number
}

/** The newest comment by the action's own identity whose marker names `cluster`, or null. */
export async function findStickyComment(
  octokit: Octokit,
  params: CommentTarget & { cluster: string; author?: string },
): Promise<StickyComment | null> {
  const { login } = await resolveIdentity(octokit, { login: params.author })
  const comments = await listAllComments(octokit, params)
  const ours: StickyComment[] = []
  for (const c of comments) {
    const marker = parseMarker(c.body)
    if (marker?.cluster !== params.cluster || !sameLogin(c.user?.login, login)) continue
    ours.push({
      id: c.id,
      url: c.html_url,
      body: c.body ?? '',
      marker,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      count: 0,
    })
  }
  core.debug(
    `${comments.length} comment(s) on #${params.issueNumber}, ${ours.length} by ${login} for ${params.cluster}`,
  )
  if (ours.length > 1) {
    core.warning(
      `found ${ours.length} plan comments for ${params.cluster} on #${params.issueNumber}; updating the newest`,
    )
  }
  const newest = ours.reduce<StickyComment | null>((n, c) => (n && isNewer(n, c) ? n : c), null)
  return newest && { ...newest, count: ours.length }
}

async function listAllComments(octokit: Octokit, target: CommentTarget) {
  try {
    return await octokit.paginate(octokit.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      per_page: 100,
    })
  } catch (err) {
    throw explain(err, target, 'read')
  }
}

export interface UpsertParams extends CommentTarget {
  /** Identifies the comment (cluster) and records the plan fingerprint and head sha. */
  marker: MarkerData
  /** Ready markdown; a marker already in it is replaced by `marker`. */
  body: string
  /** Run (job summary) link shown when the body must be truncated. */
  runUrl?: string
  /** Login the action writes as, when GET /user cannot tell (a GitHub App token). */
  author?: string
  limit?: number
}

export interface UpsertResult {
  id: number
  url: string
  action: 'created' | 'updated' | 'unchanged'
}

/** Creates the sticky comment, or updates it in place; skips the update when the body is identical. */
export async function upsertStickyComment(octokit: Octokit, params: UpsertParams): Promise<UpsertResult> {
  const identity = await resolveIdentity(octokit, { login: params.author })
  const body = fitCommentBody(composeCommentBody(params.marker, params.body), {
    limit: params.limit,
    runUrl: params.runUrl,
  })
  const existing = await findStickyComment(octokit, {
    ...params,
    cluster: params.marker.cluster,
    author: identity.login,
  })
  if (existing && existing.body === body) {
    core.info(`Plan comment unchanged: ${existing.url}`)
    return { id: existing.id, url: existing.url, action: 'unchanged' }
  }
  if (existing) {
    const updated = await updateComment(octokit, params, existing.id, body)
    if (updated) return updated
    core.info(`Plan comment ${existing.id} was deleted meanwhile; posting a new one`)
  }
  return createComment(octokit, params, identity, body)
}

async function updateComment(
  octokit: Octokit,
  target: CommentTarget,
  id: number,
  body: string,
): Promise<UpsertResult | null> {
  try {
    const { data } = await octokit.rest.issues.updateComment({
      owner: target.owner,
      repo: target.repo,
      comment_id: id,
      body,
    })
    core.info(`Updated plan comment: ${data.html_url}`)
    return { id: data.id, url: data.html_url, action: 'updated' }
  } catch (err) {
    if (statusOf(err) === 404) return null
    throw explain(err, target, 'write')
  }
}

async function createComment(
  octokit: Octokit,
  target: CommentTarget,
  identity: Identity,
  body: string,
): Promise<UpsertResult> {
  try {
    const { data } = await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      body,
    })
    core.info(`Posted plan comment: ${data.html_url}`)
    warnOnAuthorMismatch(data.user?.login, identity)
    return { id: data.id, url: data.html_url, action: 'created' }
  } catch (err) {
    throw explain(err, target, 'write')
  }
}

/** The next run would not recognise this comment as its own: say how to fix it rather than pile up comments. */
function warnOnAuthorMismatch(actual: string | undefined, identity: Identity): void {
  if (!actual || sameLogin(actual, identity.login)) return
  core.warning(
    `the plan comment was posted as ${actual}, but the action looks for comments by ${identity.login}; ` +
      `set the comment author to ${actual} so the next run updates this comment instead of adding another`,
  )
}

// ---------------------------------------------------------------------------------------------------------------
// What apply reads back, and the pull request itself
// ---------------------------------------------------------------------------------------------------------------

export interface ApprovedPlan {
  planId: string
  sha: string
  /** The base commit recorded when the plan was made (absent in comments of older versions). */
  base?: string
  /** Comments by the action's identity with a marker for the cluster: the action keeps exactly one. */
  count: number
  commentUrl: string
  commentId: number
  updatedAt: string
  /** The whole comment, for what else it records (the reviewed plan's digest). */
  body: string
}

/** The plan fingerprint and head sha recorded in the sticky comment, or null when there is no complete one. */
export async function readApprovedPlan(
  octokit: Octokit,
  params: { owner: string; repo: string; prNumber: number; cluster: string; author?: string },
): Promise<ApprovedPlan | null> {
  const comment = await findStickyComment(octokit, { ...params, issueNumber: params.prNumber })
  if (!comment) return null
  const { planId, sha, base } = comment.marker
  if (!planId || !sha) {
    core.debug(`plan comment ${comment.url} records no plan-id or sha`)
    return null
  }
  return {
    planId,
    sha,
    ...(base ? { base } : {}),
    count: comment.count,
    commentUrl: comment.url,
    commentId: comment.id,
    updatedAt: comment.updatedAt,
    body: comment.body,
  }
}

export interface PullRequestHead {
  number: number
  headSha: string
  /** The base branch's commit as GitHub reports it for the pull request. */
  baseSha: string
  /** Who opened the pull request. */
  author?: string
  state: 'open' | 'closed'
  merged: boolean
  /** GitHub computes it in the background: null until it has. */
  mergeable: boolean | null
  mergeableState?: string
  url: string
}

/** The pull request's head commit and state; a clear error when it does not exist or cannot be seen. */
export async function getPullRequestHead(
  octokit: Octokit,
  params: { owner: string; repo: string; prNumber: number },
): Promise<PullRequestHead> {
  try {
    const { data } = await octokit.rest.pulls.get({
      owner: params.owner,
      repo: params.repo,
      pull_number: params.prNumber,
    })
    return {
      number: data.number,
      headSha: data.head.sha,
      baseSha: data.base.sha,
      ...(data.user?.login ? { author: data.user.login } : {}),
      state: data.state as 'open' | 'closed',
      merged: data.merged,
      mergeable: data.mergeable,
      ...(data.mergeable_state ? { mergeableState: data.mergeable_state } : {}),
      url: data.html_url,
    }
  } catch (err) {
    throw explain(err, { ...params, issueNumber: params.prNumber }, 'read')
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

function gitHubSaid(err: unknown): string {
  return err instanceof Error ? ` (GitHub said: ${err.message})` : ''
}

/** One clear error per cause; anything unrecognised passes through untouched. */
export function explain(err: unknown, target: CommentTarget, access: 'read' | 'write'): unknown {
  const status = statusOf(err)
  const where = `${target.owner}/${target.repo}#${target.issueNumber}`
  const rateLimited = err instanceof Error && /rate limit/i.test(err.message)
  if (status === 403 && access === 'write' && !rateLimited) {
    return new Error(
      `the token cannot write pull-request comments on ${where}: give the workflow ` +
        '`permissions: pull-requests: write` (and for forks, note GITHUB_TOKEN is read-only)' +
        gitHubSaid(err),
      { cause: err },
    )
  }
  if (status === 404) {
    return new Error(
      `pull request ${where} was not found: check the pull-request number, and that the token can read ` +
        `${target.owner}/${target.repo}` +
        gitHubSaid(err),
      { cause: err },
    )
  }
  if (status === 422 && access === 'write') {
    return new Error(`GitHub rejected the plan comment on ${where}${gitHubSaid(err)}`, { cause: err })
  }
  return err
}

export function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase()
}

function isNewer(a: StickyComment, b: StickyComment): boolean {
  return a.createdAt === b.createdAt ? a.id > b.id : a.createdAt > b.createdAt
}
