import { describe, expect, it } from '@jest/globals'
import type { KubeObject } from '../../src/kube/types.js'
import type { KubeClient } from '../../src/kube/client.js'
import {
  CrdRelease,
  crdsStillHold,
  establishedMeanwhile,
  leftWithCrds,
  preV1Problem,
  waitForEstablished,
} from '../../src/resources/crds.js'
import { ChartRenderings } from '../../src/resources/helm-release.js'
import { resourceId } from '../../src/plan/resource.js'
import { fixtureCrd, releaseSecret } from '../support/kube-fixtures.js'

/** A CRD as the API server returns it: the chart's object plus the status it keeps. */
function installed(file: string, storedVersions: string[]): KubeObject {
  return { ...fixtureCrd('1.14.1', file), status: { storedVersions } }
}
/** The CRD release of these tests: where it is, its chart and how it is installed. */
const CRD_RELEASE = {
  release: 'karpenter-crd',
  namespace: 'karpenter',
  chart: { kind: 'oci', ref: 'oci://127.0.0.1/karpenter-crd', version: '1.14.1' } as never,
  values: {},
  timeout: '2m',
  skipCrds: false,
}
const crds = (...objs: KubeObject[]) => Object.fromEntries(objs.map((o) => [o.metadata.name, o]))

describe('pre-v1 Karpenter', () => {
  it('lets a cluster whose CRDs store only v1 through', () => {
    expect(
      preV1Problem(
        crds(
          installed('karpenter.sh_nodepools.yaml', ['v1']),
          installed('karpenter.sh_nodeclaims.yaml', ['v1']),
          installed('karpenter.k8s.aws_ec2nodeclasses.yaml', ['v1']),
        ),
      ),
    ).toBeUndefined()
    expect(preV1Problem({})).toBeUndefined()
  })

  it('refuses v1beta1 among the stored versions, naming each CRD and the way out', () => {
    const problem = preV1Problem(
      crds(
        installed('karpenter.sh_nodepools.yaml', ['v1beta1', 'v1']),
        installed('karpenter.sh_nodeclaims.yaml', ['v1']),
        installed('karpenter.k8s.aws_ec2nodeclasses.yaml', ['v1beta1']),
      ),
    )
    expect(problem).toMatch(
      /^Karpenter's CRDs still list pre-v1 stored versions: nodepools\.karpenter\.sh \(v1beta1\); ec2nodeclasses\.karpenter\.k8s\.aws \(v1beta1\)\./,
    )
    expect(problem).toContain('upgrade through Karpenter 1.0.x first')
    expect(problem).toContain('--subresource=status')
    expect(problem).not.toContain('nodeclaims.karpenter.sh (')
  })

  it('refuses the v1alpha5 CRDs (Provisioner, AWSNodeTemplate)', () => {
    const provisioners: KubeObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'provisioners.karpenter.sh' },
      status: { storedVersions: ['v1alpha5'] },
    }
    expect(preV1Problem(crds(provisioners))).toMatch(
      /v1alpha5 CRDs \(provisioners\.karpenter\.sh\).*migrate them to v1beta1 NodePools/,
    )
  })
})

/** A stand-in for the API: each CRD answers its listed states in turn (the last one stays), and counts the GETs. */
function crdApi(states: Record<string, (object | undefined)[]>) {
  const gets: string[] = []
  const kube = {
    getPath: async (path: string) => {
      const name = decodeURIComponent(path.split('/').pop()!)
      gets.push(name)
      const list = states[name] ?? [undefined]
      const status = list.length > 1 ? list.shift() : list[0]
      return status === undefined ? undefined : { metadata: { name }, status }
    },
  } as unknown as KubeClient
  return { kube, gets }
}
const cond = (type: string, status: string, message?: string) => ({ type, status, ...(message ? { message } : {}) })

