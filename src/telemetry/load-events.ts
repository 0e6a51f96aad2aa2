/** Events of `sqsdemo load --json` (the load client), and the commands it takes on stdin. */
import type { CommonEvent, EventBase } from './events.js';

/**
 * Counts by outcome: HTTP status codes as strings ("201", "400") and connection
 * errors by kind ("ECONNREFUSED", "ECONNRESET", "timeout", ...).
 */
export type OutcomeCounts = Readonly<Record<string, number>>;

/** After each batch: the original's `{'ConnErr': 0, 400: 45, 201: 1035}` line. */
export interface BatchEvent extends EventBase<'load', 'batch'> {
  readonly batch: number;
  /** Totals since start. */
  readonly counts: OutcomeCounts;
}

/** Periodic (1 s) statistics. */
export interface LoadStatsEvent extends EventBase<'load', 'stats'> {
  readonly sent: number;
  readonly counts: OutcomeCounts;
  /** Answers per second over the last interval. */
  readonly throughput: number;
  /** Latency (ms) since start: from the scheduled send time in open loop. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  /** Target rate (requests/s) in open loop; undefined in closed loop. */
  readonly rate?: number;
  readonly paused: boolean;
  /** Requests whose answer was not what was expected (a good one not 201, a malformed one not 4xx). */
  readonly unexpected: number;
  /** Requests sent and not answered yet. */
  readonly inFlight?: number;
  /** Open loop: requests due by the schedule but not sent yet (the client cannot keep up). */
  readonly backlog?: number;
}

/** The final summary (also printed on Ctrl-C). */
export interface LoadSummaryEvent extends EventBase<'load', 'summary'> {
  readonly sent: number;
  readonly counts: OutcomeCounts;
  readonly durationMs: number;
  readonly throughput: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly unexpected: number;
  /** True when every malformed request got a 4xx and every good one a 201. */
  readonly ok: boolean;
  /** With --verify: how many accepted ids reached the queue (or the worker's data log). */
  readonly verify?: {
    readonly accepted: number;
    readonly received: number;
    readonly missing: number;
    /** Where they were found: main queue, dead-letter queue, the worker's data log. */
    readonly found?: { readonly queue: number; readonly dlq: number; readonly dataLog: number };
    /** Up to 10 of the missing ids. */
    readonly missingSample?: readonly string[];
    /** load --groups with --verify-data-log: per-group order of the passes in the data log (violations must be 0). */
    readonly order?: { readonly groups: number; readonly checked: number; readonly violations: number; readonly sample: readonly string[] };
  };
  /** Why `ok` is false, one human sentence each. */
  readonly reasons?: readonly string[];
  /** Why sending ended: 'requests', 'duration' or 'stopped' (Ctrl-C). */
  readonly endedBy?: string;
  /** Open loop: requests the schedule wanted sent that never left (the writer or the client fell behind). */
  readonly unsent?: number;
}

export type LoadEvent = CommonEvent<'load'> | BatchEvent | LoadStatsEvent | LoadSummaryEvent;

/** Commands `load --control stdin` reads, one JSON object per line (sent by `dash`). */
export type LoadControl =
  | { readonly cmd: 'pause' }
  | { readonly cmd: 'resume' }
  | { readonly cmd: 'rate'; readonly rate: number };
