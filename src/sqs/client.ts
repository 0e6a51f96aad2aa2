/**
 * The one place an SQSClient is built. Every role talks to SQS through it, over
 * HTTP, whether the endpoint is `sqsdemo sqs`, ElasticMQ, LocalStack or AWS.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SqsClientKind, SqsConfig } from '../config.js';
import { LeanSqs, type LeanCallOptions, type LeanCommand } from './lean/lean-sqs.js';
import { operationFor } from './lean/operations.js';

export interface SqsClientOptions {
  /** Keep-alive sockets to the endpoint; size it for the requests in flight (default 64). */
  readonly maxSockets?: number;
  /** SDK attempts per call, including the first (default 3). Roles that retry themselves pass 1. */
  readonly maxAttempts?: number;
  /** Abort a request after this long without an answer (ms, default 30 000; long polls add their wait). */
  readonly requestTimeoutMs?: number;
  /** Give up connecting after this long (ms, default 3 000). */
  readonly connectionTimeoutMs?: number;
  /**
   * Resolve the SDK middleware stack once per command type instead of on every call
   * (the SDK's CPU per call in steady state: 372 vs 489 µs in `npm run bench -- --only sdk`;
   * more while the JIT warms up).
   * Calls that pass only `{ abortSignal, requestTimeout }` keep the cache too (the SDK
   * alone drops it for any per-call option; see `keepCacheWithHttpOptions`). Off by
   * default: with it on, middleware added to the stack after the first call (e.g. a
   * test's call counter) is not picked up.
   */
  readonly cacheMiddleware?: boolean;
  /** Overrides `config.sqsClient`: `lean` routes the hot calls through src/sqs/lean, `sdk` keeps the SDK for all. */
  readonly sqsClient?: SqsClientKind;
}

export function createSqsClient(config: SqsConfig, options: SqsClientOptions = {}): SQSClient {
  const maxSockets = options.maxSockets ?? 64;
  const requestHandler = new PerRequestOptionsHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // Without it the SDK's handler only logs a warning when requestTimeout passes and keeps waiting.
    throwOnRequestTimeout: true,
  });
  const common = { requestHandler, maxAttempts: options.maxAttempts ?? 3, cacheMiddleware: options.cacheMiddleware ?? false };
  const client = config.aws
    ? // The SDK's own chains: credentials, region (AWS_REGION / profile), endpoint (AWS_ENDPOINT_URL_SQS).
      new SQSClient({
        ...common,
        ...(config.region !== undefined ? { region: config.region } : {}),
        ...(config.profile !== undefined ? { profile: config.profile } : {}),
      })
    : new SQSClient({
        ...common,
        endpoint: config.endpoint,
        region: config.region,
        // Settled in src/config.ts: the environment's keys when there are some, else fixed local ones.
        // A copy: the SDK annotates the credentials object it is given.
        ...(config.credentials !== undefined ? { credentials: { ...config.credentials } } : {}),
      });
  if (common.cacheMiddleware) keepCacheWithHttpOptions(client, requestHandler);
  if ((options.sqsClient ?? config.sqsClient) === 'lean') {
    routeHotCallsThroughLean(client, new LeanSqs(client, {
      maxSockets,
      connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    }));
  }
  return client;
}

/**
 * The client stays an SQSClient; its `send` hands SendMessageBatch, ReceiveMessage,
 * DeleteMessageBatch and ChangeMessageVisibilityBatch (promise form, no options
 * other than abortSignal/requestTimeout) to the lean path, everything else to the SDK.
 */
function routeHotCallsThroughLean(client: SQSClient, lean: LeanSqs): void {
  const send = client.send.bind(client) as (command: unknown, options?: unknown, cb?: unknown) => unknown;
  (client as { send: unknown }).send = (command: object, optionsOrCb?: unknown, cb?: unknown): unknown => {
    if (cb === undefined && (optionsOrCb === undefined || isHttpOptions(optionsOrCb))) {
      const operation = operationFor(command);
      if (operation !== undefined) return lean.send(operation, command as LeanCommand, optionsOrCb as LeanCallOptions | undefined);
    }
    return send(command, optionsOrCb, cb);
  };
  const destroy = client.destroy.bind(client);
  client.destroy = (): void => {
    lean.destroy();
    destroy();
  };
}

/** Per-call options that only the request handler reads. */
interface HttpOptions {
  readonly abortSignal?: AbortSignal;
  readonly requestTimeout?: number;
}

const HTTP_OPTIONS = Symbol('sqsdemo.httpOptions');

/** The SDK's Node handler, taking per-call options from the request they were attached to. */
class PerRequestOptionsHandler extends NodeHttpHandler {
  readonly perRequest = new WeakMap<object, HttpOptions>();

  override handle(...[request, options]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const extra = this.perRequest.get(request);
    return super.handle(request, extra ? { ...options, ...extra } : options);
  }
}

/**
 * The SDK resolves a client's middleware stack anew for every call that passes
 * options, and then also drops its cache (@smithy/core Client.send). The reader
 * passes `{ abortSignal }` to every ReceiveMessage, which made every call of
 * `work` pay for the resolution. Here a call whose options are only
 * `abortSignal`/`requestTimeout` goes through the cached stack instead: the
 * options ride on the command (args keep own symbol keys through the stack),
 * the innermost middleware ties them to the final signed request, and the
 * handler applies them: an abort still cancels the HTTP request, as before.
 */
function keepCacheWithHttpOptions(client: SQSClient, handler: PerRequestOptionsHandler): void {
  client.middlewareStack.add(
    (next) => (args) => {
      const options = (args as { [HTTP_OPTIONS]?: HttpOptions })[HTTP_OPTIONS];
      const request = (args as { request?: object }).request;
      if (options && request) handler.perRequest.set(request, options);
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'sqsdemoPerCallHttpOptions' },
  );
  const send = client.send.bind(client) as (command: unknown, options?: unknown, cb?: unknown) => unknown;
  (client as { send: unknown }).send = (command: object, optionsOrCb?: unknown, cb?: unknown): unknown => {
    if (cb === undefined && isHttpOptions(optionsOrCb)) {
      (command as { [HTTP_OPTIONS]?: HttpOptions })[HTTP_OPTIONS] = optionsOrCb;
      return send(command);
    }
    return send(command, optionsOrCb, cb);
  };
}

function isHttpOptions(value: unknown): value is HttpOptions {
  if (typeof value !== 'object' || value === null) return false;
  for (const key of Object.keys(value)) if (key !== 'abortSignal' && key !== 'requestTimeout') return false;
  return true;
}
