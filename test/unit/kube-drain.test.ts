/** A cancelled run's helm: drain() waits for the running helm processes, bounded, and refuses to start new ones. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeClient } from '../../src/kube/client.js'

let dir: string
let path: string | undefined

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'karpenter-action-drain-'))
  // helm that sleeps as long as its last argument says.
  writeFileSync(join(dir, 'helm'), '#!/bin/sh\nfor a; do s=$a; done\nsleep "$s"\n')
  chmodSync(join(dir, 'helm'), 0o755)
  path = process.env.PATH
  process.env.PATH = `${dir}:${path}`
})

afterAll(() => {
  process.env.PATH = path
  rmSync(dir, { recursive: true, force: true })
})

describe('drain', () => {
  test('waits for a helm that ends within the bound; then starts none', async () => {
    const kube = new KubeClient('/nonexistent/kubeconfig')
    let settled = false
    const run = kube.helm(['upgrade', 'karpenter', '0.3']).finally(() => (settled = true))
    expect(kube.helmRunning).toEqual(['upgrade karpenter'])
    expect(await kube.drain(10_000)).toEqual([])
    expect(settled).toBe(true)
    await expect(run).resolves.toMatchObject({ exitCode: 0 })
    await expect(kube.helm(['uninstall', 'karpenter'])).rejects.toThrow(
      'the run is being cancelled: helm uninstall was not started',
    )
  })

  test('names what still runs when the bound runs out', async () => {
    const kube = new KubeClient('/nonexistent/kubeconfig')
    let settled = false
    const run = kube.helm(['upgrade', 'karpenter-crd', '3']).finally(() => (settled = true))
    expect(await kube.drain(300)).toEqual(['upgrade karpenter-crd'])
    expect(settled).toBe(false)
    await run
    expect(await kube.drain(1000)).toEqual([])
  })

  test('with no helm running it returns at once', async () => {
    const kube = new KubeClient('/nonexistent/kubeconfig')
    expect(kube.helmRunning).toEqual([])
    expect(await kube.drain(60_000)).toEqual([])
  })
})
