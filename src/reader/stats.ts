/**
 * The reader's counters: totals since start plus, per stats interval, the
 * throughput and the message age at processing (now - SentTimestamp) — the
 * live form of the original's offline "message age vs receive count" plot.
 */
import { LatencyWindow } from '../telemetry/histogram.js';
import type { WorkStatsEvent } from '../telemetry/work-events.js';

export class ReaderStats {
  received = 0;
  /** Tasks that succeeded (their delete is queued or done). */
  processed = 0;
  failed = 0;
  /** Messages received with ApproximateReceiveCount > 1. */
  retried = 0;
  /** Messages whose delete SQS confirmed (each message id counted once). */
  deleted = 0;
  /** Deliveries of a message this reader had already deleted (SQS is at-least-once). */
  duplicates = 0;
  /** Deletes that failed for good (reported; SQS will redeliver those messages). */
  deleteFailed = 0;
  /** Messages handed back with visibility 0 (unstarted at stop, or abandoned at the drain timeout). */
  returned = 0;
  /** Visibility extensions SQS confirmed (heartbeat). */
  extended = 0;
  /** FIFO: messages processed after a later message of their group (by SequenceNumber); must stay 0. */
  orderViolations = 0;
  /** FIFO: the highest SequenceNumber processed per message group; undefined until a grouped message passed. */
  private lastInGroup: Map<string, bigint> | undefined;
  private readonly age = new LatencyWindow();
  private readonly receiveCounts = new Map<number, number>();
  private intervalStart: number;
  private processedAtIntervalStart = 0;

  constructor(now: number) {
    this.intervalStart = now;
  }

  onReceived(receiveCount: number): void {
    this.received += 1;
    if (receiveCount > 1) this.retried += 1;
  }

  /** A task finished: `ageMs` = now - SentTimestamp. */
  onHandled(ok: boolean, receiveCount: number, ageMs: number): void {
    if (ok) this.processed += 1;
    else this.failed += 1;
    this.age.record(Math.max(0, ageMs));
    this.receiveCounts.set(receiveCount, (this.receiveCounts.get(receiveCount) ?? 0) + 1);
  }

  /** A grouped message passed: count it as a violation when its group already passed a later one. */
  onGroupPassed(groupId: string, sequenceNumber: string): void {
    let seq: bigint;
    try {
      seq = BigInt(sequenceNumber);
    } catch {
      return;
    }
    this.lastInGroup ??= new Map();
    const last = this.lastInGroup.get(groupId);
    if (last !== undefined && seq < last) this.orderViolations += 1;
    else this.lastInGroup.set(groupId, seq);
  }

  /** True once a message with a group passed (the queue is FIFO). */
  get fifo(): boolean {
    return this.lastInGroup !== undefined;
  }

  /** Totals plus the interval since the previous call (which starts a new one). */
  takeStats(now: number, inFlight: number, sqsCalls: number): WorkStatsEvent {
    const seconds = Math.max(0.001, (now - this.intervalStart) / 1000);
    const throughput = Math.round(((this.processed - this.processedAtIntervalStart) / seconds) * 10) / 10;
    this.intervalStart = now;
    this.processedAtIntervalStart = this.processed;
    const age = this.age.takeInterval();
    const receiveCounts: Record<string, number> = {};
    for (const [count, n] of [...this.receiveCounts].sort((a, b) => a[0] - b[0])) receiveCounts[String(count)] = n;
    return {
      role: 'work',
      type: 'stats',
      t: now,
      received: this.received,
      processed: this.processed,
      failed: this.failed,
      retried: this.retried,
      deleted: this.deleted,
      inFlight,
      throughput,
      ageMs: { p50: age.p50, p99: age.p99 },
      receiveCounts,
      sqsCalls,
      returned: this.returned,
      deleteFailed: this.deleteFailed,
      duplicates: this.duplicates,
      extended: this.extended,
      ...(this.fifo ? { orderViolations: this.orderViolations } : {}),
    };
  }
}
