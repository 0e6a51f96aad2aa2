import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, DeleteMessageCommand,
  GetQueueAttributesCommand, MessageNotInflight, ReceiptHandleIsInvalid, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { rejection, startHarness, type Harness } from './harness.js';

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

describe('messages through the SDK', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('sends, receives and deletes a message, with the body MD5 the SDK verifies', async () => {
    const url = await h.queue();
    const body = 'héllo wörld ✓ 🚀';
    const sent = await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    assert.equal(sent.MD5OfMessageBody, md5(body));
    assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(got.Messages?.length, 1);
    const m = got.Messages![0]!;
    assert.equal(m.Body, body);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.MD5OfBody, md5(body));
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    const { Attributes: a } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(a?.ApproximateNumberOfMessages, '0');
    assert.equal(a?.ApproximateNumberOfMessagesNotVisible, '0');
  });

  it('returns message attributes with AWS\'s MD5OfMessageAttributes (same as moto\'s reference value)', async () => {
    const url = await h.queue();
    const attrs = {
      trace: { DataType: 'String', StringValue: 'abc' },
      n: { DataType: 'Number.int', StringValue: '42' },
      bin: { DataType: 'Binary', BinaryValue: Uint8Array.of(0, 1, 2, 255) },
    };
    const sent = await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: attrs }));
    assert.equal(sent.MD5OfMessageAttributes, 'af4a3579077c5384c5cb45133b751863');
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'] }));
    const m = got.Messages![0]!;
    assert.equal(m.MD5OfMessageAttributes, 'af4a3579077c5384c5cb45133b751863');
    assert.equal(m.MessageAttributes?.trace?.StringValue, 'abc');
    assert.equal(m.MessageAttributes?.n?.DataType, 'Number.int');
    assert.deepEqual([...(m.MessageAttributes?.bin?.BinaryValue ?? [])], [0, 1, 2, 255]);
  });

  it('filters message attributes by exact name and by prefix.*', async () => {
    const url = await h.queue();
    const attrs = { 'app.a': { DataType: 'String', StringValue: '1' }, 'app.b': { DataType: 'String', StringValue: '2' }, other: { DataType: 'String', StringValue: '3' } };
    for (let i = 0; i < 3; i++) await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}`, MessageAttributes: attrs }));
    const byPrefix = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['app.*'] }));
    assert.deepEqual(Object.keys(byPrefix.Messages![0]!.MessageAttributes ?? {}).sort(), ['app.a', 'app.b']);
    const exact = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['other'] }));
    assert.deepEqual(Object.keys(exact.Messages![0]!.MessageAttributes ?? {}), ['other']);
    const none = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(none.Messages![0]!.MessageAttributes, undefined);
    assert.equal(none.Messages![0]!.MD5OfMessageAttributes, undefined);
  });

  it('returns system attributes asked for through AttributeNames or MessageSystemAttributeNames, All included', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a', MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-abc' } } }));
    const viaAll = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 0 }));
    const a = viaAll.Messages![0]!.Attributes!;
    assert.equal(a.ApproximateReceiveCount, '1');
    assert.match(a.SentTimestamp!, /^\d{13}$/);
    assert.match(a.ApproximateFirstReceiveTimestamp!, /^\d{13}$/);
    assert.equal(a.SenderId, 'AKIDTEST');
    assert.equal(a.AWSTraceHeader, 'Root=1-abc');
    const legacy = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, AttributeNames: ['ApproximateReceiveCount' as 'All', 'SentTimestamp' as 'All'] }));
    assert.deepEqual(Object.keys(legacy.Messages![0]!.Attributes!).sort(), ['ApproximateReceiveCount', 'SentTimestamp']);
    assert.equal(legacy.Messages![0]!.Attributes!.ApproximateReceiveCount, '2');
    assert.equal(legacy.Messages![0]!.Attributes!.SentTimestamp, a.SentTimestamp);
  });

  it('sends a batch and reports each entry, failing only the bad ones', async () => {
    const url = await h.queue();
    const out = await h.client.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: 'ok-1', MessageBody: 'one' },
        { Id: 'bad_delay', MessageBody: 'two', DelaySeconds: 901 },
        { Id: 'ok_2', MessageBody: 'three', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
        { Id: 'bad_chars', MessageBody: 'nul\u0000here' },
      ],
    }));
    assert.deepEqual(out.Successful?.map((s) => s.Id).sort(), ['ok-1', 'ok_2']);
    assert.equal(out.Successful?.find((s) => s.Id === 'ok-1')?.MD5OfMessageBody, md5('one'));
    assert.ok(out.Successful?.find((s) => s.Id === 'ok_2')?.MD5OfMessageAttributes);
    const failed = Object.fromEntries((out.Failed ?? []).map((f) => [f.Id, f]));
    assert.equal(failed.bad_delay?.Code, 'InvalidParameterValue');
    assert.equal(failed.bad_delay?.SenderFault, true);
    assert.equal(failed.bad_chars?.Code, 'InvalidMessageContents');
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(got.Messages?.map((m) => m.Body).sort(), ['one', 'three']);
  });

  it('receives at most MaxNumberOfMessages and deletes a batch', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })) }));
    await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `n${i}`, MessageBody: `more ${i}` })) }));
    const first = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.equal(first.Messages?.length, 10);
    const del = await h.client.send(new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: [...first.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })), ],
    }));
    assert.equal(del.Successful?.length, 10);
    assert.equal(del.Failed?.length ?? 0, 0);
    const rest = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.equal(rest.Messages?.length, 5);
  });

  it('fails a batch delete per entry for a malformed receipt handle', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const m = (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    const out = await h.client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'good', ReceiptHandle: m.ReceiptHandle! }, { Id: 'bad', ReceiptHandle: 'garbage' }] }));
    assert.deepEqual(out.Successful?.map((s) => s.Id), ['good']);
    assert.equal(out.Failed?.[0]?.Id, 'bad');
    assert.equal(out.Failed?.[0]?.Code, 'ReceiptHandleIsInvalid');
  });

  it('deleting twice, or with a handle of a deleted message, succeeds; a malformed handle is ReceiptHandleIsInvalid', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const m = (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    const err = await rejection(h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'not-a-handle' })));
    assert.ok(err instanceof ReceiptHandleIsInvalid, err.name);
  });

  it('makes a message visible again at once with ChangeMessageVisibility 0', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const m = (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    assert.equal((await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await h.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    const again = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    assert.equal(again.Messages?.[0]?.Body, 'again');
    assert.equal(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount, '2');
    assert.notEqual(again.Messages?.[0]?.ReceiptHandle, m.ReceiptHandle);
  });

  it('raises MessageNotInflight for a message that is not in flight', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    const m = (await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!;
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    const err = await rejection(h.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10 })));
    assert.ok(err instanceof MessageNotInflight, err.name);
  });

  it('changes visibility in a batch, failing per entry', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] }));
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.equal(got.Messages?.length, 2);
    const out = await h.client.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: 'zero', ReceiptHandle: got.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 0 },
        { Id: 'long', ReceiptHandle: got.Messages![1]!.ReceiptHandle!, VisibilityTimeout: 600 },
        { Id: 'range', ReceiptHandle: got.Messages![1]!.ReceiptHandle!, VisibilityTimeout: 43_201 },
        { Id: 'bad', ReceiptHandle: 'bogus', VisibilityTimeout: 5 },
      ],
    }));
    assert.deepEqual(out.Successful?.map((s) => s.Id).sort(), ['long', 'zero']);
    const failed = Object.fromEntries((out.Failed ?? []).map((f) => [f.Id, f.Code]));
    assert.deepEqual(failed, { range: 'InvalidParameterValue', bad: 'ReceiptHandleIsInvalid' });
    const again = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(again.Messages?.map((m) => m.Body), [got.Messages![0]!.Body]);
  });

  it('uses the queue\'s DelaySeconds when the message has none', async () => {
    const url = await h.queue({ DelaySeconds: '600' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later' }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now', DelaySeconds: 0 }));
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(got.Messages?.map((m) => m.Body), ['now']);
  });
});
