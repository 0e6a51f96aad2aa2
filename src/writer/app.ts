/**
 * The writer's HTTP routes (polka), apart from any listening socket:
 * POST /api/message, GET / (a small HTML page), GET /healthz, GET /metrics;
 * 404/405 as JSON for everything else. Every answer passes through `answer()`,
 * which counts it, reports it to the access log and closes the connection
 * while draining.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import polka, { type Polka, type Request } from 'polka';
import { PROMETHEUS_CONTENT_TYPE } from '../telemetry/prometheus.js';
import type { Clock } from '../util/clock.js';
import { EnqueueError, type MessageGroup } from './batch-types.js';
import type { SendBatcher } from './batcher.js';
import { MESSAGE_PATH, type RequestValidator } from './contract.js';
import { declaresTooLarge, hasLargeUnreadBody, isJsonContentType, readBody } from './http-body.js';
import { hasRefusedCharacters, INVALID_CHARACTERS_MESSAGE, tooLargeMessage, utf8Bytes } from './message-checks.js';
import type { WriterMetrics } from './metrics.js';
import type { QueueState } from './queue-state.js';
import { acceptedJson, ANSWERS, errorJson, write, type ErrorAnswer, type WriteOptions } from './responses.js';

/** Called once per answered request; `error` is a short reason for non-2xx answers. */
export type AccessListener = (method: string, path: string, status: number, ms: number, error: string | undefined) => void;

export interface WriterAppDeps {
  readonly validate: RequestValidator;
  readonly batcher: SendBatcher;
  readonly state: QueueState;
  readonly metrics: WriterMetrics;
  /** Latencies and request deadlines are on its monotonic() time. */
  readonly clock: Clock;
  /** A request not accepted by SQS within this long (ms) is answered 503. */
  readonly requestTimeoutMs: number;
  /** Largest request body read (bytes); larger is 413. */
  readonly maxRequestBytes: number;
  /** The queue is FIFO: every request needs a `group`; each gets a deduplication id. */
  readonly fifo?: boolean;
  readonly onAccess?: AccessListener;
  /** A route handler threw (a bug); the request is answered 500 either way. */
  readonly onInternalError?: (err: unknown) => void;
  /** With --workers: turns this process's /metrics text into the total over every worker. */
  readonly totalMetrics?: (ownText: string) => Promise<string>;
}

export interface WriterApp {
  readonly app: Polka;
  /** The 'request' listener for an http.Server. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Requests received and not yet answered. */
  inFlight(): number;
  /** From now on every answer carries `Connection: close`. */
  startDraining(): void;
  /** Resolves when no request is waiting for its answer. */
  whenIdle(): Promise<void>;
}

const KNOWN: Readonly<Record<string, string>> = { '/': 'GET', '/healthz': 'GET', '/metrics': 'GET', [MESSAGE_PATH]: 'POST' };

const HOME = `<!doctype html>
<html><head><meta charset="utf-8"><title>sqsdemo queue-writer</title></head>
<body><h1>sqsdemo queue-writer</h1>
<p>POST <code>{"body": "text"}</code> as application/json to <code>${MESSAGE_PATH}</code> to enqueue a message.</p>
<p><a href="/healthz">/healthz</a> &middot; <a href="/metrics">/metrics</a></p></body></html>
`;

