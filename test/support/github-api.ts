/**
 * A local stand-in for the few GitHub REST endpoints the action uses, checked against GitHub's own OpenAPI
 * description (@octokit/openapi). It listens on 127.0.0.1 (port 0), keeps its state in memory and records every
 * request. Every request it receives and every response it sends is validated against the operation's schema:
 * a violation turns the answer into a 500 and is recorded, so `assertNoViolations()` fails the test loudly.
 *
 * Served operations:
 *   GET   /user                                            users/get-authenticated
 *   GET   /repos/{owner}/{repo}/issues/{issue_number}/comments   issues/list-comments
 *   POST  /repos/{owner}/{repo}/issues/{issue_number}/comments   issues/create-comment
 *   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}     issues/update-comment
 *   GET   /repos/{owner}/{repo}/pulls/{pull_number}              pulls/get
 *
 * Tokens are issued by the stand-in: `issueToken({ kind: 'user', login })` behaves like a personal access token
 * (GET /user answers the user), `issueToken({ kind: 'installation' })` like the workflow's GITHUB_TOKEN (GET /user
 * answers 403 "Resource not accessible by integration" and comments are authored by `github-actions[bot]`);
 * `{ kind: 'installation', app: 'plan-bot' }` is another GitHub App's token, writing as `plan-bot[bot]`.
 * `canWrite: false` simulates a token without `pull-requests: write`.
 *
 * One documented departure from the description: GitHub answers 401, 403 and 404 on every endpoint (bad token,
 * missing permission, unknown resource) though the description lists them only for some operations (for example
 * `issues/update-comment` lists only 200 and 422). Those three statuses are accepted for any operation when the
 * body is a valid "Basic Error"; every other undocumented status is a violation.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

// ---------------------------------------------------------------------------------------------------------------
// The OpenAPI description: load once, keep only the served operations, compile validators lazily and cache them.
// ---------------------------------------------------------------------------------------------------------------

const SPEC_MODULE = '@octokit/openapi/generated/api.github.com.deref.json'
/** Statuses GitHub sends on any endpoint even where the description omits them (see the file comment). */
const UNIVERSAL_ERROR_STATUSES = new Set([401, 403, 404])

type Schema = Record<string, unknown>

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Schema
}

interface ResponseSpec {
  schema?: Schema
  headers: Record<string, { schema?: Schema }>
}

export interface Operation {
  id: string
  method: string
  template: string
  parameters: Parameter[]
  requestBody?: { required: boolean; schema?: Schema }
  responses: Map<number, ResponseSpec>
}

interface OpenApiSpec {
  paths: Record<string, Record<string, Record<string, unknown>>>
}

