/**
 * A scripted SQS endpoint (AWS JSON 1.0, what @aws-sdk/client-sqs speaks) for
 * what no real engine does on demand: per-entry Failed[] answers and throttling.
 * Only GetQueueUrl, GetQueueAttributes and SendMessageBatch. Real sockets, real SDK.
 *
 * SendMessageBatch entries are answered by their body's prefix:
 *   "sender-fault:..."  Failed, SenderFault=true, InvalidMessageContents
 *   "server-fault:..."  Failed, SenderFault=false, InternalError (the first `serverFaults` times)
 *   anything else       Successful; the body is kept in `accepted`
 * With `throttle` set, every SendMessageBatch is refused whole (HTTP 400 RequestThrottled).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSqs {
  readonly url: string;
  readonly queueUrl: string;
  /** MessageId -> body of every message "enqueued". */
  readonly accepted: Map<string, string>;
  /** Entries per SendMessageBatch call, in order. */
  readonly batches: number[];
  throttle: boolean;
  /** How many times a "server-fault:" entry fails before it succeeds (default 1). */
  serverFaults: number;
  stop(): Promise<void>;
}

interface Entry {
  Id: string;
  MessageBody: string;
}

export async function startFakeSqs(): Promise<FakeSqs> {
  const failures = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Entries?: Entry[] };
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      if (action === 'GetQueueUrl') return reply(200, { QueueUrl: fake.queueUrl });
      if (action === 'GetQueueAttributes') return reply(200, { Attributes: { MaximumMessageSize: '262144' } });
      if (action !== 'SendMessageBatch') return reply(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: action });
      if (fake.throttle) return reply(400, { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Rate exceeded' });
      const entries = input.Entries ?? [];
      fake.batches.push(entries.length);
      const Successful: unknown[] = [];
      const Failed: unknown[] = [];
      for (const e of entries) {
        if (e.MessageBody.startsWith('sender-fault:')) {
          Failed.push({ Id: e.Id, SenderFault: true, Code: 'InvalidMessageContents', Message: 'Invalid binary character' });
          continue;
        }
        if (e.MessageBody.startsWith('server-fault:')) {
          const seen = failures.get(e.MessageBody) ?? 0;
          failures.set(e.MessageBody, seen + 1);
          if (seen < fake.serverFaults) {
            Failed.push({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' });
            continue;
          }
        }
        const MessageId = randomUUID();
        fake.accepted.set(MessageId, e.MessageBody);
        Successful.push({ Id: e.Id, MessageId, MD5OfMessageBody: createHash('md5').update(e.MessageBody, 'utf8').digest('hex') });
      }
      reply(200, { Successful, Failed });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeSqs = {
    url,
    queueUrl: `${url}/000000000000/fake`,
    accepted: new Map(),
    batches: [],
    throttle: false,
    serverFaults: 1,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
