/** Every limit AWS enforces, and the error each one raises through the SDK. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchEntryIdsNotDistinct, BatchRequestTooLong, ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, DeleteMessageBatchCommand,
  EmptyBatchRequest, InvalidBatchEntryId, InvalidMessageContents, ListQueuesCommand, ReceiveMessageCommand, SendMessageBatchCommand,
  SendMessageCommand, TagQueueCommand, TooManyEntriesInBatchRequest, type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { rejection, startHarness, type Harness } from './harness.js';

const MiB = 1_048_576;

describe('limits and their errors', () => {
  let h: Harness;
  let url: string;
  before(async () => {
    h = await startHarness();
    url = await h.queue();
  });
  after(() => h.stop());

  const send = (input: Omit<ConstructorParameters<typeof SendMessageCommand>[0], 'QueueUrl'>) => h.client.send(new SendMessageCommand({ QueueUrl: url, ...input }));

  it('accepts a 1 MiB message and refuses one byte more (InvalidParameterValue)', async () => {
    await send({ MessageBody: 'x'.repeat(MiB) });
    const err = await rejection(send({ MessageBody: 'x'.repeat(MiB + 1) }));
    assert.equal(err.name, 'InvalidParameterValue');
    assert.match(err.message, /Message must be shorter than 1048576 bytes/);
  });

  it('counts UTF-8 bytes and message attributes against the queue\'s MaximumMessageSize', async () => {
    const small = await h.queue({ MaximumMessageSize: '1024' });
    await h.client.send(new SendMessageCommand({ QueueUrl: small, MessageBody: 'x'.repeat(1024) }));
    const utf8 = await rejection(h.client.send(new SendMessageCommand({ QueueUrl: small, MessageBody: 'é'.repeat(513) })));
    assert.equal(utf8.name, 'InvalidParameterValue');
    const withAttrs = await rejection(h.client.send(new SendMessageCommand({ QueueUrl: small, MessageBody: 'x'.repeat(1000), MessageAttributes: { name: { DataType: 'String', StringValue: 'y'.repeat(20) } } })));
    assert.equal(withAttrs.name, 'InvalidParameterValue');
  });

  it('refuses characters outside the allowed Unicode ranges (InvalidMessageContents) and accepts the edges', async () => {
    for (const body of ['\u0000', 'a\u0008b', '\uFFFE', '\uD800 lone surrogate']) {
      const err = await rejection(send({ MessageBody: body }));
      assert.ok(err instanceof InvalidMessageContents, `${JSON.stringify(body)}: ${err.name}`);
    }
    await send({ MessageBody: '\t\n\r \uD7FF\uE000\uFFFD\u{10000}\u{10FFFF}' });
  });

  it('requires a non-empty MessageBody (MissingParameter)', async () => {
    const err = await rejection(send({ MessageBody: '' }));
    assert.equal(err.name, 'MissingParameter');
  });

  it('limits DelaySeconds to 0-900', async () => {
    await send({ MessageBody: 'x', DelaySeconds: 900 });
    const err = await rejection(send({ MessageBody: 'x', DelaySeconds: 901 }));
    assert.equal(err.name, 'InvalidParameterValue');
    assert.match(err.message, /DelaySeconds/);
  });

  it('validates message attributes: at most 10, names, types and values', async () => {
    const eleven: Record<string, MessageAttributeValue> = {};
    for (let i = 0; i < 11; i++) eleven[`a${i}`] = { DataType: 'String', StringValue: 'v' };
    const cases: [string, Record<string, MessageAttributeValue>][] = [
      ['eleven attributes', eleven],
      ['a reserved prefix', { 'aws.x': { DataType: 'String', StringValue: 'v' } }],
      ['a bad character in the name', { 'a b': { DataType: 'String', StringValue: 'v' } }],
      ['two dots in a row', { 'a..b': { DataType: 'String', StringValue: 'v' } }],
      ['an unknown type', { a: { DataType: 'Integer', StringValue: '1' } }],
      ['an empty value', { a: { DataType: 'String', StringValue: '' } }],
      ['no value', { a: { DataType: 'String' } }],
      ['a non-number Number', { a: { DataType: 'Number', StringValue: 'twelve' } }],
      ['a Binary without bytes', { a: { DataType: 'Binary', StringValue: 'x' } }],
    ];
    for (const [what, attrs] of cases) {
      const err = await rejection(send({ MessageBody: 'x', MessageAttributes: attrs }));
      assert.equal(err.name, 'InvalidParameterValue', what);
    }
    await send({ MessageBody: 'x', MessageAttributes: { 'a.b-c_d': { DataType: 'Number.float', StringValue: '-1.5e3' }, b: { DataType: 'Binary.png', BinaryValue: Uint8Array.of(1) } } });
  });

  it('refuses an empty batch, more than 10 entries, bad or repeated ids, for every batch action', async () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x', ReceiptHandle: 'h', VisibilityTimeout: 1 }));
    const calls = [
      (e: ReturnType<typeof entries>) => h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: e })),
      (e: ReturnType<typeof entries>) => h.client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: e })),
      (e: ReturnType<typeof entries>) => h.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: e })),
    ];
    for (const call of calls) {
      assert.ok((await rejection(call([]))) instanceof EmptyBatchRequest);
      const tooMany = await rejection(call(entries(11)));
      assert.ok(tooMany instanceof TooManyEntriesInBatchRequest);
      assert.match(tooMany.message, /You have sent 11/);
      for (const id of ['', 'has space', 'x'.repeat(81), 'dot.id']) {
        const e = entries(2);
        e[1]!.Id = id;
        assert.ok((await rejection(call(e))) instanceof InvalidBatchEntryId, `id ${JSON.stringify(id)}`);
      }
      const twice = entries(3);
      twice[2]!.Id = 'e0';
      assert.ok((await rejection(call(twice))) instanceof BatchEntryIdsNotDistinct);
    }
  });

  it('refuses a batch whose messages add up to more than 1 MiB (BatchRequestTooLong), accepts exactly 1 MiB', async () => {
    const tenth = Math.floor(MiB / 10);
    const fits = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x'.repeat(i === 9 ? MiB - 9 * tenth : tenth) }));
    const ok = await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: fits }));
    assert.equal(ok.Successful?.length, 10);
    fits[0]!.MessageBody += 'x';
    const err = await rejection(h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: fits })));
    assert.ok(err instanceof BatchRequestTooLong, err.name);
  });

  it('limits ReceiveMessage: MaxNumberOfMessages 1-10, WaitTimeSeconds 0-20, VisibilityTimeout 0-43200', async () => {
    for (const bad of [{ MaxNumberOfMessages: 0 }, { MaxNumberOfMessages: 11 }, { WaitTimeSeconds: 21 }, { WaitTimeSeconds: -1 }, { VisibilityTimeout: 43_201 }, { VisibilityTimeout: -1 }]) {
      const err = await rejection(h.client.send(new ReceiveMessageCommand({ QueueUrl: url, ...bad })));
      assert.equal(err.name, 'InvalidParameterValue', JSON.stringify(bad));
      assert.equal(err.$metadata?.httpStatusCode, 400);
    }
  });

  it('limits ChangeMessageVisibility to 0-43200 seconds', async () => {
    await send({ MessageBody: 'cv' });
    const m = (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }))).Messages![0]!;
    const err = await rejection(h.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 43_201 })));
    assert.equal(err.name, 'InvalidParameterValue');
  });

  it('limits ListQueues MaxResults to 1-1000 and tags to 50 per queue', async () => {
    assert.equal((await rejection(h.client.send(new ListQueuesCommand({ MaxResults: 1001 })))).name, 'InvalidParameterValue');
    assert.equal((await rejection(h.client.send(new ListQueuesCommand({ MaxResults: 0 })))).name, 'InvalidParameterValue');
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    assert.equal((await rejection(h.client.send(new TagQueueCommand({ QueueUrl: url, Tags: tags })))).name, 'InvalidParameterValue');
  });
});