const SERVED: ReadonlyArray<readonly [method: string, template: string]> = [
  ['GET', '/user'],
  ['GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
]

let catalog: { operations: Operation[]; basicError: Schema } | undefined

function jsonSchemaOf(content: unknown): Schema | undefined {
  const json = (content as Record<string, { schema?: Schema }> | undefined)?.['application/json']
  return json?.schema
}

function toOperation(method: string, template: string, pathItem: Record<string, unknown>): Operation {
  const raw = pathItem[method.toLowerCase()] as Record<string, unknown> | undefined
  if (!raw) throw new Error(`the OpenAPI description has no ${method} ${template}`)
  const shared = (pathItem.parameters as Parameter[] | undefined) ?? []
  const own = (raw.parameters as Parameter[] | undefined) ?? []
  const body = raw.requestBody as { required?: boolean; content?: unknown } | undefined
  const responses = new Map<number, ResponseSpec>()
  for (const [status, response] of Object.entries(raw.responses as Record<string, Record<string, unknown>>)) {
    responses.set(Number(status), {
      schema: jsonSchemaOf(response.content),
      headers: (response.headers as ResponseSpec['headers'] | undefined) ?? {},
    })
  }
  return {
    id: String(raw.operationId),
    method,
    template,
    parameters: [...shared, ...own],
    requestBody: body ? { required: body.required === true, schema: jsonSchemaOf(body.content) } : undefined,
    responses,
  }
}

/**
 * The path items of the served operations. Parsing the whole (73 MB) description takes seconds, and each jest run
 * evaluates this module afresh (mutation testing runs the tests once per mutant), so the few path items are kept
 * in a small file beside the system's temporary files, named after the description's location, size and time;
 * a change of the package gives a new name, and a cache that cannot be read is made again.
 */
function servedPaths(): Record<string, Record<string, Record<string, unknown>> | undefined> {
  const file = createRequire(import.meta.url).resolve(SPEC_MODULE)
  const { size, mtimeMs } = statSync(file)
  const key = createHash('sha256')
    .update(JSON.stringify([file, size, mtimeMs, SERVED]))
    .digest('hex')
    .slice(0, 16)
  const cache = join(tmpdir(), `karpenter-action-github-openapi-${key}.json`)
  try {
    return JSON.parse(readFileSync(cache, 'utf8')) as ReturnType<typeof servedPaths>
  } catch {
    // absent or unreadable: made again below
  }
  const spec = JSON.parse(readFileSync(file, 'utf8')) as OpenApiSpec
  const paths = Object.fromEntries(SERVED.map(([, template]) => [template, spec.paths[template]]))
  // Written whole under another name, then renamed: a concurrent reader sees either nothing or all of it.
  const partial = `${cache}.${process.pid}.tmp`
  writeFileSync(partial, JSON.stringify(paths))
  renameSync(partial, cache)
  return paths
}

/** Reads the description's served operations once per module evaluation and keeps only what the stand-in serves. */
function loadCatalog(): { operations: Operation[]; basicError: Schema } {
  if (catalog) return catalog
  const paths = servedPaths()
  const operations = SERVED.map(([method, template]) => {
    const pathItem = paths[template]
    if (!pathItem) throw new Error(`the OpenAPI description has no path ${template}`)
    return toOperation(method, template, pathItem)
  })
  const basicError = operations[0].responses.get(403)?.schema
  if (!basicError) throw new Error('the OpenAPI description lost the Basic Error schema of GET /user 403')
  catalog = { operations, basicError }
  return catalog
}

const addFormats = addFormatsModule.default
const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
addFormats(ajv)
const validators = new Map<string, ValidateFunction>()

function validatorFor(key: string, schema: Schema): ValidateFunction {
  let validate = validators.get(key)
  if (!validate) {
    validate = ajv.compile(schema)
    validators.set(key, validate)
  }
  return validate
}

function schemaProblems(key: string, schema: Schema, value: unknown, label: string): string[] {
  const validate = validatorFor(key, schema)
  if (validate(value)) return []
  return (validate.errors ?? []).slice(0, 10).map((e) => `${label}${e.instancePath} ${e.message ?? 'is invalid'}`)
}

/** Path and query values arrive as strings; give them the type their schema declares before validating. */
function coerce(raw: string, schema: Schema | undefined): unknown {
  const type = schema?.type
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw
  return raw
}

export interface RequestParts {
  pathParams: Record<string, string>
  query: URLSearchParams
  contentType: string | undefined
  rawBody: string
}

/** Everything about a request that contradicts the operation's description; empty when it conforms. */
export function requestProblems(op: Operation, req: RequestParts): string[] {
  const problems: string[] = []
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    const raw = req.pathParams[p.name]
    if (raw === undefined) problems.push(`path parameter ${p.name} is missing`)
    else if (p.schema)
      problems.push(...schemaProblems(`${op.id} path ${p.name}`, p.schema, coerce(raw, p.schema), p.name))
  }
  const declared = new Map(op.parameters.filter((x) => x.in === 'query').map((x) => [x.name, x]))
  for (const name of new Set(req.query.keys())) {
    const p = declared.get(name)
    const values = req.query.getAll(name)
    if (!p) problems.push(`query parameter ${name} is not defined for ${op.id}`)
    else if (values.length > 1 && p.schema?.type !== 'array') problems.push(`query parameter ${name} is repeated`)
    else if (p.schema)
      problems.push(...schemaProblems(`${op.id} query ${name}`, p.schema, coerce(values[0], p.schema), name))
  }
  for (const p of declared.values()) {
    if (p.required && !req.query.has(p.name)) problems.push(`required query parameter ${p.name} is missing`)
  }
  problems.push(...bodyProblems(op, req))
  return problems
}

function bodyProblems(op: Operation, req: RequestParts): string[] {
  const spec = op.requestBody
  if (!spec) return req.rawBody.length > 0 ? [`${op.id} takes no request body`] : []
  if (req.rawBody.length === 0) return spec.required ? ['the request body is required'] : []
  if (!/^application\/json\b/i.test(req.contentType ?? '')) {
    return [`the request body must be application/json, not ${req.contentType ?? 'unlabelled'}`]
  }
  let body: unknown
  try {
    body = JSON.parse(req.rawBody)
  } catch {
    return ['the request body is not valid JSON']
  }
  return spec.schema ? schemaProblems(`${op.id} body`, spec.schema, body, 'body') : []
}

