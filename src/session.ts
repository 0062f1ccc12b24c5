/**
 * One prepared run: the account and the cluster as read, a kubeconfig (the given one, or one for the EKS endpoint
 * with a token made and renewed here), the Kubernetes client (its `kubectl proxy` starts on first use), and the
 * state lock once taken. It disposes of all of that itself on every way out: close() at the end of the run, and a
 * cancelled job (GitHub sends SIGINT, then SIGTERM) closes it before the process exits, so that no lock is left for
 * the next run to break and no proxy or token file outlives the run.
 *
 * On a signal, no further helm process starts, and a running one (an upgrade halfway through) is waited for, up to
 * HELM_GRACE_MS, before the lock is released, so that the next run does not start while this one's helm still
 * changes the cluster. One still running after that is named in the log: helm leaves its release marked
 * `pending-*`, which the next run's plan stops at with the fix. The EKS kubeconfig (it holds a token) is removed in
 * every case.
 */
import * as core from './runner.js'
import type { AwsSession } from './aws/clients.js'
import { describeCluster } from './aws/cluster.js'
import { callerAccount } from './aws/credentials.js'
import { eksKubeconfig, type EksKubeconfig } from './aws/eks-auth.js'
import type { Config } from './config/types.js'
import type { Context } from './graph.js'
import { KubeClient } from './kube/client.js'
import { oneLine } from './report/escape.js'
import { acquireLock, stateClient, type AcquireOptions, type StateLocation, type StateLock } from './state/lock.js'

/** Exit codes of a process ended by these signals (128 + the signal's number), as a shell reports them. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const
type Signal = keyof typeof SIGNAL_EXIT

/** How long a cancelled run waits for a running helm process before it releases the lock and exits. */
export const HELM_GRACE_MS = 2 * 60_000

export interface SessionOptions {
  config: Config
  aws: AwsSession
  /** A kubeconfig to use (the `kubeconfig` input, or KUBECONFIG); without one, one for the EKS endpoint is made. */
  kubeconfig?: string
  /** The client for `kubeconfig`, made (and its proxy started) by the caller; the session owns it from then on. */
  kube?: KubeClient
  /** How long a cancelled run waits for helm (HELM_GRACE_MS by default). */
  helmGraceMs?: number
}

export class Session implements Context {
  readonly config: Config
  readonly aws: AwsSession
  private heldLock?: StateLock
  private closing?: Promise<void>
  private cancelling = false
  private readonly helmGraceMs: number
  private readonly onSignal = (signal: Signal) => {
    if (this.closing || this.cancelling) return
    this.cancelling = true
    void this.cancel(signal).finally(() => process.exit(SIGNAL_EXIT[signal]))
  }

  constructor(
    options: SessionOptions,
    readonly accountId: string,
    readonly cluster: Context['cluster'],
    readonly kube: KubeClient,
    private readonly eks?: EksKubeconfig,
  ) {
    this.config = options.config
    this.aws = options.aws
    this.helmGraceMs = options.helmGraceMs ?? HELM_GRACE_MS
    for (const signal of Object.keys(SIGNAL_EXIT) as Signal[]) process.on(signal, this.onSignal)
  }

  /** The state lock this session holds, if it took one. */
  get lock(): StateLock | undefined {
    return this.heldLock
  }

  /** Takes the state lock for the rest of the session (it is released when the session closes). */
  async takeLock(location: StateLocation, options: AcquireOptions): Promise<StateLock> {
    this.heldLock = await acquireLock(await stateClient(this.aws, location), location, options)
    return this.heldLock
  }

  /** Releases the state lock before the session closes (an apply that is recorded, reported and changes nothing more). */
  async releaseLock(): Promise<void> {
    await this.heldLock?.release()
  }

  /** A cancelled run: helm first (bounded), then close(). */
  private async cancel(signal: Signal): Promise<void> {
    const helm = this.kube.helmRunning
    const waiting = helm.length
      ? [`waiting up to ${this.helmGraceMs / 1000} s for helm ${helm.join(', ')} to finish`]
      : []
    core.warning(`${signal}: the run is being cancelled; ${[...waiting, ...this.cleanup()].join(', ')}`)
    const left = await this.kube.drain(this.helmGraceMs)
    if (helm.length && !left.length) core.info(`${signal}: helm ${helm.join(', ')} finished`)
    if (left.length) {
      core.warning(
        `${signal}: helm ${left.join(', ')} is still running after ${this.helmGraceMs / 1000} s. Its release stays ` +
          'marked pending-install or pending-upgrade, and the next run stops at it with the fix (`helm rollback`, or ' +
          '`helm uninstall` if it was never deployed).',
      )
    }
    await this.close()
  }

  private cleanup(): string[] {
    return [
      ...(this.heldLock?.held ? ['releasing the state lock'] : []),
      'stopping the Kubernetes proxy',
      ...(this.eks ? ['removing the kubeconfig'] : []),
    ]
  }

  /** Releases the lock, stops the proxy, removes the kubeconfig. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.heldLock?.release()
      } finally {
        this.eks?.close()
        await this.kube.close()
        for (const signal of Object.keys(SIGNAL_EXIT) as Signal[]) process.removeListener(signal, this.onSignal)
      }
    })()
    return this.closing
  }
}

/** Reads the account and the cluster and prepares the way to it. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const { config, aws } = options
  // A given kubeconfig needs nothing from AWS: its proxy starts while the account and the cluster are read.
  const given =
    options.kube ?? (options.kubeconfig ? new KubeClient(options.kubeconfig, { recorder: aws.recorder }) : undefined)
  given?.warm()
  let account: Awaited<ReturnType<typeof callerAccount>>
  let cluster: Context['cluster']
  try {
    ;[account, cluster] = await Promise.all([callerAccount(aws), describeCluster(aws, config.cluster.name)])
  } catch (e) {
    await given?.close()
    throw e
  }
  core.info(`AWS: account ${account.accountId} as ${account.arn}; cluster ${cluster.name} is ${cluster.status}`)
  if (given) {
    // The reason may name the kubeconfig's own keys: one line, whatever they hold.
    core.info(`Kubernetes: the given kubeconfig, its API ${oneLine(given.way)}`)
    return new Session(options, account.accountId, cluster, given)
  }
  // Otherwise a kubeconfig for the EKS endpoint with a token made in-process, renewed while we run.
  const eks = await eksKubeconfig({ session: aws, cluster })
  const kube = new KubeClient(eks.path, { recorder: aws.recorder })
  kube.warm()
  core.info(`Kubernetes: ${cluster.endpoint} with an EKS token, its API ${oneLine(kube.way)}`)
  return new Session(options, account.accountId, cluster, kube, eks)
}

/** Runs `fn` with an open session, and closes it however `fn` ends. */
export async function withSession<T>(options: SessionOptions, fn: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(options)
  try {
    return await fn(session)
  } finally {
    await session.close()
  }
}
