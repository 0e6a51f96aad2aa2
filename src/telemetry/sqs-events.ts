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
  /** Requests per second over the last interval. */
  readonly requestsPerSecond?: number;
  /** Messages held in memory across all queues (visible + in flight + delayed). */
  readonly messages?: number;
}

/** The endpoint closed; `dropped` messages were held in memory and are gone (it is in-memory only). */
export interface SqsStoppedEvent extends EventBase<'sqs', 'stopped'> {
  readonly dropped?: number;
}

export type SqsEvent = CommonEvent<'sqs'> | SqsStatsEvent | SqsStoppedEvent;
