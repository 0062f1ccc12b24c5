/**
 * Credentials from GitHub OIDC, against a local stand-in for STS that speaks its wire format (awsQuery:
 * form-encoded requests, XML answers), so the real SDK serializes and parses every exchange.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { partitionOf } from '../../src/aws/arns.js'
import {
  CredentialsError,
  assumeRoleWithOidc,
  checkOidcPreconditions,
  sessionName,
  tokenClaims,
} from '../../src/aws/credentials.js'
import { backoffDelay } from '../../src/retry.js'

const ROLE = 'arn:aws:iam::123456789012:role/github-deploy'

/** A JWT-shaped token (unsigned: only its claims matter here). */
function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`
}

interface StsCall {
  action: string
  params: URLSearchParams
}

/** What the stand-in answers next: `ok`, or an error code. */
let script: string[] = []
let calls: StsCall[] = []
let server: Server

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    req.on('data', (c: Buffer) => (text += c.toString()))
    req.on('end', () => resolve(text))
  })
}

const credentialsXml = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIAUNITTESTKEY00001</AccessKeyId>
      <SecretAccessKey>unit/secret+access+key</SecretAccessKey>
      <SessionToken>unit-session-token-value</SessionToken>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
    </Credentials>
    <SubjectFromWebIdentityToken>repo:opsfleet/infra:pull_request</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/github-deploy/ka</Arn>
      <AssumedRoleId>AROAEXAMPLE:ka</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>unit</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`

const errorXml = (code: string, message: string) => `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>unit</RequestId>
</ErrorResponse>`

const saved = { ...process.env }

beforeAll(async () => {
  server = createServer((req, res) => {
    void body(req).then((text) => {
      const params = new URLSearchParams(text)
      calls.push({ action: params.get('Action') ?? '', params })
      const next = script.shift() ?? 'ok'
      // Failures of the exchange itself: a connection cut, an answer that never comes, a bare 503 (no XML body).
      if (next === 'reset') return req.socket.destroy()
      if (next === 'hang') return
      if (next === '503') {
        res.statusCode = 503
        return res.end()
      }
      res.setHeader('content-type', 'text/xml')
      if (next === 'ok') {
        res.end(credentialsXml)
      } else {
        res.statusCode = next === 'AccessDenied' ? 403 : 400
        res.end(errorXml(next, `stand-in says ${next}`))
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.AWS_ACCESS_KEY_ID = 'unit'
  process.env.AWS_SECRET_ACCESS_KEY = 'unit'
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
})

afterAll(async () => {
  process.env = saved
  await new Promise((r) => server.close(r))
})

afterEach(() => {
  script = []
  calls = []
  for (const k of [
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'GITHUB_EVENT_NAME',
    'GITHUB_EVENT_PATH',
  ])
    delete process.env[k]
  jest.restoreAllMocks()
})

/** Captures what @actions/core writes to stdout (where its `::add-mask::` commands go). */
function captureStdout(): { text: () => string } {
  const chunks: string[] = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk))
    return true
  })
  return { text: () => chunks.join('') }
}

function eventFile(payload: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'ka-event-'))
  const file = join(dir, 'event.json')
  writeFileSync(file, JSON.stringify(payload))
  return file
}

describe('session names', () => {
  it('are built from the repository and run id within 2–64 characters of [\\w+=,.@-]', () => {
    expect(sessionName('opsfleet/infra', '4242')).toBe('ka-opsfleet-infra@4242')
    const long = sessionName(`opsfleet/${'x'.repeat(100)}`, '98765432101')
    expect(long).toHaveLength(64)
    expect(long.endsWith('@98765432101')).toBe(true)
    const odd = sessionName('owner/repo with spaces&stuff', '7')
    expect(odd).toMatch(/^[\w+=,.@-]{2,64}$/)
    expect(odd).toBe('ka-owner-repo-with-spaces-stuff@7')
  })
})

