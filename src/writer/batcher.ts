/**
 * SendBatcher: coalesces concurrent enqueue requests into batches of at most
 * `maxEntries` entries and `maxBatchBytes` body bytes. A batch is sent when it
 * is full, or when its linger time has passed and a send slot is free (so under
 * load, while every slot is busy, the open batch keeps filling).
 *
 * With `adaptive`, a partial batch lingers only while messages keep coming:
 * the batcher keeps a moving average of the gaps between messages (each gap
 * counted as at most 4 x `lingerMs`, so an idle minute is forgotten after a
 * few messages), and when it is longer than `lingerMs` (a low rate: little
 * would join within the linger) a new batch goes at the end of the I/O turn
 * instead, so a message at a low rate waits for no timer. One late message in
 * a steady stream does not stop the lingering. (Waiting while a call is in
 * flight, like Nagle's algorithm, was tried: against a nearby endpoint a call
 * returns before a batch fills, so batches got smaller.)
 *
 * Each entry's outcome goes back to its own caller:
 *
 *   success                        -> resolves with SQS's MessageId
 *   Failed[], SenderFault=true     -> EnqueueError 'rejected' (400)
 *   Failed[], SenderFault=false    -> sent again with backoff, within the entry's deadline
 *   whole call: network            -> 'unavailable' at once (503)
 *   whole call: throttling / 5xx   -> retried with backoff within the deadline, then 'unavailable'
 *   whole call: sender fault       -> the batch is split into single entries to find the culprit
 *   whole call: anything else      -> 'failed' (500)
 *
 * `drain()` sends what is pending at once and resolves when every entry is
 * settled; `abort()` settles whatever has not been sent as 'unavailable'.
 */
import { backoffMs } from '../util/abort.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { classifySendError } from './send-errors.js';
import {
  EnqueueError,
  type BatchEntry, type BatchResult, type BatcherObserver, type MessageGroup, type SendBatchFn, type SendErrorClass,
} from './batch-types.js';

/** SQS's limits for SendMessageBatch. */
export const SQS_MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_BATCH_BYTES = 1_048_576;

export interface SendBatcherOptions {
  readonly send: SendBatchFn;
  /** Wait this long (ms) for more entries before sending a partial batch; 0 = same I/O turn. */
  readonly lingerMs: number;
  /** Linger only while the average gap between messages is at most `lingerMs`; default false. */
  readonly adaptive?: boolean;
  /** Batches in flight at once (size the SQS client's sockets for it). */
  readonly maxInflight: number;
  readonly maxEntries?: number;
  readonly maxBatchBytes?: number;
  /** Entries waiting beyond this are refused at once as 'unavailable' (load shedding). Default maxInflight * maxEntries * 16. */
  readonly maxOutstanding?: number;
  /** Backoff for retries: first up to `retryBaseMs`, doubling to `retryMaxMs` (defaults 25 / 1000). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Deadlines and latencies are on its monotonic() time. */
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly classify?: (err: unknown) => SendErrorClass;
  readonly observer?: BatcherObserver;
}

interface Item {
  readonly body: string;
  readonly bytes: number;
  readonly group: MessageGroup | undefined;
  /** Clock time after which the entry is not sent (again). */
  readonly deadline: number;
  attempts: number;
  settled: boolean;
  resolve(messageId: string): void;
  reject(err: EnqueueError): void;
}

/** Adaptive: each new gap moves the average by 1/GAP_WEIGHT of its difference. */
const GAP_WEIGHT = 4;

const IDS = Array.from({ length: SQS_MAX_BATCH_ENTRIES }, (_, i) => String(i));

export class SendBatcher {
  private readonly o: Required<Omit<SendBatcherOptions, 'observer'>> & { observer: BatcherObserver };
  private open: Item[] = [];
  private openBytes = 0;
  private openDue = false;
  private lingerTimer: Timer | undefined = undefined;
  /** Adaptive: when the latest message was enqueued (clock monotonic) and the moving average of the gaps (ms). */
  private lastArrival = -Infinity;
  private averageGap: number;
  private readonly ready: Item[][] = [];
  private readonly retryWaits = new Map<Timer, Item>();
  private readonly sending = new Set<Item[]>();
  private inflightBatches = 0;
  private outstandingItems = 0;
  private closing = false;
  private aborted = false;
  private drainWaiters: Array<() => void> = [];

