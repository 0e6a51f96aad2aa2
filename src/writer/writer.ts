/**
 * createWriter: the queue-writer assembled (contract, batcher, queue state,
 * metrics, routes, http.Server), without listening. The caller listens and,
 * to stop, calls `close()`, which drains: no new connections, pending batches
 * sent at once, every accepted request answered, within a bound.
 */
import { createServer, type Server } from 'node:http';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createWriterApp, type AccessListener, type WriterApp } from './app.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import type { SendBatchFn } from './batch-types.js';
import { SendBatcher } from './batcher.js';
import { compileRequestValidator } from './contract.js';
import { WriterMetrics } from './metrics.js';
import { QueueState } from './queue-state.js';
import { createSqsSend } from './sqs-send.js';

export const WRITER_DEFAULTS = Object.freeze({
  lingerMs: 5,
  /** A partial batch lingers only while a call is in flight (see SendBatcher). */
  batching: 'adaptive' as BatchingMode,
  maxInflightBatches: 16,
  requestTimeoutMs: 10_000,
  /** SQS's largest message (1 MiB) plus room for JSON escapes and the envelope. */
  maxRequestBytes: 1_048_576 + 65_536,
  drainTimeoutMs: 10_000,
});

/** How a partial batch waits: `fixed` always `lingerMs`; `adaptive` only while a call is in flight, at most `lingerMs`. */
export type BatchingMode = 'adaptive' | 'fixed';

export interface WriterOptions {
  readonly client: SQSClient;
  readonly queueName: string;
  /** The queue URL if already resolved (else the health probe resolves it). */
  readonly queueUrl?: string;
  readonly lingerMs?: number;
  readonly batching?: BatchingMode;
  readonly maxInflightBatches?: number;
  readonly requestTimeoutMs?: number;
  readonly maxRequestBytes?: number;
  /** Replaces SendMessageBatch through `client` (tests: counting or failing sends). */
  readonly send?: SendBatchFn;
  readonly clock?: Clock;
  readonly healthyIntervalMs?: number;
  readonly unhealthyIntervalMs?: number;
  readonly onAccess?: AccessListener;
  /** With --workers: /metrics answers the total over every worker (src/cluster/metrics.ts). */
  readonly totalMetrics?: (ownText: string) => Promise<string>;
  readonly onHealth?: (healthy: boolean, reason: string) => void;
  /** A route handler threw (a bug): the request got 500; this says what it was. */
  readonly onInternalError?: (err: unknown) => void;
  /** swagger.yml's text (default: the embedded asset). */
  readonly swaggerText?: string;
  /** The queue is FIFO (its name ends in .fifo): requests need a `group`. */
  readonly fifo?: boolean;
}

export interface DrainReport {
  /** True when everything was answered before the drain timeout. */
  readonly clean: boolean;
  readonly ms: number;
}

export interface Writer {
  readonly server: Server;
  readonly app: WriterApp;
  readonly state: QueueState;
  readonly metrics: WriterMetrics;
  readonly batcher: SendBatcher;
  /** Listen, start the health probe; resolves with the base URL (the real port when `port` is 0). */
  listen(port: number, host: string): Promise<string>;
  /** Stop accepting, drain, close. Bounded by `drainTimeoutMs`. */
  close(drainTimeoutMs?: number): Promise<DrainReport>;
}

export function createWriter(options: WriterOptions): Writer {
  const clock = options.clock ?? systemClock;
  const metrics = new WriterMetrics();
  const state = new QueueState({
    client: options.client,
    queueName: options.queueName,
    ...(options.queueUrl !== undefined ? { queueUrl: options.queueUrl } : {}),
    ...(options.healthyIntervalMs !== undefined ? { healthyIntervalMs: options.healthyIntervalMs } : {}),
    ...(options.unhealthyIntervalMs !== undefined ? { unhealthyIntervalMs: options.unhealthyIntervalMs } : {}),
    ...(options.onHealth ? { onChange: options.onHealth } : {}),
    clock,
  });
  const batcher = new SendBatcher({
    send: options.send ?? createSqsSend(options.client, () => state.queueUrl),
    lingerMs: options.lingerMs ?? WRITER_DEFAULTS.lingerMs,
    adaptive: (options.batching ?? WRITER_DEFAULTS.batching) === 'adaptive',
    maxInflight: options.maxInflightBatches ?? WRITER_DEFAULTS.maxInflightBatches,
    clock,
    observer: metrics,
  });
  const app = createWriterApp({
    validate: compileRequestValidator(options.swaggerText),
    batcher,
    state,
    metrics,
    clock,
    requestTimeoutMs: options.requestTimeoutMs ?? WRITER_DEFAULTS.requestTimeoutMs,
    maxRequestBytes: options.maxRequestBytes ?? WRITER_DEFAULTS.maxRequestBytes,
    fifo: options.fifo ?? options.queueName.endsWith('.fifo'),
    ...(options.onAccess ? { onAccess: options.onAccess } : {}),
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
    ...(options.totalMetrics ? { totalMetrics: options.totalMetrics } : {}),
  });
  const server = createServer(app.handler);
  let closing: Promise<DrainReport> | undefined;

  return {
    server,
    app,
    state,
    metrics,
    batcher,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          state.start();
          const address = server.address();
          const actual = typeof address === 'object' && address ? address.port : port;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${actual}`);
        });
      });
    },
    close(drainTimeoutMs = WRITER_DEFAULTS.drainTimeoutMs) {
      closing ??= drain(drainTimeoutMs);
      return closing;
    },
  };

  async function drain(timeoutMs: number): Promise<DrainReport> {
    const started = clock.monotonic();
    state.stop();
    app.startDraining();
    const closed = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    server.closeIdleConnections();
    const settled = Promise.all([batcher.drain(), app.whenIdle()]);
    let clean = await withTimeout(clock, settled, timeoutMs);
    if (!clean) {
      // Out of time: whatever SQS has not accepted yet is answered 503 (never a false 201).
      batcher.abort();
      await withTimeout(clock, app.whenIdle(), 1_000);
    }
    // Answered connections close themselves (Connection: close); cut what is left.
    if (!(await withTimeout(clock, closed, clean ? 1_000 : 0))) {
      server.closeAllConnections();
      await closed;
    }
    return { clean, ms: clock.monotonic() - started };
  }
}

/** True when `promise` settled within `ms`. */
async function withTimeout(clock: Clock, promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: Timer | undefined;
  const timeout = new Promise<false>((resolve) => (timer = clock.setTimer(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    timer?.cancel();
  }
}
