/**
 * GitHub OIDC → STS AssumeRoleWithWebIdentity against the sandbox's moto_server, with a local HTTP server
 * standing in for the runner's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), so that core.getIDToken runs
 * for real: GET <url>&audience=<aud> with `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`, answered
 * with JSON {"value": <jwt>}.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { assumeRoleWithOidc, callerAccount } from '../../src/aws/credentials.js'
import { useSandbox } from '../support/sandbox.js'

const REQUEST_TOKEN = 'runner-request-token'
let server: Server
const seen: { url: string; authorization?: string }[] = []
let issued = 0

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'local' })}.${part(claims)}.bG9jYWw`
}

const saved = { ...process.env }

beforeAll(async () => {
  useSandbox()
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization })
    if (req.headers.authorization !== `Bearer ${REQUEST_TOKEN}`) {
      res.statusCode = 401
      res.end('{"message":"bad request token"}')
      return
    }
    const audience = new URL(req.url ?? '/', 'http://localhost').searchParams.get('audience')
    res.setHeader('content-type', 'application/json')
    res.end(
      JSON.stringify({
        value: jwt({
          iss: 'https://token.actions.githubusercontent.com',
          aud: audience,
          sub: 'repo:opsfleet/infra:pull_request',
          n: ++issued,
        }),
      }),
    )
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `http://127.0.0.1:${port}/_apis/token?api-version=2.0`
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = REQUEST_TOKEN
  process.env.GITHUB_REPOSITORY = 'opsfleet/infra'
  process.env.GITHUB_RUN_ID = '9001'
  process.env.GITHUB_EVENT_NAME = 'workflow_dispatch'
})

afterAll(async () => {
  process.env = saved
  await new Promise((r) => server.close(r))
})

describe('role-to-assume with the runner token endpoint and moto STS', () => {
  it('gets a token for the audience, assumes the role, and the new credentials work', async () => {
    const { accountId } = await callerAccount({ region: 'eu-west-1', partition: 'aws' })
    const role = `arn:aws:iam::${accountId}:role/github-deploy`
    const session = await assumeRoleWithOidc({ roleToAssume: role, audience: 'sts.amazonaws.com', region: 'eu-west-1' })

    expect(seen).toHaveLength(1)
    expect(seen[0].authorization).toBe(`Bearer ${REQUEST_TOKEN}`)
    expect(seen[0].url).toBe('/_apis/token?api-version=2.0&audience=sts.amazonaws.com')
    expect(session.credentials?.accessKeyId).toMatch(/^ASIA/)
    expect(session.credentials?.sessionToken).toBeTruthy()

    // moto knows the keys it issued: the caller is now the assumed role, under the session name.
    const sts = new STSClient({ region: 'eu-west-1', credentials: session.credentials })
    const me = await sts.send(new GetCallerIdentityCommand({}))
    expect(me.Arn).toBe(`arn:aws:sts::${accountId}:assumed-role/github-deploy/ka-opsfleet-infra@9001`)
  })
})
