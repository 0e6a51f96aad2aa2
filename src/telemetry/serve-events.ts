/** Events of `sqsdemo serve --json` (the queue-writer). */
import type { CommonEvent, EventBase } from './events.js';

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
}

/** Shutdown finished: every accepted request was answered. */
export interface ServeStoppedEvent extends EventBase<'serve', 'stopped'> {
  readonly enqueued: number;
  readonly responses: Readonly<Record<string, number>>;
}

export type ServeEvent = CommonEvent<'serve'> | AccessEvent | ServeStatsEvent | ServeStoppedEvent;