describe('waiting for CRDs to be Established', () => {
  it('returns once every CRD is Established, asking again only for those that are not', async () => {
    const { kube, gets } = crdApi({
      'a.example.com': [{ conditions: [cond('NamesAccepted', 'True'), cond('Established', 'True')] }],
      'b.example.com': [
        undefined,
        { conditions: [cond('Established', 'False', 'installing')] },
        { conditions: [cond('Established', 'True')] },
      ],
    })
    await waitForEstablished(kube, ['a.example.com', 'b.example.com'], 5_000, 'release x', 1)
    expect(gets).toEqual(['a.example.com', 'b.example.com', 'b.example.com', 'b.example.com'])
  })

  it("fails at once when the API server refuses a CRD's names", async () => {
    const { kube } = crdApi({
      'a.example.com': [{ conditions: [cond('NamesAccepted', 'False', '"widgets" is already in use')] }],
    })
    await expect(waitForEstablished(kube, ['a.example.com'], 5_000, 'release x', 1)).rejects.toThrow(
      'release x: the API server refused CRD a.example.com:',
    )
  })

  it('fails after the timeout, naming what is not served and its conditions', async () => {
    const { kube } = crdApi({
      'a.example.com': [{ conditions: [cond('Established', 'True')] }],
      'b.example.com': [{ conditions: [cond('Established', 'False', 'not yet')] }],
      'c.example.com': [undefined],
    })
    await expect(
      waitForEstablished(kube, ['a.example.com', 'b.example.com', 'c.example.com'], 30, 'release x', 5),
    ).rejects.toThrow(
      /^release x: CRDs not Established within karpenter.timeout \(0s\): b.example.com: Established=False \(not yet\); c.example.com: not found\./,
    )
  })
})

describe('looking at the CRDs while helm installs them', () => {
  it('keeps those seen Established, looks again at the others (a failed look too), and stops when asked', async () => {
    let calls = 0
    const { kube, gets } = crdApi({
      'a.example.com': [undefined, { conditions: [cond('Established', 'True')] }],
      'b.example.com': [{ conditions: [cond('Established', 'False', 'installing')] }],
    })
    const getPath = kube.getPath.bind(kube)
    kube.getPath = (async (path: string) => {
      if (++calls === 2) throw new Error('connection reset')
      return getPath(path)
    }) as KubeClient['getPath']
    const looking = establishedMeanwhile(kube, ['a.example.com', 'b.example.com'], 1)
    while (!looking.seen.has('a.example.com')) await new Promise((r) => setTimeout(r, 1))
    await looking.stop()
    const asked = gets.length
    await new Promise((r) => setTimeout(r, 20))
    expect(gets.length).toBe(asked)
    expect([...looking.seen]).toEqual(['a.example.com'])
    // b's first look failed (not recorded): it was looked at again.
    expect(gets.filter((n) => n === 'b.example.com').length).toBeGreaterThanOrEqual(1)
    expect(calls).toBeGreaterThanOrEqual(4)
  })

  it('ends by itself once every CRD is seen; with none to look at it asks nothing', async () => {
    const { kube, gets } = crdApi({ 'a.example.com': [{ conditions: [cond('Established', 'True')] }] })
    const all = establishedMeanwhile(kube, ['a.example.com'], 1)
    await new Promise((r) => setTimeout(r, 20))
    expect(gets).toEqual(['a.example.com'])
    await all.stop()
    const none = establishedMeanwhile(kube, [], 1)
    await none.stop()
    expect(gets).toEqual(['a.example.com'])
  })

  it('after helm: waits only for what the release holds and was not seen Established while helm ran', async () => {
    const manifest = ['a.example.com', 'b.example.com', 'c.example.com']
      .map(
        (n) =>
          `---\n# Source: crds/${n}.yaml\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${n}\n`,
      )
      .join('')
    const secret = releaseSecret({
      name: 'karpenter-crd',
      namespace: 'karpenter',
      version: 1,
      info: { status: 'deployed' },
      chart: { metadata: { name: 'karpenter-crd', version: '1.14.1' } },
      config: {},
      manifest,
    })
    let helmRan = false
    const established = new Set<string>()
    const after: string[] = []
    const kube = {
      helm: async () => {
        // a is served while helm still runs; b and c once it has exited.
        established.add('a.example.com')
        await new Promise((r) => setTimeout(r, 250))
        helmRan = true
        established.add('b.example.com').add('c.example.com')
        return { exitCode: 0, stdout: '', stderr: '' }
      },
      getPath: async (path: string) => {
        if (path.endsWith('/secrets')) return { items: [{ metadata: { ...secret.metadata } }] }
        if (path.includes('/secrets/')) return secret
        const name = decodeURIComponent(path.split('/').pop()!)
        if (helmRan) after.push(name)
        return established.has(name)
          ? { metadata: { name }, status: { conditions: [cond('Established', 'True')] } }
          : undefined
      },
      forgetDiscovery: () => undefined,
    } as unknown as KubeClient
    const op = {
      op: 'upgrade' as const,
      ...CRD_RELEASE,
      wait: false as const,
      crds: ['a.example.com', 'b.example.com'],
    }
    await crdRelease(kube).apply([op])
    // a was seen while helm ran; c was not planned but the release holds it.
    expect(after.sort()).toEqual(['b.example.com', 'c.example.com'])
  })

  it("the upgrade op carries the names of the plan's CRDs, and no rendering to dry-run", () => {
    const rendered = [
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'a.example.com' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'karpenter' } },
    ]
    const decided = crdRelease({} as KubeClient).diff({
      crds: {},
      target: { release: 'karpenter-crd', namespace: 'karpenter' },
      rendered,
    } as never)
    expect(decided.ops).toEqual([expect.objectContaining({ op: 'upgrade', wait: false, crds: ['a.example.com'] })])
    expect(decided.ops[0]).not.toHaveProperty('checked')
  })
})

