/**
 * FIFO queues through the real SDK (JSON 1.0), as AWS's API reference describes
 * them: names and attributes, MessageGroupId and deduplication, sequence
 * numbers, order within a group and the group lock, receive attempts, batches,
 * dead-letter queues. On a manual clock: nothing here sleeps.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SetQueueAttributesCommand, type Message,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../helpers/manual-clock.js';
import { rejection, startHarness, type Harness } from './harness.js';

let n = 0;

describe('FIFO queues (SDK, JSON 1.0)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await startHarness({ clock });
  });
  afterEach(() => h.stop());

  async function fifo(attributes: Record<string, string> = {}): Promise<string> {
    const name = `f${n++}_${Date.now().toString(36)}.fifo`;
    return (await h.client.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', ...attributes } }))).QueueUrl!;
  }
  const attrs = async (url: string) => (await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
  const errorName = async (p: Promise<unknown>) => (await rejection(p)).name;
  const send = (url: string, body: string, group: string, dedup = body) =>
    h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }));
  const receive = async (url: string, max = 10, extra: { VisibilityTimeout?: number; ReceiveRequestAttemptId?: string } = {}): Promise<Message[]> =>
    (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, MessageSystemAttributeNames: ['All'], ...extra }))).Messages ?? [];
  const bodies = (ms: Message[]) => ms.map((m) => m.Body);

  it('creates a FIFO queue from a .fifo name with FifoQueue=true and reports its FIFO attributes', async () => {
    const url = await fifo({ ContentBasedDeduplication: 'true' });
    const a = await attrs(url);
    assert.equal(a.FifoQueue, 'true');
    assert.equal(a.ContentBasedDeduplication, 'true');
    assert.equal(a.DeduplicationScope, 'queue');
    assert.equal(a.FifoThroughputLimit, 'perQueue');
    // High throughput: both attributes together, at creation or later.
    await h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } }));
    const b = await attrs(url);
    assert.deepEqual([b.DeduplicationScope, b.FifoThroughputLimit], ['messageGroup', 'perMessageGroupId']);
    // Creating it again with the same attributes is idempotent; with others it is QueueNameExists.
    const name = url.slice(url.lastIndexOf('/') + 1);
    assert.equal((await h.client.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true' } }))).QueueUrl, url);
    assert.equal(await errorName(h.client.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' } }))), 'QueueNameExists');
  });

  it('refuses FIFO names and attributes where AWS does, with its error codes', async () => {
    const create = (QueueName: string, Attributes: Record<string, string>) => errorName(h.client.send(new CreateQueueCommand({ QueueName, Attributes })));
    assert.equal(await create('plain', { FifoQueue: 'true' }), 'InvalidParameterValue');
    assert.equal(await create('named.fifo', {}), 'InvalidParameterValue');
    assert.equal(await create('named.fifo', { FifoQueue: 'false' }), 'InvalidParameterValue');
    assert.equal(await create('named.fifo', { FifoQueue: 'yes' }), 'InvalidAttributeValue');
    assert.equal(await create(`${'x'.repeat(76)}.fifo`, { FifoQueue: 'true' }), 'InvalidParameterValue');
    assert.equal(await create('plain', { ContentBasedDeduplication: 'true' }), 'InvalidAttributeName');
    assert.equal(await create('plain', { DeduplicationScope: 'queue' }), 'InvalidAttributeName');
    assert.equal(await create('bad.fifo', { FifoQueue: 'true', DeduplicationScope: 'group' }), 'InvalidAttributeValue');
    assert.equal(await create('bad.fifo', { FifoQueue: 'true', FifoThroughputLimit: 'perMessageGroupId' }), 'InvalidAttributeValue');
    assert.equal(await create('bad.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'maybe' }), 'InvalidAttributeValue');
    const url = await fifo();
    assert.equal(await errorName(h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: 'false' } }))), 'InvalidAttributeName');
    assert.equal((await attrs(url)).FifoQueue, 'true');
  });

  it('requires MessageGroupId and a deduplication id, and refuses a per-message delay', async () => {
    const url = await fifo();
    assert.equal(await errorName(h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageDeduplicationId: 'd' }))), 'MissingParameter');
    const noDedup = await rejection(h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageGroupId: 'g' })));
    assert.equal(noDedup.name, 'InvalidParameterValue');
    assert.match(noDedup.message, /ContentBasedDeduplication/);
    const delayed = await rejection(h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 5 })));
    assert.equal(delayed.name, 'InvalidParameterValue');
    assert.match(delayed.message, /DelaySeconds/);
    assert.equal(await errorName(send(url, 'b', 'has space')), 'InvalidParameterValue');
    assert.equal(await errorName(send(url, 'b', 'g', 'x'.repeat(129))), 'InvalidParameterValue');
    assert.equal((await attrs(url)).ApproximateNumberOfMessages, '0');
    // A standard queue takes no deduplication id (its MessageGroupId is a fair-queue tenant, accepted).
    const std = await h.queue();
    assert.equal(await errorName(h.client.send(new SendMessageCommand({ QueueUrl: std, MessageBody: 'b', MessageDeduplicationId: 'd' }))), 'InvalidParameterValue');
    await h.client.send(new SendMessageCommand({ QueueUrl: std, MessageBody: 'b', MessageGroupId: 'tenant' }));
    const [m] = await receive(std);
    assert.equal(m?.Attributes?.MessageGroupId, 'tenant');
    assert.equal(m?.Attributes?.SequenceNumber, undefined);
  });

  it('answers a duplicate within 5 minutes with the original MessageId and SequenceNumber and sends nothing', async () => {
    const url = await fifo();
    const first = await send(url, 'one', 'g', 'd1');
    assert.match(first.SequenceNumber ?? '', /^\d{20}$/);
    await clock.advance(299_999);
    const dup = await send(url, 'another body', 'g', 'd1');
    assert.equal(dup.MessageId, first.MessageId);
    assert.equal(dup.SequenceNumber, first.SequenceNumber);
    assert.equal(dup.MD5OfMessageBody, createHash('md5').update('another body').digest('hex'), 'digest of this request, as the SDK checks it');
    assert.equal((await attrs(url)).ApproximateNumberOfMessages, '1');
    // Even after the original is received and deleted, the id is remembered for the window.
    const [m] = await receive(url);
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle }));
    assert.equal((await send(url, 'one', 'g', 'd1')).MessageId, first.MessageId);
    assert.deepEqual(await receive(url), []);
    await clock.advance(1);
    const later = await send(url, 'one', 'g', 'd1');
    assert.notEqual(later.MessageId, first.MessageId);
    assert.ok(BigInt(later.SequenceNumber!) > BigInt(first.SequenceNumber!));
    assert.deepEqual(bodies(await receive(url)), ['one']);
  });

  it('counts remembered deduplication ids against the endpoint\'s held bytes until their window ends', async () => {
    const url = await fifo();
    await send(url, 'x', 'g', 'd1');
    const [m] = await receive(url);
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle }));
    const remembered = h.server.stats().heldBytes;
    assert.ok(remembered > 0, 'the id is held after its message is gone');
    await clock.advance(300_000);
    await send(url, 'y', 'g', 'd2'); // a send forgets ids older than the window
    const [n] = await receive(url);
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: n!.ReceiptHandle }));
    assert.equal(h.server.stats().heldBytes, remembered, 'd1 forgotten, d2 remembered: the same size');
  });

  it('deduplicates on the SHA-256 of the body with ContentBasedDeduplication; an explicit id overrides it', async () => {
    const url = await fifo({ ContentBasedDeduplication: 'true' });
    const a = await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g' }));
    const b = await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'other' }));
    assert.equal(b.MessageId, a.MessageId);
    const c = await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'same', MessageGroupId: 'g', MessageDeduplicationId: 'explicit' }));
    assert.notEqual(c.MessageId, a.MessageId);
    const got = await receive(url);
    assert.deepEqual(bodies(got), ['same', 'same']);
    assert.equal(got[0]!.Attributes!.MessageDeduplicationId, createHash('sha256').update('same').digest('hex'));
    assert.equal(got[1]!.Attributes!.MessageDeduplicationId, 'explicit');
  });

  it('deduplicates per message group with DeduplicationScope=messageGroup', async () => {
    const url = await fifo({ DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    const a = await send(url, 'x', 'g1', 'd');
    const b = await send(url, 'x', 'g2', 'd');
    const c = await send(url, 'x', 'g1', 'd');
    assert.notEqual(a.MessageId, b.MessageId);
    assert.equal(c.MessageId, a.MessageId);
    assert.equal((await attrs(url)).ApproximateNumberOfMessages, '2');
  });

  it('delivers each group in order, one receive at a time: a group is locked while any of its messages is in flight', async () => {
    const url = await fifo();
    const sent: string[] = [];
    for (const [body, group] of [['a1', 'A'], ['b1', 'B'], ['a2', 'A'], ['b2', 'B'], ['a3', 'A']] as const) sent.push((await send(url, body, group)).SequenceNumber!);
    assert.deepEqual([...sent].sort(), sent, 'sequence numbers increase');
    const first = await receive(url, 1);
    assert.deepEqual(bodies(first), ['a1']);
    assert.equal(first[0]!.Attributes!.MessageGroupId, 'A');
    assert.equal(first[0]!.Attributes!.SequenceNumber, sent[0]);
    // A is locked: B is still served, all of it in order.
    const second = await receive(url, 10);
    assert.deepEqual(bodies(second), ['b1', 'b2']);
    assert.deepEqual(await receive(url), [], 'both groups locked');
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]!.ReceiptHandle }));
    assert.deepEqual(bodies(await receive(url, 10)), ['a2', 'a3']);
    const a = await attrs(url);
    assert.deepEqual([a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible], ['0', '4']);
  });

  it('gives a message back first after its visibility timeout, and unlocks its group with ChangeMessageVisibility 0', async () => {
    const url = await fifo({ VisibilityTimeout: '30' });
    for (const b of ['m1', 'm2', 'm3']) await send(url, b, 'g');
    const [m1] = await receive(url, 1);
    await clock.advance(30_000);
    const again = await receive(url, 1);
    assert.deepEqual(bodies(again), ['m1']);
    assert.equal(again[0]!.Attributes!.ApproximateReceiveCount, '2');
    await h.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again[0]!.ReceiptHandle, VisibilityTimeout: 0 }));
    assert.deepEqual(bodies(await receive(url, 2)), ['m1', 'm2']);
    assert.ok(m1);
  });

  it('holds a FIFO queue\'s messages for its DelaySeconds, in order', async () => {
    const url = await fifo({ DelaySeconds: '10' });
    await send(url, 'd1', 'g');
    await send(url, 'd2', 'g');
    assert.equal((await attrs(url)).ApproximateNumberOfMessagesDelayed, '2');
    assert.deepEqual(await receive(url), []);
    await clock.advance(10_000);
    assert.deepEqual(bodies(await receive(url)), ['d1', 'd2']);
  });

  it('returns the same messages and receipt handles to a retry with the same ReceiveRequestAttemptId', async () => {
    const url = await fifo({ VisibilityTimeout: '30' });
    for (const b of ['r1', 'r2', 'r3']) await send(url, b, 'g');
    const first = await receive(url, 2, { ReceiveRequestAttemptId: 'attempt-1' });
    await clock.advance(20_000);
    const retry = await receive(url, 2, { ReceiveRequestAttemptId: 'attempt-1' });
    assert.deepEqual(retry.map((m) => m.ReceiptHandle), first.map((m) => m.ReceiptHandle));
    // The retry started the visibility timeout again.
    await clock.advance(20_000);
    assert.deepEqual(await receive(url), []);
    // Once a message is deleted, the attempt id no longer replays.
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]!.ReceiptHandle }));
    assert.deepEqual(await receive(url, 2, { ReceiveRequestAttemptId: 'attempt-1' }), []);
    assert.equal(await errorName(receive(url, 1, { ReceiveRequestAttemptId: 'bad id' })), 'InvalidParameterValue');
  });

  it('sends and deletes in batches with per-entry results, in entry order', async () => {
    const url = await fifo();
    const out = await h.client.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: 'a', MessageBody: '1', MessageGroupId: 'g', MessageDeduplicationId: '1' },
        { Id: 'b', MessageBody: '2', MessageDeduplicationId: '2' },
        { Id: 'c', MessageBody: '3', MessageGroupId: 'g', MessageDeduplicationId: '3', DelaySeconds: 1 },
        { Id: 'd', MessageBody: '4', MessageGroupId: 'g', MessageDeduplicationId: '4' },
        { Id: 'e', MessageBody: '1 again', MessageGroupId: 'g', MessageDeduplicationId: '1' },
      ],
    }));
    assert.deepEqual(out.Successful?.map((s) => s.Id), ['a', 'd', 'e']);
    assert.equal(out.Successful![2]!.MessageId, out.Successful![0]!.MessageId, 'the duplicate answers as the original');
    assert.ok(BigInt(out.Successful![1]!.SequenceNumber!) > BigInt(out.Successful![0]!.SequenceNumber!));
    assert.deepEqual(out.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]), [['b', 'MissingParameter', true], ['c', 'InvalidParameterValue', true]]);
    const got = await receive(url);
    assert.deepEqual(bodies(got), ['1', '4']);
    const del = await h.client.send(new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: [{ Id: 'x', ReceiptHandle: got[0]!.ReceiptHandle }, { Id: 'y', ReceiptHandle: 'not-a-handle' }, { Id: 'z', ReceiptHandle: got[1]!.ReceiptHandle }],
    }));
    assert.deepEqual(del.Successful?.map((s) => s.Id), ['x', 'z']);
    assert.deepEqual(del.Failed?.map((f) => [f.Id, f.Code]), [['y', 'ReceiptHandleIsInvalid']]);
    assert.equal((await attrs(url)).ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('needs a FIFO dead-letter queue, and dead-letters a group in its order', async () => {
    const std = await h.queue();
    const stdArn = (await attrs(std)).QueueArn!;
    const dlq = await fifo();
    const dlqArn = (await attrs(dlq)).QueueArn!;
    const refused = await rejection(fifo({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: stdArn, maxReceiveCount: 1 }) }));
    assert.equal(refused.name, 'InvalidParameterValue');
    assert.match(refused.message, /same type/);
    assert.equal(await errorName(h.queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) })), 'InvalidParameterValue');

    const src = await fifo({ VisibilityTimeout: '5', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    for (const b of ['g1', 'g2', 'g3']) await send(src, b, 'G');
    await send(src, 'h1', 'H');
    assert.deepEqual(bodies(await receive(src)), ['g1', 'g2', 'g3', 'h1']);
    await clock.advance(5_000);
    // Every message was received once: each is dead-lettered instead of delivered again.
    assert.deepEqual(await receive(src), []);
    const dead = await receive(dlq);
    assert.deepEqual(bodies(dead), ['g1', 'g2', 'g3', 'h1']);
    assert.deepEqual(dead.map((m) => m.Attributes!.MessageGroupId), ['G', 'G', 'G', 'H']);
    assert.equal(dead[0]!.Attributes!.DeadLetterQueueSourceArn, (await attrs(src)).QueueArn);
  });

  it('answers a long poll when a group is unlocked by a delete', async () => {
    const url = await fifo();
    await send(url, 'p1', 'g');
    await send(url, 'p2', 'g');
    const [p1] = await receive(url, 1);
    const poll = h.client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await h.waiting(url);
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: p1!.ReceiptHandle }));
    assert.deepEqual((await poll).Messages?.map((m) => m.Body), ['p2']);
  });
});