describe('preconditions', () => {
  it('names id-token: write when the runner offers no OIDC token', () => {
    expect(() => checkOidcPreconditions({})).toThrow(CredentialsError)
    expect(() => checkOidcPreconditions({})).toThrow(/permissions: id-token: write/)
  })

  it('recognises a pull request from a fork by its GITHUB_EVENT_PATH payload', () => {
    const fork = eventFile({
      pull_request: {
        head: { repo: { full_name: 'someone/infra', fork: true } },
        base: { repo: { full_name: 'opsfleet/infra' } },
      },
    })
    expect(() => checkOidcPreconditions({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: fork })).toThrow(
      /pull request from a fork/,
    )
    const deletedFork = eventFile({
      pull_request: { head: { repo: null }, base: { repo: { full_name: 'opsfleet/infra' } } },
    })
    expect(() => checkOidcPreconditions({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: deletedFork })).toThrow(
      /fork/,
    )
  })

  it('does not mistake a branch of a repository that is itself a fork for a fork pull request', () => {
    const sameRepo = eventFile({
      pull_request: {
        head: { repo: { full_name: 'opsfleet/infra', fork: true } },
        base: { repo: { full_name: 'opsfleet/infra', fork: true } },
      },
    })
    const env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: sameRepo,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token?x=1',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bearer',
    }
    expect(() => checkOidcPreconditions(env)).not.toThrow()
  })
})

/** Assumes ROLE with at most two attempts, quickly. */
const assumeTwice = () =>
  assumeRoleWithOidc({
    roleToAssume: ROLE,
    audience: 'sts.amazonaws.com',
    region: 'eu-west-1',
    attempts: 2,
    baseDelayMs: 1,
    getIdToken: async () => jwt({ sub: 'x' }),
  })

