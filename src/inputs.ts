import { regionProblem } from './aws/regions.js'
import { parseApplyRequires, type ApplyRequirement } from './github/apply-requires.js'
import { ActionFailure } from './outcome.js'
import { oneLine } from './report/escape.js'
import type { Mode } from './plan/types.js'
import type { BreakLock } from './state/lock.js'
import { getInput, setSecret } from './runner.js'

export interface Inputs {
  mode: Mode
  config: string
  roleToAssume: string
  awsRegion: string
  audience: string
  githubToken: string
  comment: 'auto' | 'always' | 'never'
  prNumber?: number
  /** What the pull request must satisfy before an apply or destroy with `pr-number` (`apply-requires`). */
  applyRequires: ApplyRequirement[]
  kubeconfig: string
  breakLock: BreakLock
}

/** An input of the action that cannot be used (reason `config`). */
export class InputError extends ActionFailure {
  constructor(message: string) {
    super('config', message)
    this.name = 'InputError'
  }
}

/** An input's value in a message: on one line, and cut when long. */
function shown(value: string): string {
  return oneLine(value.length > 80 ? `${value.slice(0, 80)}...` : value)
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(`input \`${name}\` is "${shown(value)}"; it must be one of ${allowed.join(', ')}`)
}

/** Reads and checks the action's inputs (INPUT_* variables). */
export function readInputs(): Inputs {
  const get = (name: string, fallback = '') => getInput(name) || fallback
  const pr = get('pr-number')
  if (pr && !/^[1-9][0-9]{0,9}$/.test(pr))
    throw new InputError(
      `input \`pr-number\` is "${shown(pr)}"; it must be a pull request number (digits only, at most 10, e.g. 42)`,
    )
  const token = get('github-token')
  if (token) setSecret(token)
  const role = get('role-to-assume')
  if (role && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/([\x21-\x7e]{1,510}\/)?[\w+=,.@-]{1,64}$/.test(role)) {
    throw new InputError(
      `input \`role-to-assume\` is "${shown(role)}"; it must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    )
  }
  const region = get('aws-region')
  const badRegion = region ? regionProblem(region) : undefined
  if (badRegion) throw new InputError(`input \`aws-region\`: ${badRegion}`)
  const breakLock = get('break-lock', 'false')
  const mode = oneOf('mode', get('mode', 'plan'), ['plan', 'apply', 'destroy'] as const)
  // A plan applies nothing: the requirements are only checked for their spelling there.
  const requires = parseApplyRequires(get('apply-requires'), mode === 'plan' || pr !== '')
  if ('problem' in requires) throw new InputError(requires.problem)
  return {
    mode,
    config: get('config', '.github/karpenter.yaml'),
    roleToAssume: role,
    awsRegion: region,
    audience: get('audience', 'sts.amazonaws.com'),
    githubToken: token,
    comment: oneOf('comment', get('comment', 'auto'), ['auto', 'always', 'never'] as const),
    prNumber: pr ? Number(pr) : undefined,
    applyRequires: mode === 'plan' ? [] : requires.requires,
    kubeconfig: get('kubeconfig'),
    breakLock: { true: true, false: false, force: 'force' as const }[
      oneOf('break-lock', breakLock, ['true', 'false', 'force'] as const)
    ],
  }
}

/** The kubeconfig given to the action: the `kubeconfig` input, else KUBECONFIG; undefined: make one for EKS. */
export function givenKubeconfig(
  inputs: Pick<Inputs, 'kubeconfig'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return inputs.kubeconfig || env.KUBECONFIG || undefined
}
