/**
 * The endpoint's own caps (issue 12, class 6): queues, tags per queue and
 * bytes held are bounded, answered with AWS's errors through the SDK; an
 * oversize body is refused before it is read and its connection closed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import {
  CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, OverLimit, PurgeQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand,
  SendMessageCommand, TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { MESSAGE_OVERHEAD_BYTES } from '../../src/localsqs/limits.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { raw, rejection, startHarness, type Harness } from './harness.js';

const KiB = 1024;

/** Send `head` (and `body`), then read until the server closes; fails after 10 s. */
function exchange(baseUrl: string, head: string, body = ''): Promise<{ reply: string; wrote: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1');
    let reply = '';
    let wrote = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within 10 s; got ${JSON.stringify(reply.slice(0, 200))}`));
    }, 10_000);
    socket.setEncoding('utf8').on('data', (d: string) => (reply += d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply, wrote });
    });
    socket.on('connect', () => {
      socket.write(head);
      if (body) socket.write(body, () => (wrote += body.length));
    });
  });
}

describe('endpoint limits', () => {
  let h: Harness;
  const clock = new ManualClock();
  before(async () => {
    h = await startHarness({ clock, limits: { maxQueues: 4, maxTagsPerQueue: 3, maxHeldBytes: 64 * KiB, maxRequestBytes: 256 * KiB } });
  });
  after(() => h.stop());

  it('refuses a queue beyond --max-queues with OverLimit, and allows one again after a delete', async () => {
    const urls = [];
    for (let i = 0; i < 4; i++) urls.push((await h.client.send(new CreateQueueCommand({ QueueName: `cap_${i}` }))).QueueUrl!);
    const err = await rejection(h.client.send(new CreateQueueCommand({ QueueName: 'cap_4' })));
    assert.ok(err instanceof OverLimit, err.name);
    assert.equal(err.$metadata?.httpStatusCode, 403);
    // Asking again for an existing queue is not a new one.
    await h.client.send(new CreateQueueCommand({ QueueName: 'cap_0' }));
    await h.client.send(new DeleteQueueCommand({ QueueUrl: urls[3] }));
    await h.client.send(new CreateQueueCommand({ QueueName: 'cap_4' }));
    for (const u of [...urls.slice(1, 3), (await h.client.send(new CreateQueueCommand({ QueueName: 'cap_4' }))).QueueUrl!]) {
      await h.client.send(new DeleteQueueCommand({ QueueUrl: u }));
    }
  });

  it('caps tags per queue at --max-tags-per-queue', async () => {
    const url = (await h.client.send(new CreateQueueCommand({ QueueName: 'cap_0' }))).QueueUrl!;
    await h.client.send(new TagQueueCommand({ QueueUrl: url, Tags: { a: '1', b: '2' } }));
    await h.client.send(new TagQueueCommand({ QueueUrl: url, Tags: { a: 'again', c: '3' } }));
    const err = await rejection(h.client.send(new TagQueueCommand({ QueueUrl: url, Tags: { d: '4' } })));
    assert.equal(err.name, 'InvalidParameterValue');
    assert.match(err.message, /maximum is 3/);
    const create = await rejection(h.client.send(new CreateQueueCommand({ QueueName: 'cap_tags', tags: { a: '1', b: '2', c: '3', d: '4' } })));
    assert.equal(create.name, 'InvalidParameterValue');
  });

  it('refuses sends beyond --max-held-bytes with OverLimit, and counts bytes back on delete, purge and expiry', async () => {
    const url = (await h.client.send(new CreateQueueCommand({ QueueName: 'cap_0', Attributes: {} }))).QueueUrl!;
    await h.client.send(new PurgeQueueCommand({ QueueUrl: url }));
    assert.equal(h.server.stats().heldBytes, 0);
    const body = 'x'.repeat(10 * KiB);
    for (let i = 0; i < 5; i++) await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    assert.equal(h.server.stats().heldBytes, 5 * (10 * KiB + MESSAGE_OVERHEAD_BYTES));
    const err = await rejection(h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body + body })));
    assert.ok(err instanceof OverLimit, err.name);
    const batch = await h.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'fits', MessageBody: body }, { Id: 'over', MessageBody: body }] }));
    assert.deepEqual(batch.Successful?.map((e) => e.Id), ['fits']);
    assert.deepEqual(batch.Failed?.map((e) => [e.Id, e.Code, e.SenderFault]), [['over', 'OverLimit', true]]);
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    await h.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: got.Messages![0]!.ReceiptHandle }));
    assert.equal(h.server.stats().heldBytes, 5 * (10 * KiB + MESSAGE_OVERHEAD_BYTES));
    await h.client.send(new PurgeQueueCommand({ QueueUrl: url }));
    assert.equal(h.server.stats().heldBytes, 0);
    // Expiry gives the bytes back too.
    const short = (await h.client.send(new CreateQueueCommand({ QueueName: 'cap_short', Attributes: { MessageRetentionPeriod: '60' } }))).QueueUrl!;
    await h.client.send(new SendMessageCommand({ QueueUrl: short, MessageBody: body, DelaySeconds: 5 }));
    await h.client.send(new SendMessageCommand({ QueueUrl: short, MessageBody: body }));
    await clock.advance(61_000);
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: short }));
    assert.equal(h.server.stats().heldBytes, 0);
    await h.client.send(new DeleteQueueCommand({ QueueUrl: short }));
  });

  it('answers a declared oversize body with 413 at once and closes without reading it', async () => {
    const { reply } = await exchange(h.url, `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: ${512 * KiB}\r\n\r\n`);
    assert.match(reply, /^HTTP\/1.1 413/);
    assert.match(reply, /connection: close/i);
    assert.match(reply, /RequestEntityTooLargeException/);
  });

  it('does not invite an oversize body (Expect: 100-continue): 413 without 100 Continue; a body that fits is invited', async () => {
    const head = (length: number) => `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
    const { reply } = await exchange(h.url, head(512 * KiB));
    assert.match(reply, /^HTTP\/1.1 413/);
    assert.doesNotMatch(reply, /100 Continue/);
    const form = 'Action=ListQueues';
    const fits = await exchange(h.url, head(form.length), form);
    assert.match(fits.reply, /^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 200/);
  });

  it('answers a chunked body that grows past the cap with 413 and closes', async () => {
    const chunk = 'x'.repeat(64 * KiB);
    const chunks = Array.from({ length: 8 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const { reply } = await exchange(h.url, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n', chunks);
    assert.match(reply, /^HTTP\/1.1 413/);
    assert.match(reply, /<Code>RequestEntityTooLarge<\/Code>/);
  });

  it('serves a body just under the cap', async () => {
    const r = await raw(h.url, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=ListQueues&Pad=${'x'.repeat(200 * KiB)}` });
    assert.equal(r.status, 200);
  });
});
