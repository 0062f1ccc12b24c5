// What aws-actions/configure-aws-credentials does for `role-to-assume` with GitHub OIDC, step by step, written here
// for the bench (its code is not ours to ship): the runner's ID token through @actions/core, one STS
// AssumeRoleWithWebIdentity with the SDK, the keys masked and exported, then the credentials checked with
// GetCallerIdentity. The bench bundles it with ncc, as that action ships, and times the whole process.
import * as core from '@actions/core'
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'

const region = process.env.AWS_REGION
const token = await core.getIDToken('sts.amazonaws.com')
const sts = new STSClient({ region })
const { Credentials: c } = await sts.send(
  new AssumeRoleWithWebIdentityCommand({
    RoleArn: process.env.BENCH_ROLE_ARN,
    RoleSessionName: 'GitHubActions',
    WebIdentityToken: token,
    DurationSeconds: 3600,
  }),
)
for (const v of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken]) core.setSecret(v)
core.exportVariable('AWS_ACCESS_KEY_ID', c.AccessKeyId)
core.exportVariable('AWS_SECRET_ACCESS_KEY', c.SecretAccessKey)
core.exportVariable('AWS_SESSION_TOKEN', c.SessionToken)
const checked = new STSClient({
  region,
  credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
})
const { Account } = await checked.send(new GetCallerIdentityCommand({}))
core.setOutput('aws-account-id', Account)
console.log('credentials in hand')
