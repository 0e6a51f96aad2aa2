/**
 * The load client's configuration, validated once by the command and frozen.
 * Everything here is plain data; the run (run.ts) turns it into a generator.
 */
import { InvalidArgumentError } from 'commander';
import type { SqsConfig } from '../config.js';

/** Ways a deliberately bad request is bad; each must get a 4xx from the writer. */
export const MALFORMED_KINDS = ['empty', 'json', 'missing', 'type'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export const MALFORMED_HELP: Readonly<Record<MalformedKind, string>> = {
  empty: '{"body":""} (the original\'s empty line)',
  json: 'broken JSON (cut off mid-string)',
  missing: 'no "body" field',
  type: '"body" is a number',
};

export const LOAD_DEFAULTS = Object.freeze({
  url: 'http://127.0.0.1:5000/api/message',
  /** Closed loop: requests in flight. Open loop: keep-alive connections. */
  closedConcurrency: 16,
  openConcurrency: 64,
  batchSize: 24,
  malformedPerBatch: 1,
  malformedKinds: ['empty'] as readonly MalformedKind[],
  /** About one line of text, like the original's lines (UTF-8 bytes of `body`). */
  bodyBytes: 100,
  seed: 1,
  timeoutMs: 10_000,
  verifyTimeoutMs: 30_000,
});

export interface VerifyConfig {
  readonly sqs: SqsConfig;
  /** The worker's --data-log CSV file, whose 6th column is the MessageId. */
  readonly dataLog?: string;
  /** Give up looking in the queues after this long (ms). */
  readonly timeoutMs: number;
  /** load --groups: check each group's order in the data log (needs `dataLog`). */
  readonly checkOrder?: boolean;
}

export interface LoadConfig {
  /** Full URL of the writer's POST endpoint. */
  readonly url: string;
  /** Closed loop: requests in flight. Open loop: connections (requests in flight at most). */
  readonly concurrency: number;
  /** Open loop target in requests/s; undefined = closed loop. */
  readonly rate: number | undefined;
  /** Stop sending after this long (ms); undefined = no limit. */
  readonly durationMs: number | undefined;
  /** Stop after this many requests; undefined = no limit. */
  readonly requests: number | undefined;
  readonly batchSize: number;
  readonly malformedPerBatch: number;
  readonly malformedKinds: readonly MalformedKind[];
  /** UTF-8 bytes of each good message body. */
  readonly bodyBytes: number;
  /** FIFO: spread good bodies over this many message groups, one request in flight per group (see groups.ts). */
  readonly groups?: number;
  readonly seed: number;
  /** A request without an answer after this long (ms) counts as `timeout`. */
  readonly timeoutMs: number;
  readonly json: boolean;
  /** Read LoadControl JSON lines from stdin. */
  readonly controlStdin: boolean;
  readonly verify: VerifyConfig | undefined;
  /** Human periodic line period (ms); JSON stats are every 1 s. */
  readonly humanStatsIntervalMs?: number;
}

/** Flag parser for `--malformed-kinds`: a comma-separated list of MALFORMED_KINDS. */
export function parseMalformedKinds(value: string): MalformedKind[] {
  const kinds = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = kinds.filter((k) => !(MALFORMED_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || bad.length > 0) throw new InvalidArgumentError(`Allowed: a comma-separated list of ${MALFORMED_KINDS.join(', ')}.`);
  return [...new Set(kinds)] as MalformedKind[];
}
