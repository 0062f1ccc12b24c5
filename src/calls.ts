/**
 * What a run asked of the outside world: AWS calls, Kubernetes API requests, helm and kubectl processes. Nothing is
 * recorded unless a recorder is installed: the benchmark installs one (through KARPENTER_ACTION_CALL_LOG for
 * `node dist/index.js`, or directly for the in-process benches) and tests do, to count what a plan or a no-op apply
 * did. The AWS client factory and the Kubernetes client are handed the recorder; there is no global log.
 */
import { writeFileSync } from 'node:fs'

export interface AwsCall {
  service: string
  command: string
  /** Anything but Get/List/Describe/Head/Lookup. */
  mutating: boolean
  /** The request of a read (names and ids), for replaying a plan's reads. */
  input?: unknown
}

export interface ApiRequest {
  method: string
  path: string
  status: number
  /** A write the API server stored (dry runs are not). */
  mutating: boolean
  /** How many times the API server answered 429 before this answer. */
  throttled: number
}

export interface ProcessRun {
  tool: string
  args: string[]
}

export interface CallRecorder {
  awsCall(call: AwsCall): void
  apiRequest(request: ApiRequest): void
  process(run: ProcessRun): void
}

/** A recorder that keeps everything in memory, in order. */
export class CallLog implements CallRecorder {
  readonly aws: AwsCall[] = []
  readonly kube: ApiRequest[] = []
  readonly processes: ProcessRun[] = []

  awsCall(call: AwsCall): void {
    this.aws.push(call)
  }
  apiRequest(request: ApiRequest): void {
    this.kube.push(request)
  }
  process(run: ProcessRun): void {
    this.processes.push(run)
  }

  /** Where each list stands now, to look at what came after with since(). */
  mark(): { aws: number; kube: number; processes: number } {
    return { aws: this.aws.length, kube: this.kube.length, processes: this.processes.length }
  }

  since(mark: { aws: number; kube: number; processes: number }) {
    return {
      aws: this.aws.slice(mark.aws),
      kube: this.kube.slice(mark.kube),
      processes: this.processes.slice(mark.processes),
    }
  }
}

/** The environment variable naming the file a run writes its call log to when it ends (the benchmark sets it). */
export const CALL_LOG_ENV = 'KARPENTER_ACTION_CALL_LOG'

/** A CallLog when the environment asks for one, with the way to save it. */
export function callLogFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): { log: CallLog; save(): void } | undefined {
  const file = env[CALL_LOG_ENV]
  if (!file) return undefined
  const log = new CallLog()
  return {
    log,
    save: () => writeFileSync(file, JSON.stringify({ aws: log.aws, kube: log.kube, processes: log.processes })),
  }
}
