/**
 * Reader baseline: bbc's sqs-consumer with its usual settings (batchSize 10,
 * one handleMessage per message, deleted one by one when it resolves) and the
 * same simulated task as `sqsdemo work --work-ms`: wait `workMs`, succeed.
 * Prints `ready`, `stats` every second and `stopped` (processed, SQS calls).
 *
 *   sqs-consumer-reader.ts <endpoint> <queueUrl> <workMs>
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer } from 'sqs-consumer';
import { resolveSqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { emit } from './http-common.js';

const [endpoint, queueUrl, workMsText] = process.argv.slice(2);
if (!endpoint || !queueUrl || workMsText === undefined) throw new Error('usage: sqs-consumer-reader.ts <endpoint> <queueUrl> <workMs>');
const workMs = Number(workMsText);
const client = createSqsClient(resolveSqsConfig({ endpoint }, {}), { maxSockets: 64 });
let sqsCalls = 0;
client.middlewareStack.add(
  (next) => async (args) => {
    sqsCalls++;
    return next(args);
  },
  { step: 'deserialize', name: 'benchCallCounter' },
);

let processed = 0;
let errors = 0;
const consumer = Consumer.create({
  queueUrl,
  sqs: client,
  batchSize: 10,
  handleMessage: async (message) => {
    await sleep(workMs);
    return message;
  },
});
consumer.on('message_processed', () => processed++);
consumer.on('error', () => errors++);
consumer.on('processing_error', () => errors++);

consumer.start();
emit({ type: 'ready', name: 'sqs-consumer' });
const timer = setInterval(() => emit({ type: 'stats', processed, sqsCalls, errors }), 1_000);

const stop = (): void => {
  clearInterval(timer);
  consumer.stop({ abort: true });
  emit({ type: 'stopped', processed, sqsCalls, errors });
  client.destroy();
  process.stdout.write('', () => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
