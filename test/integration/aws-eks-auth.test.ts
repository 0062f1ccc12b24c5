/**
 * The EKS token against moto and botocore: moto's STS answers the presigned GetCallerIdentity it carries, and botocore
 * (the library `aws eks get-token` is built on) signs the same request to the same signature.
 *
 * moto does not verify SigV4 signatures, so its answer proves the request's shape (a GET with the query
 * parameters STS expects, the cluster header sent along); the signature itself is checked against botocore
 * here and against a from-the-specification computation in test/unit/aws-eks-auth.test.ts.
 * Both checks run Python (moto, botocore), which the sandbox has by construction.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { decodeToken, eksKubeconfig, eksToken } from '../../src/aws/eks-auth.js'
import { sandboxContext, type RecordedContext } from '../support/context.js'

let ctx: RecordedContext
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' }

beforeAll(async () => {
  ctx = await sandboxContext()
})

afterAll(() => ctx.kube.close())

describe('EKS tokens in the sandbox', () => {
  it("carry a presigned GetCallerIdentity that moto's STS answers", async () => {
    const token = await eksToken({ clusterName: ctx.cluster.name, region: 'eu-west-1', credentials })
    const url = decodeToken(token)
    expect(url.host).toBe('sts.eu-west-1.amazonaws.com')
    // moto_server picks its backend from the Authorization header or a form body; a request signed in its
    // query string has neither, so the sandbox's server hands it to S3. moto's in-process mock routes by
    // host name instead: the URL goes to it unchanged, inside a Python process whose sockets refuse any
    // address outside 127.0.0.0/8, so nothing can leave the machine even if the mock missed it.
    const script = `
import socket, sys
_connect = socket.socket.connect
def local_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith('127.') or host.startswith('/')):
        raise ConnectionRefusedError('blocked: ' + host + ' is outside 127.0.0.0/8')
    return _connect(self, address)
socket.socket.connect = local_only
import requests
from moto import mock_aws
with mock_aws():
    r = requests.get(sys.argv[1], headers={'x-k8s-aws-id': sys.argv[2]}, timeout=5)
    print(r.status_code)
    print(r.text)
`
    const [status, ...body] = execFileSync('python3', ['-c', script, url.toString(), ctx.cluster.name], {
      encoding: 'utf8',
    }).split('\n')
    expect(status).toBe('200')
    expect(body.join('\n')).toMatch(/<GetCallerIdentityResult>.*<Account>\d{12}<\/Account>/)
  })

  it('are signed exactly as botocore signs the same presigned request', async () => {
    const when = new Date('2026-05-06T07:08:09Z')
    const ours = decodeToken(
      await eksToken({
        clusterName: ctx.cluster.name,
        region: 'eu-west-1',
        credentials: { ...credentials, sessionToken: 'session+token/=' },
        now: when,
      }),
    )
    const script = `
import datetime, sys
from unittest import mock
from urllib.parse import urlsplit, parse_qs
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
cluster = sys.argv[1]
req = AWSRequest(method='GET', url='https://sts.eu-west-1.amazonaws.com/',
                 params={'Action': 'GetCallerIdentity', 'Version': '2011-06-15'},
                 headers={'x-k8s-aws-id': cluster})
with mock.patch('botocore.auth.get_current_datetime', return_value=datetime.datetime(2026, 5, 6, 7, 8, 9)):
    SigV4QueryAuth(Credentials('testing', 'testing', 'session+token/='), 'sts', 'eu-west-1', expires=60).add_auth(req)
q = parse_qs(urlsplit(req.prepare().url).query)
print(q['X-Amz-SignedHeaders'][0], q['X-Amz-Signature'][0])
`
    const [signedHeaders, signature] = execFileSync('python3', ['-c', script, ctx.cluster.name], { encoding: 'utf8' })
      .trim()
      .split(' ')
    expect(signedHeaders).toBe('host;x-k8s-aws-id')
    expect(ours.searchParams.get('X-Amz-SignedHeaders')).toBe(signedHeaders)
    expect(ours.searchParams.get('X-Amz-Signature')).toBe(signature)
  })

  it('make a kubeconfig from what DescribeCluster says', async () => {
    const kc = await eksKubeconfig({ session: ctx.aws, cluster: ctx.cluster })
    try {
      const cfg = parse(readFileSync(kc.path, 'utf8')) as {
        clusters: { cluster: { server: string; 'certificate-authority-data': string } }[]
        users: { user: { token: string } }[]
      }
      expect(cfg.clusters[0].cluster.server).toBe(ctx.cluster.endpoint)
      expect(cfg.clusters[0].cluster['certificate-authority-data']).toBe(ctx.cluster.certificateAuthority)
      // The sandbox's credentials come from the environment (the SDK's default chain).
      expect(decodeToken(cfg.users[0].user.token).searchParams.get('X-Amz-Credential')).toMatch(
        /^testing\/\d{8}\/eu-west-1\/sts\/aws4_request$/,
      )
    } finally {
      kc.close()
    }
  })
})
