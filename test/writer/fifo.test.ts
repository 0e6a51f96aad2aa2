/**
 * sqsdemo serve on a FIFO queue: `group` (and `deduplicationId`) in the
 * request body as swagger.yml describes them, against a real endpoint
 * (the local one, or SQSDEMO_TEST_ENDPOINT such as moto).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { post, startWriter, type RunningWriter } from './helpers.js';

const json = (v: unknown) => JSON.stringify(v);

describe('sqsdemo serve: FIFO queues', () => {
  let sqs: TestSqs;
  let w: RunningWriter;
  before(async () => {
    sqs = await startTestSqs({ fifo: true });
    w = await startWriter(sqs.config, sqs.queueUrl);
  });
  after(async () => {
    await w?.stop();
    await sqs?.stop();
  });

  it('answers 400 group_missing for a request without a group', async () => {
    const answer = await post(w.url, json({ body: 'no group' }));
    assert.equal(answer.status, 400);
    assert.equal(answer.json.code, 'group_missing');
    assert.match(String(answer.json.message), /FIFO/);
  });

  it('answers 400 for a group SQS would refuse (swagger.yml\'s pattern)', async () => {
    for (const group of ['', 'with space', 'x'.repeat(129)]) {
      const answer = await post(w.url, json({ body: 'b', group }));
      assert.equal(answer.status, 400, group);
      assert.equal(answer.json.code, 'invalid_body');
    }
  });

  it('enqueues each group in the order its requests were accepted, and identical bodies all once', async () => {
    for (let i = 0; i < 3; i++) {
      for (const group of ['a', 'b']) assert.equal((await post(w.url, json({ body: `${group}-${i}`, group }))).status, 201);
    }
    assert.equal((await post(w.url, json({ body: 'same', group: 'a' }))).status, 201);
    assert.equal((await post(w.url, json({ body: 'same', group: 'a' }))).status, 201);
    const byGroup = new Map<string, string[]>();
    for (let rounds = 0; rounds < 50 && [...byGroup.values()].flat().length < 8; rounds++) {
      const got = (await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['MessageGroupId'] }))).Messages ?? [];
      for (const m of got) {
        const g = m.Attributes!.MessageGroupId!;
        byGroup.set(g, [...(byGroup.get(g) ?? []), m.Body!]);
        await sqs.client.send(new DeleteMessageCommand({ QueueUrl: sqs.queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    assert.deepEqual(byGroup.get('a'), ['a-0', 'a-1', 'a-2', 'same', 'same']);
    assert.deepEqual(byGroup.get('b'), ['b-0', 'b-1', 'b-2']);
  });

  it('answers a repeated deduplicationId with the first message\'s id and enqueues it once', async () => {
    const first = await post(w.url, json({ body: 'once', group: 'd', deduplicationId: 'order-17' }));
    const again = await post(w.url, json({ body: 'once', group: 'd', deduplicationId: 'order-17' }));
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    // AWS (and the local endpoint) answer a duplicate with the first MessageId; moto makes up a new one.
    if (sqs.local) assert.equal(again.json.id, first.json.id);
    const got = (await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
    assert.deepEqual(got.map((m) => m.Body), ['once']);
  });
});

describe('sqsdemo serve: deduplicationId on a standard queue', () => {
  it('answers 400 deduplication_not_fifo', async () => {
    const sqs = await startTestSqs();
    const w = await startWriter(sqs.config, sqs.queueUrl);
    try {
      const answer = await post(w.url, json({ body: 'b', deduplicationId: 'x' }));
      assert.equal(answer.status, 400);
      assert.equal(answer.json.code, 'deduplication_not_fifo');
    } finally {
      await w.stop();
      await sqs.stop();
    }
  });
});
