/**
 * The local SQS-compatible endpoint's HTTP server (node:http, no framework).
 * Each POST (any path) or GET (Query protocol) is one action; the protocol is
 * chosen per request: `X-Amz-Target` means AWS JSON 1.0, otherwise the Query
 * protocol. Every failure, including garbage bodies, gets an AWS-shaped error
 * in the request's protocol, never a 5xx for the client's fault.
 *
 * Hostile input is bounded before it costs anything: headers, request and
 * keep-alive timeouts and a connection cap (EndpointLimits); a body larger than
 * maxRequestBytes is answered 413 and its connection closed unread; invalid
 * UTF-8 is refused; browser requests from pages not allowed by --cors-origin
 * are refused (browser-policy.ts), and so are requests for a foreign Host name
 * while listening on a loopback address (host-check.ts: DNS rebinding). With
 * credentials, SigV4 is verified (sigv4.ts); without, any signature is accepted.
 *
 * Build, don't start: `createLocalSqsServer()` returns a server; `listen()`
 * starts it and resolves to its base URL; `close()` answers pending long polls
 * (empty), cancels every timer, closes keep-alive sockets and resolves once the
 * port is free.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../util/clock.js';
import { ACTIONS, type ActionContext } from './actions/index.js';
import { createBrowserPolicy } from './browser-policy.js';
import { createHostCheck, normalizeAllowedHost, type HostCheck } from './host-check.js';
import { SqsApiError, internalError, invalidAction, invalidUtf8, requestTooLarge } from './errors.js';
import { parseForm } from './form.js';
import { parseJsonRequest, writeJson, writeJsonError } from './json-protocol.js';
import { DEFAULT_LIMITS, REQUEST_SHAPE, type EndpointLimits } from './limits.js';
import { createEndpointMetrics } from './metrics.js';
import { parseQueryRequest, writeXml, writeXmlError } from './query-protocol.js';
import { createSigV4Verifier, type Credentials } from './sigv4.js';
import { QueueStore } from './store.js';
import { xmlError } from './xml.js';

const DEFAULT_SENDER = 'AIDAIT2UOQQY3AUEKVGXU';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One answered request, for metrics and tests. */
export interface RequestRecord {
  /** The action, or '' when the request was refused before one was known. */
  readonly action: string;
  readonly status: number;
  /** Milliseconds (by `measureMs`) the request held the event loop while being handled. */
  readonly handlerMs: number;
}

export interface LocalSqsServerOptions {
  readonly clock?: Clock;
  /** Region shown in queue ARNs (default us-east-1). */
  readonly region?: string;
  /** Caps and timeouts; each missing one is DEFAULT_LIMITS'. */
  readonly limits?: Partial<EndpointLimits>;
  /** Origins (scheme://host:port) whose browser pages may call the endpoint, with CORS. */
  readonly corsOrigins?: readonly string[];
  /** When given, every request must be SigV4-signed with one of these. */
  readonly credentials?: readonly Credentials[];
  /** Host names served besides localhost and IP addresses while listening on a loopback address (`.domain`: and its subdomains). */
  readonly allowedHosts?: readonly string[];
  /** Called with every error that is not the client's fault (a bug), for logging. */
  readonly onInternalError?: (err: unknown) => void;
  /** Called once per answered request. */
  readonly onRequest?: (record: RequestRecord) => void;
  /** A millisecond reading that times handlerMs (default the clock's monotonic; a test may pass CPU time). */
  readonly measureMs?: () => number;
  /**
   * The queues to serve (e.g. recovered from --data-dir, with a journal); its clock
   * and limits replace `clock` and `limits`. Default: a new, empty, in-memory store.
   */
  readonly store?: QueueStore;
}

export interface QueueStats {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Long polls waiting for a message. */
  readonly waiting: number;
}

export interface EndpointStats {
  readonly queues: QueueStats[];
  readonly requests: number;
  /** Requests refused for who sent them: a bad, missing or expired signature, a browser page, a foreign Host. */
  readonly refused: number;
  readonly messages: number;
  /** Bytes held (payload plus bookkeeping), counted against maxHeldBytes. */
  readonly heldBytes: number;
  /** Open client connections. */
  readonly connections: number;
}

