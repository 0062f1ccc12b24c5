/**
 * Access to the EKS API server for helm and kubectl without any AWS tool on the runner: a kubeconfig with
 * the cluster's endpoint and CA (from DescribeCluster) and a bearer token made here, the way
 * aws-iam-authenticator and `aws eks get-token` make theirs: a presigned STS GetCallerIdentity URL whose
 * signature covers the header `x-k8s-aws-id: <cluster>`, base64url-encoded behind `k8s-aws-v1.`.
 * EKS accepts such a token for 15 minutes, so a long apply rewrites the kubeconfig with a fresh one.
 */
import * as core from '../runner.js'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AwsCredentialIdentity } from '@aws-sdk/types'
import { stringify } from 'yaml'
import { ActionFailure } from '../outcome.js'
import { sessionCredentials, type AwsSession } from './clients.js'
import type { ClusterFacts } from './cluster.js'
import { dnsSuffixOf } from './regions.js'

export const TOKEN_PREFIX = 'k8s-aws-v1.'
/** The header whose signed value binds a token to one cluster. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id'
/** What the presigned URL says; EKS itself honours a token for 15 minutes after its X-Amz-Date. */
export const PRESIGN_EXPIRES_SECONDS = 60
/** Rewrite the kubeconfig this often: well inside the 15 minutes, as `aws eks get-token` (14) does. */
export const TOKEN_REFRESH_MS = 10 * 60 * 1000

export interface TokenOptions {
  clusterName: string
  region: string
  partition?: string
  credentials: AwsCredentialIdentity
  /** The signing time (tests); now by default. */
  now?: Date
}

/** The STS host that signs tokens for a region. */
export function stsHost(region: string, partition = 'aws'): string {
  return `sts.${region}.${dnsSuffixOf(partition)}`
}

/** RFC 3986 encoding, as SigV4 canonicalises query values. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The presigned GetCallerIdentity URL a token carries. */
export async function presignedCallerIdentityUrl(opts: TokenOptions): Promise<string> {
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@aws-crypto/sha256-js'),
  ])
  const host = stsHost(opts.region, opts.partition)
  const signer = new SignatureV4({
    service: 'sts',
    region: opts.region,
    credentials: opts.credentials,
    sha256: Sha256,
    uriEscapePath: true,
  })
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host, [CLUSTER_ID_HEADER]: opts.clusterName },
    },
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: opts.now },
  )
  const query = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${rfc3986(k)}=${rfc3986(String(one))}`))
    .sort()
    .join('&')
  return `https://${host}/?${query}`
}

/** A bearer token for the EKS API server of `clusterName`. */
export async function eksToken(opts: TokenOptions): Promise<string> {
  const url = await presignedCallerIdentityUrl(opts)
  return TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url')
}

/** The URL inside a token (for tests and diagnostics). */
export function decodeToken(token: string): URL {
  if (!token.startsWith(TOKEN_PREFIX)) throw new Error(`not an EKS token: it does not start with ${TOKEN_PREFIX}`)
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'))
}

/** A kubeconfig (YAML text) for one cluster with a bearer token. */
export function kubeconfigText(
  cluster: Pick<ClusterFacts, 'name' | 'arn' | 'endpoint' | 'certificateAuthority'>,
  token: string,
): string {
  const name = cluster.arn || cluster.name
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name, cluster: { server: cluster.endpoint, 'certificate-authority-data': cluster.certificateAuthority } },
    ],
    users: [{ name: 'karpenter-action', user: { token } }],
    contexts: [{ name: cluster.name, context: { cluster: name, user: 'karpenter-action' } }],
    'current-context': cluster.name,
  })
}

export interface EksKubeconfig {
  /** The kubeconfig file (mode 0600) helm and kubectl are given. */
  path: string
  /** Writes a fresh token now. */
  refresh(): Promise<void>
  /** Stops the renewal and deletes the file. */
  close(): void
}

export interface EksKubeconfigOptions {
  session: AwsSession
  cluster: ClusterFacts
  /** Folder for the file; RUNNER_TEMP or the system's temporary folder by default. */
  dir?: string
  refreshMs?: number
}

/**
 * Writes a kubeconfig for the cluster and keeps its token fresh (a timer that does not keep the process
 * alive) until close(). Each token is masked in the log before it is written.
 */
export async function eksKubeconfig(opts: EksKubeconfigOptions): Promise<EksKubeconfig> {
  const { cluster, session } = opts
  if (!cluster.endpoint || !cluster.certificateAuthority) {
    throw new ActionFailure(
      'preflight',
      `EKS reports no API endpoint or certificate for ${cluster.name}: cannot reach it. Fix: give the action a \`kubeconfig\` input.`,
    )
  }
  const dir = mkdtempSync(join(opts.dir ?? process.env.RUNNER_TEMP ?? tmpdir(), 'karpenter-action-'))
  const path = join(dir, 'kubeconfig')
  const refresh = async () => {
    const token = await eksToken({
      clusterName: cluster.name,
      region: session.region,
      partition: session.partition,
      credentials: await sessionCredentials(session),
    })
    core.setSecret(token)
    const tmp = `${path}.tmp`
    writeFileSync(tmp, kubeconfigText(cluster, token), { mode: 0o600 })
    renameSync(tmp, path) // a kubectl starting meanwhile reads the old file or the new one, never half of one
  }
  await refresh()
  const timer = setInterval(() => {
    refresh().catch((e: unknown) =>
      core.warning(`could not renew the EKS token: ${e instanceof Error ? e.message : String(e)}`),
    )
  }, opts.refreshMs ?? TOKEN_REFRESH_MS)
  timer.unref()
  return {
    path,
    refresh,
    close: () => {
      clearInterval(timer)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
