/**
 * A run as a child process, for the signal test (test/integration/session-signal.test.ts): opens a session on the
 * sandbox without a kubeconfig (so it makes the EKS one, holding a token), takes the state lock, starts a helm command
 * and tells the parent on stdout. The parent then sends SIGTERM. Reads KA_CHILD_LOCATION (JSON StateLocation).
 */
import { environmentSession } from '../../src/aws/credentials.js'
import { parseConfig } from '../../src/config/load.js'
import { openSession } from '../../src/session.js'

const location = JSON.parse(process.env.KA_CHILD_LOCATION ?? '{}')
const config = parseConfig(process.env.KA_CHILD_CONFIG ?? '', 'child.yaml')
const session = await openSession({ config, aws: environmentSession(config.cluster.region) })
await session.takeLock(location, { operation: 'apply', cluster: config.cluster.name })
const helm = session.kube.helm(['upgrade', 'karpenter', '--install']).catch((e: unknown) => e)
process.stdout.write(`KUBECONFIG=${session.kube.kubeconfig}\nHELM STARTED\n`)
await helm
// The signal came meanwhile: no further helm starts.
const next = await session.kube.helm(['uninstall', 'karpenter']).then(
  () => 'ran',
  (e: unknown) => (e as Error).message,
)
process.stdout.write(`NEXT HELM: ${next}\n`)
// The parent's signal ends the process; were it ignored, this keeps it alive long enough to be noticed.
await new Promise((resolve) => setTimeout(resolve, 60_000))
