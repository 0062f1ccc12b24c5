/**
 * The prepared session of a run against the sandbox (moto's STS, EKS and S3; the local control plane): it reads the
 * account and the cluster, makes the kubeconfig when none is given, and disposes of everything on every way out, a
 * cancelled job (SIGTERM) included.
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { environmentSession } from '../../src/aws/credentials.js'
import { parseConfig } from '../../src/config/load.js'
import { NAMESPACE } from '../../src/kube/types.js'
import { openSession, withSession, type Session } from '../../src/session.js'
import { readLock, stateClient, type StateLocation } from '../../src/state/lock.js'
import { sandboxConfigData } from '../support/context.js'
import { runAction, uniqueSuffix, useSandbox } from '../support/sandbox.js'
import { stringify } from 'yaml'
import { captureStdoutOfEachTest } from '../support/stdout.js'

const env = { GITHUB_ACTOR: 'alice', GITHUB_REPOSITORY: 'opsfleet/infrastructure', GITHUB_RUN_ID: '1001' }

function options(kubeconfig?: string) {
  useSandbox()
  const config = parseConfig(stringify(sandboxConfigData()), 'sandbox-test.yaml')
  return { config, aws: environmentSession(config.cluster.region), kubeconfig }
}

function location(): StateLocation {
  return { bucket: 'espace-project-store', key: `test/session/${uniqueSuffix()}/opsfleet-dev-cluster.json` }
}

const stdout = captureStdoutOfEachTest()

// A test that fails before its session is closed must not leave the proxy (or the lock) behind.
const opened: Session[] = []
afterAll(() => Promise.all(opened.map((s) => s.close())))

describe('a session', () => {
  test('a cancelled run (SIGTERM) releases its lock and stops the Kubernetes proxy on the way out', async () => {
    const opts = options(process.env.KUBECONFIG)
    const session = await openSession(opts)
    opened.push(session)
    const where = location()
    await session.takeLock(where, { operation: 'apply', cluster: 'c', env })
    expect(await session.kube.get({ ...NAMESPACE, name: 'default' })).toBeDefined() // the proxy runs
    const s3 = await stateClient(opts.aws, where)
    expect(await readLock(s3, where)).toMatchObject({ holder: { who: 'alice' } })
    let exited: (code: number) => void = () => undefined
    const exit = new Promise<number>((resolve) => (exited = resolve))
    jest.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      exited(Number(code))
      return undefined as never
    })

    process.emit('SIGTERM', 'SIGTERM')

    expect(await exit).toBe(143)
    expect(await readLock(s3, where)).toBeUndefined()
    expect(stdout()).toContain(
      'SIGTERM: the run is being cancelled; releasing the state lock, stopping the Kubernetes proxy',
    )
    await expect(session.kube.get({ ...NAMESPACE, name: 'default' })).rejects.toThrow(
      'the Kubernetes API client is closed',
    )
    expect(process.listenerCount('SIGTERM')).toBe(0)
    expect(process.listenerCount('SIGINT')).toBe(0)
  })

  test('without a kubeconfig it makes one for the EKS endpoint, and removes it however the run ends', async () => {
    let kubeconfig = ''
    await expect(
      withSession(options(), async (session) => {
        kubeconfig = session.kube.kubeconfig
        expect(existsSync(kubeconfig)).toBe(true)
        expect(session.accountId).toMatch(/^\d{12}$/)
        expect(session.cluster.name).toBe('opsfleet-dev-cluster')
        throw new Error('the run failed')
      }),
    ).rejects.toThrow('the run failed')
    expect(kubeconfig).not.toBe('')
    expect(existsSync(kubeconfig)).toBe(false)
    expect(process.listenerCount('SIGTERM')).toBe(0)
  })

  test('a run of the action that fails after opening its proxy ends and leaves no proxy process behind', async () => {
    useSandbox()
    // The run's own temporary folder: its proxy's socket folder is made there, so its processes can be found.
    const tmp = mkdtempSync(join(tmpdir(), 'ka-failed-run-'))
    const callLog = join(tmp, 'calls.json')
    const config = join(tmp, 'karpenter.yaml')
    writeFileSync(config, stringify(sandboxConfigData({ karpenter: { chart: join(tmp, 'no-such-chart') } })))
    const run = await runAction(
      { mode: 'plan', config, comment: 'never' },
      // The chart path is inside the run's workspace (local charts must be), and missing.
      // Through kubectl proxy (the sandbox's kubeconfig would be reached directly, with no process to leave behind).
      {
        TMPDIR: tmp,
        KARPENTER_ACTION_CALL_LOG: callLog,
        GITHUB_WORKSPACE: tmp,
        KARPENTER_ACTION_KUBE_TRANSPORT: 'proxy',
      },
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/no-such-chart.*not found/)
    // It failed after its proxy served: the plan had listed NodePools through it.
    const calls = JSON.parse(readFileSync(callLog, 'utf8')) as { processes: { args: string[] }[]; kube: unknown[] }
    expect(calls.processes.filter((p) => p.args.includes('proxy'))).toHaveLength(1)
    expect(calls.kube.length).toBeGreaterThan(0)
    const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(tmp))
    expect(left).toEqual([])
    expect(readdirSync(tmp).filter((n) => n.startsWith('ka-kube-'))).toEqual([])
  }, 60_000)
})
