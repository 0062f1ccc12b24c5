/**
 * The GitHub OIDC token goes to an STS endpoint and nowhere else: `aws-region` (input or cluster.region) is checked
 * against the shape of region names of each partition before anything, the endpoint is built from an exact pattern
 * and its host checked once more before the request. A local listener proves that a hostile region sends nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { partitionOf } from '../../src/aws/arns.js'
import { assumeRoleWithOidc } from '../../src/aws/credentials.js'
import { isRegion, partitionOfRegion, REGION_PATTERN } from '../../src/aws/regions.js'
import { assumeRoleWithWebIdentity, StsEndpointError, stsTarget } from '../../src/aws/sts-web-identity.js'
import { parseConfig } from '../../src/config/load.js'
import { configSchema } from '../../src/config/schema.js'
import { readInputs } from '../../src/inputs.js'
import { run } from '../../src/main.js'
import { failureReasonOf } from '../../src/outcome.js'

const ROLE = 'arn:aws:iam::123456789012:role/github-deploy'

/** Every connection the listener got (a TLS handshake counts as much as an HTTP request). */
let connections = 0
let requests = 0
let listener: Server
let port = 0

beforeAll(async () => {
  listener = createServer((_req, res) => {
    requests++
    res.statusCode = 500
    res.end()
  })
  listener.on('connection', () => connections++)
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r))
  port = (listener.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise((r) => listener.close(r))
})

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
  connections = 0
  requests = 0
  jest.restoreAllMocks()
  process.exitCode = undefined
})

/** Regions that try to steer the URL elsewhere: the local listener, another host, a fragment, a path, a port. */
const hostile = () => [
  `@127.0.0.1:${port}/`,
  `x@127.0.0.1:${port}/#`,
  `127.0.0.1:${port}/`,
  '@host.example/',
  'eu-west-1.evil.example#',
  'eu-west-1.evil.example/',
  'eu-west-1/../',
  'eu-west-1?x=',
  'eu-west-1:443',
  'EU-WEST-1',
  ' eu-west-1',
  'eu-west-1\n',
  'eu-west-',
  'xx-west-1',
  'eu-west-1a',
  'eu-west-100',
  '',
]

describe('region names', () => {
  it('accept the regions of every partition and give their partition', () => {
    const cases: [string, string][] = [
      ['eu-west-1', 'aws'],
      ['us-east-1', 'aws'],
      ['ap-southeast-5', 'aws'],
      ['mx-central-1', 'aws'],
      ['cn-north-1', 'aws-cn'],
      ['cn-northwest-1', 'aws-cn'],
      ['us-gov-west-1', 'aws-us-gov'],
      ['us-gov-east-1', 'aws-us-gov'],
      ['us-iso-east-1', 'aws-iso'],
      ['us-isob-east-1', 'aws-iso-b'],
      ['eu-isoe-west-1', 'aws-iso-e'],
      ['us-isof-south-1', 'aws-iso-f'],
      ['eusc-de-east-1', 'aws-eusc'],
    ]
    for (const [region, partition] of cases) {
      expect(partitionOfRegion(region)?.id).toBe(partition)
      expect(partitionOf(region)).toBe(partition)
      expect(new RegExp(REGION_PATTERN).test(region)).toBe(true)
    }
  })

  it('refuse anything else, the config schema with the same pattern', () => {
    for (const region of hostile()) {
      expect(isRegion(region)).toBe(false)
      expect(new RegExp(REGION_PATTERN).test(region)).toBe(false)
    }
    expect(configSchema.properties.cluster.properties.region.pattern).toBe(REGION_PATTERN)
    expect(configSchema.properties.state.properties.region.pattern).toBe(REGION_PATTERN)
  })
})

