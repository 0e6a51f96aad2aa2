/**
 * One HTTP/1.1 POST over undici (the Node.js project's HTTP client, the one
 * behind `fetch`), on a keep-alive connection pool per endpoint, with the SDK
 * NodeHttpHandler's error semantics:
 * - an abort rejects with its AbortError;
 * - ECONNRESET, EPIPE, ETIMEDOUT and a socket closed under a request
 *   (undici's UND_ERR_SOCKET, e.g. a keep-alive socket the server closed)
 *   are TimeoutErrors, code kept, so the retry strategy retries them;
 * - a connection that does not open in `connectionTimeoutMs` is a
 *   TimeoutError;
 * - an answer later than `requestTimeoutMs` is a TimeoutError (code
 *   ETIMEDOUT). These are the handler's, with `throwOnRequestTimeout`, which
 *   src/sqs/client.ts sets.
 * The body is collected whole.
 *
 * Why undici and not node:http: it costs about 35 µs of CPU per request
 * against node:http's 55 (same request, 8 in flight). In `serve` under load
 * that moved the writer from 0.47× to 0.53× of bare polka (the median of 15
 * runs; README, Performance).
 * It also keeps what an own client would have to earn: stale keep-alive
 * sockets (it honours the server's `Keep-Alive: timeout` hint), chunked
 * answers, and TLS with the process's CA store (NODE_EXTRA_CA_CERTS).
 * Its request and body timeouts are off: the timer here is the one that
 * applies, as it did with node:http.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

export interface Endpoint {
  /** `protocol//host[:port]`: what the connection pool is for. */
  readonly origin: string;
  /** The path requests go to (the endpoint's own path, ending in "/"). */
  readonly path: string;
  /** The Host header: host[:port] as the SDK writes it. */
  readonly host: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface HttpOptions {
  readonly maxSockets: number;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/** Socket errors the SDK's handler renames TimeoutError (its NODEJS_TIMEOUT_ERROR_CODES, less ECONNREFUSED). */
const TIMEOUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** The AbortError the SDK's handler rejects with (@smithy/node-http-handler buildAbortError). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason) {
    if (reason instanceof Error) return Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: reason });
    return Object.assign(new Error(String(reason)), { name: 'AbortError' });
  }
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

export class HttpTransport {
  /** A keep-alive pool per endpoint (one in practice: the resolved endpoint, or a QueueUrl's origin). */
  private readonly pools = new Map<Endpoint, Pool>();

  constructor(private readonly options: HttpOptions) {}

  private pool(endpoint: Endpoint): Pool {
    let pool = this.pools.get(endpoint);
    if (pool === undefined) {
      pool = new Pool(endpoint.origin, {
        connections: this.options.maxSockets,
        connect: { timeout: this.options.connectionTimeoutMs },
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(endpoint, pool);
    }
    return pool;
  }

  post(endpoint: Endpoint, headers: Record<string, string>, body: string, signal: AbortSignal | undefined, requestTimeoutMs: number | undefined): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      let settled = false;
      let requestTimer: NodeJS.Timeout | undefined;
      /** undici's abort for this request, once it is on a connection. */
      let abortRequest: ((err: Error) => void) | undefined;
      /** Why the request ended early (abort, timeout): undici aborts it with this once it gets a connection. */
      let cancelled: Error | undefined;
      let status = 0;
      let rawHeaders: Buffer[] = [];
      const chunks: Buffer[] = [];

      const finish = (err: Error | undefined, answer?: HttpAnswer): void => {
        if (settled) return;
        settled = true;
        if (requestTimer !== undefined) clearTimeout(requestTimer);
        if (signal) signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(answer!);
      };
      const cancel = (err: Error): void => {
        cancelled = err;
        abortRequest?.(err);
        finish(err);
      };
      const onAbort = (): void => cancel(abortError(signal!));
      if (signal) signal.addEventListener('abort', onAbort, { once: true });

      const timeoutMs = requestTimeoutMs ?? this.options.requestTimeoutMs;
      if (timeoutMs > 0) {
        requestTimer = setTimeout(() => {
          cancel(Object.assign(new Error(`@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${timeoutMs} ms requestTimeout.`), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
        }, timeoutMs);
      }

      const handler: Dispatcher.DispatchHandlers = {
        onConnect: (abort) => {
          if (cancelled !== undefined) abort(cancelled);
          else abortRequest = abort;
        },
        onHeaders: (statusCode, raw) => {
          status = statusCode;
          rawHeaders = raw as unknown as Buffer[];
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          finish(undefined, { status, headers: headerObject(rawHeaders), body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        },
        onError: (err) => finish(rename(err, this.options.connectionTimeoutMs)),
      };
      this.pool(endpoint).dispatch({ path: endpoint.path, method: 'POST', headers, body }, handler);
    });
  }

  destroy(): void {
    for (const pool of this.pools.values()) void pool.destroy().catch(() => undefined);
    this.pools.clear();
  }
}

/** undici's raw header list as node:http presents it: names in lower case, repeated headers joined with ", ". */
function headerObject(raw: readonly Buffer[]): IncomingHttpHeaders {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const seen = headers[name];
    headers[name] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return headers;
}

function rename(err: Error, connectionTimeoutMs: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return Object.assign(new Error(`@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of ${connectionTimeoutMs} ms.`), { name: 'TimeoutError', cause: err });
  }
  // A socket closed under the request (the server or a proxy hung up, or the client was destroyed): node:http's "socket hang up".
  if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') return Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', cause: err });
  return code !== undefined && TIMEOUT_CODES.has(code) ? Object.assign(err, { name: 'TimeoutError' }) : err;
}
