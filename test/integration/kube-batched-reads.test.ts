/**
 * Batched reads against the sandbox's API server: GETs of one collection asked for together are one LIST from three
 * names on, and answer exactly what a GET each would; Secrets are never listed.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { CallLog } from '../../src/calls.js'
import { KubeClient } from '../../src/kube/client.js'
import { NAMESPACE, type KubeObject } from '../../src/kube/types.js'
import { uniqueSuffix, useSandbox } from '../support/sandbox.js'

let kube: KubeClient
let calls: CallLog
const namespace = `batched-${uniqueSuffix()}`
const names = ['one', 'two', 'three', 'four']

beforeAll(async () => {
  useSandbox()
  calls = new CallLog()
  kube = new KubeClient(process.env.KUBECONFIG!, { recorder: calls })
  await kube.apply({ ...NAMESPACE, metadata: { name: namespace } })
  for (const name of names) {
    await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { name } })
    await kube.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { name } })
  }
})

afterAll(async () => {
  await kube.delete({ ...NAMESPACE, name: namespace })
  await kube.close()
})

const ref = (kind: string, name: string) => ({ apiVersion: 'v1', kind, name, namespace })
/** What a read is compared on: everything but the fields a LIST and a GET may order differently. */
const view = (o: KubeObject | undefined) =>
  o && { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, data: (o as { data?: unknown }).data }

describe('reads batched into one LIST', () => {
  test('four ConfigMaps and a missing one asked for at once: one LIST, the same answers as a GET each', async () => {
    const from = calls.mark()
    const batched = await Promise.all([...names, 'absent'].map((n) => kube.get(ref('ConfigMap', n))))
    expect(calls.since(from).kube.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/v1/namespaces/${namespace}/configmaps`,
    ])
    const single = []
    for (const n of [...names, 'absent']) single.push(await kube.get(ref('ConfigMap', n)))
    expect(batched.map(view)).toEqual(single.map(view))
    expect(batched.map((o) => (o as { data?: { name?: string } } | undefined)?.data?.name)).toEqual([
      ...names,
      undefined,
    ])
    expect(batched[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' })
  })

  test('Secrets are read one by one, never listed', async () => {
    const from = calls.mark()
    const secrets = await Promise.all(names.map((n) => kube.get(ref('Secret', n))))
    expect(secrets.map((s) => s?.metadata.name)).toEqual(names)
    expect(
      calls
        .since(from)
        .kube.map((r) => r.path)
        .sort(),
    ).toEqual(names.map((n) => `/api/v1/namespaces/${namespace}/secrets/${n}`).sort())
  })
})
