/**
 * The local SQS-compatible endpoint's HTTP server (node:http, no framework).
 * Each POST (any path) or GET is one action; the protocol is chosen per
 * request: `X-Amz-Target` means AWS JSON 1.0, otherwise the Query protocol.
 * Any SigV4 signature is accepted. Every failure, including garbage bodies,
 * gets an AWS-shaped error in the request's protocol.
 *
 * Build, don't start: `createLocalSqsServer()` returns a server; `listen()`
 * starts it and resolves to its base URL; `close()` answers pending long polls
 * (empty), closes keep-alive sockets and resolves once the port is free.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ACTIONS, type ActionContext } from './actions/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { SqsApiError, internalError, invalidAction, invalidParameterValue } from './errors.js';
import { parseJsonRequest, writeJson, writeJsonError } from './json-protocol.js';
import { parseQueryRequest, writeXml, writeXmlError } from './query-protocol.js';
import { QueueStore } from './store.js';

/** Largest request body read (bytes): a 1 MiB batch, JSON-escaped, fits. */
const MAX_REQUEST_BYTES = 8 * 1_048_576;
const DEFAULT_SENDER = 'AIDAIT2UOQQY3AUEKVGXU';

export interface LocalSqsServerOptions {
  readonly clock?: Clock;
  /** Region shown in queue ARNs (default us-east-1). */
  readonly region?: string;
  /** Called with every error that is not the client's fault (a bug), for logging. */
  readonly onInternalError?: (err: unknown) => void;
}

export interface QueueStats {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Long polls waiting for a message. */
  readonly waiting: number;
}

export interface LocalSqsServer {
  /** Start listening (port 0 = any free port); resolves to the base URL, e.g. http://127.0.0.1:41234. */
  listen(port?: number, host?: string): Promise<string>;
  /** Answer pending long polls, close every socket, drop the messages. */
  close(): Promise<void>;
  /** Per-queue message counts and the number of requests handled. */
  stats(): { queues: QueueStats[]; requests: number; messages: number };
}

export function createLocalSqsServer(options: LocalSqsServerOptions = {}): LocalSqsServer {
  const store = new QueueStore({ clock: options.clock ?? systemClock, ...(options.region ? { region: options.region } : {}) });
  const sockets = new Set<Socket>();
  const senders = new Map<string, string>();
  let requests = 0;
  let closing = false;
  let fallbackBase = 'http://127.0.0.1';

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    requests += 1;
    if (closing) res.shouldKeepAlive = false;
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) {
        res.shouldKeepAlive = false;
        respondError(req, res, invalidParameterValue(`The request body is larger than ${MAX_REQUEST_BYTES} bytes.`));
        return;
      }
      handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  });
  // A malformed HTTP request gets a plain 400, never a crash.
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  function senderOf(req: IncomingMessage): string {
    const auth = req.headers.authorization;
    if (auth === undefined) return DEFAULT_SENDER;
    const m = /Credential=([^/,\s]+)/.exec(auth);
    if (m === null) return DEFAULT_SENDER;
    let id = senders.get(m[1]!);
    if (id === undefined) {
      id = m[1]!;
      if (senders.size < 1000) senders.set(id, id); // interned: one string per sender, not per message
    }
    return id;
  }

  function isJson(req: IncomingMessage): boolean {
    return typeof req.headers['x-amz-target'] === 'string';
  }

  function respondError(req: IncomingMessage, res: ServerResponse, err: SqsApiError): void {
    if (res.headersSent || res.destroyed) return;
    const requestId = randomUUID();
    if (isJson(req)) writeJsonError(res, err, requestId);
    else writeXmlError(res, err, requestId);
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const json = isJson(req);
    const baseUrl = req.headers.host ? `http://${req.headers.host}` : fallbackBase;
    let action = '';
    try {
      const target = req.headers['x-amz-target'];
      let parsed;
      if (typeof target === 'string') parsed = parseJsonRequest(target, body);
      else {
        const q = req.url?.indexOf('?') ?? -1;
        const path = q >= 0 ? req.url!.slice(0, q) : (req.url ?? '/');
        const params = new URLSearchParams(q >= 0 ? req.url!.slice(q + 1) : '');
        if (body.length > 0) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
        parsed = parseQueryRequest(params, path, baseUrl);
      }
      action = parsed.action;
      const handler = ACTIONS.get(action);
      if (handler === undefined) throw invalidAction(action);
      const ctx: ActionContext = {
        store,
        baseUrl,
        senderId: senderOf(req),
        onCancel: (cancel) => res.once('close', cancel),
      };
      const output = handler(parsed.input, ctx);
      if (output instanceof Promise) {
        output.then(
          (o) => respond(res, json, action, o),
          (err: unknown) => fail(req, res, err),
        );
      } else respond(res, json, action, output);
    } catch (err) {
      fail(req, res, err);
    }
  }

  function respond(res: ServerResponse, json: boolean, action: string, output: object): void {
    if (res.destroyed || res.headersSent) return;
    if (closing) res.shouldKeepAlive = false;
    const requestId = randomUUID();
    if (json) writeJson(res, output, requestId);
    else writeXml(res, action, output, requestId);
  }

  function fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (err instanceof SqsApiError) return respondError(req, res, err);
    options.onInternalError?.(err);
    respondError(req, res, internalError());
  }

  return {
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const addr = server.address() as AddressInfo;
          const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          fallbackBase = `http://${h === '0.0.0.0' || h === '[::]' ? '127.0.0.1' : h}:${addr.port}`;
          resolve(fallbackBase);
        });
      });
    },
    close() {
      closing = true;
      store.close();
      return new Promise((resolve) => {
        if (!server.listening) {
          for (const s of sockets) s.destroy();
          resolve();
          return;
        }
        server.close(() => resolve());
        server.closeIdleConnections();
        // Sockets still busy (a response being written) get a moment, then go.
        const timer = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 200);
        timer.unref();
        setImmediate(() => server.closeIdleConnections());
      });
    },
    stats() {
      const queues = store.list().map((q) => ({ name: q.name, visible: q.visibleCount, inFlight: q.inFlightCount, delayed: q.delayedCount, waiting: q.waiting }));
      return { queues, requests, messages: store.messageCount() };
    },
  };
}
