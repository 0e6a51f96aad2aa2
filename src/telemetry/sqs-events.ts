/** Events of `sqsdemo sqs --json` (the local endpoint). */
import type { CommonEvent, EventBase } from './events.js';

/** Periodic (1 s) view of the local endpoint's queues. */
export interface SqsStatsEvent extends EventBase<'sqs', 'stats'> {
  readonly queues: readonly {
    readonly name: string;
    readonly visible: number;
    readonly inFlight: number;
    readonly delayed: number;
    /** Long polls waiting for a message. */
    readonly waiting?: number;
  }[];
  /** Requests handled since start. */
  readonly requests: number;
  /** Of those, refused for who sent them: a bad, missing or expired signature, a browser page, a foreign Host. */
  readonly refused?: number;
  /** Requests per second over the last interval. */
  readonly requestsPerSecond?: number;
  /** Messages held in memory across all queues (visible + in flight + delayed). */
  readonly messages?: number;
}

/** The endpoint closed; `dropped` messages were held in memory and are gone; with --data-dir `kept` are on disk. */
export interface SqsStoppedEvent extends EventBase<'sqs', 'stopped'> {
  readonly dropped?: number;
  readonly kept?: number;
  /** Requests handled, and refused for who sent them, over the endpoint's life. */
  readonly requests?: number;
  readonly refused?: number;
}

/** With --data-dir, before ready: what was recovered, and what was cut from a torn or corrupt journal. */
export interface SqsRecoveredEvent extends EventBase<'sqs', 'recovered'> {
  readonly dataDir: string;
  readonly queues: number;
  readonly messages: number;
  /** The snapshot recovery started from, if any, and the journal records replayed after it. */
  readonly snapshot?: number;
  readonly records: number;
  readonly ms: number;
  readonly cuts: readonly { readonly file: string; readonly offset: number; readonly bytes: number; readonly reason: string }[];
  /** The pid whose stale lock was taken over (it died without releasing it). */
  readonly staleLockFrom?: number;
}

export type SqsEvent = CommonEvent<'sqs'> | SqsStatsEvent | SqsStoppedEvent | SqsRecoveredEvent;
