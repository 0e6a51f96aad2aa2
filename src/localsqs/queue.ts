/**
 * One standard queue's messages and semantics, apart from HTTP.
 *
 * Visible messages wait in an O(1) deque; delayed and in-flight messages sit in
 * the core's indexed min-heap of deadlines, driven by ONE timer per queue on the
 * injected clock (queue-core.ts, shared with FifoQueue, as are receipt handles,
 * bytes held and long-poll waiters, woken when a message is sent or becomes
 * visible again). Memory is one StoredMessage (+ its handle entry) per message held.
 */
import type { Clock } from '../util/clock.js';
import { Deque } from './deque.js';
import { messageNotInflight } from './errors.js';
import type { Journal } from './journal/journal.js';
import { MessageState, StoredMessage } from './message.js';
import { DEADLINE_BATCH, QueueCore, type CoreOwner } from './queue-core.js';
import { defaultSettings, type QueueSettings } from './queue-settings.js';

/** Bytes held across every queue of one endpoint (see EndpointLimits.maxHeldBytes). */
export interface HeldBytes {
  bytes: number;
}

export interface QueueDeps {
  readonly clock: Clock;
  readonly held: HeldBytes;
  /** The queue with this ARN, for dead-lettering. */
  readonly queueByArn: (arn: string) => MessageQueue | undefined;
  /** Records every change a client is answered about (--data-dir); none: in memory only. */
  readonly journal?: Journal;
}

/** What actions, the store and move tasks use of a queue: a standard Queue or a FifoQueue. */
export interface MessageQueue {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly settings: QueueSettings;
  readonly tags: Map<string, string>;
  /** True for a FifoQueue (discriminates the two kinds). */
  readonly fifo: boolean;
  /** FIFO: the last SequenceNumber issued (0 for a standard queue). */
  readonly lastSequence: number;
  lastModifiedAt: number;
  readonly visibleCount: number;
  readonly inFlightCount: number;
  readonly delayedCount: number;
  readonly waiting: number;
  readonly size: number;
  enqueue(msg: StoredMessage, delaySeconds: number, old?: boolean): void;
  receiveOrWait(max: number, visibilityTimeout: number, waitMs: number, onCancel?: (cancel: () => void) => void): StoredMessage[] | Promise<StoredMessage[]>;
  deleteByHandle(handle: string): void;
  changeVisibility(handle: string, visibilityTimeout: number): void;
  /** Remove up to `max` visible messages (oldest first; FIFO: group heads in order) for a move task. */
  takeVisible(max: number): StoredMessage[];
  purge(): void;
  sweepExpired(): void;
  close(): void;
}

const HANDLE = /^[0-9a-f-]{36}#[0-9a-z]+$/;

/** True when `handle` has the shape of a receipt handle this endpoint issues. */
export function isWellFormedHandle(handle: string): boolean {
  return HANDLE.test(handle);
}

export class Queue implements MessageQueue, CoreOwner {
  readonly fifo = false;
  readonly lastSequence = 0;
  readonly settings: QueueSettings = defaultSettings();
  readonly tags = new Map<string, string>();
  lastModifiedAt: number;
  visibleCount = 0;
  inFlightCount = 0;
  delayedCount = 0;

