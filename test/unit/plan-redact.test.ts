/** Values that look secret never reach the log, the job summary or the comment: they are marked at the plan's source. */
import { describe, expect, it } from '@jest/globals'
import { PullRequestFlow } from '../../src/github/pr.js'
import type { KubeClient } from '../../src/kube/client.js'
import type { KubeObject } from '../../src/kube/types.js'
import { plan } from '../../src/plan/engine.js'
import { diffValues } from '../../src/plan/fields.js'
import { planFingerprint } from '../../src/plan/fingerprint.js'
import { containsSecret, isSecretKey, pathKeys, redactFields } from '../../src/plan/redact.js'
import type { ResourceId } from '../../src/plan/resource.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { renderText } from '../../src/report/text.js'
import { HelmReleaseResource, type ChartRenderings, type HelmReleaseRead } from '../../src/resources/helm-release.js'
import { KubeObjectResource } from '../../src/resources/kube-object.js'

/** The Karpenter release as planned for a cluster that has none: its values are shown leaf by leaf. */
class NewRelease extends HelmReleaseResource {
  override async read(): Promise<HelmReleaseRead> {
    return {}
  }
}

function release(values: Record<string, unknown>) {
  return new NewRelease(
    undefined as unknown as KubeClient,
    {
      id: 'helm-release:karpenter' as ResourceId,
      release: 'karpenter',
      namespace: 'karpenter',
      chart: { ref: 'oci://registry/karpenter', local: false, version: '1.14.1', key: 'karpenter.chart' },
      values,
      timeout: '10m',
      skipCrds: true,
      dependsOn: [],
      render: false,
    },
    undefined as unknown as ChartRenderings,
  )
}

const noObjects = { get: async () => undefined } as unknown as KubeClient

function manifest(object: KubeObject) {
  return new KubeObjectResource(noObjects, {
    id: `manifest:${object.kind}/${object.metadata.name}` as ResourceId,
    kind: 'manifest',
    object,
    dependsOn: [],
    wanted: true,
    timeout: '1m',
  })
}

async function planOf(...resources: Parameters<typeof plan>[0]['resources']) {
  return (await plan({ mode: 'plan', cluster: 'c', region: 'eu-west-1', resources, outputs: {} })).plan
}

/** Every view of a plan: the log, the job summary and the comment, exactly as they are written. */
function views(p: Awaited<ReturnType<typeof planOf>>) {
  const planId = planFingerprint(p)
  const flow = new PullRequestFlow(
    {
      eventName: 'pull_request',
      owner: 'o',
      repo: 'r',
      prNumber: 7,
      headSha: 'a'.repeat(40),
      fromFork: false,
      apiUrl: 'http://x',
    },
    { comment: 'never', githubToken: '' },
  )
  return {
    log: renderText(p),
    summary: renderMarkdown(p, { planId }),
    comment: flow.composeComment(p, planId),
  }
}

