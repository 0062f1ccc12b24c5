/**
 * The API server reached directly (keep-alive HTTPS connections) against the sandbox's real kube-apiserver: the same answers
 * as through kubectl proxy, no process, a renewed token picked up after a 401, and CRDs read one by one.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { CallLog } from '../../src/calls.js'
import { KubeApiError, KubeClient } from '../../src/kube/client.js'
import { CRD, NAMESPACE } from '../../src/kube/types.js'
import { uniqueSuffix, useSandbox } from '../support/sandbox.js'

let direct: KubeClient
let proxied: KubeClient
let calls: CallLog
const namespace = `direct-${uniqueSuffix()}`

beforeAll(async () => {
  useSandbox()
  calls = new CallLog()
  direct = new KubeClient(process.env.KUBECONFIG!, { recorder: calls })
  proxied = new KubeClient(process.env.KUBECONFIG!, { transport: 'proxy' })
  await direct.apply({ ...NAMESPACE, metadata: { name: namespace } })
})

afterAll(async () => {
  await direct.delete({ ...NAMESPACE, name: namespace })
  await Promise.all([direct.close(), proxied.close()])
})

const configMap = (name: string, data: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
})

describe('the API server over direct HTTPS connections', () => {
  test('answers as kubectl proxy does, and starts no process', async () => {
    expect(direct.way).toBe('directly over HTTPS')
    await direct.apply(configMap('a', { k: 'v' }))
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace }
    const [viaDirect, viaProxy] = await Promise.all([direct.get(ref), proxied.get(ref)])
    expect(viaDirect).toEqual(viaProxy)
    expect(viaDirect).toMatchObject({ data: { k: 'v' } })
    expect(await direct.get({ ...ref, name: 'absent' })).toBeUndefined()
    // A dry run: the object as it would be stored, and nothing stored.
    const wouldBe = await direct.dryRunApply(configMap('b', { x: '1' }))
    expect(wouldBe.metadata.uid).toBeDefined()
    expect(await direct.get({ ...ref, name: 'b' })).toBeUndefined()
    // The API server's own refusal, word for word the same both ways.
    const bad = configMap('c', { x: 1 as unknown as string })
    const refusals = await Promise.all(
      [direct, proxied].map((k) =>
        k.apply(bad).then(
          () => undefined,
          (e: unknown) => e as KubeApiError,
        ),
      ),
    )
    expect(refusals[0]).toBeInstanceOf(KubeApiError)
    expect(refusals[0]!.status).toBe(refusals[1]!.status)
    expect(refusals[0]!.apiMessage).toBe(refusals[1]!.apiMessage)
    // Many at once on the one connection.
    const many = await Promise.all(Array.from({ length: 60 }, (_, i) => direct.dryRunApply(configMap(`m${i}`, {}))))
    expect(many.map((o) => o.metadata.name)).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`))
    expect(calls.processes).toEqual([])
  })

  test('reads CRDs one by one: a LIST would bring every CRD of the cluster with its schemas', async () => {
    const from = calls.mark()
    const names = ['nodepools.karpenter.sh', 'ec2nodeclasses.karpenter.k8s.aws', 'no-such.example.com']
    await Promise.all(names.map((name) => direct.get({ ...CRD, name })))
    expect(
      calls
        .since(from)
        .kube.map((r) => r.path)
        .sort(),
    ).toEqual(names.map((n) => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`).sort())
  })

  test('after a 401 it reads the kubeconfig again, so a renewed token (or key) is what the next request presents', async () => {
    const good = readFileSync(process.env.KUBECONFIG!, 'utf8')
    const doc = load(good) as { users: { user: Record<string, unknown> }[] }
    const dir = mkdtempSync(join(tmpdir(), 'ka-direct-401-'))
    const file = join(dir, 'kubeconfig')
    const withUser = (user: Record<string, unknown>) =>
      JSON.stringify({ ...doc, users: doc.users.map((u) => ({ ...u, user })) })
    writeFileSync(file, withUser({ token: 'expired-token' }))
    const kube = new KubeClient(file)
    try {
      expect(kube.way).toBe('directly over HTTPS')
      const refused = await kube.getPath('/api/v1/namespaces/default').catch((e: unknown) => e as KubeApiError)
      expect(refused).toBeInstanceOf(KubeApiError)
      expect((refused as KubeApiError).status).toBe(401)
      writeFileSync(file, withUser(doc.users[0].user)) // renewed
      expect(await kube.getPath('/api/v1/namespaces/default')).toMatchObject({ metadata: { name: 'default' } })
    } finally {
      await kube.close()
    }
  })

  test('a closed client refuses further requests', async () => {
    const kube = new KubeClient(process.env.KUBECONFIG!)
    expect(await kube.getPath('/version')).toBeDefined()
    await kube.close()
    await expect(kube.getPath('/version')).rejects.toThrow('the Kubernetes API client is closed')
  })
})