/** Everything about a response that contradicts the operation's description; empty when it conforms. */
export function responseProblems(op: Operation, reply: Reply): string[] {
  const documented = op.responses.get(reply.status)
  const spec =
    documented ??
    (UNIVERSAL_ERROR_STATUSES.has(reply.status) ? { schema: loadCatalog().basicError, headers: {} } : undefined)
  if (!spec) return [`status ${reply.status} is not documented for ${op.id}`]
  const key = `${op.id} response ${documented ? reply.status : 'universal-error'}`
  const problems: string[] = []
  if (spec.schema) {
    if (reply.body === undefined) problems.push(`status ${reply.status} of ${op.id} must have a body`)
    else problems.push(...schemaProblems(key, spec.schema, reply.body, 'response'))
  } else if (reply.body !== undefined) {
    problems.push(`status ${reply.status} of ${op.id} has no body`)
  }
  for (const [name, header] of Object.entries(spec.headers)) {
    const value = reply.headers[name.toLowerCase()]
    if (value !== undefined && header.schema)
      problems.push(...schemaProblems(`${key} header ${name}`, header.schema, value, name))
  }
  return problems
}

// ---------------------------------------------------------------------------------------------------------------
// The simulated GitHub: users, tokens, one repository, its pull requests and their comments.
// ---------------------------------------------------------------------------------------------------------------

export const GITHUB_ACTIONS_BOT = 'github-actions[bot]'
const GITHUB_ACTIONS_BOT_ID = 41898282

export type AuthorAssociation =
  'COLLABORATOR' | 'CONTRIBUTOR' | 'FIRST_TIMER' | 'FIRST_TIME_CONTRIBUTOR' | 'MANNEQUIN' | 'MEMBER' | 'NONE' | 'OWNER'

export interface User {
  login: string
  id: number
  type: 'User' | 'Bot' | 'Organization'
  name: string | null
}

export type TokenGrant =
  /** A personal access token of `login`: GET /user answers that user. */
  | { kind: 'user'; login: string; canWrite?: boolean }
  /**
   * An installation token of a GitHub App, which writes as `<app>[bot]` and gets 403 from GET /user.
   * The default app, `github-actions`, makes it the workflow's GITHUB_TOKEN.
   */
  | { kind: 'installation'; app?: string; canWrite?: boolean }

interface TokenState {
  kind: TokenGrant['kind']
  login: string
  canWrite: boolean
}

export interface PullRequestSeed {
  number: number
  headSha?: string
  baseSha?: string
  state?: 'open' | 'closed'
  merged?: boolean
  title?: string
  author?: string
  headRef?: string
  baseRef?: string
  /**
   * What `mergeable` answers, one value per GET (the last one then sticks): `[null, true]` is GitHub still
   * computing at the first ask. Default: true while open.
   */
  mergeable?: (boolean | null)[]
}

export interface ReviewSeed {
  pullNumber: number
  /** Login of the reviewer; a `[bot]` suffix makes a Bot. */
  author: string
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED'
  /** The commit reviewed; default the pull request's head now. */
  commitId?: string
  body?: string
}

export interface StoredReview {
  id: number
  pullNumber: number
  author: string
  state: string
  commitId: string
  body: string
  submittedAt: string
}

interface PullRequest extends Omit<Required<PullRequestSeed>, 'mergeable'> {
  mergeable: (boolean | null)[]
  id: number
  createdAt: string
  updatedAt: string
}

export interface StoredComment {
  id: number
  issueNumber: number
  body: string
  author: string
  authorAssociation: string
  createdAt: string
  updatedAt: string
}

export interface CommentSeed {
  issueNumber: number
  body: string
  /** Login of the author; unknown logins become users (a `[bot]` suffix makes a Bot). */
  author: string
  authorAssociation?: string
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  body?: unknown
  /** The operation id matched, e.g. `issues/update-comment`; absent for unserved routes. */
  operation?: string
  /** Login behind the token, when the token was known. */
  actor?: string
  status: number
}

export interface Violation {
  kind: 'request' | 'response' | 'unserved'
  method: string
  path: string
  operation?: string
  problems: string[]
}

export interface StandInOptions {
  owner?: string
  repo?: string
  /** Base of the `html_url`s it hands out; nothing ever connects to it. */
  htmlBase?: string
}

export interface Reply {
  status: number
  headers: Record<string, string>
  body?: unknown
}

interface Call {
  op: Operation
  params: Record<string, string>
  query: URLSearchParams
  body: Record<string, unknown>
  token: TokenState | undefined
}