describe('assumeRoleWithOidc', () => {
  it('refuses to start without a region', async () => {
    await expect(assumeRoleWithOidc({ roleToAssume: ROLE, audience: 'sts.amazonaws.com', region: '' })).rejects.toThrow(
      /No AWS region: set `cluster.region`/,
    )
  })

  it('checks the runner before asking for a token when core.getIDToken is used', async () => {
    await expect(
      assumeRoleWithOidc({ roleToAssume: ROLE, audience: 'sts.amazonaws.com', region: 'eu-west-1' }),
    ).rejects.toThrow(/id-token: write/)
    expect(calls).toHaveLength(0)
  })

  it('returns the credentials, masked, with a session name from the repository and run', async () => {
    process.env.GITHUB_REPOSITORY = 'opsfleet/infra'
    process.env.GITHUB_RUN_ID = '31337'
    const out = captureStdout()
    const session = await assumeRoleWithOidc({
      roleToAssume: ROLE,
      audience: 'sts.amazonaws.com',
      region: 'eu-west-1',
      getIdToken: async () => jwt({ sub: 'repo:opsfleet/infra:pull_request' }),
    })
    expect(session.credentials).toMatchObject({
      accessKeyId: 'ASIAUNITTESTKEY00001',
      secretAccessKey: 'unit/secret+access+key',
      sessionToken: 'unit-session-token-value',
    })
    expect(session.partition).toBe('aws')
    for (const secret of ['ASIAUNITTESTKEY00001', 'unit/secret+access+key', 'unit-session-token-value']) {
      expect(out.text()).toContain(`::add-mask::${secret}`)
    }
    expect(calls).toHaveLength(1)
    expect(calls[0].action).toBe('AssumeRoleWithWebIdentity')
    expect(calls[0].params.get('RoleArn')).toBe(ROLE)
    expect(calls[0].params.get('RoleSessionName')).toBe('ka-opsfleet-infra@31337')
  })

  it('retries what is transient (throttling, a cut connection, a timeout, a bare 503) with a fresh token each time', async () => {
    const out = captureStdout()
    script = ['Throttling', 'IDPCommunicationError', 'reset', 'hang', '503', 'ok']
    let n = 0
    const audiences: string[] = []
    const session = await assumeRoleWithOidc({
      roleToAssume: ROLE,
      audience: 'sts.amazonaws.com',
      region: 'eu-west-1',
      attempts: 6,
      baseDelayMs: 1,
      requestTimeoutMs: 300,
      getIdToken: async (aud) => {
        audiences.push(aud)
        return jwt({ sub: 'repo:opsfleet/infra:ref:refs/heads/main', n: ++n })
      },
    })
    expect(session.credentials?.accessKeyId).toBe('ASIAUNITTESTKEY00001')
    const tokens = calls.map((c) => c.params.get('WebIdentityToken'))
    expect(tokens).toHaveLength(6)
    expect(new Set(tokens).size).toBe(6)
    expect(tokens.map((t) => tokenClaims(t!).n)).toEqual([1, 2, 3, 4, 5, 6])
    expect(new Set(audiences)).toEqual(new Set(['sts.amazonaws.com']))
    const retried = out
      .text()
      .match(/AssumeRoleWithWebIdentity: (\S+); retrying/g)
      ?.map((l) => l.split(' ')[1])
    expect(retried).toEqual(['Throttling;', 'IDPCommunicationError;', 'ECONNRESET;', 'ETIMEDOUT;', 'HTTP503;'])
  })

  it('does not retry an unknown identity provider (InvalidIdentityToken): fails at once, saying what to check', async () => {
    captureStdout()
    script = ['InvalidIdentityToken', 'InvalidIdentityToken']
    await expect(assumeTwice()).rejects.toThrow(
      /Could not assume .*github-deploy.*IAM OIDC provider for https:\/\/token.actions.githubusercontent.com/,
    )
    expect(calls).toHaveLength(1)
  })

  it('gives up after the last attempt when STS stays unavailable', async () => {
    captureStdout()
    script = ['503', '503', '503']
    const err = await assumeTwice().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CredentialsError)
    expect((err as Error).message).toMatch(/^Could not assume .*github-deploy: STS answered 503\.$/)
    expect(calls).toHaveLength(2)
  })

  it('does not retry a trust policy refusal, and shows the token subject and the role', async () => {
    script = ['AccessDenied']
    const err = await assumeRoleWithOidc({
      roleToAssume: ROLE,
      audience: 'sts.amazonaws.com',
      region: 'eu-west-1',
      baseDelayMs: 1,
      getIdToken: async () => jwt({ sub: 'repo:someone/else:pull_request' }),
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CredentialsError)
    expect((err as Error).message).toContain('sub "repo:someone/else:pull_request"')
    expect((err as Error).message).toContain(ROLE)
    expect(calls).toHaveLength(1)
  })

  it('reports a failure to get the token itself as a permissions problem', async () => {
    await expect(
      assumeRoleWithOidc({
        roleToAssume: ROLE,
        audience: 'sts.amazonaws.com',
        region: 'eu-west-1',
        getIdToken: async () => {
          throw new Error('Failed to get ID Token')
        },
      }),
    ).rejects.toThrow(/Could not get a GitHub OIDC token .*id-token: write/)
  })
})

describe('helpers', () => {
  it('knows the partitions of regions', () => {
    expect(partitionOf('eu-west-1')).toBe('aws')
    expect(partitionOf('cn-north-1')).toBe('aws-cn')
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov')
  })

  it('backs off with full jitter below base·2^attempt', () => {
    expect(backoffDelay(0, 100, () => 0.999)).toBe(99)
    expect(backoffDelay(3, 100, () => 0.5)).toBe(400)
    expect(backoffDelay(3, 100, () => 0)).toBe(0)
  })

  it('reads claims of a token without verifying it, and survives garbage', () => {
    expect(tokenClaims(jwt({ sub: 'a' })).sub).toBe('a')
    expect(tokenClaims('not a jwt')).toEqual({})
  })
})