describe('the key rule', () => {
  it.each([
    'apiToken',
    'password',
    'db_password',
    'PASSWD',
    'clientSecret',
    'secrets',
    'credentials',
    'privateKey',
    'private_key',
    'apiKey',
    'apikey',
    'AWS_ACCESS_KEY',
    'ssh-key',
    'webhook.token',
    'sessionToken',
  ])('%s is secret', (key) => expect(isSecretKey(key)).toBe(true))

  it.each([
    'key',
    'keyName',
    'topologyKey',
    'labelKey',
    'secretName',
    'secretRef',
    'tokenFile',
    'tokenExpirationSeconds',
    'httpTokens',
    'automountServiceAccountToken',
    'monkey',
    'clusterName',
    'replicas',
    'karpenter.sh/discovery',
    'aws:TagKeys',
    'tagKey',
  ])('%s is not secret', (key) => expect(isSecretKey(key)).toBe(false))

  it('shows an IAM policy whose conditions list tag keys (the controller policy does)', () => {
    const document = {
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ec2:CreateTags',
          Condition: {
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim'] },
          },
        },
      ],
    }
    expect(containsSecret(document)).toBe(false)
    expect(containsSecret({ ...document, Statement: [{ ...document.Statement[0], SessionToken: 'abc' }] })).toBe(true)
  })

  it('reads the keys of a display path, leaving out indexes and the names of manifest objects', () => {
    expect(pathKeys('values.auth["api-token"]')).toEqual(['values', 'auth', 'api-token'])
    expect(pathKeys('manifest["Deployment karpenter/token-rotator"].spec.replicas')).toEqual([
      'manifest',
      'spec',
      'replicas',
    ])
    expect(pathKeys('spec.containers[0].env[2].value')).toEqual(['spec', 'containers', 'env', 'value'])
    expect(pathKeys('spec.containers[web].env[API_TOKEN].value')).toEqual([
      'spec',
      'containers',
      'web',
      'env',
      'API_TOKEN',
      'value',
    ])
  })

  it('finds secrets inside values: keys, name/value pairs, Secret objects; booleans are never secret', () => {
    expect(containsSecret({ a: { b: [{ password: 'x' }] } })).toBe(true)
    expect(containsSecret([{ name: 'API_TOKEN', value: 'abc' }])).toBe(true)
    expect(containsSecret({ kind: 'Secret', data: { x: 'eA==' } })).toBe(true)
    expect(containsSecret({ privateNetworking: true, token: null })).toBe(false)
    expect(containsSecret([{ name: 'LOG_LEVEL', value: 'debug' }])).toBe(false)
    expect(containsSecret({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] })).toBe(false)
    const fields = redactFields([
      { path: 'spec.template.spec.automountServiceAccountToken', after: false },
      { path: 'values.token', before: 'a', after: 'b' },
    ])
    expect(fields.map((f) => f.sensitive)).toEqual([undefined, true])
  })

  it('marks the leaves of a name/value pair named like a secret as the diff walks it', () => {
    const env = (token: string) => ({
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'API_TOKEN', value: token },
      ],
    })
    expect(diffValues(env('old'), env('new'), 'spec')).toEqual([
      { path: 'spec.env[API_TOKEN].value', before: 'old', after: 'new', sensitive: true },
    ])
  })
})

describe('a plan with values that look secret', () => {
  it('shows a Helm value `apiToken: abc` as (sensitive) in the log, the job summary and the comment', async () => {
    const p = await planOf(release({ apiToken: 'abc', replicas: 2, settings: { clusterName: 'c' } }))
    const fields = p.changes[0].fields
    expect(fields.find((f) => f.path === 'values.apiToken')).toMatchObject({ sensitive: true })
    for (const [view, text] of Object.entries(views(p))) {
      expect([view, text.includes('"abc"')]).toEqual([view, false])
      expect([view, text.includes('values.apiToken = (sensitive)')]).toEqual([view, true])
      // What is not secret still shows.
      expect([view, text.includes('values.replicas = 2')]).toEqual([view, true])
      expect([view, text.includes('values.settings.clusterName = "c"')]).toEqual([view, true])
    }
  })

  it('hides every value of a Secret among the extra manifests, and an environment variable named like one', async () => {
    const p = await planOf(
      manifest({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'app' },
        data: { user: 'YWRtaW4=' },
        stringData: { 'conn.url': 'postgres://admin:hunter2@db' },
      }),
      manifest({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'app' },
        spec: {
          template: { spec: { containers: [{ name: 'web', env: [{ name: 'GITHUB_TOKEN', value: 'ghs_x' }] }] } },
        },
      }),
    )
    for (const [view, text] of Object.entries(views(p))) {
      for (const secret of ['YWRtaW4', 'hunter2', 'ghs_x', 'sha256:']) {
        expect([view, secret, text.includes(secret)]).toEqual([view, secret, false])
      }
      expect([view, text.includes('data.user = (sensitive)')]).toEqual([view, true])
      expect([view, text.includes('stringData["conn.url"] = (sensitive)')]).toEqual([view, true])
    }
  })

  it('still changes the plan id when only a secret value changes', async () => {
    const a = await planOf(release({ apiToken: 'abc' }))
    const b = await planOf(release({ apiToken: 'abd' }))
    expect(renderText(a)).toBe(renderText(b))
    expect(planFingerprint(a)).not.toBe(planFingerprint(b))
  })
})
