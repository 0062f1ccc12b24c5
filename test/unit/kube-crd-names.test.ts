import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { manifestCrdNames, releaseObjects, type HelmRelease } from '../../src/kube/helm.js'
import { charts } from '../support/kube-fixtures.js'

/** A manifest as Helm stores it: `---`, a `# Source:` comment, then each template's output. */
function manifestOf(docs: [string, string][]): string {
  return docs.map(([source, text]) => `---\n# Source: ${source}\n${text.trimEnd()}\n`).join('')
}
const release = (manifest: string) => ({ name: 'r', namespace: 'n', manifest }) as HelmRelease

describe('CRD names of a release manifest, by a scan', () => {
  it('finds the names a full parse finds, in the real CRD chart of 1.14.1', () => {
    const dir = join(charts('1.14.1').main, 'crds')
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    const manifest = manifestOf([
      [
        'karpenter/templates/serviceaccount.yaml',
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: karpenter\n',
      ],
      ...files.map((f): [string, string] => [`karpenter-crd/templates/${f}`, readFileSync(join(dir, f), 'utf8')]),
    ])
    const parsed = releaseObjects(release(manifest))
      .filter((o) => o.kind === 'CustomResourceDefinition')
      .map((o) => o.metadata.name)
    expect(parsed.length).toBe(files.length)
    expect(manifestCrdNames(manifest)).toEqual(parsed)
  })

  it('reads quoted values and other indents, skips hooks and kinds that are not top-level, and caches by content', () => {
    const manifest = manifestOf([
      [
        'a.yaml',
        'apiVersion: apiextensions.k8s.io/v1\nkind: "CustomResourceDefinition"\nmetadata:\n    labels:\n        x: y\n    name: "widgets.example.com"\nspec: {}\n',
      ],
      [
        'b.yaml',
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n  name: hooked.example.com\n',
      ],
      [
        'c.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-a-crd\ndata:\n  x: |\n    kind: CustomResourceDefinition\n',
      ],
      [
        'd.yaml',
        'kind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\nmetadata:\n  name: gadgets.example.com # a comment\n',
      ],
    ])
    expect(manifestCrdNames(manifest)).toEqual(['widgets.example.com', 'gadgets.example.com'])
    const again = manifestCrdNames(manifest)
    again.push('changed by a caller')
    expect(manifestCrdNames(manifest)).toEqual(['widgets.example.com', 'gadgets.example.com'])
    expect(manifestCrdNames('')).toEqual([])
  })
})