  private readonly visible = new Deque<StoredMessage>();
  private readonly core: QueueCore;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly createdAt: number,
    private readonly deps: QueueDeps,
  ) {
    this.lastModifiedAt = createdAt;
    this.core = new QueueCore(deps, this);
  }

  /** Long polls waiting on this queue. */
  get waiting(): number {
    return this.core.waiting;
  }

  /** Bytes of the messages this queue holds (also counted in deps.held). */
  get heldBytes(): number {
    return this.core.heldBytes;
  }

  canServe(): boolean {
    return this.visibleCount > 0;
  }

  /** Messages held in memory (visible, in flight and delayed). */
  get size(): number {
    return this.visibleCount + this.inFlightCount + this.delayedCount;
  }

  /**
   * Enqueue a new (or dead-lettered) message; `delaySeconds` 0 makes it visible at once.
   * `old` marks a message sent earlier (dead-lettered): it is watched for retention expiry.
   */
  enqueue(msg: StoredMessage, delaySeconds: number, old = false): void {
    const core = this.core;
    if (core.closed) return;
    core.hold(msg);
    if (delaySeconds > 0) {
      msg.state = MessageState.Delayed;
      msg.deadline = this.deps.clock.now() + delaySeconds * 1000;
      this.delayedCount += 1;
      core.deadlines.push(msg);
      core.arm();
    } else {
      this.makeVisible(msg, old);
      core.scheduleWake();
    }
    if (this.deps.journal !== undefined) this.deps.journal.put(this.name, msg);
  }

  /** Take up to `max` visible messages and make them invisible for `visibilityTimeout` seconds. */
  receive(max: number, visibilityTimeout: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    if (this.visibleCount === 0) return out;
    const core = this.core;
    const now = this.deps.clock.now();
    const retentionMs = this.settings.messageRetentionPeriod * 1000;
    const redrive = this.settings.redrivePolicy;
    while (out.length < max && this.visibleCount > 0) {
      const msg = this.visible.shift();
      if (msg === undefined) break;
      if (msg.state !== MessageState.Visible) continue; // deleted while visible: dropped lazily
      this.visibleCount -= 1;
      core.deadlines.remove(msg); // its retention watch, if any
      if (now >= msg.sentAt + retentionMs) {
        core.drop(msg);
        if (this.deps.journal !== undefined) this.deps.journal.remove(msg);
        continue;
      }
      if (redrive !== undefined && msg.receiveCount >= redrive.maxReceiveCount) {
        const dlq = this.deps.queueByArn(redrive.deadLetterTargetArn);
        if (dlq !== undefined && dlq !== this && !dlq.fifo) {
          core.drop(msg);
          msg.handle = undefined;
          msg.deadLetterSourceArn = this.arn;
          dlq.enqueue(msg, 0, true);
          continue;
        }
      }
      core.receiveOne(msg, now, visibilityTimeout);
      this.inFlightCount += 1;
      out.push(msg);
    }
    for (const msg of out) {
      if (visibilityTimeout > 0) core.deadlines.push(msg);
    }
    const journal = this.deps.journal;
    if (visibilityTimeout === 0) {
      // Visible again for the next receive, not this one.
      for (const msg of out) {
        this.inFlightCount -= 1;
        this.makeVisible(msg, true);
      }
      if (out.length > 0) core.scheduleWake();
    } else if (out.length > 0) core.arm();
    if (journal !== undefined) for (const msg of out) journal.update(msg);
    return out;
  }

  receiveOrWait(max: number, visibilityTimeout: number, waitMs: number, onCancel?: (cancel: () => void) => void): StoredMessage[] | Promise<StoredMessage[]> {
    return this.core.receiveOrWait(max, visibilityTimeout, waitMs, onCancel);
  }

  /** Delete by receipt handle. A stale handle of a message received again since is a no-op (as in SQS). */
  deleteByHandle(handle: string): void {
    const core = this.core;
    const msg = core.handles.get(handle);
    if (msg === undefined) return;
    core.handles.delete(handle);
    if (msg.state === MessageState.InFlight) {
      this.inFlightCount -= 1;
      core.deadlines.remove(msg);
    } else if (msg.state === MessageState.Visible) {
      this.visibleCount -= 1; // stays in the deque until reached, then skipped
      core.deadlines.remove(msg);
    }
    core.release(msg);
    msg.state = MessageState.Gone;
    msg.handle = undefined;
    if (this.deps.journal !== undefined) this.deps.journal.remove(msg);
  }

  /** Change the visibility timeout of an in-flight message, counted from now. Throws MessageNotInflight. */
  changeVisibility(handle: string, visibilityTimeout: number): void {
    const core = this.core;
    const msg = core.handles.get(handle);
    if (msg === undefined || msg.state !== MessageState.InFlight) throw messageNotInflight();
    if (visibilityTimeout === 0) {
      core.deadlines.remove(msg);
      this.inFlightCount -= 1;
      this.makeVisible(msg, true);
      core.scheduleWake();
    } else {
      msg.deadline = this.deps.clock.now() + visibilityTimeout * 1000;
      core.deadlines.update(msg);
      core.arm();
    }
    if (this.deps.journal !== undefined) this.deps.journal.update(msg);
  }

  takeVisible(max: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    const expireBefore = this.deps.clock.now() - this.settings.messageRetentionPeriod * 1000;
    while (out.length < max && this.visibleCount > 0) {
      const msg = this.visible.shift();
      if (msg === undefined) break;
      if (msg.state !== MessageState.Visible) continue;
      this.visibleCount -= 1;
      this.core.deadlines.remove(msg);
      if (msg.sentAt > expireBefore) out.push(msg);
      this.core.drop(msg);
      if (this.deps.journal !== undefined) this.deps.journal.remove(msg);
    }
    return out;
  }

  purge(): void {
    const core = this.core;
    for (const msg of core.handles.values()) msg.state = MessageState.Gone;
    this.visible.clear();
    core.clearDeadlines();
    core.handles.clear();
    this.visibleCount = this.inFlightCount = this.delayedCount = 0;
    core.releaseAll();
  }

  /** Drop expired messages at the head of the visible deque (for accurate counts). */
  sweepExpired(): void {
    const expireBefore = this.deps.clock.now() - this.settings.messageRetentionPeriod * 1000;
    for (let head = this.visible.peek(); head !== undefined; head = this.visible.peek()) {
      if (head.state === MessageState.Visible && head.sentAt > expireBefore) break;
      this.visible.shift();
      if (head.state === MessageState.Visible) {
        this.visibleCount -= 1;
        this.core.drop(head);
        if (this.deps.journal !== undefined) this.deps.journal.remove(head);
      }
    }
  }

  /**
   * Take back messages as recorded (recovery): each in its recorded state, with
   * its recorded deadline, so delays, visibility timeouts and retention continue
   * from the recorded times (past ones fire at once).
   */
  restore(messages: StoredMessage[]): void {
    const core = this.core;
    const visible: StoredMessage[] = [];
    for (const msg of messages) {
      core.hold(msg);
      core.restoreHandle(msg);
      if (msg.state === MessageState.Delayed || msg.state === MessageState.InFlight) {
        if (msg.state === MessageState.Delayed) this.delayedCount += 1;
        else this.inFlightCount += 1;
        core.deadlines.push(msg);
      } else {
        msg.state = MessageState.Visible;
        visible.push(msg);
      }
    }
    // In send order, so retention expires from the deque's head.
    visible.sort((a, b) => a.sentAt - b.sentAt);
    for (const msg of visible) this.makeVisible(msg);
    core.arm();
  }

  /** Every message held (for snapshots): the visible ones in order, then delayed and in flight. */
  forEachMessage(fn: (msg: StoredMessage) => void): void {
    this.visible.forEach((msg) => {
      if (msg.state === MessageState.Visible) fn(msg);
    });
    this.core.deadlines.forEach((msg) => {
      if (msg.state === MessageState.Delayed || msg.state === MessageState.InFlight) fn(msg);
    });
  }

  /** Answer every waiting long poll with no messages and stop the timer (queue deleted or server closing). */
  close(): void {
    this.core.close();
    this.purge();
  }

  /**
   * Append to the visible deque. Messages appended in send order expire from the
   * deque's head (sweepExpired); one that comes back later (`outOfOrder`: after a
   * delay, a visibility timeout, dead-lettering) is older than those behind it,
   * so it is watched in the deadline heap until its retention ends instead.
   */
  private makeVisible(msg: StoredMessage, outOfOrder = false): void {
    msg.state = MessageState.Visible;
    this.visibleCount += 1;
    this.visible.push(msg);
    if (outOfOrder) {
      msg.deadline = msg.sentAt + this.settings.messageRetentionPeriod * 1000;
      this.core.deadlines.push(msg);
      this.core.arm();
    }
  }

  /** The core's timer fired: delays and visibility timeouts that ended, retention that passed. */
  onDeadline(): void {
    const core = this.core;
    const now = this.deps.clock.now();
    const expireBefore = now - this.settings.messageRetentionPeriod * 1000;
    let woke = false;
    // At most DEADLINE_BATCH messages per turn: the rest are handled on the next turn (arm() fires again at once).
    let budget = DEADLINE_BATCH;
    for (let top = core.deadlines.peek(); top !== undefined && top.deadline <= now && budget-- > 0; top = core.deadlines.peek()) {
      core.deadlines.pop();
      if (top.state === MessageState.Visible) {
        // A retention watch: drop it, or watch again if the retention period grew.
        if (top.sentAt <= expireBefore) {
          this.visibleCount -= 1;
          core.drop(top);
          if (this.deps.journal !== undefined) this.deps.journal.remove(top);
        } else {
          top.deadline = top.sentAt + this.settings.messageRetentionPeriod * 1000;
          core.deadlines.push(top);
        }
        continue;
      }
      if (top.state === MessageState.InFlight) this.inFlightCount -= 1;
      else this.delayedCount -= 1;
      if (top.sentAt <= expireBefore) {
        core.drop(top);
        if (this.deps.journal !== undefined) this.deps.journal.remove(top);
      } else {
        this.makeVisible(top, true);
        woke = true;
      }
    }
    if (woke) core.wake();
    core.arm();
  }
}