export interface LocalSqsServer {
  /** Start listening (port 0 = any free port); resolves to the base URL, e.g. http://127.0.0.1:41234. */
  listen(port?: number, host?: string): Promise<string>;
  /** Answer pending long polls, cancel every timer, close every socket, drop the messages. */
  close(): Promise<void>;
  /** Per-queue message counts, requests handled, bytes held and open connections. */
  stats(): EndpointStats;
  /** The limits in force. */
  readonly limits: EndpointLimits;
}

export function createLocalSqsServer(options: LocalSqsServerOptions = {}): LocalSqsServer {
  const clock = options.store?.clock ?? options.clock ?? systemClock;
  const limits: EndpointLimits = options.store?.limits ?? Object.freeze({ ...DEFAULT_LIMITS, ...options.limits });
  const store = options.store ?? new QueueStore({ clock, limits, ...(options.region ? { region: options.region } : {}) });
  const journal = store.journal;
  const policy = createBrowserPolicy(options.corsOrigins ?? []);
  // Checked here, not at listen(): a bad name is the caller's error now.
  const allowedHosts = (options.allowedHosts ?? []).map(normalizeAllowedHost);
  const verifier = options.credentials && options.credentials.length > 0 ? createSigV4Verifier(options.credentials, clock) : undefined;
  // Handler time is only measured for someone who asked for the records.
  const measure = options.onRequest === undefined ? () => 0 : (options.measureMs ?? (() => clock.monotonic()));
  const onRequest = options.onRequest;
  const sockets = new Set<Socket>();
  const metrics = createEndpointMetrics({
    queues: () => store.list().map((q) => ({ name: q.name, visible: q.visibleCount, inFlight: q.inFlightCount, delayed: q.delayedCount })),
    heldBytes: () => store.heldBytes,
    connections: () => sockets.size,
  });
  const senders = new Map<string, string>();
  let requests = 0;
  let refused = 0;
  let hostCheck: HostCheck | undefined;
  let closing = false;
  let fallbackBase = 'http://127.0.0.1';

  const server = createServer(
    {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs || Infinity),
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node looks for requests past their timeouts.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    onHttpRequest,
  );
  // `Expect: 100-continue` (curl sends it for large bodies): a body that would be refused is never invited.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (hostCheck?.refusal(req) === undefined && policy.refusal(req) === undefined && !declaresTooLarge(req)) res.writeContinue();
    onHttpRequest(req, res);
  });

  function declaresTooLarge(req: IncomingMessage): boolean {
    const declared = req.headers['content-length'];
    return declared !== undefined && Number(declared) > limits.maxRequestBytes;
  }

  function onHttpRequest(req: IncomingMessage, res: ServerResponse): void {
    requests += 1;
    if (closing) res.shouldKeepAlive = false;
    const foreign = hostCheck?.refusal(req);
    if (foreign !== undefined) {
      closeIfBodyUnread(req, res);
      return refuse(req, res, foreign, '', 0);
    }
    if (req.method === 'OPTIONS') {
      closeIfBodyUnread(req, res);
      policy.answerOptions(req, res, (err) => refuse(req, res, err, '', 0));
      return;
    }
    const refusal = policy.refusal(req);
    if (refusal !== undefined) {
      closeIfBodyUnread(req, res);
      return refusal.status === 403 ? refuse(req, res, refusal, '', 0) : respondError(req, res, refusal, '', 0);
    }
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) return serveMetrics(res);
    if (declaresTooLarge(req)) return refuseTooLarge(req, res);
    readBody(req, res);
  }
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  });
  // A malformed HTTP request (or one past its headers/request timeout) gets a 4xx, never a crash. Its
  // headers were not read, so the protocol is unknown: the answer is the Query protocol's XML error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return void socket.destroy();
    const [status, code, message] =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ['408 Request Timeout', 'RequestTimeout', 'The request did not arrive in time.']
      : err.code === 'HPE_HEADER_OVERFLOW' ? ['431 Request Header Fields Too Large', 'RequestHeaderFieldsTooLarge', 'The request line and headers are too large.']
      : ['400 Bad Request', 'MalformedHttpRequest', 'The request is not valid HTTP/1.1.'];
    // An answer to HEAD has no body (when the request line was read at all, it starts the packet).
    const head = (err as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    const body = head ? '' : xmlError('Sender', code, message, randomUUID());
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });

  function readBody(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limits.maxRequestBytes) return void chunks.push(chunk);
      // Past the cap: stop reading, answer 413 and close (the rest is never read).
      done = true;
      req.off('data', onData);
      refuseTooLarge(req, res);
    };
    req.on('data', onData);
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (done) return;
      handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  }

  /** Prometheus text; no signature asked (a scraper cannot sign), so it shows queue names and depths to whoever reaches the port. */
  function serveMetrics(res: ServerResponse): void {
    metrics.scrape().then(
      ({ body, contentType }) => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      (err: unknown) => {
        options.onInternalError?.(err);
        res.writeHead(500).end();
      },
    );
  }

  function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
    req.pause();
    res.shouldKeepAlive = false;
    respondError(req, res, requestTooLarge(limits.maxRequestBytes), '', 0);
  }

  /** Answering without reading a large or chunked body: close the connection instead of reading it to keep it. */
  function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
    const length = req.headers['content-length'];
    if (length === undefined ? req.headers['transfer-encoding'] !== undefined : Number(length) > 65_536) {
      req.pause();
      res.shouldKeepAlive = false;
    }
  }

  function senderOf(req: IncomingMessage): string {
    const auth = req.headers.authorization;
    if (auth === undefined) return DEFAULT_SENDER;
    const m = /Credential=([^/,\s]{1,128})/.exec(auth);
    return m === null ? DEFAULT_SENDER : intern(m[1]!);
  }

  /** One string per sender, not per message (at most 1000 remembered). */
  function intern(id: string): string {
    const known = senders.get(id);
    if (known !== undefined) return known;
    if (senders.size < 1000) senders.set(id, id);
    return id;
  }

  function isJson(req: IncomingMessage): boolean {
    return typeof req.headers['x-amz-target'] === 'string';
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const started = measure();
    const json = isJson(req);
    const baseUrl = req.headers.host ? `http://${req.headers.host}` : fallbackBase;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    let action = '';
    try {
      let text = '';
      try {
        if (body.length > 0) text = utf8.decode(body);
      } catch {
        throw invalidUtf8();
      }
      // The Query protocol's parameters: the query string, then a form body. Parsed for JSON too when signed by URL.
      const params: [string, string][] = [];
      if (q >= 0) parseForm(url.slice(q + 1), params, REQUEST_SHAPE.maxQueryParams);
      // What the signature covers as the query: the URL's parameters only (a form body is the payload).
      const urlParams = verifier !== undefined ? params.slice() : params;
      if (!json && text.length > 0) parseForm(text, params, REQUEST_SHAPE.maxQueryParams);
      if (verifier === undefined) return run(senderOf(req), started);
      const pending = verifier.verify(req, path, urlParams, body);
      const spent = measure() - started;
      pending.then(
        (accessKeyId) => run(intern(accessKeyId), measure() - spent),
        (err: unknown) => (err instanceof SqsApiError ? refuse(req, res, err, action, spent) : fail(req, res, err, action, spent)),
      );

      function run(senderId: string, since: number): void {
        try {
          const target = req.headers['x-amz-target'];
          const parsed = typeof target === 'string' ? parseJsonRequest(target, text) : parseQueryRequest(params, path, baseUrl);
          action = parsed.action;
          const handler = ACTIONS.get(action);
          if (handler === undefined) throw invalidAction(action.slice(0, 64));
          const ctx: ActionContext = { store, baseUrl, senderId, onCancel: (cancel) => res.once('close', cancel) };
          const output = handler(parsed.input, ctx);
          if (output instanceof Promise) {
            const spentSync = measure() - since;
            output.then(
              (o) => respondDurable(req, res, json, action, o, spentSync),
              (err: unknown) => failDurable(req, res, err, action, spentSync),
            );
          } else respondDurable(req, res, json, action, output, measure() - since);
        } catch (err) {
          failDurable(req, res, err, action, measure() - since);
        }
      }
    } catch (err) {
      fail(req, res, err, action, measure() - started);
    }
  }

  function corsOn(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.origin === undefined) return;
    for (const [k, v] of Object.entries(policy.corsHeaders(req))) res.setHeader(k, v);
  }

  /**
   * Answers due now go out together at the end of this turn of the event loop (setImmediate), after
   * every request that arrived with them was handled: measured about 10% less endpoint CPU per
   * message under the endpoint bench than answering each one inline (bench/drivers/endpoint-cpu.ts).
   */
  interface Answer {
    readonly req: IncomingMessage;
    readonly res: ServerResponse;
    readonly json: boolean;
    readonly action: string;
    readonly output: object;
    readonly handlerMs: number;
  }
  let turnAnswers: Answer[] = [];
  const answerTurn = (): void => {
    const answers = turnAnswers;
    turnAnswers = [];
    for (const a of answers) {
      try {
        respond(a.req, a.res, a.json, a.action, a.output, a.handlerMs);
      } catch (err) {
        fail(a.req, a.res, err, a.action, a.handlerMs); // as when it was answered inline: a 500, the next answers still go out
      }
    }
  };

  /** With a journal, answer once every change made so far is durable (group commit: one wait for many requests). */
  function respondDurable(req: IncomingMessage, res: ServerResponse, json: boolean, action: string, output: object, handlerMs: number): void {
    const durable = journal?.durable();
    if (durable === undefined) {
      if (turnAnswers.push({ req, res, json, action, output, handlerMs }) === 1) setImmediate(answerTurn);
      return;
    }
    durable.then(
      () => respond(req, res, json, action, output, handlerMs),
      (err: unknown) => fail(req, res, err, action, handlerMs),
    );
  }

  /** A batch entry or a handler may have changed something before failing: the same wait. */
  function failDurable(req: IncomingMessage, res: ServerResponse, err: unknown, action: string, handlerMs: number): void {
    const durable = journal?.durable();
    if (durable === undefined) return fail(req, res, err, action, handlerMs);
    durable.then(
      () => fail(req, res, err, action, handlerMs),
      (journalErr: unknown) => fail(req, res, journalErr, action, handlerMs),
    );
  }

  function respond(req: IncomingMessage, res: ServerResponse, json: boolean, action: string, output: object, handlerMs: number): void {
    if (res.destroyed || res.headersSent) return;
    if (closing) res.shouldKeepAlive = false;
    corsOn(req, res);
    const requestId = randomUUID();
    if (json) writeJson(res, output, requestId);
    else writeXml(res, action, output, requestId);
    metrics.request(action, 200);
    onRequest?.({ action, status: 200, handlerMs });
  }

  function respondError(req: IncomingMessage, res: ServerResponse, err: SqsApiError, action: string, handlerMs: number): void {
    if (res.headersSent || res.destroyed) return;
    corsOn(req, res);
    const requestId = randomUUID();
    if (err.status === 405) res.setHeader('allow', 'GET, POST, OPTIONS');
    if (isJson(req)) writeJsonError(res, err, requestId);
    else writeXmlError(res, err, requestId);
    metrics.request(action, err.status);
    onRequest?.({ action, status: err.status, handlerMs });
  }

  /** A refusal of who sent the request (signature, browser page, Host): answered, and counted as refused. */
  function refuse(req: IncomingMessage, res: ServerResponse, err: SqsApiError, action: string, handlerMs: number): void {
    refused += 1;
    respondError(req, res, err, action, handlerMs);
  }

  function fail(req: IncomingMessage, res: ServerResponse, err: unknown, action: string, handlerMs: number): void {
    if (err instanceof SqsApiError) return respondError(req, res, err, action, handlerMs);
    options.onInternalError?.(err);
    respondError(req, res, internalError(), action, handlerMs);
  }

  return {
    limits,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const addr = server.address() as AddressInfo;
          hostCheck = createHostCheck(addr.address, allowedHosts);
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
        // Sockets still busy (a response being written) get a moment, then go. An I/O grace
        // period in real time, whatever the SQS clock (a manual clock would never end it).
        const grace = setTimeout(() => server.closeAllConnections(), 200);
        server.close(() => {
          clearTimeout(grace);
          resolve();
        });
        server.closeIdleConnections();
        setImmediate(() => server.closeIdleConnections());
      });
    },
    stats() {
      const queues = store.list().map((q) => ({ name: q.name, visible: q.visibleCount, inFlight: q.inFlightCount, delayed: q.delayedCount, waiting: q.waiting }));
      return { queues, requests, refused, messages: store.messageCount(), heldBytes: store.heldBytes, connections: sockets.size };
    },
  };
}
