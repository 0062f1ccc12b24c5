import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { directTarget, proxyFor } from '../../src/kube/direct.js'

/** A kubeconfig file (JSON is YAML) with one context; `cluster` and `user` are merged over a token user. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown> | undefined, dir = mkdtemp()) {
  const file = join(dir, 'config')
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://api.example.test:6443', ...cluster } }],
      users: user === undefined ? [] : [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', ...(user === undefined ? {} : { user: 'u' }) } }],
      'current-context': 'ctx',
    }),
  )
  return file
}
const mkdtemp = () => mkdtempSync(join(tmpdir(), 'ka-direct-'))
const b64 = (s: string) => Buffer.from(s).toString('base64')

describe('which kubeconfigs are reached directly', () => {
  it('takes a server with its CA and a token, a token file or a client certificate (data or files beside it)', () => {
    const withToken = directTarget(kubeconfig({ 'certificate-authority-data': b64('CA') }, { token: 't0k' }), {})
    expect(withToken).toEqual({
      target: { origin: 'https://api.example.test:6443', prefix: '', ca: Buffer.from('CA'), token: 't0k' },
    })
    const dir = mkdtemp()
    writeFileSync(join(dir, 'ca.crt'), 'CA FILE')
    writeFileSync(join(dir, 'client.crt'), 'CERT')
    writeFileSync(join(dir, 'client.key'), 'KEY')
    writeFileSync(join(dir, 'token'), 'from-file\n')
    const withFiles = directTarget(
      kubeconfig(
        { 'certificate-authority': 'ca.crt', 'tls-server-name': 'kubernetes' },
        { 'client-certificate': 'client.crt', 'client-key': join(dir, 'client.key') },
        dir,
      ),
      {},
    )
    expect(withFiles).toEqual({
      target: {
        origin: 'https://api.example.test:6443',
        prefix: '',
        ca: Buffer.from('CA FILE'),
        cert: Buffer.from('CERT'),
        key: Buffer.from('KEY'),
        servername: 'kubernetes',
      },
    })
    expect(directTarget(kubeconfig({}, { tokenFile: 'token' }, dir), {})).toMatchObject({
      target: { token: 'from-file' },
    })
    // No user at all: anonymous, with the system's roots.
    expect(directTarget(kubeconfig({ server: 'https://10.0.0.1/k8s/' }, undefined), {})).toEqual({
      target: { origin: 'https://10.0.0.1', prefix: '/k8s' },
    })
  })

  it('leaves to kubectl whatever it does not do itself, saying why', () => {
    const why = (cluster: Record<string, unknown>, user: Record<string, unknown>) =>
      (directTarget(kubeconfig(cluster, user), {}) as { why?: string }).why
    expect(why({}, { exec: { command: 'aws', args: ['eks', 'get-token'] } })).toBe('the kubeconfig uses exec')
    expect(why({}, { 'auth-provider': { name: 'oidc' } })).toBe('the kubeconfig uses auth-provider')
    expect(why({}, { username: 'a', password: 'b' })).toBe('the kubeconfig uses username, password')
    expect(why({}, { token: 't', as: 'someone' })).toBe('the kubeconfig uses as')
    expect(why({ 'proxy-url': 'http://proxy:3128' }, { token: 't' })).toBe('the kubeconfig uses proxy-url')
    expect(why({ 'insecure-skip-tls-verify': true }, { token: 't' })).toBe('the kubeconfig turns TLS verification off')
    expect(why({ server: 'http://127.0.0.1:8080' }, {})).toBe('the server is not https (http:)')
    expect(why({}, { 'client-certificate-data': b64('CERT') })).toMatch(/certificate without its key/)
    expect(why({}, { token: 't', tokenFile: '/x' })).toBe('the user has both token and tokenFile')
    expect(why({ 'certificate-authority': '/no/such/ca.crt' }, { token: 't' })).toBe(
      'a file the kubeconfig names could not be read (ENOENT)',
    )
    expect((directTarget('/no/such/kubeconfig', {}) as { why: string }).why).toMatch(/could not be read here/)
    const noContext = join(mkdtemp(), 'config')
    writeFileSync(noContext, 'apiVersion: v1\nkind: Config\nclusters: []\n')
    expect(directTarget(noContext, {})).toEqual({ why: 'the kubeconfig has no current context' })
  })

  it('leaves the API server to kubectl when a proxy variable applies to its host', () => {
    const file = kubeconfig({}, { token: 't' })
    expect(directTarget(file, { HTTPS_PROXY: 'http://proxy:3128' })).toEqual({
      why: "HTTPS_PROXY is set for the API server's host",
    })
    expect(directTarget(file, { https_proxy: 'http://proxy:3128', NO_PROXY: '.example.test' })).toHaveProperty('target')
  })

  it('matches NO_PROXY as a host, a domain, an IP or *; loopback is never proxied; anything else counts as no match', () => {
    const env = (NO_PROXY: string) => ({ HTTPS_PROXY: 'http://p:3128', NO_PROXY })
    expect(proxyFor('api.example.test', {})).toBeUndefined()
    expect(proxyFor('127.0.0.1', env(''))).toBeUndefined()
    expect(proxyFor('localhost', env(''))).toBeUndefined()
    expect(proxyFor('api.example.test', env('*'))).toBeUndefined()
    expect(proxyFor('api.example.test', env('example.test'))).toBeUndefined()
    expect(proxyFor('api.example.test', env(' .example.test , other'))).toBeUndefined()
    expect(proxyFor('api.example.test', env('api.example.test'))).toBeUndefined()
    expect(proxyFor('10.1.2.3', env('10.1.2.3'))).toBeUndefined()
    expect(proxyFor('api.example.test', env('notexample.test'))).toBe('HTTPS_PROXY')
    expect(proxyFor('10.1.2.3', env('10.0.0.0/8'))).toBe('HTTPS_PROXY')
    expect(proxyFor('api.example.test', { ALL_PROXY: 'socks5://p' })).toBe('ALL_PROXY')
  })
})