  constructor(options: SendBatcherOptions) {
    const maxEntries = Math.min(SQS_MAX_BATCH_ENTRIES, options.maxEntries ?? SQS_MAX_BATCH_ENTRIES);
    this.o = {
      send: options.send,
      lingerMs: options.lingerMs,
      adaptive: options.adaptive ?? false,
      maxInflight: options.maxInflight,
      maxEntries,
      maxBatchBytes: Math.min(SQS_MAX_BATCH_BYTES, options.maxBatchBytes ?? SQS_MAX_BATCH_BYTES),
      maxOutstanding: options.maxOutstanding ?? options.maxInflight * maxEntries * 16,
      retryBaseMs: options.retryBaseMs ?? 25,
      retryMaxMs: options.retryMaxMs ?? 1000,
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
      classify: options.classify ?? classifySendError,
      observer: options.observer ?? {},
    };
    this.averageGap = this.maxGap;
  }

  /** The longest gap the average counts: an idle writer looks like one at a low rate, not one idle for ever. */
  private get maxGap(): number {
    return 4 * this.o.lingerMs;
  }

  /** Entries accepted and not yet answered. */
  get outstanding(): number {
    return this.outstandingItems;
  }

  /** Batch calls in flight now. */
  get inflight(): number {
    return this.inflightBatches;
  }

  /**
   * Enqueue one message body (`bytes` = its UTF-8 size, already checked against the queue's limit).
   * `deadline` is a time on the clock's monotonic() scale. Resolves with the MessageId; rejects with EnqueueError.
   */
  enqueue(body: string, bytes: number, deadline: number, group?: MessageGroup): Promise<string> {
    if (this.aborted) return Promise.reject(new EnqueueError('unavailable', 'the writer is stopping'));
    if (this.outstandingItems >= this.o.maxOutstanding) return Promise.reject(new EnqueueError('unavailable', 'too many messages waiting for SQS'));
    this.outstandingItems++;
    if (this.o.adaptive) {
      const now = this.o.clock.monotonic();
      this.averageGap += (Math.min(now - this.lastArrival, this.maxGap) - this.averageGap) / GAP_WEIGHT;
      this.lastArrival = now;
    }
    return new Promise<string>((resolve, reject) => {
      this.add({ body, bytes, group, deadline, attempts: 0, settled: false, resolve, reject });
    });
  }

