import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createRawHttpSender } from '../../src/load/raw-sender.js';
import type { RequestSlot } from '../../src/load/payloads.js';
import { ManualClock } from '../helpers/manual-clock.js';

const SLOT: RequestSlot = { kind: 'good', malformed: false, body: Buffer.from('{"body":"hi"}') };

/** A TCP server whose behaviour per connection the test writes. */
async function tcpServer(onData: (socket: import('node:net').Socket, data: Buffer, n: number) => void): Promise<{ url: string; server: Server; connections: () => number }> {
  let n = 0;
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.on('data', (d) => onData(socket, d, ++n));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/api/message`, server, connections: () => connections };
}

function sendOnce(sender: ReturnType<typeof createRawHttpSender>): Promise<[string, string | undefined]> {
  return new Promise((resolve) => sender.send(SLOT, (outcome, id) => resolve([outcome, id])));
}

describe('the raw HTTP/1.1 sender', { timeout: 30_000 }, () => {
  it('sends a well-formed POST, reuses the keep-alive connection, and hands back the 201 id', async () => {
    const requests: string[] = [];
    const t = await tcpServer((socket, data) => {
      requests.push(data.toString('latin1'));
      socket.write('HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 14\r\n\r\n{"id":"abc-1"}');
    });
    const sender = createRawHttpSender(t.url, { connections: 4, timeoutMs: 5_000, collectIds: true });
    try {
      assert.deepEqual(await sendOnce(sender), ['201', 'abc-1']);
      assert.deepEqual(await sendOnce(sender), ['201', 'abc-1']);
      assert.equal(t.connections(), 1);
      const port = new URL(t.url).port;
      assert.equal(requests[0], `POST /api/message HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"body":"hi"}`);
    } finally {
      sender.close();
      t.server.close();
    }
  });

  it('counts a server that closes mid-answer as ECONNRESET and opens a new connection for the next request', async () => {
    const t = await tcpServer((socket, _data, n) => {
      if (n === 1) socket.end('HTTP/1.1 201 Created\r\ncontent-length: 100\r\n\r\n{"id"');
      else socket.write('HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}');
    });
    const sender = createRawHttpSender(t.url, { connections: 1, timeoutMs: 5_000, collectIds: false });
    try {
      assert.deepEqual(await sendOnce(sender), ['ECONNRESET', undefined]);
      assert.deepEqual(await sendOnce(sender), ['201', undefined]);
      assert.equal(t.connections(), 2);
    } finally {
      sender.close();
      t.server.close();
    }
  });

  it('reports ECONNREFUSED when nothing listens', async () => {
    const t = await tcpServer(() => undefined);
    const url = t.url;
    await new Promise<void>((resolve) => t.server.close(() => resolve()));
    const sender = createRawHttpSender(url, { connections: 1, timeoutMs: 5_000, collectIds: false });
    try {
      assert.deepEqual(await sendOnce(sender), ['ECONNREFUSED', undefined]);
    } finally {
      sender.close();
    }
  });

  it('times a request out on the clock, without a timer per request', async () => {
    const t = await tcpServer(() => undefined); // never answers
    const clock = new ManualClock(0);
    const sender = createRawHttpSender(t.url, { connections: 2, timeoutMs: 1_000, collectIds: false }, clock);
    try {
      const first = sendOnce(sender);
      const second = sendOnce(sender);
      assert.equal(clock.pending, 1, 'one sweep for every request in flight');
      await clock.advance(1_000);
      assert.deepEqual(await Promise.all([first, second]), [['timeout', undefined], ['timeout', undefined]]);
    } finally {
      sender.close();
      t.server.close();
    }
  });
});
