/**
 * Writer baseline (b), what most tutorials do: one SendMessage per HTTP
 * request, answered when SQS has it. Same client factory (keep-alive sockets)
 * as sqsdemo, so only the batching differs.
 *
 *   plain-writer.ts <endpoint> <queueUrl>
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { resolveSqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { serveBaseline, type Counters } from './http-common.js';

const [endpoint, queueUrl] = process.argv.slice(2);
if (!endpoint || !queueUrl) throw new Error('usage: plain-writer.ts <endpoint> <queueUrl>');
const client = createSqsClient(resolveSqsConfig({ endpoint }, {}), { maxSockets: 64 });
const counters: Counters = { enqueued: 0, sqsCalls: 0, responses: {} };
await serveBaseline('plain writer', async (text) => {
  counters.sqsCalls++;
  const out = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: text }));
  return out.MessageId ?? '';
}, counters, () => client.destroy());
