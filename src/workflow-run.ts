/**
 * The workflow run this process is, as the runner's GITHUB_* environment and event payload tell it: its URLs, and
 * whether its pull request comes from a fork. Plain reads of the environment and one file: light enough for the
 * start-up path (credentials), and shared by the pull-request flow and the state lock.
 */
import { readFileSync } from 'node:fs'

/** `https://github.com` or a GitHub Enterprise Server's URL, without a trailing slash. */
export function serverUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
}

/** `https://github.com/<owner>/<repo>`, or undefined outside GitHub. */
export function repositoryUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  return owner && repo ? `${serverUrl(env)}/${owner}/${repo}` : undefined
}

/** The run's page (`…/actions/runs/<id>`), or undefined outside GitHub. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const repo = repositoryUrl(env)
  return repo && env.GITHUB_RUN_ID ? `${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined
}

/** The parts of an event payload this action reads. */
export interface EventPayload {
  pull_request?: {
    number?: number
    head?: { sha?: string; repo?: { full_name?: string } | null }
    base?: { sha?: string; repo?: { full_name?: string } }
  }
}

/** The event payload (GITHUB_EVENT_PATH); empty when there is none or it cannot be read. */
export function readEventPayload(path: string | undefined): EventPayload {
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload
  } catch {
    return {}
  }
}

/**
 * A pull request from a fork: its head lives in another repository (owner and name compared without regard to
 * case, as GitHub does), or in one since deleted (head.repo is null). `head.repo.fork` alone is not it: inside a
 * repository that is itself a fork, every branch says fork.
 */
export function isForkPullRequest(payload: EventPayload, baseRepository?: string): boolean {
  const pr = payload.pull_request
  if (!pr) return false
  const head = pr.head?.repo
  if (head === null) return true
  const base = pr.base?.repo?.full_name ?? baseRepository
  return !!base && !!head?.full_name && head.full_name.toLowerCase() !== base.toLowerCase()
}