export function createWriterApp(deps: WriterAppDeps): WriterApp {
  const { validate, batcher, state, metrics, clock, onAccess, onInternalError } = deps;
  let inFlight = 0;
  let draining = false;
  let idleWaiters: Array<() => void> = [];
  /** GET /metrics requests being answered: not counted in the in-flight gauge they report. */
  let scrapes = 0;
  metrics.setGaugeSource(() => ({ inFlight: inFlight - scrapes, sqsHealthy: state.healthy, maxMessageBytes: state.maxMessageBytes }));

  function finished(): void {
    inFlight--;
    if (inFlight === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  function answer(req: Request, res: ServerResponse, start: number, status: number, body: string, error?: string, options?: WriteOptions): void {
    write(res, status, body, draining && options?.close !== true ? { ...options, close: true } : options);
    metrics.response(status);
    if (onAccess) onAccess(req.method, req.path, status, clock.monotonic() - start, error);
    finished();
  }

  function fail(req: Request, res: ServerResponse, start: number, a: ErrorAnswer, options?: WriteOptions): void {
    answer(req, res, start, a.status, errorJson(a), a.message, options);
  }

  async function postMessage(req: Request, res: ServerResponse): Promise<void> {
    const start = clock.monotonic();
    if (!isJsonContentType(req.headers['content-type'])) return fail(req, res, start, ANSWERS.unsupportedType, { close: hasLargeUnreadBody(req) });
    if (declaresTooLarge(req, deps.maxRequestBytes)) return fail(req, res, start, ANSWERS.tooLarge(deps.maxRequestBytes), { close: true });
    const raw = await readBody(req, deps.maxRequestBytes);
    if (raw === 'aborted') return finished();
    if (raw === 'too_large') return fail(req, res, start, ANSWERS.tooLarge(deps.maxRequestBytes), { close: true });
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(req, res, start, ANSWERS.invalidJson);
    }
    const violation = validate(value);
    if (violation) return fail(req, res, start, { status: 400, ...violation });
    const { body, group: groupId, deduplicationId } = value as { body: string; group?: string; deduplicationId?: string };
    if (deps.fifo === true && groupId === undefined) {
      return fail(req, res, start, { status: 400, code: 'group_missing', message: 'group is required: the queue is a FIFO queue (messages of one group are delivered in order)' });
    }
    if (deps.fifo !== true && deduplicationId !== undefined) {
      return fail(req, res, start, { status: 400, code: 'deduplication_not_fifo', message: 'deduplicationId is for FIFO queues only; this queue is a standard queue' });
    }
    if (hasRefusedCharacters(body)) return fail(req, res, start, { status: 400, code: 'invalid_characters', message: INVALID_CHARACTERS_MESSAGE });
    const bytes = utf8Bytes(body);
    if (bytes > state.maxMessageBytes) return fail(req, res, start, { status: 400, code: 'body_too_large', message: tooLargeMessage(bytes, state.maxMessageBytes) });
    if (!state.healthy) return answer(req, res, start, 503, errorJson(ANSWERS.unavailable), state.reason);
    try {
      // FIFO: a deduplication id per request unless the client gave one, kept across the writer's retries.
      const group: MessageGroup | undefined = groupId === undefined ? undefined : { groupId, ...(deps.fifo === true ? { dedupId: deduplicationId ?? randomUUID() } : {}) };
      const id = await batcher.enqueue(body, bytes, start + deps.requestTimeoutMs, group);
      metrics.enqueuedIn(clock.monotonic() - start);
      answer(req, res, start, 201, acceptedJson(id));
    } catch (err) {
      const e = err instanceof EnqueueError ? err : new EnqueueError('failed', String(err));
      if (e.kind === 'rejected') {
        const message = e.sqsCode === 'InvalidMessageContents' ? INVALID_CHARACTERS_MESSAGE : `SQS refused the message (${e.sqsCode ?? 'unknown'})`;
        return fail(req, res, start, { status: 400, code: 'sqs_rejected', message, ...(e.sqsCode ? { sqsCode: e.sqsCode } : {}) });
      }
      if (e.errorClass === 'network' || e.errorClass === 'queue_missing') state.markUnavailable(e.message);
      const a = e.kind === 'unavailable' ? ANSWERS.unavailable : ANSWERS.failed;
      answer(req, res, start, a.status, errorJson(a), e.message);
    }
  }

  function routeThrew(err: unknown, req: Request, res: ServerResponse): void {
    // A handler threw: a bug. Answer 500 in the contract's shape and say what it was.
    const start = clock.monotonic();
    onInternalError?.(err);
    fail(req, res, start, ANSWERS.failed, { close: hasLargeUnreadBody(req) });
  }

  const app = polka({
    onNoMatch: (req, res) => {
      const start = clock.monotonic();
      const allow = KNOWN[req.path];
      if (allow === undefined) return fail(req, res, start, ANSWERS.notFound, { close: hasLargeUnreadBody(req) });
      fail(req, res, start, ANSWERS.methodNotAllowed, { headers: { allow }, close: hasLargeUnreadBody(req) });
    },
    onError: routeThrew,
  })
    .get('/', (req, res) => answer(req, res, clock.monotonic(), 200, HOME, undefined, { contentType: 'text/html; charset=utf-8' }))
    .get('/healthz', (req, res) => {
      const body = JSON.stringify({ status: state.healthy ? 'ok' : 'unavailable', sqs: state.reason });
      answer(req, res, clock.monotonic(), state.healthy ? 200 : 503, body, state.healthy ? undefined : state.reason);
    })
    .get('/metrics', async (req, res) => {
      const start = clock.monotonic();
      scrapes++;
      try {
        const own = await metrics.prometheus();
        const text = deps.totalMetrics ? await deps.totalMetrics(own) : own;
        answer(req, res, start, 200, text, undefined, { contentType: PROMETHEUS_CONTENT_TYPE });
      } finally {
        scrapes--;
      }
    })
    .post(MESSAGE_PATH, postMessage);

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    if (req.url === MESSAGE_PATH && req.method === 'POST') {
      // The hot route skips polka's routing (URL parse, route match, a handler chain of two promises);
      // any other spelling of the path (a query string, say) takes polka's way to the same handler.
      const r = req as Request;
      r.path = MESSAGE_PATH;
      postMessage(r, res).catch((err: unknown) => routeThrew(err, r, res));
      return;
    }
    // Called directly (not through polka's setImmediate'd `attach`): one event-loop turn less per request.
    (app.handler as (req: Request, res: ServerResponse) => void)(req as Request, res);
  };

  return {
    app,
    handler,
    inFlight: () => inFlight,
    startDraining: () => {
      draining = true;
    },
    whenIdle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  };
}