  /** Send everything pending without lingering; resolve when every entry is answered. */
  drain(): Promise<void> {
    this.closing = true;
    if (this.open.length > 0) this.onLinger();
    if (this.outstandingItems === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Give up: every entry not yet accepted is answered 'unavailable' now, including those of calls
   * in flight (SQS may still accept one of those: a 503 then, never a false 201).
   */
  abort(reason = 'the writer stopped before SQS answered'): void {
    this.closing = true;
    this.aborted = true;
    this.lingerTimer?.cancel();
    this.lingerTimer = undefined;
    const err = new EnqueueError('unavailable', reason);
    for (const item of this.open) this.settle(item, err);
    for (const batch of this.ready.splice(0)) for (const item of batch) this.settle(item, err);
    for (const batch of this.sending) for (const item of batch) this.settle(item, err);
    for (const [timer, item] of this.retryWaits) {
      timer.cancel();
      this.settle(item, err);
    }
    this.open = [];
    this.openBytes = 0;
    this.retryWaits.clear();
  }

  private add(item: Item): void {
    if (this.open.length > 0 && this.openBytes + item.bytes > this.o.maxBatchBytes) this.closeOpen();
    this.open.push(item);
    this.openBytes += item.bytes;
    if (this.open.length >= this.o.maxEntries) {
      this.closeOpen();
      this.pump();
    } else if (this.open.length === 1) {
      const linger = this.closing || (this.o.adaptive && this.averageGap > this.o.lingerMs) ? 0 : this.o.lingerMs;
      this.lingerTimer = this.o.clock.setTimer(this.onLinger, linger);
    }
  }

  private readonly onLinger = (): void => {
    this.lingerTimer?.cancel();
    this.lingerTimer = undefined;
    this.openDue = true;
    this.pump();
  };

  private closeOpen(): void {
    if (this.open.length === 0) return;
    this.lingerTimer?.cancel();
    this.lingerTimer = undefined;
    this.ready.push(this.open);
    this.open = [];
    this.openBytes = 0;
    this.openDue = false;
  }

  private pump(): void {
    while (this.inflightBatches < this.o.maxInflight) {
      if (this.ready.length === 0) {
        if (!this.openDue || this.open.length === 0) return;
        this.closeOpen();
      }
      this.dispatch(this.ready.shift()!);
    }
  }

  private dispatch(batch: Item[]): void {
    const now = this.o.clock.monotonic();
    const items = batch.filter((item) => {
      if (now < item.deadline) return true;
      this.settle(item, new EnqueueError('unavailable', 'deadline passed before SQS accepted the message'));
      return false;
    });
    if (items.length === 0) return;
    const entries: BatchEntry[] = items.map((item, i) => (item.group === undefined ? { Id: IDS[i]!, MessageBody: item.body } : entryWithGroup(IDS[i]!, item.body, item.group)));
    this.inflightBatches++;
    this.sending.add(items);
    const started = now;
    this.o.send(entries).then(
      (result) => {
        this.o.observer.onBatch?.(items.length, this.o.clock.monotonic() - started, undefined);
        this.onResult(items, result);
      },
      (err: unknown) => {
        const cls = this.o.classify(err);
        this.o.observer.onBatch?.(items.length, this.o.clock.monotonic() - started, cls);
        this.onError(items, err, cls);
      },
    ).finally(() => {
      this.sending.delete(items);
      this.inflightBatches--;
      this.pump();
    });
  }

  private onResult(items: Item[], result: BatchResult): void {
    let answered = 0;
    for (const ok of result.successful) {
      const item = items[Number(ok.id)];
      if (item === undefined || item.settled) continue;
      this.settle(item, ok.messageId);
      answered++;
    }
    for (const failure of result.failed) {
      const item = items[Number(failure.id)];
      if (item === undefined || item.settled) continue;
      answered++;
      if (failure.senderFault) this.settle(item, new EnqueueError('rejected', `SQS refused the message: ${failure.code}`, failure.code));
      else this.retry(item, `SQS failed the entry: ${failure.code}`);
    }
    if (answered === items.length) return;
    // SQS names every entry in Successful or Failed; one it left out has an unknown fate.
    const seen = new Set([...result.successful.map((s) => s.id), ...result.failed.map((f) => f.id)]);
    items.forEach((item, i) => {
      if (!seen.has(IDS[i]!)) this.settle(item, new EnqueueError('failed', 'SQS answered without an outcome for the entry'));
    });
  }

  private onError(items: Item[], err: unknown, cls: SendErrorClass): void {
    const code = (err as { name?: string } | undefined)?.name ?? 'Error';
    switch (cls) {
      case 'network':
        for (const item of items) this.settle(item, new EnqueueError('unavailable', `cannot reach SQS (${networkCode(err)})`, undefined, cls));
        return;
      case 'queue_missing':
        for (const item of items) this.settle(item, new EnqueueError('unavailable', 'the queue does not exist (run `sqsdemo setup`)', undefined, cls));
        return;
      case 'transient':
        for (const item of items) this.retry(item, `SQS is throttling or failing (${code})`);
        return;
      case 'sender':
        if (items.length === 1) {
          this.settle(items[0]!, new EnqueueError('rejected', `SQS refused the message: ${code}`, code));
        } else {
          // One entry spoiled the whole call: send each alone to find it.
          for (const item of items) this.ready.push([item]);
          this.pump();
        }
        return;
      default:
        for (const item of items) this.settle(item, new EnqueueError('failed', `SQS call failed: ${code}`));
    }
  }

  private retry(item: Item, reason: string): void {
    const delay = backoffMs(item.attempts, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random);
    item.attempts++;
    if (this.aborted || this.o.clock.monotonic() + delay >= item.deadline) {
      this.settle(item, new EnqueueError('unavailable', `${reason}; gave up at the request deadline`));
      return;
    }
    this.o.observer.onRetry?.();
    const timer = this.o.clock.setTimer(() => {
      this.retryWaits.delete(timer);
      this.add(item);
    }, delay);
    this.retryWaits.set(timer, item);
  }

  private settle(item: Item, outcome: string | EnqueueError): void {
    if (item.settled) return;
    item.settled = true;
    this.outstandingItems--;
    if (typeof outcome === 'string') item.resolve(outcome);
    else item.reject(outcome);
    if (this.outstandingItems === 0 && this.drainWaiters.length > 0) {
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }
}

function networkCode(err: unknown): string {
  const e = err as { code?: string; name?: string } | undefined;
  return e?.code ?? e?.name ?? 'network error';
}

function entryWithGroup(id: string, body: string, group: MessageGroup): BatchEntry {
  return { Id: id, MessageBody: body, MessageGroupId: group.groupId, ...(group.dedupId !== undefined ? { MessageDeduplicationId: group.dedupId } : {}) };
}
