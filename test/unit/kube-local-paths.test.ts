import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../src/config/errors.js'
import { checkLocalPaths, localPathFields, workspaceRoot } from '../../src/kube/local-paths.js'

const OCI = { chart: 'oci://registry/karpenter', crdChart: 'oci://registry/karpenter-crd' }

/** A workspace with a config file and a small chart folder. */
function workspace() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ka-ws-')))
  const configFile = join(root, '.github', 'karpenter.yaml')
  mkdirSync(join(root, '.github'))
  writeFileSync(configFile, 'cluster:\n  name: c\nkarpenter:\n  version: 1.14.1\n  chart: ./charts/karpenter\n')
  const chart = join(root, 'charts', 'karpenter')
  mkdirSync(join(chart, 'templates'), { recursive: true })
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: karpenter\nversion: 1.14.1\n')
  writeFileSync(join(chart, 'templates', 'cm.yaml'), 'kind: ConfigMap\n')
  return { root, configFile, chart }
}

function refusal(fn: () => void): ConfigError {
  try {
    fn()
  } catch (e) {
    if (e instanceof ConfigError) return e
    throw e
  }
  throw new Error('expected a ConfigError')
}

describe('local chart and manifest paths', () => {
  it('lists the path-taking fields that name something on disk (oci:// references are not paths)', () => {
    expect(localPathFields({ karpenter: OCI })).toEqual([])
    expect(localPathFields({ karpenter: { chart: './c', crdChart: '/abs/crd', extraManifests: 'manifests' } })).toEqual(
      [
        { field: 'karpenter.chart', value: './c' },
        { field: 'karpenter.crdChart', value: '/abs/crd' },
        { field: 'karpenter.extraManifests', value: 'manifests' },
      ],
    )
  })

  it('accepts a chart folder inside the workspace, links inside it included', () => {
    const { root, configFile, chart } = workspace()
    symlinkSync('cm.yaml', join(chart, 'templates', 'alias.yaml'))
    mkdirSync(join(root, 'shared'))
    writeFileSync(join(root, 'shared', 'helpers.tpl'), '{{/* shared */}}')
    symlinkSync('../../../shared', join(chart, 'templates', 'shared'))
    symlinkSync('nowhere', join(chart, 'templates', 'dangling'))
    expect(() =>
      checkLocalPaths(configFile, { karpenter: { ...OCI, chart: './charts/karpenter' } }, { root, cwd: root }),
    ).not.toThrow()
  })

  it('refuses a chart whose template links to /proc/self/environ, naming file, line, field and fix', () => {
    const { root, configFile, chart } = workspace()
    symlinkSync('/proc/self/environ', join(chart, 'templates', 'env.yaml'))
    const e = refusal(() =>
      checkLocalPaths(configFile, { karpenter: { ...OCI, chart: './charts/karpenter' } }, { root, cwd: root }),
    )
    expect(e.reason).toBe('config')
    expect(e.problems).toEqual([
      {
        field: 'karpenter.chart',
        line: 5,
        message: `charts/karpenter/templates/env.yaml is a symlink to /proc/self/environ, outside the workspace ${root}`,
        fix: 'commit the file itself instead of a link (no link in a chart or manifest folder may leave the repository)',
      },
    ])
    expect(e.message).toContain(`${configFile}:5: karpenter.chart: charts/karpenter/templates/env.yaml is a symlink`)
  })

  it('refuses a link that leaves through a folder inside the workspace', () => {
    const { root, configFile, chart } = workspace()
    mkdirSync(join(root, 'elsewhere'))
    symlinkSync('/etc/passwd', join(root, 'elsewhere', 'passwd'))
    symlinkSync('../../../elsewhere', join(chart, 'templates', 'more'))
    const e = refusal(() =>
      checkLocalPaths(configFile, { karpenter: { ...OCI, chart: './charts/karpenter' } }, { root, cwd: root }),
    )
    expect(e.problems[0].message).toBe(`elsewhere/passwd is a symlink to /etc/passwd, outside the workspace ${root}`)
  })

  it('refuses a dangling link whose target would be outside (it could be made to exist later)', () => {
    const { root, configFile, chart } = workspace()
    symlinkSync('/nonexistent/secret', join(chart, 'templates', 'later.yaml'))
    const e = refusal(() =>
      checkLocalPaths(configFile, { karpenter: { ...OCI, chart: './charts/karpenter' } }, { root, cwd: root }),
    )
    expect(e.problems[0].message).toContain('is a symlink to /nonexistent/secret, outside the workspace')
  })

  it('refuses ../../etc and absolute paths outside the workspace, for every path field', () => {
    const { root, configFile } = workspace()
    const e = refusal(() =>
      checkLocalPaths(
        configFile,
        { karpenter: { chart: '../../etc', crdChart: '/etc', extraManifests: '../outside' } },
        { root, cwd: root },
      ),
    )
    expect(e.problems.map((p) => [p.field, p.message])).toEqual([
      ['karpenter.chart', `../../etc is outside the workspace ${root}`],
      ['karpenter.crdChart', `/etc is outside the workspace ${root}`],
      ['karpenter.extraManifests', `../outside is outside the workspace ${root}`],
    ])
    expect(e.problems[0].fix).toBe(`use a folder committed inside the repository (a path relative to ${root})`)
    expect(e.problems[0].line).toBe(5)
  })

  it('refuses a chart path that is itself a link out of the workspace', () => {
    const { root, configFile } = workspace()
    symlinkSync('/etc', join(root, 'etc-link'))
    const e = refusal(() =>
      checkLocalPaths(configFile, { karpenter: { ...OCI, chart: 'etc-link' } }, { root, cwd: root }),
    )
    expect(e.problems[0].message).toBe(`etc-link leads outside the workspace ${root} (to /etc)`)
  })

  it('refuses a FIFO in a manifest folder (a read that never ends)', () => {
    const { root, configFile } = workspace()
    mkdirSync(join(root, 'manifests'))
    execFileSync('mkfifo', [join(root, 'manifests', 'pipe.yaml')])
    const e = refusal(() =>
      checkLocalPaths(configFile, { karpenter: { ...OCI, extraManifests: 'manifests' } }, { root, cwd: root }),
    )
    expect(e.problems[0]).toMatchObject({
      field: 'karpenter.extraManifests',
      message: 'manifests/pipe.yaml is not a regular file (a FIFO, socket or device)',
    })
  })

  it('leaves a missing folder to the check that knows what it must hold', () => {
    const { root, configFile } = workspace()
    expect(() =>
      checkLocalPaths(configFile, { karpenter: { ...OCI, chart: 'not-there' } }, { root, cwd: root }),
    ).not.toThrow()
  })

  it('takes GITHUB_WORKSPACE as the workspace, else the repository of the config file', () => {
    const { root, configFile } = workspace()
    expect(workspaceRoot(configFile, { GITHUB_WORKSPACE: '/runner/work/repo' }, root)).toBe('/runner/work/repo')
    expect(workspaceRoot(configFile, {}, '/tmp')).toBe('/tmp')
    mkdirSync(join(root, '.git'))
    expect(workspaceRoot(configFile, {}, '/tmp')).toBe(root)
  })
})
