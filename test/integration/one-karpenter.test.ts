/**
 * One Karpenter per cluster, against the sandbox's real API server, helm and Karpenter runner: a Karpenter installed
 * with helm directly into kube-system under a release name of its own (as Karpenter's guide does) makes the action's
 * apply stop at plan time, with the config change that adopts it, before any AWS change or any Kubernetes write. (With
 * the real controller running, karpenter-controller.test.ts shows the runner never gets a second one to run.)
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { KubeClient } from '../../src/kube/client.js'
import { sandboxConfigData } from '../support/context.js'
import { runnerStatus } from '../support/cluster.js'
import { charts, removeLeftovers } from '../support/kube-fixtures.js'
import { runAction, uniqueSuffix, useSandbox } from '../support/sandbox.js'

jest.setTimeout(240_000)

// Its name holds "karpenter": the chart then names its Deployment and ClusterRoles after the release alone.
const other = `karpenter-other-${uniqueSuffix()}`
let api: KubeClient
let dir: string

beforeAll(async () => {
  useSandbox()
  dir = mkdtempSync(join(tmpdir(), 'ka-one-karpenter-'))
  api = new KubeClient(process.env.KUBECONFIG!)
  await removeLeftovers(api)
})

afterAll(async () => {
  try {
    await api.helm(['uninstall', other, '-n', 'kube-system', '--wait'], { allowFailure: true })
  } finally {
    await api.close()
  }
})

describe('one Karpenter per cluster', () => {
  it('a Karpenter installed into kube-system under another release name stops the apply at plan time', async () => {
    await api.helm([
      'install',
      other,
      charts('1.14.1').main,
      '-n',
      'kube-system',
      '--set',
      'settings.clusterName=opsfleet-dev-cluster',
      '--wait',
    ])
    const config = join(dir, 'karpenter.yaml')
    writeFileSync(config, stringify(sandboxConfigData()))
    const callLog = join(dir, 'calls.json')
    const run = await runAction({ mode: 'apply', config, comment: 'never' }, { KARPENTER_ACTION_CALL_LOG: callLog })
    expect(run.exitCode).toBe(1)
    expect(run.outputs['failure-reason']).toBe('other-karpenter')
    expect(run.stdout).toContain(
      `another Karpenter is installed in this cluster: helm release kube-system/${other} (Deployment kube-system/${other}`,
    )
    expect(run.stdout).toContain(`set karpenter.namespace: kube-system and karpenter.release: ${other} in the config`)
    const calls = JSON.parse(readFileSync(callLog, 'utf8')) as {
      aws: { mutating: boolean; command: string }[]
      kube: { mutating: boolean }[]
      processes: { args: string[] }[]
    }
    expect(calls.aws.filter((c) => c.mutating).map((c) => c.command)).toEqual([])
    expect(calls.kube.filter((c) => c.mutating)).toEqual([])
    expect(calls.processes.filter((p) => p.args.includes('upgrade'))).toEqual([])
    // No second Karpenter: nothing in the configured namespace, and the runner runs none for it.
    expect(await api.get({ apiVersion: 'v1', kind: 'Namespace', name: 'karpenter' })).toBeUndefined()
    expect(runnerStatus().controllers.filter((c) => c.deployment === 'karpenter/karpenter')).toEqual([])
  })
})
