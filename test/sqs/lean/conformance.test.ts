/**
 * Conformance: each call the lean path makes gives the same output and the
 * same error as the plain SDK path against the same engine (ids, receipt
 * handles, request ids and timestamps aside). Runs against the local endpoint,
 * or against any engine named by SQSDEMO_TEST_ENDPOINT (CI runs it against moto).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../../src/sqs/client.js';
import type { SqsClientKind } from '../../../src/config.js';
import { startTestSqs, type TestSqs } from '../../helpers/sqs.js';
import { errorView, stable } from './views.js';

const KINDS: readonly SqsClientKind[] = ['lean', 'sdk'];
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { output: stable(await call()) };
  } catch (err) {
    return { error: errorView(err) };
  }
}

function byBody(messages: Message[] | undefined): Message[] {
  return [...(messages ?? [])].sort((a, b) => (a.Body ?? '').localeCompare(b.Body ?? ''));
}

for (const fifo of [false, true]) {
  describe(`lean and SDK paths answer alike (${fifo ? 'FIFO' : 'standard'} queue)`, { timeout: 120_000 }, () => {
    let sqs: TestSqs;
    const clients = new Map<SqsClientKind, SQSClient>();
    before(async () => {
      sqs = await startTestSqs({ fifo });
      for (const kind of KINDS) clients.set(kind, createSqsClient(sqs.config, { sqsClient: kind, maxAttempts: 1 }));
    });
    after(async () => {
      for (const c of clients.values()) c.destroy();
      await sqs?.stop();
    });

    /** The same call through both paths: their outcomes must be equal; returns the lean one. */
    async function same(call: (client: SQSClient, kind: SqsClientKind) => Promise<unknown>): Promise<unknown> {
      const results: unknown[] = [];
      for (const kind of KINDS) results.push(await outcome(() => call(clients.get(kind)!, kind)));
      assert.deepEqual(results[0], results[1]);
      return results[0];
    }

    const entry = (kind: string, i: number, body: string) => ({
      Id: `e${i}`,
      MessageBody: body,
      MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) }, b: { DataType: 'Binary', BinaryValue: new Uint8Array([i, 255, 0]) } },
      ...(fifo ? { MessageGroupId: `g${i % 2}`, MessageDeduplicationId: `${kind}-${i}-${Date.now()}` } : {}),
    });

    it('SendMessageBatch, ReceiveMessage, ChangeMessageVisibilityBatch and DeleteMessageBatch: same outputs, partial failures included', async () => {
      // Each path sends, receives, changes visibility and deletes three messages; the outcomes must match.
      const views: unknown[] = [];
      for (const kind of KINDS) {
        const client = clients.get(kind)!;
        const sent = await client.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: [0, 1, 2].map((i) => entry(kind, i, `body ${i} ü€`)) }));
        assert.equal(sent.Successful?.length, 3, `${kind}: ${JSON.stringify(sent.Failed)}`);
        const got: Message[] = [];
        for (let i = 0; i < 20 && got.length < 3; i++) {
          const out = await client.send(new ReceiveMessageCommand({
            QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 3 - got.length, WaitTimeSeconds: 1, VisibilityTimeout: 30,
            MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
          }));
          got.push(...(out.Messages ?? []));
          assert.equal(typeof out.$metadata.requestId, 'string');
          assert.equal(out.$metadata.attempts, 1);
        }
        const messages = byBody(got);
        const changed = await client.send(new ChangeMessageVisibilityBatchCommand({
          QueueUrl: sqs.queueUrl,
          Entries: [{ Id: 'ok', ReceiptHandle: messages[0]!.ReceiptHandle!, VisibilityTimeout: 30 }, { Id: 'bad', ReceiptHandle: 'not-a-receipt-handle', VisibilityTimeout: 30 }],
        }));
        const deleted = await client.send(new DeleteMessageBatchCommand({
          QueueUrl: sqs.queueUrl,
          Entries: [...messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })), { Id: 'bad', ReceiptHandle: 'not-a-receipt-handle' }],
        }));
        views.push(stable({ sent, messages: messages.map((m) => ({ ...m, Attributes: Object.keys(m.Attributes ?? {}).sort() })), changed, deleted }));
      }
      assert.deepEqual(views[0], views[1]);
      assert.equal((views[0] as { messages: unknown[] }).messages.length, 3);
    });

    it('SendMessageBatch outputs match entry for entry (MD5s, attributes, failures)', async () => {
      await same((client, kind) => client.send(new SendMessageBatchCommand({
        QueueUrl: sqs.queueUrl,
        Entries: [entry(kind, 7, 'seven'), { ...entry(kind, 8, 'eight'), Id: 'bad', DelaySeconds: fifo ? undefined : 901 }],
      })));
      // Drain what was sent so later tests start empty.
      for (const kind of KINDS) {
        const client = clients.get(kind)!;
        for (let i = 0; i < 10; i++) {
          const out = await client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
          if (!out.Messages?.length) break;
          await client.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: out.Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) }));
        }
      }
    });

    it('same errors: missing queue, empty batch, too many entries, a batch too long, duplicate ids', async () => {
      const missing = `${sqs.queueUrl}_missing`;
      const cases: Array<[string, (client: SQSClient, kind: SqsClientKind) => Promise<unknown>]> = [
        ['send to a missing queue', (c, k) => c.send(new SendMessageBatchCommand({ QueueUrl: missing, Entries: [entry(k, 0, 'x')] }))],
        ['receive from a missing queue', (c) => c.send(new ReceiveMessageCommand({ QueueUrl: missing, WaitTimeSeconds: 0 }))],
        ['delete on a missing queue', (c) => c.send(new DeleteMessageBatchCommand({ QueueUrl: missing, Entries: [{ Id: '0', ReceiptHandle: 'x' }] }))],
        ['visibility on a missing queue', (c) => c.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: missing, Entries: [{ Id: '0', ReceiptHandle: 'x', VisibilityTimeout: 1 }] }))],
        ['empty send batch', (c) => c.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: [] }))],
        ['empty delete batch', (c) => c.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: [] }))],
        ['empty visibility batch', (c) => c.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: sqs.queueUrl, Entries: [] }))],
        ['11 entries', (c, k) => c.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: Array.from({ length: 11 }, (_, i) => entry(k, i, 'x')) }))],
        ['11 deletes', (c) => c.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: String(i), ReceiptHandle: 'x' })) }))],
        ['a batch over 1 MiB', (c, k) => c.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: Array.from({ length: 10 }, (_, i) => entry(k, i, 'y'.repeat(110_000))) }))],
        ['duplicate entry ids', (c) => c.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: [{ Id: 'same', ReceiptHandle: 'x' }, { Id: 'same', ReceiptHandle: 'y' }] }))],
      ];
      for (const [name, call] of cases) {
        const result = (await same(call)) as { error?: unknown };
        // Engines differ on what they refuse (moto accepts an empty visibility batch); the local endpoint refuses them all, as SQS does.
        if (sqs.local) assert.ok(result.error !== undefined, `${name}: expected an error, got ${JSON.stringify(result)}`);
      }
    });
  });
}