const MAX_COMMENT_CHARS = 65536
const DOCS = 'https://docs.github.com/rest'

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(`${prefix}:${id}`).toString('base64url')}`
}

function pseudoSha(seed: string): string {
  let hex = ''
  for (let i = 0; hex.length < 40; i++) hex += ((seed.charCodeAt(i % seed.length) * 2654435761 + i) >>> 0).toString(16)
  return hex.slice(0, 40)
}

function error(status: number, message: string, docs: string, extra: Record<string, unknown> = {}): Reply {
  return { status, headers: {}, body: { message, documentation_url: docs, status: String(status), ...extra } }
}

export class GitHubApiStandIn {
  readonly owner: string
  readonly repo: string
  readonly requests: RecordedRequest[] = []
  readonly violations: Violation[] = []

  private readonly htmlBase: string
  private readonly repoId = 812345678
  private readonly users = new Map<string, User>()
  private readonly tokens = new Map<string, TokenState>()
  private readonly pulls = new Map<number, PullRequest>()
  private readonly comments = new Map<number, StoredComment>()
  private readonly reviews: StoredReview[] = []
  private nextReviewId = 80_000_001
  private nextCommentId = 2_100_000_001
  private nextUserId = 150_000_001
  private nextTokenId = 1
  private clock = Date.parse('2025-06-02T09:00:00Z')
  private server: Server | undefined
  private base = ''

  private constructor(options: StandInOptions) {
    this.owner = options.owner ?? 'opsfleet'
    this.repo = options.repo ?? 'infrastructure'
    this.htmlBase = options.htmlBase ?? 'https://github.com'
    this.users.set(GITHUB_ACTIONS_BOT.toLowerCase(), {
      login: GITHUB_ACTIONS_BOT,
      id: GITHUB_ACTIONS_BOT_ID,
      type: 'Bot',
      name: null,
    })
    this.ensureUser(this.owner, 'Organization')
  }

  /** Starts a stand-in on 127.0.0.1 with an ephemeral port. The OpenAPI description is loaded on first use. */
  static async start(options: StandInOptions = {}): Promise<GitHubApiStandIn> {
    loadCatalog()
    const standIn = new GitHubApiStandIn(options)
    await standIn.listen()
    return standIn
  }

  /** API base URL, e.g. `http://127.0.0.1:41234`: what GITHUB_API_URL would hold. */
  get url(): string {
    return this.base
  }

  async close(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())))
  }

  // ----- set-up -------------------------------------------------------------------------------------------------

  /** Registers a token and returns it, e.g. `issueToken({ kind: 'installation' })` for a GITHUB_TOKEN. */
  issueToken(grant: TokenGrant): string {
    const prefix = grant.kind === 'user' ? 'ghp' : 'ghs'
    const token = `${prefix}_standin${String(this.nextTokenId++).padStart(4, '0')}`
    const login =
      grant.kind === 'user'
        ? this.ensureUser(grant.login).login
        : this.ensureUser(`${grant.app ?? 'github-actions'}[bot]`, 'Bot').login
    this.tokens.set(token, { kind: grant.kind, login, canWrite: grant.canWrite ?? true })
    return token
  }

  /** Takes away (or gives back) the write permission of a token: writes then answer 403. */
  setCanWrite(token: string, canWrite: boolean): void {
    const state = this.tokens.get(token)
    if (!state) throw new Error(`unknown token ${token}`)
    state.canWrite = canWrite
  }

  addPullRequest(seed: PullRequestSeed): void {
    const at = this.tick()
    this.pulls.set(seed.number, {
      number: seed.number,
      headSha: seed.headSha ?? pseudoSha(`head-${seed.number}`),
      baseSha: seed.baseSha ?? pseudoSha(`base-${seed.number}`),
      state: seed.state ?? 'open',
      merged: seed.merged ?? false,
      title: seed.title ?? `Change ${seed.number}`,
      author: this.ensureUser(seed.author ?? 'octo-dev').login,
      headRef: seed.headRef ?? `feature-${seed.number}`,
      baseRef: seed.baseRef ?? 'main',
      mergeable: seed.mergeable ?? [(seed.state ?? 'open') === 'open' ? true : null],
      id: 2_400_000_000 + seed.number,
      createdAt: at,
      updatedAt: at,
    })
  }

  /** Adds a comment as if `author` had written it earlier (other users, old runs of the action...). */
  seedComment(seed: CommentSeed): StoredComment {
    const login = this.ensureUser(seed.author, seed.author.endsWith('[bot]') ? 'Bot' : 'User').login
    return this.storeComment(seed.issueNumber, seed.body, login, seed.authorAssociation ?? 'MEMBER')
  }

  /** Submits a review now (after everything already on the pull request). */
  addReview(seed: ReviewSeed): StoredReview {
    const pull = this.pulls.get(seed.pullNumber)
    if (!pull) throw new Error(`no pull request ${seed.pullNumber}`)
    const login = this.ensureUser(seed.author, seed.author.endsWith('[bot]') ? 'Bot' : 'User').login
    const review: StoredReview = {
      id: this.nextReviewId++,
      pullNumber: seed.pullNumber,
      author: login,
      state: seed.state,
      commitId: seed.commitId ?? pull.headSha,
      body: seed.body ?? '',
      submittedAt: this.tick(),
    }
    this.reviews.push(review)
    return { ...review }
  }

  /** Edits a stored comment as its author would in GitHub's UI (its `updated_at` moves). */
  editComment(id: number, body: string): void {
    const stored = this.comments.get(id)
    if (!stored) throw new Error(`no comment ${id}`)
    stored.body = body
    stored.updatedAt = this.tick()
  }

  // ----- inspection -------------------------------------------------------------------------------------------------

  /** Comments on one issue or pull request, oldest first, as stored. */
  commentsOn(issueNumber: number): StoredComment[] {
    return [...this.comments.values()].filter((c) => c.issueNumber === issueNumber).sort((a, b) => a.id - b.id)
  }

  comment(id: number): StoredComment | undefined {
    const c = this.comments.get(id)
    return c && { ...c }
  }

  /** Recorded requests for one operation id, e.g. `issues/update-comment`. */
  requestsFor(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation)
  }

  /** Returns and forgets the violations seen so far (for tests that provoke one on purpose). */
  takeViolations(): Violation[] {
    return this.violations.splice(0, this.violations.length)
  }

  /** Throws, listing every request or response that contradicted GitHub's OpenAPI description. */
  assertNoViolations(): void {
    if (this.violations.length === 0) return
    const lines = this.violations.map(
      (v) =>
        `${v.kind} ${v.method} ${v.path}${v.operation ? ` (${v.operation})` : ''}:\n    ${v.problems.join('\n    ')}`,
    )
    throw new Error(
      `the GitHub API stand-in saw ${this.violations.length} OpenAPI violation(s):\n  ${lines.join('\n  ')}`,
    )
  }

  // ----- HTTP plumbing ----------------------------------------------------------------------------------------------

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.send(res, { status: 500, headers: {}, body: { message: `stand-in failure: ${String(err)}` } })
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    this.server = server
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req)
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', this.base)
    const token = this.tokens.get(bearer(req.headers.authorization) ?? '')
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseJson(rawBody),
      actor: token?.login,
      status: 0,
    }
    this.requests.push(record)

    const routed = route(method, url.pathname)
    if (!routed) {
      this.violations.push({ kind: 'unserved', method, path: url.pathname, problems: ['no served operation matches'] })
      record.status = 500
      this.send(res, {
        status: 500,
        headers: {},
        body: { message: `the stand-in does not serve ${method} ${url.pathname}` },
      })
      return
    }
    const { op, params } = routed
    record.operation = op.id
    const inbound = requestProblems(op, {
      pathParams: params,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      rawBody,
    })
    if (inbound.length > 0) {
      record.status = this.fail(res, 'request', method, url.pathname, op, inbound)
      return
    }
    const reply = this.dispatch({
      op,
      params,
      query: url.searchParams,
      body: (record.body ?? {}) as Record<string, unknown>,
      token,
    })
    const outbound = responseProblems(op, reply)
    if (outbound.length > 0) {
      record.status = this.fail(res, 'response', method, url.pathname, op, outbound)
      return
    }
    record.status = reply.status
    this.send(res, reply)
  }

  private fail(
    res: ServerResponse,
    kind: 'request' | 'response',
    method: string,
    path: string,
    op: Operation,
    problems: string[],
  ): number {
    this.violations.push({ kind, method, path, operation: op.id, problems })
    this.send(res, {
      status: 500,
      headers: {},
      body: { message: `OpenAPI ${kind} violation for ${op.id}: ${problems.join('; ')}` },
    })
    return 500
  }

  private send(res: ServerResponse, reply: Reply): void {
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body)
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `STANDIN:${this.requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - this.requests.length)),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
      'content-length': String(Buffer.byteLength(text)),
    })
    res.end(text)
  }

  // ----- the endpoints ----------------------------------------------------------------------------------------------

  private dispatch(call: Call): Reply {
    if (!call.token) return error(401, 'Bad credentials', DOCS)
    if (call.op.method !== 'GET' && !call.token.canWrite) {
      return error(403, 'Resource not accessible by integration', `${DOCS}/issues/comments`)
    }
    if (call.op.id === 'users/get-authenticated') return this.getAuthenticatedUser(call.token)
    if (!this.isOurRepo(call.params)) return error(404, 'Not Found', DOCS)
    switch (call.op.id) {
      case 'issues/list-comments':
        return this.listComments(Number(call.params.issue_number), call.query)
      case 'issues/create-comment':
        return this.createComment(Number(call.params.issue_number), call.body, call.token)
      case 'issues/update-comment':
        return this.updateComment(Number(call.params.comment_id), call.body)
      case 'pulls/get':
        return this.getPull(Number(call.params.pull_number))
      case 'pulls/list-reviews':
        return this.listReviews(Number(call.params.pull_number), call.query)
      default:
        throw new Error(`no handler for ${call.op.id}`)
    }
  }

  private getAuthenticatedUser(token: TokenState): Reply {
    if (token.kind === 'installation') {
      return error(403, 'Resource not accessible by integration', `${DOCS}/users/users#get-the-authenticated-user`)
    }
    return { status: 200, headers: {}, body: this.privateUserJson(this.userByLogin(token.login)) }
  }

  private listComments(issueNumber: number, query: URLSearchParams): Reply {
    if (!this.pulls.has(issueNumber)) return error(404, 'Not Found', `${DOCS}/issues/comments#list-issue-comments`)
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
    const since = query.get('since')
    const all = this.commentsOn(issueNumber).filter((c) => !since || c.updatedAt >= timestamp(Date.parse(since)))
    const slice = all.slice((page - 1) * perPage, page * perPage)
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    const headers: Record<string, string> = {}
    const link = this.linkHeader(
      `/repos/${this.owner}/${this.repo}/issues/${issueNumber}/comments`,
      query,
      page,
      lastPage,
    )
    if (link) headers.link = link
    return { status: 200, headers, body: slice.map((c) => this.commentJson(c)) }
  }

  private createComment(issueNumber: number, body: Record<string, unknown>, token: TokenState): Reply {
    if (!this.pulls.has(issueNumber)) return error(404, 'Not Found', `${DOCS}/issues/comments#create-an-issue-comment`)
    const invalid = this.invalidBody(body.body, `${DOCS}/issues/comments#create-an-issue-comment`)
    if (invalid) return invalid
    const association = token.kind === 'installation' ? 'NONE' : 'MEMBER'
    const stored = this.storeComment(issueNumber, String(body.body), token.login, association)
    const json = this.commentJson(stored)
    return { status: 201, headers: { location: String(json.url) }, body: json }
  }

  private updateComment(commentId: number, body: Record<string, unknown>): Reply {
    const stored = this.comments.get(commentId)
    if (!stored) return error(404, 'Not Found', `${DOCS}/issues/comments#update-an-issue-comment`)
    const invalid = this.invalidBody(body.body, `${DOCS}/issues/comments#update-an-issue-comment`)
    if (invalid) return invalid
    stored.body = String(body.body)
    stored.updatedAt = this.tick()
    return { status: 200, headers: {}, body: this.commentJson(stored) }
  }

  private getPull(pullNumber: number): Reply {
    const pull = this.pulls.get(pullNumber)
    if (!pull) return error(404, 'Not Found', `${DOCS}/pulls/pulls#get-a-pull-request`)
    const body = this.pullJson(pull)
    if (pull.mergeable.length > 1) pull.mergeable.shift()
    return { status: 200, headers: {}, body }
  }

  private listReviews(pullNumber: number, query: URLSearchParams): Reply {
    if (!this.pulls.has(pullNumber))
      return error(404, 'Not Found', `${DOCS}/pulls/reviews#list-reviews-for-a-pull-request`)
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
    const all = this.reviews.filter((r) => r.pullNumber === pullNumber)
    const slice = all.slice((page - 1) * perPage, page * perPage)
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    const headers: Record<string, string> = {}
    const link = this.linkHeader(`/repos/${this.owner}/${this.repo}/pulls/${pullNumber}/reviews`, query, page, lastPage)
    if (link) headers.link = link
    return { status: 200, headers, body: slice.map((r) => this.reviewJson(r)) }
  }

  private reviewJson(r: StoredReview): Record<string, unknown> {
    const html = `${this.htmlBase}/${this.owner}/${this.repo}/pull/${r.pullNumber}`
    const api = `${this.base}/repos/${this.owner}/${this.repo}/pulls/${r.pullNumber}`
    return {
      id: r.id,
      node_id: nodeId('PRR', r.id),
      user: this.simpleUserJson(this.userByLogin(r.author)),
      body: r.body,
      state: r.state,
      html_url: `${html}#pullrequestreview-${r.id}`,
      pull_request_url: api,
      _links: { html: { href: `${html}#pullrequestreview-${r.id}` }, pull_request: { href: api } },
      submitted_at: r.submittedAt,
      commit_id: r.commitId,
      author_association: 'MEMBER',
    }
  }

  /** GitHub's own checks on a comment body: 422 when blank or longer than 65,536 characters. */
  private invalidBody(body: unknown, docs: string): Reply | undefined {
    const text = typeof body === 'string' ? body : ''
    if (text.trim() === '') {
      return {
        status: 422,
        headers: {},
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
          documentation_url: docs,
        },
      }
    }
    if ([...text].length > MAX_COMMENT_CHARS) {
      const message = `body is too long (maximum is ${MAX_COMMENT_CHARS} characters)`
      return {
        status: 422,
        headers: {},
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message }],
          documentation_url: docs,
        },
      }
    }
    return undefined
  }

  // ----- state helpers ----------------------------------------------------------------------------------------------

  private tick(): string {
    this.clock += 1000
    return timestamp(this.clock)
  }

  private ensureUser(login: string, type: User['type'] = 'User'): User {
    const key = login.toLowerCase()
    let user = this.users.get(key)
    if (!user) {
      user = { login, id: this.nextUserId++, type, name: type === 'User' ? login.replace(/[-_]/g, ' ') : null }
      this.users.set(key, user)
    }
    return user
  }

  private userByLogin(login: string): User {
    const user = this.users.get(login.toLowerCase())
    if (!user) throw new Error(`unknown user ${login}`)
    return user
  }

  private storeComment(issueNumber: number, body: string, author: string, authorAssociation: string): StoredComment {
    const at = this.tick()
    const stored: StoredComment = {
      id: this.nextCommentId++,
      issueNumber,
      body,
      author,
      authorAssociation,
      createdAt: at,
      updatedAt: at,
    }
    this.comments.set(stored.id, stored)
    return { ...stored }
  }

  private isOurRepo(params: Record<string, string>): boolean {
    return (
      params.owner?.toLowerCase() === this.owner.toLowerCase() && params.repo?.toLowerCase() === this.repo.toLowerCase()
    )
  }

  private linkHeader(path: string, query: URLSearchParams, page: number, lastPage: number): string | undefined {
    if (lastPage <= 1) return undefined
    const at = (n: number): string => {
      const q = new URLSearchParams(query)
      q.set('page', String(n))
      return `<${this.base}${path}?${q.toString()}>`
    }
    const links: string[] = []
    if (page > 1) links.push(`${at(page - 1)}; rel="prev"`)
    if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`)
    if (page > 1) links.push(`${at(1)}; rel="first"`)
    return links.join(', ')
  }

  // ----- JSON bodies, shaped like GitHub's ------------------------------------------------------------------------------

  private simpleUserJson(user: User): Record<string, unknown> {
    const api = `${this.base}/users/${encodeURIComponent(user.login)}`
    const isActions = user.id === GITHUB_ACTIONS_BOT_ID
    const appSlug = user.type === 'Bot' ? user.login.replace(/\[bot\]$/, '') : undefined
    return {
      login: user.login,
      id: user.id,
      node_id: nodeId(user.type === 'Bot' ? 'BOT' : user.type === 'Organization' ? 'O' : 'U', user.id),
      avatar_url: isActions
        ? 'https://avatars.githubusercontent.com/in/15368?v=4'
        : `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: appSlug ? `${this.htmlBase}/apps/${appSlug}` : `${this.htmlBase}/${user.login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: user.type,
      user_view_type: 'public',
      site_admin: false,
    }
  }

  private privateUserJson(user: User): Record<string, unknown> {
    return {
      ...this.simpleUserJson(user),
      user_view_type: 'private',
      name: user.name,
      company: null,
      blog: '',
      location: null,
      email: null,
      notification_email: null,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 3,
      public_gists: 0,
      followers: 1,
      following: 0,
      created_at: '2019-03-04T11:22:33Z',
      updated_at: '2025-05-30T08:00:00Z',
      private_gists: 0,
      total_private_repos: 1,
      owned_private_repos: 1,
      disk_usage: 2048,
      collaborators: 0,
      two_factor_authentication: true,
      plan: { name: 'free', space: 976562499, collaborators: 0, private_repos: 10000 },
    }
  }

  private commentJson(c: StoredComment): Record<string, unknown> {
    const repoApi = `${this.base}/repos/${this.owner}/${this.repo}`
    const url = `${repoApi}/issues/comments/${c.id}`
    return {
      id: c.id,
      node_id: nodeId('IC', c.id),
      url,
      html_url: `${this.htmlBase}/${this.owner}/${this.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      body: c.body,
      user: this.simpleUserJson(this.userByLogin(c.author)),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      issue_url: `${repoApi}/issues/${c.issueNumber}`,
      author_association: c.authorAssociation,
      performed_via_github_app: null,
      reactions: {
        url: `${url}/reactions`,
        total_count: 0,
        '+1': 0,
        '-1': 0,
        laugh: 0,
        confused: 0,
        heart: 0,
        hooray: 0,
        eyes: 0,
        rocket: 0,
      },
    }
  }

  private repositoryJson(): Record<string, unknown> {
    const api = `${this.base}/repos/${this.owner}/${this.repo}`
    const html = `${this.htmlBase}/${this.owner}/${this.repo}`
    const host = new URL(this.htmlBase).host
    return {
      id: this.repoId,
      node_id: nodeId('R', this.repoId),
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      private: true,
      owner: this.simpleUserJson(this.userByLogin(this.owner)),
      html_url: html,
      description: 'Infrastructure for the opsfleet clusters',
      fork: false,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://${host}/${this.owner}/${this.repo}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@${host}:${this.owner}/${this.repo}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${html}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: html,
      homepage: null,
      language: 'HCL',
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 1024,
      default_branch: 'main',
      open_issues: this.pulls.size,
      open_issues_count: this.pulls.size,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: 'private',
      pushed_at: '2025-06-01T17:45:00Z',
      created_at: '2023-01-10T09:30:00Z',
      updated_at: '2025-06-01T17:45:00Z',
      allow_forking: false,
      web_commit_signoff_required: false,
      license: null,
    }
  }

  private pullJson(pr: PullRequest): Record<string, unknown> {
    const repoApi = `${this.base}/repos/${this.owner}/${this.repo}`
    const api = `${repoApi}/pulls/${pr.number}`
    const html = `${this.htmlBase}/${this.owner}/${this.repo}/pull/${pr.number}`
    const issueApi = `${repoApi}/issues/${pr.number}`
    const repository = this.repositoryJson()
    const owner = this.simpleUserJson(this.userByLogin(this.owner))
    const author = this.simpleUserJson(this.userByLogin(pr.author))
    const closedAt = pr.state === 'closed' ? pr.updatedAt : null
    return {
      url: api,
      id: pr.id,
      node_id: nodeId('PR', pr.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issueApi,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${repoApi}/pulls/comments{/number}`,
      comments_url: `${issueApi}/comments`,
      statuses_url: `${repoApi}/statuses/${pr.headSha}`,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      user: author,
      body: null,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: closedAt,
      merged_at: pr.merged ? closedAt : null,
      merge_commit_sha: pr.merged ? pseudoSha(`merge-${pr.number}`) : null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: { label: `${this.owner}:${pr.headRef}`, ref: pr.headRef, sha: pr.headSha, user: owner, repo: repository },
      base: { label: `${this.owner}:${pr.baseRef}`, ref: pr.baseRef, sha: pr.baseSha, user: owner, repo: repository },
      _links: {
        self: { href: api },
        html: { href: html },
        issue: { href: issueApi },
        comments: { href: `${issueApi}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: `${repoApi}/pulls/comments{/number}` },
        commits: { href: `${api}/commits` },
        statuses: { href: `${repoApi}/statuses/${pr.headSha}` },
      },
      author_association: 'MEMBER',
      auto_merge: null,
      draft: false,
      merged: pr.merged,
      mergeable: pr.mergeable[0],
      rebaseable: pr.mergeable[0],
      mergeable_state: pr.mergeable[0] === true ? 'clean' : pr.mergeable[0] === false ? 'dirty' : 'unknown',
      merged_by: pr.merged ? author : null,
      comments: this.commentsOn(pr.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: 12,
      deletions: 3,
      changed_files: 2,
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------------

const routes = new Map<string, { pattern: RegExp; names: string[] }>()

function routeFor(op: Operation): { pattern: RegExp; names: string[] } {
  let compiled = routes.get(op.id)
  if (!compiled) {
    const names: string[] = []
    const source = op.template.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    compiled = { pattern: new RegExp(`^${source}$`), names }
    routes.set(op.id, compiled)
  }
  return compiled
}

function route(method: string, pathname: string): { op: Operation; params: Record<string, string> } | undefined {
  for (const op of loadCatalog().operations) {
    if (op.method !== method) continue
    const { pattern, names } = routeFor(op)
    const match = pattern.exec(pathname)
    if (!match) continue
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]))
    return { op, params }
  }
  return undefined
}

function bearer(header: string | undefined): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
