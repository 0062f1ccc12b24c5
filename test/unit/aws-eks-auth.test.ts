import { describe, expect, it, jest } from '@jest/globals'
import { createHash, createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import {
  CLUSTER_ID_HEADER,
  TOKEN_PREFIX,
  decodeToken,
  eksKubeconfig,
  eksToken,
  kubeconfigText,
  stsHost,
} from '../../src/aws/eks-auth.js'
import type { ClusterFacts } from '../../src/aws/cluster.js'

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+value=',
}
const when = new Date('2026-03-04T05:06:07Z')

/**
 * SigV4 of the presigned request, computed here from the specification (canonical request, string to
 * sign, derived key) with node:crypto alone, to check the signer's output independently.
 */
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature')
  const query = params
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&')
  const emptyHash = createHash('sha256').update('').digest('hex')
  const canonical = [
    'GET',
    '/',
    query,
    `host:${url.host}`,
    `${CLUSTER_ID_HEADER}:${clusterName}`,
    '',
    'host;x-k8s-aws-id',
    emptyHash,
  ].join('\n')
  const date = url.searchParams.get('X-Amz-Date')!
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/')
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n')
  const [day, region, service] = scope.split('/')
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request')
  return createHmac('sha256', key).update(toSign).digest('hex')
}

describe('EKS tokens', () => {
  it('are k8s-aws-v1. and an unpadded base64url presigned GetCallerIdentity URL', async () => {
    const token = await eksToken({ clusterName: 'opsfleet-dev-cluster', region: 'eu-west-1', credentials, now: when })
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true)
    const encoded = token.slice(TOKEN_PREFIX.length)
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/) // base64url, no padding
    const url = decodeToken(token)
    expect(url.protocol).toBe('https:')
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com')
    expect(url.pathname).toBe('/')
    const q = url.searchParams
    expect(q.get('Action')).toBe('GetCallerIdentity')
    expect(q.get('Version')).toBe('2011-06-15')
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20260304/eu-west-1/sts/aws4_request')
    expect(q.get('X-Amz-Date')).toBe('20260304T050607Z')
    expect(q.get('X-Amz-Expires')).toBe('60')
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id')
    expect(q.get('X-Amz-Security-Token')).toBe(credentials.sessionToken)
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
  })

  it('carry a signature that matches SigV4 computed independently, over the cluster header', async () => {
    const token = await eksToken({ clusterName: 'opsfleet-dev-cluster', region: 'eu-west-1', credentials, now: when })
    const url = decodeToken(token)
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'opsfleet-dev-cluster', credentials.secretAccessKey),
    )
    // The same URL presented for another cluster would not verify: the header is part of the signature.
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(
      expectedSignature(url, 'another-cluster', credentials.secretAccessKey),
    )
    const other = decodeToken(
      await eksToken({ clusterName: 'another-cluster', region: 'eu-west-1', credentials, now: when }),
    )
    expect(other.searchParams.get('X-Amz-Signature')).not.toBe(url.searchParams.get('X-Amz-Signature'))
  })

  it('use the China partition host there, and no security token for long-term keys', async () => {
    const url = decodeToken(
      await eksToken({
        clusterName: 'c',
        region: 'cn-north-1',
        partition: 'aws-cn',
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
        now: when,
      }),
    )
    expect(url.host).toBe('sts.cn-north-1.amazonaws.com.cn')
    expect(url.searchParams.has('X-Amz-Security-Token')).toBe(false)
  })

  it('use each partition’s own STS host: GovCloud, the ISO partitions', () => {
    expect(stsHost('us-gov-west-1', 'aws-us-gov')).toBe('sts.us-gov-west-1.amazonaws.com')
    expect(stsHost('us-iso-east-1', 'aws-iso')).toBe('sts.us-iso-east-1.c2s.ic.gov')
    expect(stsHost('us-isob-east-1', 'aws-iso-b')).toBe('sts.us-isob-east-1.sc2s.sgov.gov')
    expect(stsHost('eu-isoe-west-1', 'aws-iso-e')).toBe('sts.eu-isoe-west-1.cloud.adc-e.uk')
    expect(stsHost('eu-west-1')).toBe('sts.eu-west-1.amazonaws.com')
  })

  it('refuses to decode something else', () => {
    expect(() => decodeToken('Bearer abc')).toThrow(/not an EKS token/)
  })
})

