/**
 * The brief's acceptance test, against the real Karpenter controller: the sandbox's karpenter_runner.py runs the
 * controller binary of the chart version the action installed, with the Deployment's settings and its IRSA role,
 * against moto and the sandbox's API server; nodes it launches register as kubelets would.
 *
 * One story, in order (each step needs the one before): install 1.13.1 from the sandbox's OCI registry and see the
 * EC2NodeClass and NodePool become Ready; pending pods make Karpenter launch instances of allowed types in allowed
 * zones; an upgrade to 1.14.1 keeps the live nodes and their pods; a Spot interruption warning sent to EventBridge
 * (delivered to the queue by the rules the action made) makes Karpenter replace the node; scaled to zero, the empty
 * nodes go after consolidateAfter (30 s) and not before; every AWS request the controller made is allowed by the
 * controller policies the action created; and destroy with live nodes leaves no instance running.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2'
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge'
import {
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam'
import { runAction, uniqueSuffix, useSandbox, type ActionRun } from '../support/sandbox.js'
import { sandboxConfigData } from '../support/context.js'
import {
  condition,
  controllerLogTail,
  getObject,
  kubectl,
  list,
  recordedRequests,
  runnerStatus,
  sandboxFacts,
  waitFor,
  type KubeItem,
} from '../support/cluster.js'
import { checkRequests } from '../support/iam-authorize.js'

const id = uniqueSuffix()
const region = 'eu-west-1'
const account = '123456789012'
const pool = 'default'
const workload = `workload-${id}`
const allowedTypes = ['m6g.large', 'm5.large', 'c6g.large', 'c5.large']
const allowedZones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']
const controllerRole = 'karpenter-controller'
const nodeRole = 'karpenter-role'
const instanceProfile = 'opsfleet_dev_karpenter_profile'

let ec2: EC2Client
let iam: IAMClient
let configFor: (version: string, extra?: Record<string, unknown>) => string
const started = Date.now() / 1000
/** Figures for the README, printed at the end (never asserted). */
const figures: Record<string, string> = {}

const log = (r: ActionRun) => `${r.stdout}\n${r.stderr}`
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

async function diagnostics(): Promise<string> {
  const [claims, nodes] = await Promise.all([
    kubectl(['get', 'nodeclaims', '-o', 'wide']).catch((e: Error) => e.message),
    kubectl(['get', 'nodes', '-o', 'wide']).catch((e: Error) => e.message),
  ])
  const pods = await kubectl(['-n', workload, 'get', 'pods', '-o', 'wide']).catch((e: Error) => e.message)
  return `nodeclaims:\n${claims}\nnodes:\n${nodes}\npods:\n${pods}\nrunner events:\n${runnerStatus().events.join('\n')}\n${controllerLogTail()}`
}

/** What the cluster and the controller say of NodeClaims removed before they should have been. */
async function earlyRemoval(claims: KubeItem[], since: number): Promise<string> {
  const lines: string[] = [`NodeClaims being removed ${seconds(Date.now() - since)} after the scale-down:`]
  for (const c of claims) {
    lines.push(`--- ${c.metadata.name}: deletionTimestamp ${c.metadata.deletionTimestamp}`)
    lines.push(`status: ${JSON.stringify(c.status ?? {})}`)
    lines.push(`annotations: ${JSON.stringify(c.metadata.annotations ?? {})}`)
    lines.push(
      ...controllerLogTail(4000)
        .split('\n')
        .filter((l) => l.includes(c.metadata.name) || l.startsWith('---')),
    )
  }
  return lines.join('\n')
}

const claimsOfPool = async () =>
  (await list('nodeclaims')).filter((c) => c.metadata.labels?.['karpenter.sh/nodepool'] === pool)
const instanceId = (c: KubeItem) =>
  String(c.status?.providerID ?? '')
    .split('/')
    .pop()!

async function instances(ids: string[]): Promise<Instance[]> {
  if (!ids.length) return []
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }))
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? [])
}

