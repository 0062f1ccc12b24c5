/**
 * The state record at `state.key`: what the last apply or destroy did (plan id, resources and their results,
 * versions, who, when), with a short history of the ones before. Written after every apply or destroy that
 * changed something, under the lock. It holds names, actions and outputs (ARNs, names); never field values.
 */
import * as core from '../runner.js'
import type { S3Client } from '@aws-sdk/client-s3'
import { describeAwsError } from '../aws/calls.js'
import type { ActionFailure } from '../outcome.js'
import type { ChangeResult, Plan, PlanSummary } from '../plan/types.js'
import { explainS3Error, isMissing, s3Url, type LockHolder, type StateLocation } from './lock.js'

/** How many earlier applies the record keeps, newest first. */
export const HISTORY_LENGTH = 20
const MAX_ERROR_CHARS = 500

export interface AppliedResource {
  id: string
  kind: string
  name: string
  action: string
  status: ChangeResult['status']
  durationMs: number
  /** Field paths the change touched (never their values). */
  fields?: string[]
  error?: string
}

export interface AppliedEntry {
  planId: string
  mode: string
  outcome: 'applied' | 'failed'
  /** ISO 8601, when the record was written. */
  at: string
  who: string
  runUrl?: string
  commit?: string
  /** e.g. `{ karpenter: '1.14.1', action: '1.0.0' }` */
  versions: Record<string, string>
  summary: PlanSummary
  resources: AppliedResource[]
}

export interface StateRecord {
  formatVersion: 1
  cluster: string
  region: string
  last: AppliedEntry
  /** Earlier entries, newest first, without their resource lists. */
  history: Omit<AppliedEntry, 'resources'>[]
  /** The action's outputs after the last apply (role ARNs, names). */
  outputs: Record<string, string>
}

export interface RecordInput {
  plan: Plan
  planId: string
  results: ChangeResult[]
  /** Who and which run: the lock's holder. */
  holder: Pick<LockHolder, 'who' | 'runUrl' | 'commit'>
  versions: Record<string, string>
  now?: Date
}

export function buildRecord(input: RecordInput, previous?: StateRecord): StateRecord {
  const { plan, results } = input
  const byId = new Map(plan.changes.map((c) => [c.id, c]))
  const resources: AppliedResource[] = results.map((r) => {
    const c = byId.get(r.id)
    const fields = c?.fields.map((f) => f.path) ?? []
    return {
      id: r.id,
      kind: c?.kind ?? '',
      name: c?.name ?? '',
      action: r.action,
      status: r.status,
      durationMs: r.durationMs,
      ...(fields.length ? { fields } : {}),
      ...(r.error ? { error: r.error.slice(0, MAX_ERROR_CHARS) } : {}),
    }
  })
  const last: AppliedEntry = JSON.parse(
    JSON.stringify({
      planId: input.planId,
      mode: plan.mode,
      outcome: results.some((r) => r.status === 'failed') ? 'failed' : 'applied',
      at: (input.now ?? new Date()).toISOString(),
      who: input.holder.who,
      runUrl: input.holder.runUrl,
      commit: input.holder.commit,
      versions: input.versions,
      summary: plan.summary,
      resources,
    }),
  ) as AppliedEntry
  const earlier = previous?.last ? [withoutResources(previous.last), ...(previous.history ?? [])] : []
  return {
    formatVersion: 1,
    cluster: plan.cluster,
    region: plan.region,
    last,
    history: earlier.slice(0, HISTORY_LENGTH),
    outputs: plan.outputs,
  }
}

function withoutResources(entry: AppliedEntry): Omit<AppliedEntry, 'resources'> {
  const { resources: _, ...rest } = entry
  return rest
}

/** The record at `state.key`, or undefined when there is none yet (or it is not one this action wrote). */
export async function readRecord(s3: S3Client, location: StateLocation): Promise<StateRecord | undefined> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3')
  let text: string
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }))
    text = (await got.Body?.transformToString('utf8')) ?? ''
  } catch (e) {
    if (isMissing(e)) return undefined
    throw explainS3Error(e, location, location.key, 'read')
  }
  try {
    const data = JSON.parse(text) as StateRecord
    if (data?.formatVersion === 1 && data.last) return data
  } catch {
    // fall through
  }
  core.warning(`${s3Url(location)} is not a state record this action wrote; it will be replaced by a new one`)
  return undefined
}

/**
 * Writes the record of this apply (keeping the history of the earlier ones). The cluster is already changed when
 * this runs, so a failure here is a warning naming the cause, not a failed run. Returns whether it was written.
 */
export async function writeRecord(s3: S3Client, location: StateLocation, input: RecordInput): Promise<boolean> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3')
  try {
    const previous = await readRecord(s3, location)
    const record = buildRecord(input, previous)
    await s3.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: `${JSON.stringify(record, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    )
    core.info(`State record written: ${s3Url(location)} (plan ${input.planId}, ${record.last.outcome})`)
    return true
  } catch (e) {
    const why = (e as ActionFailure)?.reason === 'state' ? (e as Error).message : describeAwsError(e)
    core.warning(`The state record ${s3Url(location)} could not be written: ${why}`)
    return false
  }
}
