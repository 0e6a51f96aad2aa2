/**
 * The HTTP side of the load client: one keep-alive Agent sized to the
 * concurrency, request options built once per distinct body, responses read
 * only as far as needed (the MessageId of a 201 when --verify wants it).
 *
 * An outcome is a status code as a string ("201", "400") or the kind of
 * connection error ("ECONNREFUSED", "ECONNRESET", "timeout", ...).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { WriterUnavailableError } from '../errors.js';
import type { RequestSlot } from './payloads.js';
import { createRawHttpSender } from './raw-sender.js';

/** Called exactly once per request. `id` is the MessageId of a 201 (only when ids are collected). */
export type SendDone = (outcome: string, id: string | undefined) => void;

export interface Sender {
  send(slot: RequestSlot, done: SendDone): void;
  /** Close the keep-alive sockets. */
  close(): void;
}

export interface HttpSenderOptions {
  /** Keep-alive sockets (requests on the wire at once). */
  readonly connections: number;
  /** No answer after this long (ms): the request is destroyed and counts as `timeout`. */
  readonly timeoutMs: number;
  /** Read the 201 bodies and hand back their `id` (for --verify). */
  readonly collectIds: boolean;
}

/** True for outcomes that are HTTP answers rather than connection errors. */
export function isStatus(outcome: string): boolean {
  const c = outcome.charCodeAt(0);
  return c >= 48 && c <= 57;
}

export function errorKind(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : 'error';
}

class RequestTimeout extends Error {
  override readonly name = 'RequestTimeout';
}

/**
 * The sender for `url`: the load client's own HTTP/1.1 connections for http://
 * (src/load/raw-sender.ts), node:https for https://. SQSDEMO_LOAD_NODE_HTTP=1
 * uses node:http for http:// too (to compare the two).
 */
export function createHttpSender(url: string, options: HttpSenderOptions, env: NodeJS.ProcessEnv = {}): Sender {
  if (new URL(url).protocol === 'http:' && !env.SQSDEMO_LOAD_NODE_HTTP) return createRawHttpSender(url, options);
  return createNodeHttpSender(url, options);
}

/** node:http(s) with a keep-alive Agent: one request object, one timer per request. */
export function createNodeHttpSender(url: string, options: HttpSenderOptions): Sender {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections })
    : new HttpAgent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  const request = https ? httpsRequest : httpRequest;
  const base: RequestOptions = {
    hostname: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? (https ? 443 : 80) : Number(u.port),
    path: `${u.pathname}${u.search}`,
    method: 'POST',
    agent,
  };
  // Request options per distinct body, built on first use and then reused.
  const optionsFor = new Map<Buffer, RequestOptions>();
  const timeoutError = new RequestTimeout('no answer in time');

  function send(slot: RequestSlot, done: SendDone): void {
    let opts = optionsFor.get(slot.body);
    if (opts === undefined) {
      opts = { ...base, headers: { 'content-type': 'application/json', 'content-length': slot.body.length } };
      optionsFor.set(slot.body, opts);
    }
    let finished = false;
    const finish = (outcome: string, id: string | undefined): void => {
      if (finished) return;
      finished = true;
      done(outcome, id);
    };
    const req = request(opts, (res: IncomingMessage) => {
      const status = String(res.statusCode ?? 0);
      if (options.collectIds && res.statusCode === 201) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => finish(status, idOf(text)));
      } else {
        res.on('end', () => finish(status, undefined));
        res.resume();
      }
      res.on('error', (err) => finish(errorKind(err), undefined));
    });
    req.setTimeout(options.timeoutMs, () => req.destroy(timeoutError));
    req.on('error', (err) => finish(err === timeoutError ? 'timeout' : errorKind(err), undefined));
    req.end(slot.body);
  }

  return { send, close: () => agent.destroy() };
}

function idOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Before the run: can we open a TCP connection to the writer at all? A refusal
 * here is a clear error (nobody listens; start `sqsdemo serve`), not a run that
 * counts ECONNREFUSED forever. Refusals later in the run are counted instead.
 */
export async function probeWriter(url: string, timeoutMs: number): Promise<void> {
  const u = new URL(url);
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err) => {
      const code = errorKind(err);
      const nobody = code === 'ECONNREFUSED';
      reject(
        new WriterUnavailableError(
          nobody ? `nothing is listening at ${url} (ECONNREFUSED)` : `cannot reach the writer at ${url} (${code})`,
          'start the writer with `sqsdemo serve` (or `sqsdemo dash`), or pass --url with its address',
          { cause: err },
        ),
      );
    });
  });
}
