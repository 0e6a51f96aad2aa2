/** Time-driven semantics on an injected clock: nothing here sleeps. */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangeMessageVisibilityCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../helpers/manual-clock.js';
import { startHarness, until, waitingOn, type Harness } from './harness.js';

async function arnOf(h: Harness, url: string): Promise<string> {
  return (await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
}

async function counts(h: Harness, url: string): Promise<[number, number, number]> {
  const a = (await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)];
}

describe('time-driven semantics (manual clock)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await startHarness({ clock });
  });
  afterEach(() => h.stop());

  it('returns a received message after its visibility timeout, not before', async () => {
    const url = await h.queue({ VisibilityTimeout: '30' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const first = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(first.Messages?.length, 1);
    await clock.advance(29_999);
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    assert.deepEqual(await counts(h, url), [0, 1, 0]);
    await clock.advance(1);
    const again = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'] }));
    assert.equal(again.Messages?.[0]?.Body, 'm');
    assert.equal(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount, '2');
    assert.equal(again.Messages?.[0]?.Attributes?.ApproximateFirstReceiveTimestamp, String(clock.now() - 30_000));
  });

  it('uses the VisibilityTimeout of the receive over the queue\'s', async () => {
    const url = await h.queue({ VisibilityTimeout: '300' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 5 }));
    await clock.advance(5_000);
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.length, 1);
  });

  it('extends an in-flight message with ChangeMessageVisibility, counted from now', async () => {
    const url = await h.queue({ VisibilityTimeout: '10' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'm' }));
    const m = (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    await clock.advance(8_000);
    await h.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 60 }));
    await clock.advance(59_000);
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await clock.advance(1_000);
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.length, 1);
  });

  it('holds a delayed message back for DelaySeconds and counts it as delayed', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late', DelaySeconds: 10 }));
    assert.deepEqual(await counts(h, url), [0, 0, 1]);
    await clock.advance(9_999);
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await clock.advance(1);
    assert.deepEqual(await counts(h, url), [1, 0, 0]);
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.Body, 'late');
  });

  it('drops messages older than MessageRetentionPeriod, visible or in flight', async () => {
    const url = await h.queue({ MessageRetentionPeriod: '60', VisibilityTimeout: '50' });
    await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] }));
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    await clock.advance(30_000);
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'young' }));
    await clock.advance(30_000);
    assert.deepEqual(await counts(h, url), [1, 0, 0]);
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(got.Messages?.map((m) => m.Body), ['young']);
  });

  it('moves a message to the dead-letter queue once received more than maxReceiveCount times', async () => {
    const dlq = await h.queue(undefined, 'dlq');
    const dlqArn = await arnOf(h, dlq);
    const url = await h.queue({ VisibilityTimeout: '5', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) });
    const sourceArn = await arnOf(h, url);
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }));
    for (let i = 1; i <= 3; i++) {
      const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      assert.equal(got.Messages?.[0]?.Attributes?.ApproximateReceiveCount, String(i));
      await clock.advance(5_000);
    }
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    assert.deepEqual(await counts(h, url), [0, 0, 0]);
    const dead = await h.client.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }));
    const m = dead.Messages?.[0];
    assert.equal(m?.Body, 'poison');
    assert.equal(m?.MessageAttributes?.k?.StringValue, 'v');
    assert.equal(m?.Attributes?.DeadLetterQueueSourceArn, sourceArn);
  });

  it('answers a long poll as soon as a message arrives', async () => {
    const url = await h.queue();
    const poll = h.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await h.waiting(url);
    await h.newClient().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
    const got = await poll;
    assert.equal(got.Messages?.[0]?.Body, 'arrived');
  });

  it('answers a long poll when an in-flight message becomes visible again', async () => {
    const url = await h.queue({ VisibilityTimeout: '10' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'back' }));
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const poll = h.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await h.waiting(url);
    await clock.advance(10_000);
    assert.equal((await poll).Messages?.[0]?.Body, 'back');
  });

  it('answers an empty long poll after WaitTimeSeconds; the queue\'s ReceiveMessageWaitTimeSeconds applies when the request has none', async () => {
    const url = await h.queue({ ReceiveMessageWaitTimeSeconds: '15' });
    const poll = h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await h.waiting(url);
    await clock.advance(14_999);
    assert.equal(h.server.stats().queues.find((q) => url.endsWith(q.name))?.waiting, 1);
    await clock.advance(1);
    assert.equal((await poll).Messages, undefined);
    // WaitTimeSeconds 0 on the request overrides the queue: an immediate answer.
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0 }))).Messages, undefined);
  });

  it('serves several long polls in arrival order, each message to one poll', async () => {
    const url = await h.queue();
    const polls = [0, 1, 2].map(() => h.newClient().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 })));
    await h.waiting(url, 3);
    await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'c' }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'd' }));
    const results = await Promise.all(polls);
    const bodies = results.flatMap((r) => r.Messages?.map((m) => m.Body) ?? []);
    assert.deepEqual(bodies.sort(), ['a', 'b', 'c', 'd']);
    assert.ok(results.every((r) => (r.Messages?.length ?? 0) > 0));
  });

  it('forgets a long poll whose client went away, so no message is handed to nobody', async () => {
    const url = await h.queue();
    const abort = new AbortController();
    const gone = fetch(h.url + '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage' },
      body: JSON.stringify({ QueueUrl: url, WaitTimeSeconds: 20 }),
      signal: abort.signal,
    }).catch(() => undefined);
    await h.waiting(url);
    abort.abort();
    await gone;
    await until(() => waitingOn(h.server, url) === 0, 'the abandoned long poll to be forgotten');
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.Body, 'kept');
  });

  it('answers pending long polls (empty) when the server closes', async () => {
    const url = await h.queue();
    const poll = h.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await h.waiting(url);
    await h.server.close();
    assert.equal((await poll).Messages, undefined);
  });
});