async function runningPods(): Promise<KubeItem[]> {
  return (await list('pods', '-n', workload, '-l', 'app=inflate')).filter(
    (p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp,
  )
}

async function scale(replicas: number): Promise<void> {
  await kubectl(['-n', workload, 'scale', 'deployment', 'inflate', `--replicas=${replicas}`])
}

/** Waits until `n` pods run, on nodes of the pool; returns the pool's NodeClaims then. */
async function podsRunning(n: number, what: string): Promise<KubeItem[]> {
  return waitFor(
    what,
    async () => {
      const pods = await runningPods()
      if (pods.length !== n) return undefined
      const claims = await claimsOfPool()
      const nodes = new Set(claims.map((c) => c.status?.nodeName))
      return pods.every((p) => nodes.has(String(p.spec?.nodeName))) ? claims : undefined
    },
    { timeoutMs: 300_000, everyMs: 1000, describe: diagnostics },
  )
}

function controllerOf(deployment: string) {
  return runnerStatus().controllers.find((c) => c.deployment === deployment)
}

beforeAll(() => {
  useSandbox()
  ec2 = new EC2Client({ region })
  iam = new IAMClient({ region })
  const dir = mkdtempSync(join(tmpdir(), 'ka-controller-'))
  configFor = (version, extra = {}) => {
    const data = sandboxConfigData({
      karpenter: { version, destroyCrds: true },
      state: { bucket: 'espace-project-store', key: `controller/${id}.json` },
      ...extra,
    })
    const file = join(dir, `karpenter-${version}.yaml`)
    writeFileSync(file, stringify(data))
    return file
  }
})

afterAll(async () => {
  // Whatever happened above: nothing of this suite may stay behind for the next one.
  await kubectl(['delete', 'namespace', workload, '--ignore-not-found', '--wait=false']).catch(() => undefined)
  await runAction({ mode: 'destroy', config: configFor('1.14.1'), comment: 'never' })
  console.log(
    `figures (sandbox, real controller):\n${Object.entries(figures)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}`,
  )
}, 900_000)

describe('the real Karpenter controller runs what the action installed', () => {
  it('installs 1.13.1 from the OCI registry; the controller reconciles the EC2NodeClass and NodePool to Ready', async () => {
    const t0 = Date.now()
    const apply = await runAction({ mode: 'apply', config: configFor('1.13.1'), comment: 'never' })
    expect({ exit: apply.exitCode, log: apply.exitCode ? log(apply) : '' }).toEqual({ exit: 0, log: '' })
    // The apply's own verify step waited for the real controller: both objects Ready=True on its word.
    expect(apply.stdout).toMatch(/^EC2NodeClass default: spec as desired; .*\bReady=True\b/m)
    expect(apply.stdout).toMatch(/^NodePool default: spec as desired; .*\bReady=True\b/m)
    expect(apply.stdout).not.toMatch(/no status conditions|is not Ready/)
    // Recorded, reported, then the lock released (moto's S3), before verify's report: the next run need not wait.
    const at = (line: string) => apply.stdout.indexOf(line)
    expect(at('State record written')).toBeGreaterThan(-1)
    expect(at('State lock released')).toBeGreaterThan(at('State record written'))
    expect(at('::group::Verify')).toBeGreaterThan(at('State lock released'))
    const c = await waitFor(
      'a running controller for karpenter/karpenter',
      async () => controllerOf('karpenter/karpenter')?.running && controllerOf('karpenter/karpenter'),
      {
        timeoutMs: 60_000,
        describe: async () => JSON.stringify(runnerStatus(), null, 2),
      },
    )
    expect(c.version).toBe('1.13.1')
    expect(c.auth).toBe('irsa')
    expect(c.roleArn).toBe(`arn:aws:iam::${account}:role/${controllerRole}`)
    const ready = async (kind: string) => condition(await getObject(kind, pool), 'Ready') === 'True'
    await waitFor(
      'EC2NodeClass and NodePool Ready',
      async () => (await ready('ec2nodeclass')) && (await ready('nodepool')),
      {
        timeoutMs: 180_000,
        describe: async () =>
          `${await kubectl(['get', 'ec2nodeclass,nodepool', pool, '-o', 'yaml'])}\n${controllerLogTail()}`,
      },
    )
    figures['controller start to EC2NodeClass and NodePool Ready'] = seconds(
      Date.now() - Math.min(t0, c.startedAt * 1000),
    )
    const nodeClass = await getObject('ec2nodeclass', pool)
    for (const type of ['SubnetsReady', 'SecurityGroupsReady', 'AMIsReady', 'InstanceProfileReady']) {
      expect({ type, status: condition(nodeClass, type) }).toEqual({ type, status: 'True' })
    }
    // What the controller resolved is the sandbox's world.
    const facts = sandboxFacts()
    const subnets = (nodeClass?.status?.subnets as { id: string; zone: string }[]).map((s) => s.id).sort()
    expect(subnets).toEqual(Object.values(facts.aws.subnets).sort())
    expect((nodeClass?.status?.amis as { id: string }[]).length).toBeGreaterThanOrEqual(2) // amd64 and arm64
    expect(nodeClass?.status?.instanceProfile).toBe(instanceProfile)
  }, 600_000)

  it('two controllers never run: a config naming another namespace and release is refused while this one runs', async () => {
    const callLog = join(mkdtempSync(join(tmpdir(), 'ka-controller-calls-')), 'calls.json')
    const second = await runAction(
      {
        mode: 'apply',
        config: configFor('1.13.1', {
          karpenter: { version: '1.13.1', namespace: 'kube-system', release: 'karpenter-2' },
        }),
        comment: 'never',
      },
      { KARPENTER_ACTION_CALL_LOG: callLog },
    )
    expect(second.exitCode).toBe(1)
    expect(second.outputs['failure-reason']).toBe('other-karpenter')
    expect(second.stdout).toContain('set karpenter.namespace: karpenter and karpenter.release: karpenter in the config')
    const calls = JSON.parse(readFileSync(callLog, 'utf8')) as {
      aws: { mutating: boolean }[]
      kube: { mutating: boolean }[]
    }
    expect(calls.aws.filter((c) => c.mutating)).toEqual([])
    expect(calls.kube.filter((c) => c.mutating)).toEqual([])
    // What the runner runs: the one controller, still.
    const running = runnerStatus().controllers.filter((c) => c.running)
    expect(running.map((c) => c.deployment)).toEqual(['karpenter/karpenter'])
    expect(await getObject('deployment', 'karpenter-2', '-n', 'kube-system')).toBeUndefined()
  }, 300_000)

  it('pending pods that only the pool can take make Karpenter launch allowed instances that register as nodes', async () => {
    await kubectl(['create', 'namespace', workload])
    await kubectl(
      ['apply', '-n', workload, '-f', '-'],
      stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'inflate' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'inflate' } },
          template: {
            metadata: { labels: { app: 'inflate' } },
            spec: {
              // The sandbox's three managed nodes do not carry this label: only the pool's nodes can take the pods.
              nodeSelector: { 'karpenter.sh/nodepool': pool },
              // A grace period, as real workloads have: a deleted pod is then Terminating for a moment (kwok
              // removes it at once), the pod event Karpenter times consolidateAfter from. With 0 the API server
              // deletes it outright, Karpenter sees no such event and counts from when the pod was scheduled.
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: 'inflate',
                  image: 'registry.k8s.io/pause:3.10',
                  resources: { requests: { cpu: '1', memory: '1Gi' } },
                },
              ],
            },
          },
        },
      }),
    )
    const t0 = Date.now()
    const claims = await podsRunning(2, '2 pods Running on nodes Karpenter launched')
    figures['pending pods to Running (2 pods, nodes launched)'] = seconds(Date.now() - t0)
    expect(claims.length).toBeGreaterThanOrEqual(1)
    const facts = sandboxFacts()
    const found = await instances(claims.map(instanceId))
    expect(found).toHaveLength(claims.length)
    for (const claim of claims) {
      const labels = claim.metadata.labels!
      const inst = found.find((i) => i.InstanceId === instanceId(claim))!
      expect(allowedTypes).toContain(labels['node.kubernetes.io/instance-type'])
      expect(allowedZones).toContain(labels['topology.kubernetes.io/zone'])
      expect(labels['karpenter.sh/capacity-type']).toBe('on-demand')
      // The instance in EC2 is the one the NodeClaim says: its type, its zone's subnet, the pool's security group.
      expect(inst.State?.Name).toBe('running')
      expect(inst.InstanceType).toBe(labels['node.kubernetes.io/instance-type'])
      expect(inst.SubnetId).toBe(facts.aws.subnets[labels['topology.kubernetes.io/zone']])
      expect((inst.SecurityGroups ?? []).map((g) => g.GroupId)).toContain(facts.aws.securityGroupId)
      const tags = Object.fromEntries((inst.Tags ?? []).map((t) => [t.Key, t.Value]))
      expect(tags['karpenter.sh/nodepool']).toBe(pool)
      expect(tags['kubernetes.io/cluster/opsfleet-dev-cluster']).toBe('owned')
      // Registered, initialized, and the node Karpenter manages.
      // Pods may run a moment before Karpenter records Initialized: wait for both conditions.
      const settled = await waitFor(
        `NodeClaim ${claim.metadata.name} Registered and Initialized`,
        async () => {
          const c = await getObject('nodeclaim', claim.metadata.name)
          return c && condition(c, 'Registered') === 'True' && condition(c, 'Initialized') === 'True' ? c : undefined
        },
        { timeoutMs: 60_000, describe: diagnostics },
      )
      expect(condition(settled, 'Registered')).toBe('True')
      expect(condition(settled, 'Initialized')).toBe('True')
      const node = await getObject('node', String(claim.status?.nodeName))
      expect(node?.spec?.providerID).toBe(claim.status?.providerID)
      expect(condition(node, 'Ready')).toBe('True')
      expect(((node?.spec?.taints as { key: string }[] | undefined) ?? []).map((t) => t.key)).not.toContain(
        'karpenter.sh/unregistered',
      )
    }
  }, 600_000)

  it('an upgrade to 1.14.1 with live nodes keeps them and their pods', async () => {
    const before = await claimsOfPool()
    const pods = (await runningPods()).map((p) => p.metadata.name).sort()
    const apply = await runAction({ mode: 'apply', config: configFor('1.14.1'), comment: 'never' })
    expect({ exit: apply.exitCode, log: apply.exitCode ? log(apply) : '' }).toEqual({ exit: 0, log: '' })
    expect(apply.stdout).toMatch(/helm release karpenter/)
    const c = await waitFor(
      'controller 1.14.1 running',
      async () => {
        const s = controllerOf('karpenter/karpenter')
        return s?.running && s.version === '1.14.1' && s
      },
      { timeoutMs: 60_000, describe: async () => JSON.stringify(runnerStatus(), null, 2) },
    )
    expect(c.restarts).toBe(0)
    // The new controller has reconciled the pool (Ready again) and had time to judge drift.
    await waitFor(
      'NodePool Ready under 1.14.1',
      async () => condition(await getObject('nodepool', pool), 'Ready') === 'True',
      { timeoutMs: 120_000 },
    )
    const watchUntil = Date.now() + 45_000
    while (Date.now() < watchUntil) {
      const now = await claimsOfPool()
      expect(now.map((x) => x.metadata.name).sort()).toEqual(before.map((x) => x.metadata.name).sort())
      expect(now.filter((x) => x.metadata.deletionTimestamp)).toEqual([])
      expect((await runningPods()).map((p) => p.metadata.name).sort()).toEqual(pods)
      await new Promise((r) => setTimeout(r, 3000))
    }
    const drifted = (await claimsOfPool()).filter((x) => condition(x, 'Drifted') === 'True')
    expect(drifted.map((x) => x.metadata.name)).toEqual([])
  }, 600_000)

  it('a Spot interruption warning sent to EventBridge makes Karpenter replace the node', async () => {
    const [victim] = await claimsOfPool()
    const iid = instanceId(victim)
    const events = new EventBridgeClient({ region })
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'aws.ec2',
            DetailType: 'EC2 Spot Instance Interruption Warning',
            Resources: [`arn:aws:ec2:${region}:${account}:instance/${iid}`],
            Detail: JSON.stringify({ 'instance-id': iid, 'instance-action': 'terminate' }),
          },
        ],
      }),
    )
    expect(put.FailedEntryCount ?? 0).toBe(0)
    const t0 = Date.now()
    await waitFor(
      `NodeClaim ${victim.metadata.name} (instance ${iid}) gone`,
      async () => !(await getObject('nodeclaim', victim.metadata.name)),
      {
        timeoutMs: 240_000,
        describe: diagnostics,
      },
    )
    const claims = await podsRunning(2, 'both pods Running again, on other nodes')
    figures['interruption warning to node replaced, pods Running'] = seconds(Date.now() - t0)
    expect(claims.map(instanceId)).not.toContain(iid)
    const [gone] = await instances([iid])
    expect(gone.State?.Name).toBe('terminated')
  }, 600_000)

  it('scaled to zero, the empty nodes and their instances go after consolidateAfter (30 s), not before', async () => {
    // The interruption above replaced a node: its NodeClaim may still be going, and the replacement may have come
    // up beside a node the evicted pod went to instead, empty from the start (Karpenter removes it 30 s later, which
    // could fall inside the window below). Start from a pool at rest: nothing being removed, a pod on every node.
    const claims = await waitFor(
      'every NodeClaim of the pool holding a Running pod, none being removed',
      async () => {
        const now = await claimsOfPool()
        if (!now.length || now.some((c) => c.metadata.deletionTimestamp)) return undefined
        const used = new Set((await runningPods()).map((p) => String(p.spec?.nodeName)))
        return now.every((c) => used.has(String(c.status?.nodeName))) ? now : undefined
      },
      { timeoutMs: 240_000, everyMs: 1000, describe: diagnostics },
    )
    expect(claims.length).toBeGreaterThanOrEqual(1)
    // No node can be empty before the workload is scaled down: times are taken from here, so that a slow poll of
    // the pods (a busy machine) cannot make Karpenter look early.
    const scaled = Date.now()
    await scale(0)
    await waitFor(
      'no inflate pods',
      async () => (await list('pods', '-n', workload, '-l', 'app=inflate')).length === 0,
      { timeoutMs: 60_000 },
    )
    const empty = Date.now()
    // Karpenter counts consolidateAfter from the last pod event it recorded on the NodeClaim (status.lastPodEventTime,
    // in seconds): the scale-down's, unless its pod-events controller found the pod already gone (kwok removes a
    // Terminating pod at once) or the event came within 10 s of the one before (which it does not record): then an
    // earlier one (the pod's binding). Each removal is judged by the event it was timed from.
    const removals = new Map<string, { deletion: number; lastPodEvent: number }>()
    const drifted = (c: KubeItem) =>
      ((c.status?.conditions ?? []) as { type: string; status: string }[]).some(
        (x) => x.type === 'Drifted' && x.status === 'True',
      )
    const scaledSecond = Math.floor(scaled / 1000) * 1000
    const noteRemovals = async (now: KubeItem[]) => {
      // A node the upgrade left drifted may be replaced at any time (drift, not emptiness): only the others count.
      const going = now.filter((c) => c.metadata.deletionTimestamp && !drifted(c) && !removals.has(c.metadata.name))
      for (const c of going) {
        const deletion = Date.parse(String(c.metadata.deletionTimestamp))
        const lastPodEvent = Date.parse(String(c.status?.lastPodEventTime ?? ''))
        removals.set(c.metadata.name, { deletion, lastPodEvent })
        // Says who removed it and why (the claim's conditions, the controller's lines naming it), not just that it went.
        if (!(deletion - lastPodEvent >= 30_000)) console.log(await earlyRemoval([c], scaled))
        else if (lastPodEvent < scaledSecond) {
          console.log(
            `${c.metadata.name}: Karpenter recorded no pod event for the scale-down (its last: ` +
              `${String(c.status?.lastPodEventTime)}); removed ${seconds(deletion - lastPodEvent)} after that one, ` +
              `${seconds(deletion - scaled)} after the scale-down`,
          )
        }
      }
    }
    const early = () => [...removals].filter(([, r]) => !(r.deletion - r.lastPodEvent >= 30_000)).map(([n]) => n)
    // Well inside the 30 s: the same NodeClaims, and none removed before consolidateAfter.
    while (Date.now() < scaled + 25_000) {
      const now = await claimsOfPool()
      expect(now.map((c) => c.metadata.name).sort()).toEqual(claims.map((c) => c.metadata.name).sort())
      await noteRemovals(now)
      expect(early()).toEqual([])
      await new Promise((r) => setTimeout(r, 2000))
    }
    let decided: number | undefined
    await waitFor(
      'the empty nodes removed',
      async () => {
        const left = await claimsOfPool()
        await noteRemovals(left)
        if (decided === undefined && left.some((c) => c.metadata.deletionTimestamp)) decided = Date.now()
        return left.length === 0
      },
      { timeoutMs: 300_000, describe: diagnostics },
    )
    const removed = Date.now()
    decided ??= removed
    figures['empty to Karpenter removing them (consolidateAfter 30s)'] = seconds(decided - empty)
    figures['empty to NodeClaims, Nodes and instances gone'] = seconds(removed - empty)
    // Every removal came consolidateAfter or more after the pod event it was timed from (both whole seconds of the
    // API server's clock, for which deletion >= event + 30 s holds as well).
    expect(removals.size).toBeGreaterThanOrEqual(1)
    expect(early()).toEqual([])
    // When Karpenter recorded the scale-down on every claim, that is what it counted from.
    if ([...removals.values()].every((r) => r.lastPodEvent >= scaledSecond)) {
      expect(decided - scaled).toBeGreaterThanOrEqual(30_000)
    }
    const found = await instances(claims.map(instanceId))
    expect(found.map((i) => i.State?.Name)).toEqual(claims.map(() => 'terminated'))
    for (const c of claims) expect(await getObject('node', String(c.status?.nodeName))).toBeUndefined()
  }, 600_000)

  it('the controller changed nothing the action owns: the instance profile is there and a plan has nothing to do', async () => {
    const profile = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: instanceProfile }))
    expect(profile.InstanceProfile?.Roles?.map((r) => r.RoleName)).toEqual([nodeRole])
    const plan = await runAction({ mode: 'plan', config: configFor('1.14.1'), comment: 'never' })
    expect({ exit: plan.exitCode, log: plan.exitCode ? log(plan) : '' }).toEqual({ exit: 0, log: '' })
    expect({
      hasChanges: plan.outputs['has-changes'],
      plan: plan.stdout.includes('No changes.') ? 'No changes.' : plan.stdout,
    }).toEqual({
      hasChanges: 'false',
      plan: 'No changes.',
    })
  }, 300_000)

  it('every AWS request the controller made is allowed by the controller policies the action created', async () => {
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: controllerRole }))
    const policies = await Promise.all(
      (attached.AttachedPolicies ?? []).map(async (p) => {
        const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn }))
        const v = await iam.send(
          new GetPolicyVersionCommand({ PolicyArn: p.PolicyArn, VersionId: Policy!.DefaultVersionId }),
        )
        return JSON.parse(decodeURIComponent(v.PolicyVersion!.Document!)) as Record<string, unknown>
      }),
    )
    expect(policies.length).toBeGreaterThanOrEqual(1)
    const requests = recordedRequests(started)
    const result = checkRequests(requests, policies, {
      partition: 'aws',
      region,
      accountId: account,
      nodeRoleArn: `arn:aws:iam::${account}:role/${nodeRole}`,
    })
    console.log(
      `controller AWS requests checked: ${result.checked}; by operation: ${JSON.stringify(result.operations)}; ` +
        `condition keys not evaluated: ${result.unevaluated.join(', ') || 'none'}`,
    )
    // The story above made the controller use what it needs: launching, tagging, terminating, the queue, the AMIs.
    for (const op of [
      'ec2:CreateFleet',
      'ec2:CreateLaunchTemplate',
      'ec2:TerminateInstances',
      'ec2:DescribeInstances',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'ssm:GetParameter',
    ]) {
      expect({ op, seen: (result.operations[op] ?? 0) > 0 }).toEqual({ op, seen: true })
    }
    expect(result.denied.map((d) => `${d.request.service}:${d.request.operation} ${d.reason}`)).toEqual([])
  }, 120_000)

  it('mode: destroy with live nodes leaves no instance running and no NodeClaim behind', async () => {
    await scale(1)
    const [claim] = await podsRunning(1, '1 pod Running on a launched node')
    const iid = instanceId(claim)
    const destroy = await runAction({ mode: 'destroy', config: configFor('1.14.1'), comment: 'never' })
    expect({ exit: destroy.exitCode, log: destroy.exitCode ? log(destroy) : '' }).toEqual({ exit: 0, log: '' })
    expect(await list('nodeclaims')).toEqual([])
    const [inst] = await instances([iid])
    expect(inst.State?.Name).toBe('terminated')
    const running = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:karpenter.sh/nodepool', Values: ['*'] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
      }),
    )
    expect((running.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([])
    await waitFor('the controller stopped', async () => !controllerOf('karpenter/karpenter'), { timeoutMs: 30_000 })
  }, 900_000)
})
