/** Events of `sqsdemo serve --json` (the queue-writer). */
import type { CommonEvent, EventBase, ReadyEvent } from './events.js';

/** Listening; `url` is the real address (also with --port 0). */
export interface ServeReadyEvent extends ReadyEvent<'serve'> {
  readonly url: string;
  readonly queue: string;
  /** Largest message body the queue takes (its MaximumMessageSize, UTF-8 bytes); absent while SQS is unknown. */
  readonly maxMessageBytes?: number;
  readonly lingerMs: number;
  readonly maxInflightBatches: number;
  /** False when SQS could not be reached at start (requests get 503 until it answers). */
  readonly sqsHealthy: boolean;
}

/** SQS health flipped (from the probe or a failed send); requests get 503 while unhealthy. */
export interface ServeHealthEvent extends EventBase<'serve', 'health'> {
  readonly healthy: boolean;
  /** e.g. "answering", "cannot reach SQS (ECONNREFUSED)". */
  readonly reason: string;
}

/** One line of the access log: a request and its answer. */
export interface AccessEvent extends EventBase<'serve', 'access'> {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Time from request start to response end, milliseconds. */
  readonly ms: number;
  /** Short reason for a non-2xx answer, e.g. "body parameter is missing or empty". */
  readonly error?: string;
}

/** Periodic (1 s) counters; all counts are totals since start. */
export interface ServeStatsEvent extends EventBase<'serve', 'stats'> {
  /** Responses by status code, e.g. {"201": 1035, "400": 45}. */
  readonly responses: Readonly<Record<string, number>>;
  /** Messages SQS accepted (= 201 answers). */
  readonly enqueued: number;
  /** SendMessageBatch (or SendMessage) calls made. */
  readonly sqsCalls: number;
  /** Requests waiting for SQS right now. */
  readonly inFlight: number;
  /** Enqueue latency percentiles (ms) over the last interval. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** True while SQS answers. */
  readonly sqsHealthy: boolean;
  /** Entries per SendMessageBatch call on average since start (0 before the first call). */
  readonly avgBatchSize?: number;
  /** Requests answered per second over the last interval. */
  readonly rps?: number;
  /** Access events not printed since start (serve --access-log-max); the counters above still count those requests. */
  readonly accessSkipped?: number;
}

/** Shutdown finished: every accepted request was answered. */
export interface ServeStoppedEvent extends EventBase<'serve', 'stopped'> {
  readonly enqueued: number;
  readonly responses: Readonly<Record<string, number>>;
  /** False when the drain timeout cut it short (unsent messages were answered 503, never 201). */
  readonly clean?: boolean;
  readonly sqsCalls?: number;
}

export type ServeEvent = CommonEvent<'serve'> | ServeReadyEvent | ServeHealthEvent | AccessEvent | ServeStatsEvent | ServeStoppedEvent;
