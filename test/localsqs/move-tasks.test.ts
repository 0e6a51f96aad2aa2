/**
 * Message move tasks through the real SDK, on a manual clock: a dead-letter
 * queue's messages go back to their source queues (or to a named queue) at
 * MaxNumberOfMessagesPerSecond, can be listed and cancelled, and are refused
 * with AWS's errors where AWS refuses them.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelMessageMoveTaskCommand, CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ListDeadLetterSourceQueuesCommand, ListMessageMoveTasksCommand,
  ReceiveMessageCommand, ResourceNotFoundException, SendMessageCommand, StartMessageMoveTaskCommand, UnsupportedOperation, type Message,
} from '@aws-sdk/client-sqs';
import { ManualClock } from '../helpers/manual-clock.js';
import { rejection, startHarness, type Harness } from './harness.js';

describe('message move tasks (SDK)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await startHarness({ clock });
  });
  afterEach(() => h.stop());

  const arnOf = async (url: string) => (await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const visible = async (url: string) => Number((await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!.ApproximateNumberOfMessages);
  const receive = async (url: string, max = 10): Promise<Message[]> =>
    (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, MessageSystemAttributeNames: ['All'] }))).Messages ?? [];
  const tasks = async (sourceArn: string, max = 10) => (await h.client.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: max }))).Results ?? [];

  /** A source queue whose messages dead-letter after one receive, with `count` messages already in its DLQ. */
  async function deadLettered(count: number, fifo = false): Promise<{ src: string; dlq: string; dlqArn: string; srcArn: string }> {
    const suffix = fifo ? '.fifo' : '';
    const base = { VisibilityTimeout: '1', ...(fifo ? { FifoQueue: 'true' } : {}) };
    const id = Math.random().toString(36).slice(2, 8);
    const dlq = (await h.client.send(new CreateQueueCommand({ QueueName: `dlq_${id}${suffix}`, Attributes: fifo ? { FifoQueue: 'true' } : {} }))).QueueUrl!;
    const dlqArn = await arnOf(dlq);
    const src = (await h.client.send(new CreateQueueCommand({
      QueueName: `src_${id}${suffix}`,
      Attributes: { ...base, RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
    }))).QueueUrl!;
    for (let i = 0; i < count; i++) {
      await h.client.send(new SendMessageCommand({
        QueueUrl: src, MessageBody: `m${i}`,
        ...(fifo ? { MessageGroupId: `g${i % 2}`, MessageDeduplicationId: `d${i}` } : {}),
      }));
    }
    while ((await receive(src)).length > 0);
    await clock.advance(1_000);
    assert.deepEqual(await receive(src), [], 'everything dead-lettered');
    assert.equal(await visible(dlq), count);
    return { src, dlq, dlqArn, srcArn: await arnOf(src) };
  }

  it('moves a dead-letter queue\'s messages back to their source at MaxNumberOfMessagesPerSecond, and lists the task', async () => {
    const { src, dlq, dlqArn } = await deadLettered(7);
    const { TaskHandle } = await h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 3 }));
    assert.ok(TaskHandle);
    await clock.advance(0);
    let [task] = await tasks(dlqArn);
    assert.equal(task?.Status, 'RUNNING');
    assert.equal(task?.TaskHandle, TaskHandle);
    assert.equal(task?.MaxNumberOfMessagesPerSecond, 3);
    assert.equal(task?.ApproximateNumberOfMessagesToMove, 7);
    assert.equal(task?.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(task?.StartedTimestamp, clock.now());
    assert.equal(task?.DestinationArn, undefined);
    assert.deepEqual([await visible(src), await visible(dlq)], [3, 4]);
    await clock.advance(1_000);
    assert.deepEqual([await visible(src), await visible(dlq)], [6, 1]);
    await clock.advance(1_000);
    [task] = await tasks(dlqArn);
    assert.equal(task?.Status, 'COMPLETED');
    assert.equal(task?.TaskHandle, undefined, 'only a running task shows its handle');
    assert.equal(task?.ApproximateNumberOfMessagesMoved, 7);
    // Back in the source as new messages: received afresh, not dead-lettered at once.
    const back = await receive(src);
    assert.deepEqual(back.map((m) => m.Body).sort(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    assert.ok(back.every((m) => m.Attributes?.ApproximateReceiveCount === '1'));
  });

  it('moves to a named DestinationArn instead, and cancels a running task', async () => {
    const { dlq, dlqArn } = await deadLettered(5);
    const other = await h.queue();
    const otherArn = await arnOf(other);
    const { TaskHandle } = await h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: otherArn, MaxNumberOfMessagesPerSecond: 2 }));
    await clock.advance(0);
    const cancelled = await h.client.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    assert.equal(cancelled.ApproximateNumberOfMessagesMoved, 2);
    await clock.advance(5_000);
    assert.deepEqual([await visible(other), await visible(dlq)], [2, 3]);
    const [task] = await tasks(dlqArn);
    assert.deepEqual([task?.Status, task?.DestinationArn], ['CANCELLED', otherArn]);
    assert.equal((await rejection(h.client.send(new CancelMessageMoveTaskCommand({ TaskHandle })))).name, 'UnsupportedOperation');
    // A new task may start once none runs; the list is newest first.
    await h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: otherArn }));
    await clock.advance(0);
    assert.deepEqual((await tasks(dlqArn)).map((t) => t.Status), ['COMPLETED', 'CANCELLED']);
    assert.deepEqual((await tasks(dlqArn, 1)).map((t) => t.Status), ['COMPLETED']);
    assert.equal(await visible(other), 5);
  });

  it('refuses what AWS refuses, with its errors', async () => {
    const { dlqArn, srcArn } = await deadLettered(1);
    const start = (input: ConstructorParameters<typeof StartMessageMoveTaskCommand>[0]) => rejection(h.client.send(new StartMessageMoveTaskCommand(input)));
    assert.ok((await start({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:missing' })) instanceof ResourceNotFoundException);
    assert.ok((await start({ SourceArn: dlqArn, DestinationArn: 'arn:aws:sqs:us-east-1:000000000000:missing' })) instanceof ResourceNotFoundException);
    assert.equal((await start({ SourceArn: srcArn })).name, 'InvalidParameterValue', 'the source must be a dead-letter queue');
    assert.equal((await start({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 501 })).name, 'InvalidParameterValue');
    assert.equal((await start({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 0 })).name, 'InvalidParameterValue');
    const fifoArn = await arnOf((await h.client.send(new CreateQueueCommand({ QueueName: 'other.fifo', Attributes: { FifoQueue: 'true' } }))).QueueUrl!);
    assert.equal((await start({ SourceArn: dlqArn, DestinationArn: fifoArn })).name, 'InvalidParameterValue', 'same queue type');
    await h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
    assert.ok((await start({ SourceArn: dlqArn })) instanceof UnsupportedOperation, 'one running task per source');
    assert.ok((await rejection(h.client.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'nope' })))) instanceof ResourceNotFoundException);
    assert.ok((await rejection(h.client.send(new ListMessageMoveTasksCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:missing' })))) instanceof ResourceNotFoundException);
    assert.equal((await rejection(h.client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 11 })))).name, 'InvalidParameterValue');
  });

  it('fails a task whose messages have no source queue left, keeping them in the dead-letter queue', async () => {
    const { dlq, dlqArn } = await deadLettered(2);
    // A second source keeps the DLQ a dead-letter queue; the messages' own source is deleted.
    await h.queue({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) });
    const sources = (await h.client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls!;
    assert.equal(sources.length, 2);
    const original = sources.find((u) => u.includes('/src_'))!;
    await h.client.send(new DeleteQueueCommand({ QueueUrl: original }));
    await h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    await clock.advance(0);
    const [task] = await tasks(dlqArn);
    assert.equal(task?.Status, 'FAILED');
    assert.equal(task?.FailureReason, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(await visible(dlq), 2);
  });

  it('moves a FIFO dead-letter queue back keeping each group\'s order', async () => {
    const { src, dlqArn } = await deadLettered(6, true);
    await h.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 2 }));
    for (let i = 0; i < 4; i++) await clock.advance(i === 0 ? 0 : 1_000);
    assert.equal((await tasks(dlqArn))[0]?.Status, 'COMPLETED');
    const byGroup = new Map<string, string[]>();
    for (;;) {
      const got = await receive(src);
      if (got.length === 0) break;
      for (const m of got) {
        const g = m.Attributes!.MessageGroupId!;
        byGroup.set(g, [...(byGroup.get(g) ?? []), m.Body!]);
        await h.client.send(new DeleteMessageCommand({ QueueUrl: src, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    assert.deepEqual(Object.fromEntries(byGroup), { g0: ['m0', 'm2', 'm4'], g1: ['m1', 'm3', 'm5'] });
  });
});
