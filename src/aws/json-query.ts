/**
 * The SQS and EventBridge reads a plan makes, as signed JSON-protocol requests of our own (src/aws/signed-call.ts):
 * a POST of the input as JSON with the operation in X-Amz-Target, answered with the output as JSON, the names the
 * SDK's output keeps. The writes of an apply still go through the SDK's clients. Errors carry the service's error
 * code as `name` (QueueDoesNotExist, ResourceNotFoundException...) and the HTTP status in `$metadata`, as SDK errors
 * do. Checked beside the SDK on moto in test/integration/aws-reads.test.ts.
 */
import { AwsHttpError } from './calls.js'
import type { AwsSession } from './clients.js'
import { jsonRefusal, signedCall, type ServiceId } from './signed-call.js'

/** The service's refusal (its error code as `name`), or a failed exchange. */
export class JsonServiceError extends AwsHttpError {}

interface JsonService extends ServiceId {
  /** X-Amz-Target's prefix (AmazonSQS, AWSEvents). */
  target: string
  /** The protocol's content type version (1.0 for SQS, 1.1 for EventBridge). */
  version: '1.0' | '1.1'
}

const SQS: JsonService = { endpointId: 'SQS', name: 'sqs', target: 'AmazonSQS', version: '1.0' }
const EVENTS: JsonService = { endpointId: 'EVENTBRIDGE', name: 'events', target: 'AWSEvents', version: '1.1' }

async function jsonCall<T>(session: AwsSession, service: JsonService, command: string, input: object): Promise<T> {
  return signedCall(
    session,
    service,
    {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': `application/x-amz-json-${service.version}`,
        'x-amz-target': `${service.target}.${command}`,
      },
      body: JSON.stringify(input),
      command,
      input,
    },
    (answer) => {
      const refused = jsonRefusal(answer, command, JsonServiceError, 'ThrottlingException')
      if (refused) throw refused
      try {
        return JSON.parse(answer.body || '{}') as T
      } catch {
        throw new JsonServiceError('InvalidResponse', `${command} was answered with something that is not JSON`, {
          httpStatusCode: answer.status,
        })
      }
    },
    JsonServiceError,
  )
}

export interface EventRuleListed {
  Name?: string
  Arn?: string
  EventPattern?: string
  State?: string
  Description?: string
  ScheduleExpression?: string
  EventBusName?: string
}

export const sqsReads = {
  getQueueUrl: (session: AwsSession, input: { QueueName: string }) =>
    jsonCall<{ QueueUrl?: string }>(session, SQS, 'GetQueueUrl', input),
  getQueueAttributes: (session: AwsSession, input: { QueueUrl: string; AttributeNames: string[] }) =>
    jsonCall<{ Attributes?: Record<string, string> }>(session, SQS, 'GetQueueAttributes', input),
  listQueueTags: (session: AwsSession, input: { QueueUrl: string }) =>
    jsonCall<{ Tags?: Record<string, string> }>(session, SQS, 'ListQueueTags', input),
}

export const eventReads = {
  listRules: (session: AwsSession, input: { NamePrefix?: string; NextToken?: string }) =>
    jsonCall<{ Rules?: EventRuleListed[]; NextToken?: string }>(session, EVENTS, 'ListRules', input),
  listRuleNamesByTarget: (session: AwsSession, input: { TargetArn: string; NextToken?: string }) =>
    jsonCall<{ RuleNames?: string[]; NextToken?: string }>(session, EVENTS, 'ListRuleNamesByTarget', input),
  listTagsForResource: (session: AwsSession, input: { ResourceARN: string }) =>
    jsonCall<{ Tags?: { Key?: string; Value?: string }[] }>(session, EVENTS, 'ListTagsForResource', input),
}