describe('the STS endpoint', () => {
  it("is https://sts.<region>.<the partition's DNS suffix>/", () => {
    expect(stsTarget('eu-west-1', {})).toEqual({
      url: 'https://sts.eu-west-1.amazonaws.com/',
      host: 'sts.eu-west-1.amazonaws.com',
    })
    expect(stsTarget('cn-north-1', {}).url).toBe('https://sts.cn-north-1.amazonaws.com.cn/')
    expect(stsTarget('us-gov-west-1', {}).url).toBe('https://sts.us-gov-west-1.amazonaws.com/')
    expect(stsTarget('us-iso-east-1', {}).url).toBe('https://sts.us-iso-east-1.c2s.ic.gov/')
    expect(stsTarget('us-isob-east-1', {}).url).toBe('https://sts.us-isob-east-1.sc2s.sgov.gov/')
  })

  it('is the configured endpoint where AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL is set, the region still checked', () => {
    expect(stsTarget('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toEqual({
      url: 'http://127.0.0.1:5000/',
      host: '127.0.0.1:5000',
    })
    expect(
      stsTarget('eu-west-1', {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
        AWS_ENDPOINT_URL_STS: 'https://sts.internal',
      }).host,
    ).toBe('sts.internal')
    expect(() => stsTarget('@host.example/', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toThrow(StsEndpointError)
    expect(() => stsTarget('eu-west-1', { AWS_ENDPOINT_URL: 'http://user:pw@127.0.0.1:5000' })).toThrow(
      /without credentials/,
    )
    expect(() => stsTarget('eu-west-1', { AWS_ENDPOINT_URL: 'file:///etc/passwd' })).toThrow(StsEndpointError)
    expect(() => stsTarget('eu-west-1', { AWS_ENDPOINT_URL: 'not a url' })).toThrow(StsEndpointError)
    expect(() => stsTarget('eu-west-1', { AWS_ENDPOINT_URL_STS: 'not a url' })).toThrow(
      'AWS_ENDPOINT_URL(_STS) is not a URL: set it to e.g. https://sts.example.internal',
    )
  })

  it('is refused for a hostile region, with reason config', () => {
    for (const region of hostile()) {
      let error: unknown
      try {
        stsTarget(region, {})
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(StsEndpointError)
      expect(failureReasonOf(error)).toBe('config')
      expect((error as Error).message).toMatch(/is not an AWS region; write a region name such as eu-west-1/)
    }
  })
})

describe('a hostile region sends the token nowhere', () => {
  it('the listener the region points at receives a request when the endpoint is legitimately set to it', async () => {
    // The control: the listener does count what reaches it.
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`
    await expect(
      assumeRoleWithWebIdentity({
        region: 'eu-west-1',
        partition: 'aws',
        roleArn: ROLE,
        sessionName: 'unit',
        token: 'header.payload.sig',
        durationSeconds: 900,
      }),
    ).rejects.toMatchObject({ name: 'HTTP500' })
    expect(requests).toBe(1)
    expect(connections).toBe(1)
  })

  it('assumeRoleWithWebIdentity sends nothing for a region that is not one', async () => {
    delete process.env.AWS_ENDPOINT_URL
    delete process.env.AWS_ENDPOINT_URL_STS
    for (const region of hostile()) {
      await expect(
        assumeRoleWithWebIdentity({
          region,
          partition: 'aws',
          roleArn: ROLE,
          sessionName: 'unit',
          token: 'header.payload.sig',
          durationSeconds: 900,
        }),
      ).rejects.toBeInstanceOf(StsEndpointError)
    }
    expect(connections).toBe(0)
  })

  it('assumeRoleWithOidc refuses before it even asks GitHub for a token', async () => {
    delete process.env.AWS_ENDPOINT_URL
    delete process.env.AWS_ENDPOINT_URL_STS
    let tokensAskedFor = 0
    for (const region of hostile().filter(Boolean)) {
      const error = await assumeRoleWithOidc({
        roleToAssume: ROLE,
        audience: 'sts.amazonaws.com',
        region,
        attempts: 1,
        getIdToken: async () => {
          tokensAskedFor++
          return 'header.payload.sig'
        },
      }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StsEndpointError)
      expect(failureReasonOf(error)).toBe('config')
    }
    expect(tokensAskedFor).toBe(0)
    expect(connections).toBe(0)
  })

  it('the `aws-region` input is refused when read, with the input named', () => {
    for (const region of hostile().filter((r) => r.trim())) {
      process.env['INPUT_AWS-REGION'] = region
      let error: unknown
      try {
        readInputs()
      } catch (e) {
        error = e
      }
      if (region.trim() === 'eu-west-1') continue // the runner trims inputs: " eu-west-1" is eu-west-1
      expect(failureReasonOf(error)).toBe('config')
      expect((error as Error).message).toMatch(/^input `aws-region`: .* is not an AWS region/)
    }
    process.env['INPUT_AWS-REGION'] = 'cn-north-1'
    expect(readInputs().awsRegion).toBe('cn-north-1')
  })

  it('cluster.region in the file is refused by the schema, with its line', () => {
    for (const region of ['@host.example/', 'eu-west-1.evil.example#', `@127.0.0.1:${port}/`]) {
      const text = `cluster:\n  name: c\n  region: ${JSON.stringify(region)}\nnodePools:\n  - name: default\n    subnetIds: [subnet-1]\n    securityGroupIds: [sg-1]\n`
      expect(() => parseConfig(text, 'k.yaml')).toThrow(/k\.yaml:3: cluster\.region: has an invalid format/)
    }
  })

  it('the whole run (inputs, config, credentials) ends with failure-reason config and the listener got nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ka-region-'))
    const config = join(dir, 'karpenter.yaml')
    writeFileSync(config, readFileSync(new URL('../../examples/opsfleet-dev.yaml', import.meta.url)))
    const output = join(dir, 'output')
    const stdout: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk))
      return true
    })
    for (const region of [`@127.0.0.1:${port}/`, '@host.example/', 'eu-west-1.evil.example#']) {
      writeFileSync(output, '')
      process.env = {
        ...saved,
        GITHUB_OUTPUT: output,
        INPUT_MODE: 'plan',
        INPUT_CONFIG: config,
        'INPUT_ROLE-TO-ASSUME': ROLE,
        'INPUT_AWS-REGION': region,
        // The token service is the listener too: asking it for a token would show.
        ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?x=1`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bearer',
      }
      delete process.env.AWS_ENDPOINT_URL
      delete process.env.AWS_ENDPOINT_URL_STS
      await run()
      expect(readFileSync(output, 'utf8')).toMatch(/failure-reason<<.*\nconfig\n/)
      expect(process.exitCode).toBe(1)
    }
    expect(stdout.join('')).toMatch(/::error::input `aws-region`: .* is not an AWS region/)
    expect(connections).toBe(0)
  })
})
