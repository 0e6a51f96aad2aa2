/**
 * The load client's HTTP/1.1 sender for http:// URLs: its own keep-alive
 * connections (net.Socket), each request written as one prebuilt buffer
 * (head + body, built once per distinct body), answers read by a small
 * incremental reader, one request at a time per connection (no pipelining,
 * like autocannon's default). Compared with node:http's client it allocates
 * no request/response objects, no per-request timer and no header maps: the
 * load generator should cost less than the server it measures (`npm run bench
 * -- --only load` compares it with autocannon).
 *
 * Timeouts: one sweep every `timeoutMs / 4` (at most 1 s) destroys the
 * connections whose request has waited longer than `timeoutMs`.
 */
import { connect, type Socket } from 'node:net';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { ResponseReader, type Response } from './http1-response.js';
import type { RequestSlot } from './payloads.js';
import type { HttpSenderOptions, SendDone, Sender } from './sender.js';

interface Pending {
  readonly slot: RequestSlot;
  readonly done: SendDone;
}

interface Connection {
  readonly socket: Socket;
  readonly reader: ResponseReader;
  current: Pending | undefined;
  startedAt: number;
  connected: boolean;
  closed: boolean;
}

function errorKind(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : 'error';
}

export function createRawHttpSender(url: string, options: HttpSenderOptions, clock: Clock = systemClock): Sender {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port === '' ? 80 : Number(u.port);
  const headPrefix = `POST ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: `;
  const wire = new Map<Buffer, Buffer>();
  const idle: Connection[] = [];
  const waiting: Pending[] = [];
  const all = new Set<Connection>();
  let closed = false;
  let sweep: Timer | undefined;
  const sweepMs = Math.max(1, Math.min(1_000, Math.floor(options.timeoutMs / 4)));

  function requestBytes(body: Buffer): Buffer {
    let bytes = wire.get(body);
    if (bytes === undefined) {
      bytes = Buffer.concat([Buffer.from(`${headPrefix}${body.length}\r\n\r\n`, 'latin1'), body]);
      wire.set(body, bytes);
    }
    return bytes;
  }

  function idOf(r: Response): string | undefined {
    try {
      const id = (JSON.parse(r.body.toString('utf8')) as { id?: unknown }).id;
      return typeof id === 'string' ? id : undefined;
    } catch {
      return undefined;
    }
  }

  function settle(c: Connection, outcome: string, id: string | undefined): void {
    const p = c.current;
    c.current = undefined;
    p?.done(outcome, id);
  }

  function open(): Connection {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const c: Connection = {
      socket,
      reader: new ResponseReader((status) => options.collectIds && status === 201),
      current: undefined, startedAt: 0, connected: false, closed: false,
    };
    all.add(c);
    socket.on('connect', () => (c.connected = true));
    socket.on('data', (chunk: Buffer) => {
      let responses: Response[];
      try {
        responses = c.reader.push(chunk);
      } catch (err) {
        return drop(c, errorKind(err));
      }
      for (const r of responses) {
        const p = c.current;
        if (!p) return drop(c, 'EPROTO'); // an answer nobody asked for
        c.current = undefined;
        // Free the connection first, so the request the answer makes room for can reuse it.
        if (r.keepAlive) release(c);
        else drop(c, undefined);
        p.done(String(r.status), options.collectIds && r.status === 201 ? idOf(r) : undefined);
      }
    });
    socket.on('end', () => {
      const last = c.reader.end();
      if (last && c.current) settle(c, String(last.status), options.collectIds && last.status === 201 ? idOf(last) : undefined);
      drop(c, 'ECONNRESET');
    });
    socket.on('error', (err) => drop(c, errorKind(err)));
    socket.on('close', () => drop(c, 'ECONNRESET'));
    return c;
  }

  /** The connection is unusable: its request (if any) fails with `outcome`; the next waiting request gets a new one. */
  function drop(c: Connection, outcome: string | undefined): void {
    if (c.closed) return;
    c.closed = true;
    all.delete(c);
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    c.socket.destroy();
    if (c.current) settle(c, outcome ?? 'ECONNRESET', undefined);
    if (!closed && waiting.length > 0) dispatch(open(), waiting.shift()!);
  }

  function release(c: Connection): void {
    const next = waiting.shift();
    if (next) dispatch(c, next);
    else idle.push(c);
  }

  function dispatch(c: Connection, p: Pending): void {
    c.current = p;
    c.startedAt = clock.monotonic();
    c.socket.write(requestBytes(p.slot.body));
    sweep ??= clock.setTimer(onSweep, sweepMs);
  }

  function onSweep(): void {
    sweep = undefined;
    const now = clock.monotonic();
    let busy = false;
    for (const c of [...all]) {
      if (!c.current) continue;
      if (now - c.startedAt >= options.timeoutMs) drop(c, 'timeout');
      else busy = true;
    }
    if (busy && !closed) sweep = clock.setTimer(onSweep, sweepMs);
  }

  return {
    send(slot, done) {
      const p: Pending = { slot, done };
      if (closed) return done('ECONNABORTED', undefined);
      const c = idle.pop();
      if (c) dispatch(c, p);
      else if (all.size < options.connections) dispatch(open(), p);
      else waiting.push(p);
    },
    close() {
      closed = true;
      sweep?.cancel();
      sweep = undefined;
      for (const c of [...all]) drop(c, 'ECONNABORTED');
      for (const p of waiting.splice(0)) p.done('ECONNABORTED', undefined);
    },
  };
}
