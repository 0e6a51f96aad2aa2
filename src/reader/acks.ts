/**
 * The reader's answers to SQS about the messages it holds, batched 10 per
 * call: deletes (processed), visibility changes (retry later, or hand back at
 * once) and heartbeat extensions. Deletes are write-ahead: the data-log lines
 * kept so far reach the OS before each DeleteMessageBatch is sent, so a
 * message SQS forgets always has its line (one write per batch, not per message).
 */
import { awsErrorName, isNetworkError, isQueueMissing } from '../sqs/errors.js';
import type { Clock } from '../util/clock.js';
import { Batcher, type BatchProblem, type EntryOutcome } from './batcher.js';
import { DataLogError, type DataLog } from './data-log.js';
import type { ReaderMessage } from './message.js';
import type { RandomSource } from './random.js';
import type { DeleteEntry, ReaderSqs, VisibilityEntry } from './sqs-calls.js';

/** Tries per delete or visibility change (heartbeat extensions try once: the next tick tries again). */
export const ACK_ATTEMPTS = 6;

export interface AcksOptions {
  /** The queue's calls (known once the reader has started). */
  readonly sqs: () => ReaderSqs;
  readonly dataLog?: DataLog;
  readonly clock: Clock;
  readonly random?: RandomSource;
  /** Wait at most this long (ms) for a batch to fill. */
  readonly lingerMs: number;
  readonly warn: (message: string, code: string) => void;
  /** The queue is gone, or the data log cannot be written: the reader must stop. */
  readonly fatal: (err: unknown) => void;
}

/** A short code for reports: the AWS error name, the network error's code (e.g. ECONNREFUSED), or the error's name. */
export function errorCode(err: unknown): string {
  if (err instanceof DataLogError) return err.code;
  // Network first: the SDK stamps $metadata on network errors too, where awsErrorName says just "Error".
  if (isNetworkError(err)) return nestedCode(err) ?? 'NetworkError';
  return awsErrorName(err) ?? (err as Error)?.name ?? 'Error';
}

/** The first `code` on the error, its members (happy-eyeballs AggregateError) or its causes. */
function nestedCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  for (const inner of [...(Array.isArray(e.errors) ? e.errors : []), e.cause]) {
    const code = nestedCode(inner, depth + 1);
    if (code !== undefined) return code;
  }
  return undefined;
}

export class Acks {
  private readonly deletes: Batcher<DeleteEntry>;
  private readonly visibility: Batcher<VisibilityEntry>;
  private readonly extensions: Batcher<VisibilityEntry>;

  constructor(options: AcksOptions) {
    const { sqs, dataLog } = options;
    const common = (what: string) => ({
      maxBatch: 10,
      lingerMs: options.lingerMs,
      maxAttempts: ACK_ATTEMPTS,
      clock: options.clock,
      ...(options.random ? { random: options.random } : {}),
      isFatal: isQueueMissing,
      codeOf: errorCode,
      onFatal: options.fatal,
      onProblem: (p: BatchProblem) =>
        options.warn(
          p.kind === 'retrying'
            ? `${what} of ${p.entries} message(s) failed (${p.code}: ${p.message}); retrying (attempt ${p.attempt + 1} of ${ACK_ATTEMPTS})`
            : p.kind === 'refused'
              ? `${what} of ${p.entries} message(s) refused by SQS (${p.code}: ${p.message}); not retrying`
              : `${what} of ${p.entries} message(s) failed ${p.attempt} times (${p.code}: ${p.message}); giving up, SQS will redeliver them`,
          p.code,
        ),
    });
    this.deletes = new Batcher<DeleteEntry>({
      ...common('delete'),
      isFatal: (err) => isQueueMissing(err) || err instanceof DataLogError,
      send: (entries) => {
        dataLog?.flush(); // write-ahead: throws DataLogError (fatal) rather than delete unlogged messages
        return sqs().deleteBatch(entries);
      },
    });
    this.visibility = new Batcher<VisibilityEntry>({ ...common('visibility change'), send: (e) => sqs().changeVisibilityBatch(e) });
    // Extensions race with deletes (the task may finish meanwhile) and the heartbeat
    // tries again next tick: one attempt, and the caller reports what matters.
    this.extensions = new Batcher<VisibilityEntry>({
      ...common('visibility extension'), maxAttempts: 1, onProblem: () => undefined, send: (e) => sqs().changeVisibilityBatch(e),
    });
  }

  /** Delete a processed message (after its data-log line is written). */
  delete(m: ReaderMessage): Promise<EntryOutcome> {
    return this.deletes.add({ receiptHandle: m.receiptHandle });
  }

  /** Make a message visible again after `timeoutS` seconds (0: at once). */
  changeVisibility(m: ReaderMessage, timeoutS: number): Promise<EntryOutcome> {
    return this.visibility.add({ receiptHandle: m.receiptHandle, timeoutS });
  }

  /** Keep a held message invisible for `timeoutS` more seconds (heartbeat). */
  extend(m: ReaderMessage, timeoutS: number): Promise<EntryOutcome> {
    return this.extensions.add({ receiptHandle: m.receiptHandle, timeoutS });
  }

  /** Deletes not yet settled (part of the messages in flight). */
  get pendingDeletes(): number {
    return this.deletes.pending;
  }

  /** Send everything queued and wait until every answer (retries included) settled, even those added meanwhile. */
  async flush(): Promise<void> {
    while (this.deletes.pending + this.visibility.pending + this.extensions.pending > 0) {
      await Promise.all([this.deletes.flush(), this.visibility.flush(), this.extensions.flush()]);
    }
  }
}
