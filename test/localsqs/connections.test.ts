/**
 * Slow and half-sent requests (issue 12, class 3): the endpoint closes them
 * after its headers/request timeouts, closes idle keep-alive connections, and
 * holds at most maxConnections, so a slowloris cannot exhaust its descriptors.
 * Timeouts are set small here; every wait is for an event, bounded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ManualClock } from '../helpers/manual-clock.js';
import { startHarness, until, type Harness } from './harness.js';

interface Probe {
  readonly socket: Socket;
  /** What the server wrote before closing. */
  readonly received: () => string;
  /** Resolves when the server closed the connection; fails after `timeoutMs`. */
  readonly closed: (timeoutMs?: number) => Promise<string>;
}

/** A raw connection that sends `data` and then nothing more. */
async function probe(baseUrl: string, data: string): Promise<Probe> {
  const { port } = new URL(baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  let text = '';
  let ended = false;
  const waiters: (() => void)[] = [];
  socket.setEncoding('utf8').on('data', (d: string) => (text += d));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    ended = true;
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve).once('close', resolve));
  if (!ended) socket.write(data);
  return {
    socket,
    received: () => text,
    closed: (timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        if (ended) return resolve(text);
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`the server kept the connection open for ${timeoutMs} ms (it had sent: ${JSON.stringify(text)})`));
        }, timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve(text);
        });
      }),
  };
}

const PARTIAL_HEADERS = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSQS.ListQueues\r\n';
const PARTIAL_BODY = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{"Que';

describe('slow and half-sent requests', () => {
  let h: Harness;
  const clock = new ManualClock();
  before(async () => {
    h = await startHarness({ clock, limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, maxConnections: 8 } });
  });
  after(() => h.stop());

  it('closes a connection whose headers never finish (headers timeout)', async () => {
    const p = await probe(h.url, PARTIAL_HEADERS);
    await p.closed();
  });

  it('closes a connection that opens and sends nothing', async () => {
    const p = await probe(h.url, '');
    await p.closed();
  });

  it('answers 408 and closes when a body stops arriving (request timeout)', async () => {
    const p = await probe(h.url, PARTIAL_BODY);
    assert.match(await p.closed(), /^HTTP\/1.1 408/);
  });

  it('closes an idle keep-alive connection (keep-alive timeout)', async () => {
    const p = await probe(h.url, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n\r\n{}');
    const text = await p.closed();
    assert.match(text, /^HTTP\/1.1 200/);
    assert.match(text, /keep-alive/i);
  });

  it('holds at most maxConnections: a slowloris of 40 sockets is capped, then timed out, and clients are served again', async () => {
    const slow = await Promise.all(Array.from({ length: 40 }, () => probe(h.url, PARTIAL_HEADERS)));
    await until(() => h.server.stats().connections <= 8 && slow.filter((p) => p.socket.destroyed || p.socket.readyState === 'closed').length >= 32, 'the sockets over the cap to be refused');
    assert.ok(h.server.stats().connections <= 8, `${h.server.stats().connections} connections held`);
    await Promise.all(slow.map((p) => p.closed()));
    await until(() => h.server.stats().connections === 0, 'every slow socket to be gone');
    const out = await h.newClient().send(new ListQueuesCommand({}));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  it('lets a long poll wait past the request timeout: the request had arrived', async () => {
    const url = await h.queue();
    const c = h.newClient();
    const poll = c.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await h.waiting(url);
    // A half-sent request on another socket being timed out proves the checker ran past requestTimeout meanwhile.
    await (await probe(h.url, PARTIAL_BODY)).closed();
    await h.newClient().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'late' }));
    assert.equal((await poll).Messages?.[0]?.Body, 'late');
  });
});