describe('a destroy that deletes the CRDs (karpenter.destroyCrds)', () => {
  const present = crds(
    installed('karpenter.sh_nodepools.yaml', ['v1']),
    installed('karpenter.sh_nodeclaims.yaml', ['v1']),
    installed('karpenter.k8s.aws_ec2nodeclasses.yaml', ['v1']),
  )
  const obj = (kind: string, name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
    apiVersion: kind === 'EC2NodeClass' ? 'karpenter.k8s.aws/v1' : 'karpenter.sh/v1',
    kind,
    metadata: { name, ...extra },
  })
  /** The API's lists, by path; every path asked is noted. */
  function lists(items: Record<string, KubeObject[]>) {
    const asked: string[] = []
    const kube = {
      getPath: async (path: string) => {
        asked.push(path)
        return { items: (items[path] ?? []).map(({ apiVersion: _a, kind: _k, ...rest }) => rest) }
      },
    } as unknown as KubeClient
    return { kube, asked }
  }

  it('lists each CRD once at its storage version and leaves out what the destroy deletes first', async () => {
    const { kube, asked } = lists({
      '/apis/karpenter.sh/v1/nodepools': [obj('NodePool', 'default')],
      '/apis/karpenter.k8s.aws/v1/ec2nodeclasses': [obj('EC2NodeClass', 'default')],
      '/apis/karpenter.sh/v1/nodeclaims': [
        obj('NodeClaim', 'default-abc12', { labels: { 'karpenter.sh/nodepool': 'default' } }),
      ],
    })
    const left = await leftWithCrds(kube, present, [obj('NodePool', 'default'), obj('EC2NodeClass', 'default')])
    expect(left).toEqual([])
    expect(asked.sort()).toEqual([
      '/apis/karpenter.k8s.aws/v1/ec2nodeclasses',
      '/apis/karpenter.sh/v1/nodeclaims',
      '/apis/karpenter.sh/v1/nodepools',
    ])
  })

  it('finds what is not the destroy’s: another NodePool, a class of the same name as a pool, a claim of another pool', async () => {
    const { kube } = lists({
      '/apis/karpenter.sh/v1/nodepools': [obj('NodePool', 'default'), obj('NodePool', 'team-a')],
      '/apis/karpenter.k8s.aws/v1/ec2nodeclasses': [
        obj('EC2NodeClass', 'team-a', { finalizers: ['karpenter.k8s.aws/termination'] }),
      ],
      '/apis/karpenter.sh/v1/nodeclaims': [
        obj('NodeClaim', 'team-a-x1', { labels: { 'karpenter.sh/nodepool': 'team-a' } }),
        obj('NodeClaim', 'orphan-1'),
      ],
    })
    const left = await leftWithCrds(kube, present, [obj('NodePool', 'default'), obj('EC2NodeClass', 'default')])
    expect(left.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'karpenter.k8s.aws/v1 EC2NodeClass/team-a',
      'karpenter.sh/v1 NodeClaim/orphan-1',
      'karpenter.sh/v1 NodeClaim/team-a-x1',
      'karpenter.sh/v1 NodePool/team-a',
    ])
    // A NodePool of the same name is not the EC2NodeClass: kinds count, not names alone.
    const byName = await leftWithCrds(kube, present, [obj('NodePool', 'team-a')])
    expect(byName.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'EC2NodeClass/team-a',
      'NodeClaim/orphan-1',
      'NodePool/default',
    ])
  })

  it('says what holds the CRDs, their finalizers, and the way out; at most ten named', () => {
    const message = crdsStillHold([
      obj('EC2NodeClass', 'team-a', { finalizers: ['karpenter.k8s.aws/termination'] }),
      obj('NodePool', 'team-a'),
    ])
    expect(message).toBe(
      "karpenter.destroyCrds: deleting Karpenter's CRDs would also delete 2 object(s) this destroy does not own: " +
        'EC2NodeClass team-a (finalizers: karpenter.k8s.aws/termination); NodePool team-a. The action deletes only ' +
        'its own NodePools and EC2NodeClasses; with the controller uninstalled first, nothing would remove the ' +
        'finalizers of the others, and the CRDs would hang half-deleted. Fix: delete them while their controller ' +
        'still runs (`kubectl delete ec2nodeclass team-a`), or set karpenter.destroyCrds: false to keep the CRDs. ' +
        'Nothing was changed.',
    )
    const many = crdsStillHold(Array.from({ length: 12 }, (_, i) => obj('NodePool', `p${i}`)))
    expect(many).toContain('p9 and 2 more.')
    expect(many).not.toContain('p10')
  })
})