const cluster: ClusterFacts = {
  name: 'opsfleet-dev-cluster',
  arn: 'arn:aws:eks:eu-west-1:123456789012:cluster/opsfleet-dev-cluster',
  status: 'ACTIVE',
  endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
  certificateAuthority: Buffer.from('-----BEGIN CERTIFICATE-----\n...').toString('base64'),
  subnetIds: [],
}

describe('kubeconfig', () => {
  it('names the endpoint, the CA and the token, in one context that is current', () => {
    const cfg = parse(kubeconfigText(cluster, 'k8s-aws-v1.abc')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(cfg['current-context']).toBe('opsfleet-dev-cluster')
    expect(cfg.clusters[0].cluster.server).toBe(cluster.endpoint)
    expect(cfg.clusters[0].cluster['certificate-authority-data']).toBe(cluster.certificateAuthority)
    expect(cfg.users[0].user.token).toBe('k8s-aws-v1.abc')
    expect(cfg.contexts[0].context).toEqual({ cluster: cluster.arn, user: 'karpenter-action' })
  })

  it('is written 0600, masked, renewed by its timer, and removed on close', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: when })
    const out: string[] = []
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out.push(String(c))
      return true
    })
    try {
      const dir = mkdtempSync(join(tmpdir(), 'ka-eks-'))
      const kc = await eksKubeconfig({
        session: { region: 'eu-west-1', partition: 'aws', credentials },
        cluster,
        dir,
        refreshMs: 1000,
      })
      expect(kc.path.startsWith(dir)).toBe(true)
      expect(statSync(kc.path).mode & 0o777).toBe(0o600)
      const first = (parse(readFileSync(kc.path, 'utf8')) as { users: { user: { token: string } }[] }).users[0].user
        .token
      expect(out.join('')).toContain(`::add-mask::${first}`)

      jest.setSystemTime(new Date(when.getTime() + 5000))
      jest.advanceTimersByTime(1000)
      // The refresh is asynchronous (dynamic imports, signing): wait for the file to change.
      let second = first
      for (let i = 0; i < 100 && second === first; i++) {
        await new Promise((r) => setImmediate(r))
        second = (parse(readFileSync(kc.path, 'utf8')) as { users: { user: { token: string } }[] }).users[0].user.token
      }
      expect(second).not.toBe(first)
      expect(decodeToken(second).searchParams.get('X-Amz-Date')).toBe('20260304T050613Z')
      kc.close()
      expect(existsSync(kc.path)).toBe(false)
    } finally {
      write.mockRestore()
      jest.useRealTimers()
    }
  })

  it('renews with a timer that does not keep the process alive', async () => {
    const intervals = jest.spyOn(globalThis, 'setInterval')
    const kc = await eksKubeconfig({
      session: { region: 'eu-west-1', partition: 'aws', credentials },
      cluster,
      dir: mkdtempSync(join(tmpdir(), 'ka-eks-')),
      refreshMs: 60_000,
    })
    try {
      expect(intervals).toHaveBeenCalledTimes(1)
      expect(intervals.mock.calls[0][1]).toBe(60_000)
      const timer = intervals.mock.results[0].value as NodeJS.Timeout
      expect(timer.hasRef()).toBe(false)
    } finally {
      kc.close()
      intervals.mockRestore()
    }
  })

  it('refuses a cluster without endpoint or CA with the fix', async () => {
    await expect(
      eksKubeconfig({
        session: { region: 'eu-west-1', partition: 'aws', credentials },
        cluster: { ...cluster, endpoint: undefined },
      }),
    ).rejects.toThrow(/give the action a `kubeconfig` input/)
  })
})
