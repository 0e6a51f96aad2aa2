/**
 * Coalesces per-message SQS actions (delete, change visibility) into batch
 * calls of up to `maxBatch` entries: a batch goes out when it is full or
 * `lingerMs` after its first entry. Every entry settles exactly once: ok, or
 * failed after `maxAttempts` (each failure is reported through `onProblem`
 * first, so nothing is dropped silently). Failed entries and failed calls are
 * retried with exponential backoff; an entry SQS refused as the sender's fault,
 * or a fatal error (queue gone), settles at once.
 * Its timers (linger, backoff) run on the injected clock.
 */
import { backoffMs } from '../util/abort.js';
import type { Clock, Timer } from '../util/clock.js';
import type { RandomSource } from './random.js';

/** One entry of a batch answer that SQS refused. `index` is its position in the batch. */
export interface BatchFailure {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  /**
   * SQS says the request was at fault (e.g. ReceiptHandleIsInvalid,
   * MessageNotInflight): sending it again cannot succeed, so it is not retried.
   */
  readonly senderFault?: boolean;
}

/** Send one batch; resolve with the refused entries, throw when the call itself failed. */
export type SendBatch<E> = (entries: readonly E[]) => Promise<readonly BatchFailure[]>;

export type EntryOutcome = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

export interface BatchProblem {
  /** 'retrying': will try again; 'gave-up': settled as failed after the last attempt; 'refused': SQS refused them as the sender's fault, settled as failed without retrying. */
  readonly kind: 'retrying' | 'gave-up' | 'refused';
  readonly entries: number;
  readonly code: string;
  readonly message: string;
  /** Attempts made so far for these entries. */
  readonly attempt: number;
}

export interface BatcherOptions<E> {
  readonly send: SendBatch<E>;
  /** Entries per call (SQS allows 10). */
  readonly maxBatch: number;
  /** Wait at most this long (ms) for a batch to fill. */
  readonly lingerMs: number;
  /** Tries per entry, including the first. */
  readonly maxAttempts: number;
  readonly clock: Pick<Clock, 'setTimer'>;
  /** Jitter for the backoff (default Math.random). */
  readonly random?: RandomSource;
  /** A call error after which retrying is pointless (e.g. the queue is gone). */
  readonly isFatal: (err: unknown) => boolean;
  /** Short error code for reports. */
  readonly codeOf: (err: unknown) => string;
  readonly onProblem: (problem: BatchProblem) => void;
  /** Called for a fatal call error (once per failed call). */
  readonly onFatal: (err: unknown) => void;
}

interface Item<E> {
  readonly entry: E;
  attempt: number;
  readonly settle: (outcome: EntryOutcome) => void;
}

export class Batcher<E> {
  private queue: Item<E>[] = [];
  private timer: Timer | undefined;
  /** Entries added and not yet settled (queued, in a call, or waiting to retry). */
  private outstanding = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: BatcherOptions<E>) {}

  /** Entries not yet settled. */
  get pending(): number {
    return this.outstanding;
  }

  add(entry: E): Promise<EntryOutcome> {
    this.outstanding += 1;
    return new Promise((resolve) => {
      this.enqueue({
        entry,
        attempt: 0,
        settle: (outcome) => {
          resolve(outcome);
          this.outstanding -= 1;
          if (this.outstanding === 0) this.wakeIdle();
        },
      });
    });
  }

  /** Send what is queued now and wait until every entry (retries included) has settled. */
  async flush(): Promise<void> {
    this.sendQueued();
    if (this.outstanding === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(item: Item<E>): void {
    this.queue.push(item);
    if (this.queue.length >= this.options.maxBatch) this.sendQueued();
    else this.timer ??= this.options.clock.setTimer(() => this.sendQueued(), this.options.lingerMs);
  }

  private sendQueued(): void {
    this.timer?.cancel();
    this.timer = undefined;
    while (this.queue.length > 0) void this.sendBatch(this.queue.splice(0, this.options.maxBatch));
  }

  private async sendBatch(items: Item<E>[]): Promise<void> {
    for (const item of items) item.attempt += 1;
    let failures: readonly BatchFailure[];
    try {
      failures = await this.options.send(items.map((i) => i.entry));
    } catch (err) {
      const code = this.options.codeOf(err);
      const message = (err as Error)?.message ?? String(err);
      if (this.options.isFatal(err)) {
        this.options.onFatal(err);
        for (const item of items) item.settle({ ok: false, code, message });
        return;
      }
      this.retryOrGiveUp(items, code, message);
      return;
    }
    const failed = new Map(failures.map((f) => [f.index, f]));
    const again: Item<E>[] = [];
    const refused: Item<E>[] = [];
    let first: BatchFailure | undefined;
    let firstRefusal: BatchFailure | undefined;
    items.forEach((item, index) => {
      const f = failed.get(index);
      if (f === undefined) item.settle({ ok: true });
      else if (f.senderFault) {
        refused.push(item);
        firstRefusal ??= f;
      } else {
        again.push(item);
        first ??= f;
      }
    });
    if (firstRefusal !== undefined) this.giveUp(refused, firstRefusal.code, firstRefusal.message, 'refused');
    if (first !== undefined) this.retryOrGiveUp(again, first.code, first.message);
  }

  /** Items of one call share an attempt count, so they retry (or give up) together. */
  private retryOrGiveUp(items: Item<E>[], code: string, message: string): void {
    const attempt = items[0]?.attempt ?? 0;
    if (attempt >= this.options.maxAttempts) return this.giveUp(items, code, message);
    this.options.onProblem({ kind: 'retrying', entries: items.length, code, message, attempt });
    this.options.clock.setTimer(() => {
      for (const item of items) this.enqueue(item);
    }, backoffMs(attempt - 1, 100, 5_000, this.options.random));
  }

  private giveUp(items: Item<E>[], code: string, message: string, kind: 'gave-up' | 'refused' = 'gave-up'): void {
    this.options.onProblem({ kind, entries: items.length, code, message, attempt: items[0]?.attempt ?? 0 });
    for (const item of items) item.settle({ ok: false, code, message });
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
