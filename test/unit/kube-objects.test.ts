import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { deepEqual } from '../../src/json.js'
import { durationMs, isSubset, objectKey, parseObjects, parseRendered, redact } from '../../src/kube/objects.js'
import type { KubeObject } from '../../src/kube/types.js'
import { diffValues, leaves } from '../../src/plan/fields.js'
import { comparable } from '../../src/resources/kube-object.js'
import { manifestChanges } from '../../src/resources/helm-release.js'
import { fixtures } from '../support/sandbox.js'

const deployment = (image: string, replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'karpenter', namespace: 'karpenter', labels: { 'app.kubernetes.io/version': '1.13.0' } },
  spec: { replicas, template: { spec: { containers: [{ name: 'controller', image }] } } },
})

describe('Kubernetes objects', () => {
  it('parses a YAML stream: empty documents skipped, Lists expanded, bad documents named', () => {
    const objs = parseObjects(
      '---\n# Source: x\n---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: n}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n',
      'manifest',
    )
    expect(objs.map(objectKey)).toEqual(['ConfigMap n/a', 'Namespace b'])
    expect(() => parseObjects('kind: ConfigMap\nmetadata: {name: x}\n', 'f.yaml')).toThrow(
      'f.yaml: document 1: not a Kubernetes object: apiVersion and kind are required',
    )
    expect(() => parseObjects('apiVersion: v1\nkind: ConfigMap\n', 'f.yaml')).toThrow('ConfigMap has no metadata.name')
    expect(() => parseObjects('a: [', 'f.yaml')).toThrow(/^f\.yaml: document 1:/)
  })

  it('reads what helm prints as parseObjects does: the same objects from every CRD of the fixture charts', () => {
    let files = 0
    for (const version of ['0.31.4', '0.37.8', '1.13.1', '1.14.1']) {
      const dir = join(fixtures, 'charts', version, 'karpenter', 'crds')
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
        const text = readFileSync(join(dir, f), 'utf8')
        const objs = parseRendered(text, f)
        expect(objs.length).toBeGreaterThan(0)
        expect(objs).toEqual(parseObjects(text, f))
        files++
      }
    }
    expect(files).toBeGreaterThanOrEqual(12)
    // The YAML 1.2 core schema, as parseObjects: yes/no/on and 0755 stay what YAML 1.2 says, no timestamps.
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: yes, b: on, c: 0755, d: 2026-12-02, e: 0x1F, f: ~, g: .inf}\n'
    expect(parseRendered(text, 'm')).toEqual(parseObjects(text, 'm'))
    expect(parseRendered(text, 'm')[0].data).toEqual({
      a: 'yes',
      b: 'on',
      c: 755,
      d: '2026-12-02',
      e: 31,
      f: null,
      g: Infinity,
    })
  })

  it('reads helm output with empty documents and Lists, and names the source and line of what it cannot read', () => {
    const objs = parseRendered(
      '---\n# Source: x\n---\napiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: n}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n',
      'helm template x',
    )
    expect(objs.map(objectKey)).toEqual(['ConfigMap n/a', 'Namespace b'])
    expect(() => parseRendered('---\nkind: ConfigMap\nmetadata: {name: x}\n', 'helm template x')).toThrow(
      'helm template x: document 1: not a Kubernetes object: apiVersion and kind are required',
    )
    expect(() => parseRendered('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- 1\n', 'r')).toThrow(
      'r: document 2 is not a Kubernetes object (a mapping with apiVersion and kind)',
    )
    expect(() =>
      parseRendered('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   b: [\n', 'release k/k'),
    ).toThrow(/^release k\/k: .* \(line 5\)$/)
    expect(() => parseRendered('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, name: b}\n', 'r')).toThrow(
      /^r: duplicated mapping key/,
    )
  })

  it('takes ordinary YAML aliases in helm output and refuses ones that expand past its bound (a chart is untrusted)', () => {
    const ok = parseRendered(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {x: "1"}, annotations: *l}\n',
      'helm template x',
    )
    expect(ok[0].metadata.annotations).toEqual({ x: '1' })
    // Nine levels of ten aliases each: 10^9 nodes once expanded, from a text of a few hundred characters.
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i <= 9; i++)
      levels.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      )
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`
    expect(() => parseRendered(bomb, 'helm template evil')).toThrow(
      'helm template evil: document 1: its YAML aliases expand to more than 100000 nodes',
    )
    // The same text is refused by parseObjects too (the yaml library's own alias bound).
    expect(() => parseObjects(bomb, 'f')).toThrow()
  })

  it('diffs leaf by leaf, quoting keys with dots, and shows a list that changed length whole', () => {
    const before = { spec: { labels: { 'app.kubernetes.io/name': 'a' }, list: [1, 2], same: [{ x: 1 }], n: 1 } }
    const after = { spec: { labels: { 'app.kubernetes.io/name': 'b' }, list: [1, 2, 3], same: [{ x: 2 }] } }
    expect(diffValues(before, after)).toEqual([
      { path: 'spec.labels["app.kubernetes.io/name"]', before: 'a', after: 'b' },
      { path: 'spec.list', before: [1, 2], after: [1, 2, 3] },
      { path: 'spec.n', before: 1, after: undefined },
      { path: 'spec.same[0].x', before: 1, after: 2 },
    ])
    expect(diffValues({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([])
    expect(deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true)
  })

  it('lists the leaves of a new object, keeping lists of scalars and flat list items whole', () => {
    const spec = { values: ['a', 'b'], reqs: [{ key: 'k', values: ['v'] }], deep: [{ a: { b: 1 } }] }
    expect([...leaves({ spec })]).toEqual([
      ['spec.deep[0].a.b', 1],
      ['spec.reqs[k]', { key: 'k', values: ['v'] }],
      ['spec.values', ['a', 'b']],
    ])
  })

  it('accepts server defaults but not a changed or missing field (verify)', () => {
    const want = { disruption: { consolidateAfter: '30s' }, template: { spec: { requirements: [{ key: 'a' }] } } }
    const live = {
      disruption: { consolidateAfter: '30s', budgets: [{ nodes: '10%' }] },
      template: { spec: { requirements: [{ key: 'a', minValues: 1 }] } },
    }
    expect(isSubset(want, live)).toBe(true)
    expect(isSubset(want, { ...live, disruption: { consolidateAfter: '1m' } })).toBe(false)
    expect(isSubset(want, { disruption: { consolidateAfter: '30s' } })).toBe(false)
  })

  it('never shows Secret data, only a digest that changes with it', () => {
    const secret = (v: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'n' },
      data: { token: v },
    })
    const shown = JSON.stringify(redact(secret('c2VjcmV0')))
    expect(shown).not.toContain('c2VjcmV0')
    expect(shown).toMatch(/sha256:[0-9a-f]{12}/)
    const fields = manifestChanges([secret('YQ==')], [secret('Yg==')])
    expect(fields).toHaveLength(1)
    expect(fields[0]).toMatchObject({ path: 'manifest["Secret n/s"].data.token', sensitive: true })
    expect(fields[0].before).not.toBe(fields[0].after)
    expect(JSON.stringify(fields)).not.toMatch(/YQ==|Yg==/)
  })

  it('names rendered objects created, deleted and changed', () => {
    const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' } }
    expect(manifestChanges([deployment('a:1'), role], [deployment('a:2', 1)])).toEqual([
      { path: 'manifest["Deployment karpenter/karpenter"].spec.replicas', before: 2, after: 1 },
      {
        path: 'manifest["Deployment karpenter/karpenter"].spec.template.spec.containers[controller].image',
        before: 'a:1',
        after: 'a:2',
      },
      { path: 'manifest["Role r"]', before: 'rbac.authorization.k8s.io/v1' },
    ])
    const labelled = (version: string) => {
      const d = deployment('a:1')
      d.metadata.labels = { 'app.kubernetes.io/version': version }
      return [d, { ...role, metadata: { name: 'r', labels: { 'app.kubernetes.io/version': version } } }]
    }
    expect(manifestChanges(labelled('1.12.1'), labelled('1.13.0'))).toEqual([
      {
        path: 'manifest[*].metadata.labels["app.kubernetes.io/version"]',
        before: '1.12.1',
        after: '1.13.0',
        detail: ['on Deployment karpenter/karpenter, Role r'],
      },
    ])
    expect(manifestChanges([deployment('a:1')], [deployment('a:1'), role])).toEqual([
      { path: 'manifest["Role r"]', after: 'rbac.authorization.k8s.io/v1' },
    ])
  })

  it('compares what the user means: spec, labels, annotations; not status or server bookkeeping', () => {
    const live = {
      ...deployment('a:1'),
      status: { replicas: 2 },
      metadata: {
        name: 'karpenter',
        resourceVersion: '5',
        managedFields: [],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
    }
    expect(comparable(live as KubeObject)).toEqual({ spec: deployment('a:1').spec })
  })

  it('reads Go durations as karpenter.timeout holds them', () => {
    expect(durationMs('10m')).toBe(600_000)
    expect(durationMs('1h30m')).toBe(5_400_000)
    expect(durationMs('1.5s')).toBe(1500)
    expect(durationMs('250ms')).toBe(250)
    expect(() => durationMs('10 minutes')).toThrow('"10 minutes" is not a duration like 10m or 90s')
  })
})
