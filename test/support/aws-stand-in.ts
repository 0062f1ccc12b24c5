/**
 * A local stand-in for an AWS endpoint, for the unit tests of the action's own signed calls: it records every request
 * it receives and gives the answers set for the test, in order (the last one repeats). Registers its own jest hooks:
 * listening before the suite, closing after it, forgetting requests, answers and environment changes after each test.
 */
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Seen {
  method?: string
  url?: string
  headers: IncomingMessage['headers']
  body: string
}

export interface StandInAnswer {
  status: number
  body: string
  /** Content type (text/xml by default). */
  type?: string
}

export interface StandIn {
  /** Its URL (http://127.0.0.1:<port>/), set once the suite has started. */
  url: string
  /** The requests received since the test began. */
  seen: Seen[]
  /** The answers to give, in order (the last one repeats). */
  answers: StandInAnswer[]
}

export function awsStandIn(): StandIn {
  const stand: StandIn = { url: '', seen: [], answers: [] }
  const savedEnv = { ...process.env }
  let server: Server
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        stand.seen.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        })
        const answer = stand.answers.length > 1 ? stand.answers.shift()! : stand.answers[0]
        res.writeHead(answer.status, { 'content-type': answer.type ?? 'text/xml' }).end(answer.body)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    stand.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))
  afterEach(() => {
    stand.seen = []
    stand.answers = []
    process.env = { ...savedEnv }
  })
  return stand
}
