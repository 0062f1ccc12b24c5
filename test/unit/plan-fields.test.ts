import { describe, expect, it } from '@jest/globals'
import { creationFields, diffValues, listKey } from '../../src/plan/fields.js'

const env = (...pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }))

describe('field diffs name list entries by their key', () => {
  it('names a changed entry by its name, not its position', () => {
    const before = { env: env(['A', '1'], ['B', '2'], ['LOG_LEVEL', 'info']) }
    const after = { env: env(['A', '1'], ['B', '2'], ['LOG_LEVEL', 'debug']) }
    expect(diffValues(before, after, 'values')).toEqual([
      { path: 'values.env[LOG_LEVEL].value', before: 'info', after: 'debug' },
    ])
  })

  it('shows an added and a removed entry on their own, whatever the length or order', () => {
    const before = { env: env(['A', '1'], ['OLD', 'x']) }
    const after = { env: env(['NEW', 'y'], ['A', '1']) }
    expect(diffValues(before, after)).toEqual([
      { path: 'env[OLD]', before: { name: 'OLD', value: 'x' }, after: undefined },
      { path: 'env[NEW]', before: undefined, after: { name: 'NEW', value: 'y' } },
    ])
  })

  it('shows a list whole when only its order changed (nothing else would show the difference)', () => {
    const before = { env: env(['A', '1'], ['B', '2']) }
    const after = { env: env(['B', '2'], ['A', '1']) }
    expect(diffValues(before, after)).toEqual([{ path: 'env', before: before.env, after: after.env }])
  })

  it('uses key and mountPath, quotes a key that reads like an index or has spaces, and keeps positions otherwise', () => {
    const reqs = (v: string) => [
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: [v] },
    ]
    expect(diffValues({ r: reqs('spot') }, { r: reqs('on-demand') })).toEqual([
      { path: 'r[karpenter.sh/capacity-type].values[0]', before: 'spot', after: 'on-demand' },
    ])
    expect(listKey([{ mountPath: '/a' }, { mountPath: '/b' }])).toBe('mountPath')
    expect(diffValues({ l: [{ name: '7', v: 1 }] }, { l: [{ name: '7', v: 2 }] })).toEqual([
      { path: 'l["7"].v', before: 1, after: 2 },
    ])
    expect(diffValues({ l: [{ name: 'a b', v: 1 }] }, { l: [{ name: 'a b', v: 2 }] })).toEqual([
      { path: 'l["a b"].v', before: 1, after: 2 },
    ])
    // duplicate names, a missing name, different keys on each side: by position as before
    expect(listKey([{ name: 'a' }, { name: 'a' }])).toBeUndefined()
    expect(listKey([{ name: 'a' }, { other: 1 }])).toBeUndefined()
    expect(
      diffValues(
        {
          l: [
            { name: 'a', v: 1 },
            { name: 'a', v: 2 },
          ],
        },
        {
          l: [
            { name: 'a', v: 1 },
            { name: 'a', v: 3 },
          ],
        },
      ),
    ).toEqual([{ path: 'l[1].v', before: 2, after: 3 }])
    expect(diffValues({ l: [{ name: 'a', v: 1 }] }, { l: [{ key: 'a', v: 1 }] })).toEqual([
      { path: 'l[0].key', before: undefined, after: 'a' },
      { path: 'l[0].name', before: 'a', after: undefined },
    ])
  })

  it('names the entries of a new object by their key too', () => {
    expect(creationFields({ containers: [{ name: 'controller', env: env(['LOG_LEVEL', 'info']) }] })).toEqual([
      { path: 'containers[controller].env[LOG_LEVEL]', after: { name: 'LOG_LEVEL', value: 'info' } },
      { path: 'containers[controller].name', after: 'controller' },
    ])
  })
})
