/** Events of `sqsdemo work --json` (the queue-reader). */
import type { CommonEvent, EventBase, ReadyEvent } from './events.js';

/** Reading started: the queue exists and the pollers run. */
export interface WorkReadyEvent extends ReadyEvent<'work'> {
  readonly queue: string;
  /** The queue's VisibilityTimeout, seconds (read at start). */
  readonly visibilityTimeoutS: number;
  /** maxReceiveCount of the queue's RedrivePolicy, if it has one. */
  readonly maxReceiveCount?: number;
  readonly pollers: number;
  /** Receive pacing (src/reader/receive-pacing.ts): ms a poller waits after a partly full answer; 0 = off. */
  readonly receiveLingerMs?: number;
  /** Tasks running at most at once. */
  readonly concurrency: number;
  /** Messages received ahead of a free task slot, at most. */
  readonly prefetch: number;
}

/** After each non-empty receive: the original's `Messages received/processed: R/P`. */
export interface ReceiveEvent extends EventBase<'work', 'receive'> {
  /** Messages in this receive. */
  readonly count: number;
  /** Totals since start. */
  readonly received: number;
  readonly processed: number;
}

/** Periodic (1 s) counters; counts are totals since start. */
export interface WorkStatsEvent extends EventBase<'work', 'stats'> {
  readonly received: number;
  /** Tasks that succeeded and were deleted. */
  readonly processed: number;
  /** Tasks that failed (left for SQS to redeliver or dead-letter). */
  readonly failed: number;
  /** Messages received with ApproximateReceiveCount > 1. */
  readonly retried: number;
  /** Deletes SQS confirmed. */
  readonly deleted: number;
  /** Messages received and not yet settled. */
  readonly inFlight: number;
  /** Processed per second over the last interval. */
  readonly throughput: number;
  /** Age at processing (now - SentTimestamp), ms, over the last interval. */
  readonly ageMs: { readonly p50: number; readonly p99: number };
  /** Messages handled by ApproximateReceiveCount, e.g. {"1": 900, "2": 80}. */
  readonly receiveCounts: Readonly<Record<string, number>>;
  /** SQS calls made: ReceiveMessage, DeleteMessageBatch, ChangeMessageVisibility(Batch). */
  readonly sqsCalls: number;
  /** Messages handed back with visibility 0 (at stop). */
  readonly returned?: number;
  /** Deletes that failed for good after retries (those messages will be redelivered). */
  readonly deleteFailed?: number;
  /** Visibility extensions SQS confirmed (heartbeat for long-held messages). */
  readonly extended?: number;
  /** Deliveries of messages already deleted (processed twice: SQS is at-least-once); not in `deleted`. */
  readonly duplicates?: number;
  /** FIFO queues: messages processed after a later message of their group (must be 0). */
  readonly orderViolations?: number;
}

/** Shutdown finished: in-flight work settled, deletes flushed, prefetched messages returned. */
export interface WorkStoppedEvent extends EventBase<'work', 'stopped'> {
  readonly processed: number;
  readonly failed: number;
  /** Prefetched messages handed back with visibility 0. */
  readonly returned: number;
  /** Deletes SQS confirmed, and those that failed for good. */
  readonly deleted?: number;
  readonly deleteFailed?: number;
  /** FIFO queues: messages processed after a later message of their group (must be 0). */
  readonly orderViolations?: number;
}

export type WorkEvent = CommonEvent<'work'> | WorkReadyEvent | ReceiveEvent | WorkStatsEvent | WorkStoppedEvent;
