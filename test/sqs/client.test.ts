import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../src/sqs/client.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';

describe('createSqsClient with cacheMiddleware', { timeout: 60_000 }, () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });

  for (const sqsClient of ['lean', 'sdk'] as const) it(`still cancels a long poll when the caller aborts its per-call signal (--sqs-client ${sqsClient})`, async () => {
    const client = createSqsClient(sqs.config, { cacheMiddleware: true, sqsClient });
    try {
      const controller = new AbortController();
      // 20 s long poll on an empty queue: only the abort can end it before the test's timeout.
      const receive = client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, WaitTimeSeconds: 20 }), { abortSignal: controller.signal });
      controller.abort();
      await assert.rejects(receive, (err: Error) => err.name === 'AbortError');
      // A later message is not swallowed by the abandoned poll: it is there for the next receive.
      await client.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: [{ Id: '0', MessageBody: 'after the abort' }] }));
      const out = await client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }), { abortSignal: new AbortController().signal });
      assert.deepEqual(out.Messages?.map((m) => m.Body), ['after the abort']);
      const del = await client.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: out.Messages!.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      assert.equal(del.Successful?.length, 1);
    } finally {
      client.destroy();
    }
  });

  it('reuses the resolved middleware stack for calls that pass only an abortSignal (the reader does on every receive)', async () => {
    const client = createSqsClient(sqs.config, { cacheMiddleware: true, sqsClient: 'sdk' });
    try {
      const receive = () => client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, WaitTimeSeconds: 0 }), { abortSignal: new AbortController().signal });
      await receive();
      // A stack resolved anew would run this middleware; the cached one (resolved before it was added) does not.
      let seen = 0;
      client.middlewareStack.add((next) => (args) => {
        seen++;
        return next(args);
      }, { step: 'initialize', name: 'countResolutions' });
      await receive();
      await receive();
      assert.equal(seen, 0);
    } finally {
      client.destroy();
    }
  });

  it('passes other per-call options to the SDK as they are', async () => {
    const client = createSqsClient(sqs.config, { cacheMiddleware: true, sqsClient: 'sdk' });
    try {
      // The callback form is not rewritten: it answers through the callback.
      const out = await new Promise<unknown>((resolve, reject) =>
        client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, WaitTimeSeconds: 0 }), {}, (err: unknown, data: unknown) => (err ? reject(err) : resolve(data))));
      assert.ok(out && typeof out === 'object');
    } finally {
      client.destroy();
    }
  });
});
