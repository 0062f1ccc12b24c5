/**
 * A cancelled run, as GitHub cancels one: a child process runs a session on the sandbox (moto's STS, EKS and S3; the
 * EKS kubeconfig it makes holds a token), takes the state lock and starts helm (a stand-in that takes seconds, on
 * PATH), then gets SIGTERM. helm must finish before the lock is released, no helm may start after the signal, and
 * the kubeconfig must be gone when the process has exited with 143.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { environmentSession } from '../../src/aws/credentials.js'
import { readLock, stateClient, type StateLocation } from '../../src/state/lock.js'
import { repoRoot, sandboxConfigPath, uniqueSuffix, useSandbox } from '../support/sandbox.js'

let dir: string

beforeAll(() => {
  useSandbox()
  dir = mkdtempSync(join(tmpdir(), 'karpenter-action-signal-'))
  // helm that takes 4 s, saying when it started and when it finished.
  writeFileSync(
    join(dir, 'helm'),
    `#!/bin/sh\ndate +%s%N >> "${dir}/helm-started"\nsleep 4\ndate +%s%N > "${dir}/helm-finished"\n`,
  )
  chmodSync(join(dir, 'helm'), 0o755)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SIGTERM during helm', () => {
  test('helm finishes before the lock is released, and the EKS kubeconfig is removed', async () => {
    const location: StateLocation = { bucket: 'espace-project-store', key: `test/signal/${uniqueSuffix()}/c.json` }
    const s3 = await stateClient(environmentSession(process.env.AWS_REGION ?? 'eu-west-1'), location)
    const child = spawn(
      process.execPath,
      ['--import', './test/support/ts-register.mjs', 'test/support/session-child.ts'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          PATH: `${dir}:${process.env.PATH}`,
          KA_CHILD_CONFIG: readFileSync(sandboxConfigPath(), 'utf8'),
          KA_CHILD_LOCATION: JSON.stringify(location),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const until = async (what: () => boolean, ms: number, label: string) => {
      const end = Date.now() + ms
      while (!what()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${label}; child output:\n${out}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    await until(() => out.includes('HELM STARTED') && existsSync(join(dir, 'helm-started')), 30_000, 'helm to start')
    const kubeconfig = /KUBECONFIG=(\S+)/.exec(out)![1]
    expect(existsSync(kubeconfig)).toBe(true)
    expect((await readLock(s3, location))?.holder).toBeDefined()

    child.kill('SIGTERM')

    // While helm runs, the lock stays; it goes only once helm has finished.
    let checks = 0
    while (!existsSync(join(dir, 'helm-finished'))) {
      const lock = await readLock(s3, location)
      // Read while helm had not finished (checked after the read): the lock must still be there.
      if (!existsSync(join(dir, 'helm-finished'))) expect(lock).toBeDefined()
      checks++
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(checks).toBeGreaterThan(3)
    expect(await exited).toBe(143)
    expect(await readLock(s3, location)).toBeUndefined()
    expect(existsSync(kubeconfig)).toBe(false)
    expect(out).toContain(
      'SIGTERM: the run is being cancelled; waiting up to 120 s for helm upgrade karpenter to finish',
    )
    expect(out).toContain('SIGTERM: helm upgrade karpenter finished')
    expect(out).toContain('NEXT HELM: the run is being cancelled: helm uninstall was not started')
    expect(readFileSync(join(dir, 'helm-started'), 'utf8').trim().split('\n')).toHaveLength(1)
    // Released after helm had finished: the log says so in that order.
    expect(out.indexOf('State lock released')).toBeGreaterThan(out.indexOf('helm upgrade karpenter finished'))
    s3.destroy()
  }, 60_000)
})
