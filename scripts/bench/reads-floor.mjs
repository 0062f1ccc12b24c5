// The reads floor of a plan with nothing to change: every read the action's plan made (its call log, written with
// KARPENTER_ACTION_CALL_LOG), done again one after the other by the plainest means: one SDK client per service and
// one HTTPS connection to the API server with the sandbox's admin certificate. No config, no diff, no report.
//   node reads-floor.mjs <call-log.json>        (the bench bundles this file with ncc and runs the bundle)
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { STSClient } from '@aws-sdk/client-sts'
import * as sts from '@aws-sdk/client-sts'
import * as iam from '@aws-sdk/client-iam'
import * as ec2 from '@aws-sdk/client-ec2'
import * as eks from '@aws-sdk/client-eks'
import * as sqs from '@aws-sdk/client-sqs'
import * as events from '@aws-sdk/client-eventbridge'
import * as s3 from '@aws-sdk/client-s3'
import { parse } from 'yaml'

const log = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const modules = {
  sts: [sts, STSClient],
  iam: [iam, iam.IAMClient],
  ec2: [ec2, ec2.EC2Client],
  eks: [eks, eks.EKSClient],
  sqs: [sqs, sqs.SQSClient],
  events: [events, events.EventBridgeClient],
  s3: [s3, s3.S3Client],
}
const clients = {}
let aws = 0
for (const call of log.aws) {
  if (call.mutating) continue
  const [mod, Client] = modules[call.service]
  clients[call.service] ??= new Client({ region: process.env.AWS_REGION, forcePathStyle: call.service === 's3' })
  const Command = mod[`${call.command}Command`]
  // A read that finds nothing (404, NoSuchEntity) is a read all the same.
  await clients[call.service].send(new Command(call.input ?? {})).catch(() => undefined)
  aws++
}

const kc = parse(readFileSync(process.env.KUBECONFIG, 'utf8'))
const b64 = (s) => Buffer.from(s, 'base64')
const server = new URL(kc.clusters[0].cluster.server)
const agent = new Agent({
  keepAlive: true,
  ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
  cert: b64(kc.users[0].user['client-certificate-data']),
  key: b64(kc.users[0].user['client-key-data']),
})
const get = (path) =>
  new Promise((resolve, reject) => {
    const req = request({ host: server.hostname, port: server.port, path, agent, method: 'GET' }, (res) => {
      res.on('data', () => {}).on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject).end()
  })
let kube = 0
for (const r of log.kube) {
  if (r.method !== 'GET') continue
  await get(r.path)
  kube++
}
agent.destroy()
console.log(JSON.stringify({ aws, kube, skipped: log.kube.length - kube }))
