/**
 * The plan identity's Kubernetes permissions (examples/kubernetes/) against the sandbox's API server: with the
 * example RBAC and the ValidatingAdmissionPolicy applied, a user in group karpenter-action:plan (impersonated) can
 * dry-run the NodePool server-side apply a plan makes, and every real write is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fixtures, repoRoot, uniqueSuffix, useSandbox } from '../support/sandbox.js'

const ns = `plan-rbac-${uniqueSuffix()}`
const examples = ['plan-rbac.yaml', 'plan-dry-run-only.yaml'].map((f) =>
  readFileSync(join(repoRoot, 'examples/kubernetes', f), 'utf8').replace(/namespace: karpenter$/gm, `namespace: ${ns}`),
)
let createdCrd = false

function kubectl(args: string[], input?: string): string {
  return execFileSync('kubectl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
}

/** kubectl as the plan identity: its exit code and what it said. */
function asPlan(args: string[], input?: string): { code: number; out: string } {
  const r = spawnSync('kubectl', ['--as', 'karpenter-plan', '--as-group', 'karpenter-action:plan', ...args], {
    input,
    encoding: 'utf8',
  })
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` }
}

const pool = (name: string) =>
  JSON.stringify({
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' },
          requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }],
        },
      },
    },
  })

beforeAll(async () => {
  useSandbox()
  kubectl(['create', 'namespace', ns])
  if (!kubectl(['get', 'crd', 'nodepools.karpenter.sh', '--ignore-not-found', '-o', 'name']).trim()) {
    kubectl(['create', '-f', join(fixtures, 'charts/1.14.1/karpenter/crds/karpenter.sh_nodepools.yaml')])
    kubectl(['wait', '--for=condition=Established', 'crd/nodepools.karpenter.sh', '--timeout=60s'])
    createdCrd = true
  }
  for (const doc of examples) kubectl(['apply', '-f', '-'], doc)
})

afterAll(() => {
  for (const doc of examples) kubectl(['delete', '--ignore-not-found', '-f', '-'], doc)
  kubectl(['delete', 'namespace', ns, '--wait=false'])
  if (createdCrd) kubectl(['delete', 'crd', 'nodepools.karpenter.sh', '--wait=false'])
})

describe('the plan identity', () => {
  test('the API server serves ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1)', () => {
    expect(kubectl(['api-resources', '--api-group', 'admissionregistration.k8s.io', '-o', 'name'])).toContain(
      'validatingadmissionpolicies',
    )
  })

  test('a dry-run server-side apply of a NodePool passes; the real one is refused by the policy', async () => {
    const name = `plan-probe-${uniqueSuffix()}`
    const apply = ['apply', '--server-side', '--field-manager', 'karpenter-action', '-f', '-']
    expect(asPlan([...apply, '--dry-run=server'], pool(name))).toMatchObject({ code: 0 })
    // The policy takes effect once the API server has loaded it: wait (bounded) for the first refusal.
    let real = asPlan(apply, pool(name))
    for (let i = 0; i < 40 && real.code === 0; i++) {
      kubectl(['delete', 'nodepool', name, '--ignore-not-found'])
      await new Promise((r) => setTimeout(r, 500))
      real = asPlan(apply, pool(name))
    }
    expect(real.code).not.toBe(0)
    expect(real.out).toContain('the karpenter-action plan identity may only dry-run')
    expect(kubectl(['get', 'nodepool', name, '--ignore-not-found', '-o', 'name']).trim()).toBe('')
    // Still allowed as a dry run after the policy is in force.
    expect(asPlan([...apply, '--dry-run=server'], pool(name))).toMatchObject({ code: 0 })
  })

  test('reads what a plan reads; writes nothing else, not even as a dry run', () => {
    expect(asPlan(['get', 'namespaces']).code).toBe(0)
    expect(asPlan(['get', 'crd']).code).toBe(0)
    expect(asPlan(['-n', ns, 'get', 'secrets']).code).toBe(0)
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: ns } })
    const refused = asPlan(['create', '--dry-run=server', '-f', '-'], cm)
    expect(refused.code).not.toBe(0)
    expect(refused.out).toMatch(/forbidden/i)
    expect(asPlan(['delete', 'namespace', ns, '--dry-run=server']).out).toMatch(/forbidden/i)
  })
})
