/** Garbage in, AWS-shaped 400 out; many clients at once; a prompt close. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { startHarness, type Harness } from './harness.js';

describe('bad input and load', () => {
  let h: Harness;
  let url: string;
  before(async () => {
    h = await startHarness();
    url = await h.queue();
  });
  after(() => h.stop());

  async function json(target: string | undefined, body: string): Promise<{ status: number; body: Record<string, unknown>; queryError: string | null }> {
    const res = await fetch(h.url + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', ...(target !== undefined ? { 'x-amz-target': target } : {}) },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, queryError: res.headers.get('x-amzn-query-error') };
  }

  it('answers JSON errors with __type, message and the x-amzn-query-error header', async () => {
    const r = await json('AmazonSQS.GetQueueUrl', JSON.stringify({ QueueName: 'missing' }));
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' });
    assert.equal(r.queryError, 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  });

  it('answers malformed JSON, a non-object body and wrong types with a 400', async () => {
    for (const body of ['{not json', '[1,2]', '"str"', 'null', '\u0000\u0001garbage']) {
      const r = await json('AmazonSQS.SendMessage', body);
      assert.equal(r.status, 400, body);
      assert.match(String(r.body.__type), /#SerializationException$/);
    }
    for (const body of [{ QueueUrl: 5, MessageBody: 'x' }, { QueueUrl: url, MessageBody: { a: 1 } }, { QueueUrl: url, MessageBody: 'x', DelaySeconds: 'soon' }, { QueueUrl: url, MessageBody: 'x', MessageAttributes: 'nope' }]) {
      const r = await json('AmazonSQS.SendMessage', JSON.stringify(body));
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.__type, 'com.amazonaws.sqs#InvalidParameterValue');
    }
    const entries = await json('AmazonSQS.SendMessageBatch', JSON.stringify({ QueueUrl: url, Entries: [1, 2] }));
    assert.equal(entries.status, 400);
    const missing = await json('AmazonSQS.SendMessage', '{}');
    assert.equal(missing.body.__type, 'com.amazonaws.sqs#MissingParameter');
  });

  it('answers an unknown action or target with a 400', async () => {
    const unknown = await json('AmazonSQS.LaunchRocket', '{}');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.__type, 'com.amazonaws.sqs#InvalidAction');
    const otherService = await json('DynamoDB_20120810.GetItem', '{}');
    assert.equal(otherService.status, 400);
  });

  it('answers a bad queue URL with an error, not a crash', async () => {
    const r = await json('AmazonSQS.SendMessage', JSON.stringify({ QueueUrl: 'http://x', MessageBody: 'x' }));
    assert.equal(r.status, 404);
    assert.equal(r.body.__type, 'com.amazonaws.sqs#InvalidAddress');
  });

  it('answers a garbage HTTP request with 400 and keeps serving', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const port = Number(new URL(h.url).port);
      const socket = connect(port, '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      socket.setEncoding('utf8').on('data', (d: string) => (data += d)).on('close', () => resolve(data)).on('error', reject);
    });
    assert.match(reply, /^HTTP\/1.1 400/);
    const r = await json('AmazonSQS.ListQueues', '{}');
    assert.equal(r.status, 200);
  });

  it('stays correct under concurrent clients: every message delivered once, none lost', async () => {
    const q = await h.queue({ VisibilityTimeout: '60' });
    const producers = 4;
    const batchesEach = 25;
    const clients = Array.from({ length: producers + 4 }, () => h.newClient());
    const sent = new Set<string>();
    const received: string[] = [];
    let producing = producers;
    const produce = async (c: (typeof clients)[number], p: number) => {
      for (let b = 0; b < batchesEach; b++) {
        const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `p${p}-b${b}-m${i}` }));
        entries.forEach((e) => sent.add(e.MessageBody));
        const out = await c.send(new SendMessageBatchCommand({ QueueUrl: q, Entries: entries }));
        assert.equal(out.Successful?.length, 10);
      }
      producing -= 1;
    };
    const consume = async (c: (typeof clients)[number]) => {
      for (;;) {
        const r = await c.send(new ReceiveMessageCommand({ QueueUrl: q, MaxNumberOfMessages: 10, WaitTimeSeconds: producing > 0 ? 1 : 0 }));
        const msgs = r.Messages ?? [];
        if (msgs.length === 0 && producing === 0) return;
        received.push(...msgs.map((m) => m.Body!));
        if (msgs.length > 0) {
          const del = await c.send(new DeleteMessageBatchCommand({ QueueUrl: q, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
          assert.equal(del.Failed?.length ?? 0, 0);
        }
      }
    };
    await Promise.all([
      ...clients.slice(0, producers).map((c, p) => produce(c, p)),
      ...clients.slice(producers).map((c) => consume(c)),
    ]);
    assert.equal(received.length, producers * batchesEach * 10);
    assert.deepEqual(new Set(received), sent);
    const a = (await h.client.send(new GetQueueAttributesCommand({ QueueUrl: q, AttributeNames: ['All'] }))).Attributes!;
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, '0');
  });
});