/** The CRD release a destroy uninstalls (karpenter/karpenter-crd), over `kube`. */
function crdRelease(kube: KubeClient): CrdRelease {
  return new CrdRelease(
    kube,
    {
      id: resourceId('helm-release', 'karpenter-crd'),
      ...CRD_RELEASE,
      dependsOn: [],
      render: false,
    },
    new ChartRenderings(kube),
  )
}

describe('an uninstall of the CRD release that fails', () => {
  it('says which CRDs are still there, why, and what is left in them', async () => {
    const nodeClaims: KubeObject = {
      ...installed('karpenter.sh_nodeclaims.yaml', ['v1']),
      status: {
        storedVersions: ['v1'],
        conditions: [
          {
            type: 'Terminating',
            status: 'True',
            reason: 'InstanceDeletionInProgress',
            message: 'CustomResource deletion is in progress',
          },
        ],
      },
    }
    const kube = {
      helm: async () => ({
        exitCode: 1,
        stdout: '',
        stderr: 'Error: uninstallation completed with 1 error(s): context deadline exceeded',
      }),
      get: async (ref: { name?: string }) => (ref.name === 'nodeclaims.karpenter.sh' ? nodeClaims : undefined),
      getPath: async (path: string) =>
        path === '/apis/karpenter.sh/v1/nodeclaims'
          ? { items: [{ metadata: { name: 'default-x1', finalizers: ['karpenter.sh/termination'] } }] }
          : { items: [] },
    } as unknown as KubeClient
    const release = crdRelease(kube)
    const read = { crds: {}, target: { release: 'karpenter-crd', namespace: 'karpenter' } }
    await expect(release.destroy(read)).rejects.toThrow(
      'helm uninstall of karpenter/karpenter-crd failed: Error: uninstallation completed with 1 error(s): context ' +
        'deadline exceeded. CRDs still present: nodeclaims.karpenter.sh (terminating: CustomResource deletion is in ' +
        'progress); objects left in them: NodeClaim default-x1 (finalizers: karpenter.sh/termination). Fix: remove ' +
        'what holds them',
    )
  })

  it('with the CRDs gone, the uninstall’s own error stands', async () => {
    const kube = {
      helm: async () => ({ exitCode: 1, stdout: '', stderr: 'Error: something else' }),
      get: async () => undefined,
      getPath: async () => ({ items: [] }),
    } as unknown as KubeClient
    const release = crdRelease(kube)
    const read = { crds: {}, target: { release: 'karpenter-crd', namespace: 'karpenter' } }
    await expect(release.destroy(read)).rejects.toThrow(
      /^helm uninstall of karpenter\/karpenter-crd failed: Error: something else$/,
    )
  })
})
