/** Events of `sqsdemo sqs --json` (the local endpoint). */
import type { CommonEvent, EventBase } from './events.js';

/** Periodic (1 s) view of the local endpoint's queues. */
export interface SqsStatsEvent extends EventBase<'sqs', 'stats'> {
  readonly queues: readonly {
    readonly name: string;
    readonly visible: number;
    readonly inFlight: number;
    readonly delayed: number;
  }[];
  /** Requests handled since start. */
  readonly requests: number;
}

export type SqsEvent = CommonEvent<'sqs'> | SqsStatsEvent | EventBase<'sqs', 'stopped'>;
