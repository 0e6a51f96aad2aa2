/**
 * Flow control between the pollers and the task pool. A poller reserves room
 * before it receives, so messages held (prefetched + running) never exceed
 * concurrency + prefetch, and every received message starts within a short,
 * bounded wait instead of ageing towards its visibility timeout.
 */
import type { ReaderMessage } from './message.js';

/** A message this reader holds: prefetched (waiting for a slot) or running. */
export interface Held {
  readonly message: ReaderMessage;
  /** Reader-clock ms when SQS makes it visible to others again unless we act. */
  visibleUntil: number;
  /** A visibility extension for it is in progress. */
  extending: boolean;
  running: boolean;
}

/** SQS returns at most 10 messages per receive. */
export const MAX_RECEIVE = 10;

export class Flow {
  /** Prefetched messages, oldest first. */
  readonly buffer: Held[] = [];
  /** Every held message (buffered and running). */
  readonly held = new Set<Held>();
  running = 0;
  /** Most tasks seen running at once. */
  maxRunning = 0;
  /** Message groups (FIFO) with a task running: their other messages wait. */
  private readonly busyGroups = new Set<string>();
  /** Room promised to receives in flight. */
  private reserved = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly concurrency: number,
    readonly prefetch: number,
  ) {}

  get capacity(): number {
    return this.concurrency + this.prefetch;
  }

  get free(): number {
    return this.capacity - this.held.size - this.reserved;
  }

  /**
   * Worth receiving now: a full batch fits, or the pool is starving (free
   * slots and nothing prefetched) and a smaller batch is better than idling.
   */
  hasRoom(): boolean {
    const free = this.free;
    if (free >= Math.min(MAX_RECEIVE, this.capacity)) return true;
    return free > 0 && this.buffer.length === 0 && this.running < this.concurrency;
  }

  /** Resolve when `hasRoom()` or `until()` holds (re-checked on every change). */
  async waitForRoom(until: () => boolean): Promise<void> {
    while (!this.hasRoom() && !until()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /**
   * Reserve room for one receive if there is room now: its MaxNumberOfMessages
   * (1-10, never above the free room), or 0 when there is none and the caller
   * must wait again. Check and reservation are one step: several pollers woken
   * by one change all see `hasRoom()`, but only those that reserve in time get any.
   */
  tryReserve(): number {
    if (!this.hasRoom()) return 0;
    const n = Math.min(MAX_RECEIVE, this.free);
    this.reserved += n;
    return n;
  }

  unreserve(n: number): void {
    this.reserved -= n;
    this.changed();
  }

  /** Take received messages in (after `unreserve`). */
  add(held: Held): void {
    this.held.add(held);
    this.buffer.push(held);
  }

  /**
   * Next prefetched message if a slot is free: the oldest one whose message group
   * (FIFO) has no task running, so a group's messages run one at a time, in order.
   */
  nextToStart(): Held | undefined {
    if (this.running >= this.concurrency) return undefined;
    const head = this.buffer[0];
    if (head === undefined) return undefined;
    const group = head.message.groupId;
    const i = group === undefined || !this.busyGroups.has(group) ? 0 : this.buffer.findIndex((h) => h.message.groupId === undefined || !this.busyGroups.has(h.message.groupId));
    if (i < 0) return undefined;
    const next = i === 0 ? this.buffer.shift()! : this.buffer.splice(i, 1)[0]!;
    if (next.message.groupId !== undefined) this.busyGroups.add(next.message.groupId);
    next.running = true;
    this.running += 1;
    if (this.running > this.maxRunning) this.maxRunning = this.running;
    return next;
  }

  /** A task finished: its slot and room are free. */
  finish(held: Held): void {
    this.running -= 1;
    if (held.message.groupId !== undefined) this.busyGroups.delete(held.message.groupId);
    this.held.delete(held);
    this.changed();
  }

  /** Remove and return the prefetched messages of one message group (after one of them failed). */
  takeGroup(groupId: string): Held[] {
    const out: Held[] = [];
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      if (this.buffer[i]!.message.groupId === groupId) out.unshift(...this.buffer.splice(i, 1));
    }
    for (const h of out) this.held.delete(h);
    if (out.length > 0) this.changed();
    return out;
  }

  /** Remove and return every prefetched (unstarted) message. */
  takeUnstarted(): Held[] {
    const out = this.buffer.splice(0);
    for (const h of out) this.held.delete(h);
    this.changed();
    return out;
  }

  /** Wake waiting pollers to re-check (also on stop). */
  changed(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
