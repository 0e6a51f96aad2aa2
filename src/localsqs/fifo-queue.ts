/**
 * One FIFO queue's messages and semantics, apart from HTTP.
 *
 * Messages live in their message group, in send order, until deleted: a group
 * whose messages are in flight is locked (nothing of it is received until every
 * one is deleted or visible again), so a group is always served from its head,
 * in order. Groups that can be served wait in `ready` (insertion order: served
 * round robin). Delayed and in-flight deadlines, receipt handles, bytes held and
 * long polls are the core's (queue-core.ts), as in the standard Queue.
 *
 * Deduplication (5-minute window, per queue or per group) and receive-attempt
 * replay (ReceiveRequestAttemptId) are kept here as well; the send and receive
 * actions decide when to use them.
 */
import type { Clock } from '../util/clock.js';
import { messageNotInflight } from './errors.js';
import { MessageState, StoredMessage } from './message.js';
import { DEADLINE_BATCH, QueueCore, type CoreOwner } from './queue-core.js';
import { defaultSettings, type QueueSettings } from './queue-settings.js';
import type { MessageQueue, QueueDeps } from './queue.js';
import { Deque } from './deque.js';

/** AWS's deduplication interval and ReceiveRequestAttemptId lifetime. */
export const DEDUP_WINDOW_MS = 5 * 60_000;

/** What a duplicate send answers with: the original's MessageId and SequenceNumber. */
export interface SendRecord {
  readonly id: string;
  readonly sequenceNumber: string;
}

interface DedupEntry {
  readonly key: string;
  readonly at: number;
  readonly record: SendRecord;
  /** Bytes it counts against the endpoint's maxHeldBytes while remembered. */
  readonly size: number;
}

/** Bookkeeping of one remembered deduplication id beyond its key (entry, map slot, record). */
const DEDUP_OVERHEAD_BYTES = 160;

interface Attempt {
  readonly at: number;
  readonly messages: readonly StoredMessage[];
  readonly handles: readonly string[];
}

class Group {
  /** Messages not yet deleted, in send order, from index `start` (earlier slots are spent). */
  items: StoredMessage[] = [];
  start = 0;
  inFlight = 0;
  constructor(readonly id: string) {}

  head(): StoredMessage | undefined {
    return this.items[this.start];
  }
}


/** Put in a group's slot when its message moves to another queue (the object lives on there). */
const SPENT = new StoredMessage('', '', '', undefined, undefined, undefined, undefined, 0, '', 0);
SPENT.state = MessageState.Gone;

export class FifoQueue implements MessageQueue, CoreOwner {
  readonly fifo = true;
  readonly settings: QueueSettings = { ...defaultSettings(), fifoQueue: true };
  readonly tags = new Map<string, string>();
  lastModifiedAt: number;
  visibleCount = 0;
  inFlightCount = 0;
  delayedCount = 0;

  private readonly groups = new Map<string, Group>();
  /** Groups with a visible head and nothing in flight, in the order they will be served. */
  private readonly ready = new Set<Group>();
  private readonly core: QueueCore;
  private readonly dedup = new Map<string, DedupEntry>();
  private readonly dedupOrder = new Deque<DedupEntry>();
  private readonly attempts = new Map<string, Attempt>();
  private sequence = 0;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly createdAt: number,
    private readonly deps: QueueDeps,
  ) {
    this.lastModifiedAt = createdAt;
    this.core = new QueueCore(deps, this);
  }

  private get clock(): Clock {
    return this.deps.clock;
  }

  get waiting(): number {
    return this.core.waiting;
  }

  /** Bytes of the messages this queue holds (also counted in deps.held). */
  get heldBytes(): number {
    return this.core.heldBytes;
  }

  canServe(): boolean {
    return this.ready.size > 0;
  }

  get size(): number {
    return this.visibleCount + this.inFlightCount + this.delayedCount;
  }

  /** Groups holding messages (for tests and stats). */
  get groupCount(): number {
    return this.groups.size;
  }

  // ---- deduplication -------------------------------------------------------

  private dedupKey(groupId: string, dedupId: string): string {
    // Ids are printable ASCII: a newline cannot occur in either.
    return this.settings.deduplicationScope === 'messageGroup' ? `${groupId}\n${dedupId}` : dedupId;
  }

  /** The original send when `dedupId` was accepted within the last 5 minutes (in this scope), else undefined. */
  duplicateOf(groupId: string, dedupId: string): SendRecord | undefined {
    this.expireDedup();
    return this.dedup.get(this.dedupKey(groupId, dedupId))?.record;
  }

  /** Remember an accepted send for the deduplication window. */
  rememberSend(msg: StoredMessage): void {
    const key = this.dedupKey(msg.groupId!, msg.dedupId!);
    const entry: DedupEntry = { key, at: this.clock.now(), record: { id: msg.id, sequenceNumber: msg.sequenceNumber! }, size: key.length * 2 + DEDUP_OVERHEAD_BYTES };
    const replaced = this.dedup.get(key);
    if (replaced !== undefined) this.deps.held.bytes -= replaced.size;
    this.dedup.set(key, entry);
    this.dedupOrder.push(entry);
    // The 5-minute memory of ids counts against maxHeldBytes like messages do (a flood of sends cannot grow it unbounded).
    this.deps.held.bytes += entry.size;
    if (this.deps.journal !== undefined) this.deps.journal.dedup(this.name, key, entry.at, entry.record.id, entry.record.sequenceNumber);
  }

  /** The remembered deduplication ids (for snapshots), oldest first. */
  forEachDedup(fn: (key: string, at: number, record: SendRecord) => void): void {
    this.dedupOrder.forEach((e) => {
      if (this.dedup.get(e.key) === e) fn(e.key, e.at, e.record);
    });
  }

  private expireDedup(): void {
    const before = this.clock.now() - DEDUP_WINDOW_MS;
    for (let e = this.dedupOrder.peek(); e !== undefined && e.at <= before; e = this.dedupOrder.peek()) {
      this.dedupOrder.shift();
      if (this.dedup.get(e.key) === e) {
        this.dedup.delete(e.key);
        this.deps.held.bytes -= e.size;
      }
    }
  }

  // ---- receive attempts ----------------------------------------------------

  /**
   * The messages an earlier receive with this ReceiveRequestAttemptId returned, when
   * it was less than 5 minutes ago and none of them was deleted or changed since;
   * their visibility timeout starts again. Undefined otherwise.
   */
  replayAttempt(attemptId: string, visibilityTimeout: number): StoredMessage[] | undefined {
    const now = this.clock.now();
    for (const [id, a] of this.attempts) {
      if (a.at > now - DEDUP_WINDOW_MS) break;
      this.attempts.delete(id);
    }
    const attempt = this.attempts.get(attemptId);
    if (attempt === undefined) return undefined;
    const unchanged = attempt.messages.every((m, i) => m.state === MessageState.InFlight && m.handle === attempt.handles[i]);
    if (!unchanged) {
      this.attempts.delete(attemptId);
      return undefined;
    }
    for (const m of attempt.messages) {
      m.deadline = now + visibilityTimeout * 1000;
      this.core.deadlines.update(m);
      if (this.deps.journal !== undefined) this.deps.journal.update(m);
    }
    this.core.arm();
    return [...attempt.messages];
  }

  rememberAttempt(attemptId: string, messages: readonly StoredMessage[]): void {
    this.attempts.delete(attemptId);
    if (messages.length === 0) return;
    const at = this.clock.now();
    this.attempts.set(attemptId, { at, messages, handles: messages.map((m) => m.handle!) });
    if (this.deps.journal !== undefined) this.deps.journal.attempt(this.name, attemptId, at, messages);
  }

  /** The remembered receive attempts (for snapshots). */
  forEachAttempt(fn: (attemptId: string, at: number, messages: readonly StoredMessage[], handles: readonly string[]) => void): void {
    for (const [id, a] of this.attempts) fn(id, a.at, a.messages, a.handles);
  }

  // ---- messages ------------------------------------------------------------

  /** The last SequenceNumber issued (as a number; 0 before the first). */
  get lastSequence(): number {
    return this.sequence;
  }

  /** The next SequenceNumber: 20 digits, increasing within the queue (so within every group). */
  private nextSequence(): string {
    this.sequence += 1;
    return `1${String(this.sequence).padStart(19, '0')}`;
  }

  /** Append a message (it carries its groupId) to its group; FIFO queues delay only by the queue's DelaySeconds. */
  enqueue(msg: StoredMessage, delaySeconds: number): void {
    if (this.core.closed) return;
    msg.sequenceNumber ??= this.nextSequence();
    this.core.hold(msg);
    const id = msg.groupId!;
    let group = this.groups.get(id);
    if (group === undefined) {
      group = new Group(id);
      this.groups.set(id, group);
    }
    group.items.push(msg);
    if (delaySeconds > 0) {
      msg.state = MessageState.Delayed;
      msg.deadline = this.clock.now() + delaySeconds * 1000;
      this.delayedCount += 1;
      this.core.deadlines.push(msg);
      this.core.arm();
    } else {
      msg.state = MessageState.Visible;
      this.visibleCount += 1;
    }
    this.refresh(group);
    this.core.scheduleWake();
    if (this.deps.journal !== undefined) this.deps.journal.put(this.name, msg);
  }

  /**
   * Up to `max` messages: from each servable group in turn, its visible head and
   * the visible messages right behind it, in order; each group served is locked.
   */
  receive(max: number, visibilityTimeout: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    if (this.ready.size === 0) return out;
    const now = this.clock.now();
    const touched: Group[] = [];
    for (const group of this.ready) {
      if (out.length >= max) break;
      touched.push(group);
      this.takeFrom(group, max - out.length, now, (msg) => {
        this.core.receiveOne(msg, now, visibilityTimeout);
        this.visibleCount -= 1;
        this.inFlightCount += 1;
        group.inFlight += 1;
        out.push(msg);
      });
    }
    if (visibilityTimeout === 0) {
      // Visible again for the next receive, not this one.
      for (const msg of out) this.backToVisible(msg);
    } else {
      for (const msg of out) this.core.deadlines.push(msg);
      if (out.length > 0) this.core.arm();
    }
    for (const group of touched) this.refresh(group);
    const journal = this.deps.journal;
    if (journal !== undefined) for (const msg of out) journal.update(msg);
    return out;
  }

  /**
   * Walk `group` from its head over visible messages, dropping expired ones and
   * dead-lettering those received maxReceiveCount times, handing up to `max` to `take`.
   */
  private takeFrom(group: Group, max: number, now: number, take: (msg: StoredMessage, index: number) => void): void {
    const expireBefore = now - this.settings.messageRetentionPeriod * 1000;
    const redrive = this.settings.redrivePolicy;
    let taken = 0;
    for (let i = group.start; i < group.items.length && taken < max; i++) {
      const msg = group.items[i]!;
      if (msg.state === MessageState.Gone) continue;
      if (msg.state !== MessageState.Visible) break;
      if (msg.sentAt <= expireBefore) {
        this.visibleCount -= 1;
        this.core.drop(msg);
        if (this.deps.journal !== undefined) this.deps.journal.remove(msg);
        continue;
      }
      if (redrive !== undefined && msg.receiveCount >= redrive.maxReceiveCount) {
        const dlq = this.deps.queueByArn(redrive.deadLetterTargetArn);
        if (dlq !== undefined && dlq !== this && dlq.fifo) {
          this.visibleCount -= 1;
          this.core.drop(msg);
          group.items[i] = SPENT;
          msg.handle = undefined;
          msg.deadLetterSourceArn = this.arn;
          msg.sequenceNumber = undefined; // the dead-letter queue numbers it
          dlq.enqueue(msg, 0, true);
          continue;
        }
      }
      take(msg, i);
      taken += 1;
    }
  }

  receiveOrWait(max: number, visibilityTimeout: number, waitMs: number, onCancel?: (cancel: () => void) => void): StoredMessage[] | Promise<StoredMessage[]> {
    return this.core.receiveOrWait(max, visibilityTimeout, waitMs, onCancel);
  }

  deleteByHandle(handle: string): void {
    const msg = this.core.handles.get(handle);
    if (msg === undefined) return;
    this.core.handles.delete(handle);
    const group = this.groups.get(msg.groupId!);
    if (msg.state === MessageState.InFlight) {
      this.inFlightCount -= 1;
      this.core.deadlines.remove(msg);
      if (group !== undefined) group.inFlight -= 1;
    } else if (msg.state === MessageState.Visible) {
      this.visibleCount -= 1;
    }
    this.core.release(msg);
    msg.state = MessageState.Gone;
    msg.handle = undefined;
    if (group !== undefined) this.refresh(group);
    this.core.scheduleWake();
    if (this.deps.journal !== undefined) this.deps.journal.remove(msg);
  }

  changeVisibility(handle: string, visibilityTimeout: number): void {
    const msg = this.core.handles.get(handle);
    if (msg === undefined || msg.state !== MessageState.InFlight) throw messageNotInflight();
    if (visibilityTimeout === 0) {
      this.core.deadlines.remove(msg);
      this.backToVisible(msg);
      const group = this.groups.get(msg.groupId!);
      if (group !== undefined) this.refresh(group);
      this.core.scheduleWake();
    } else {
      msg.deadline = this.clock.now() + visibilityTimeout * 1000;
      this.core.deadlines.update(msg);
      this.core.arm();
    }
    if (this.deps.journal !== undefined) this.deps.journal.update(msg);
  }

  takeVisible(max: number): StoredMessage[] {
    const out: StoredMessage[] = [];
    const now = this.clock.now();
    for (const group of [...this.ready]) {
      if (out.length >= max) break;
      this.takeFrom(group, max - out.length, now, (msg, i) => {
        this.visibleCount -= 1;
        this.core.drop(msg);
        group.items[i] = SPENT;
        out.push(msg);
        if (this.deps.journal !== undefined) this.deps.journal.remove(msg);
      });
      this.refresh(group);
    }
    return out;
  }

  purge(): void {
    for (const group of this.groups.values()) for (const m of group.items) m.state = MessageState.Gone;
    this.groups.clear();
    this.ready.clear();
    this.core.clearDeadlines();
    this.core.handles.clear();
    this.attempts.clear();
    this.visibleCount = this.inFlightCount = this.delayedCount = 0;
    this.core.releaseAll();
  }

  /** Drop expired visible messages at the head of each group that is not locked. */
  sweepExpired(): void {
    const expireBefore = this.clock.now() - this.settings.messageRetentionPeriod * 1000;
    for (const group of [...this.ready]) {
      for (let head = group.head(); head !== undefined && head.state === MessageState.Visible && head.sentAt <= expireBefore; head = group.head()) {
        this.visibleCount -= 1;
        this.core.drop(head);
        this.refresh(group);
        if (this.deps.journal !== undefined) this.deps.journal.remove(head);
      }
    }
  }

  /**
   * Take back what was recorded (recovery): the messages in their groups in
   * SequenceNumber order (send order), each in its recorded state and deadline;
   * the last SequenceNumber issued; the deduplication ids and receive attempts
   * still remembered (those older than 5 minutes expire as they would have).
   */
  restore(messages: StoredMessage[], lastSequence: number, dedup: readonly { key: string; at: number; record: SendRecord }[], attempts: readonly { id: string; at: number; ids: readonly string[]; handles: readonly string[] }[]): void {
    this.sequence = Math.max(this.sequence, lastSequence);
    const byId = new Map<string, StoredMessage>();
    messages.sort((a, b) => (a.sequenceNumber! < b.sequenceNumber! ? -1 : a.sequenceNumber! > b.sequenceNumber! ? 1 : 0));
    for (const msg of messages) {
      byId.set(msg.id, msg);
      this.core.hold(msg);
      this.core.restoreHandle(msg);
      const seq = Number(msg.sequenceNumber!.slice(1));
      if (seq > this.sequence) this.sequence = seq;
      let group = this.groups.get(msg.groupId!);
      if (group === undefined) {
        group = new Group(msg.groupId!);
        this.groups.set(group.id, group);
      }
      group.items.push(msg);
      if (msg.state === MessageState.Delayed) {
        this.delayedCount += 1;
        this.core.deadlines.push(msg);
      } else if (msg.state === MessageState.InFlight) {
        this.inFlightCount += 1;
        group.inFlight += 1;
        this.core.deadlines.push(msg);
      } else {
        msg.state = MessageState.Visible;
        this.visibleCount += 1;
      }
    }
    for (const group of [...this.groups.values()]) this.refresh(group);
    for (const e of [...dedup].sort((a, b) => a.at - b.at)) {
      const entry: DedupEntry = { key: e.key, at: e.at, record: e.record, size: e.key.length * 2 + DEDUP_OVERHEAD_BYTES };
      const replaced = this.dedup.get(e.key);
      if (replaced !== undefined) this.deps.held.bytes -= replaced.size;
      this.dedup.set(e.key, entry);
      this.dedupOrder.push(entry);
      this.deps.held.bytes += entry.size;
    }
    for (const a of [...attempts].sort((x, y) => x.at - y.at)) {
      const msgs = a.ids.map((id) => byId.get(id));
      // One of its messages is gone: the attempt could not be replayed any more.
      if (msgs.every((m) => m !== undefined)) this.attempts.set(a.id, { at: a.at, messages: msgs as StoredMessage[], handles: a.handles });
    }
    this.core.arm();
  }

  /** Every message held (for snapshots), group by group in order. */
  forEachMessage(fn: (msg: StoredMessage) => void): void {
    for (const group of this.groups.values()) {
      for (let i = group.start; i < group.items.length; i++) {
        const msg = group.items[i]!;
        if (msg.state !== MessageState.Gone) fn(msg);
      }
    }
  }

  close(): void {
    this.core.close();
    for (const e of this.dedup.values()) this.deps.held.bytes -= e.size;
    this.dedup.clear();
    this.dedupOrder.clear();
    this.purge();
  }

  // ---- bookkeeping -----------------------------------------------------------

  private backToVisible(msg: StoredMessage): void {
    msg.state = MessageState.Visible;
    this.inFlightCount -= 1;
    this.visibleCount += 1;
    const group = this.groups.get(msg.groupId!);
    if (group !== undefined) group.inFlight -= 1;
  }

  /** After any change to `group`: forget spent slots, forget the group when empty, keep `ready` true to it. */
  private refresh(group: Group): void {
    while (group.start < group.items.length && group.items[group.start]!.state === MessageState.Gone) group.start += 1;
    if (group.start > 32 && group.start * 2 > group.items.length) {
      group.items = group.items.slice(group.start);
      group.start = 0;
    }
    const head = group.head();
    if (head === undefined && group.inFlight === 0) {
      this.ready.delete(group);
      if (this.groups.get(group.id) === group) this.groups.delete(group.id);
      return;
    }
    if (group.inFlight === 0 && head?.state === MessageState.Visible) {
      if (!this.ready.has(group)) this.ready.add(group);
    } else {
      this.ready.delete(group);
    }
  }

  /** The core's timer fired: delays and visibility timeouts that ended. */
  onDeadline(): void {
    const now = this.clock.now();
    const touched = new Set<Group>();
    // At most DEADLINE_BATCH per turn, as in the standard Queue: arm() fires again at once for the rest.
    let budget = DEADLINE_BATCH;
    for (let top = this.core.deadlines.peek(); top !== undefined && top.deadline <= now && budget-- > 0; top = this.core.deadlines.peek()) {
      this.core.deadlines.pop();
      if (top.state === MessageState.InFlight) this.backToVisible(top);
      else if (top.state === MessageState.Delayed) {
        top.state = MessageState.Visible;
        this.delayedCount -= 1;
        this.visibleCount += 1;
      }
      const group = this.groups.get(top.groupId!);
      if (group !== undefined) touched.add(group);
    }
    for (const group of touched) this.refresh(group);
    if (touched.size > 0) this.core.wake();
    this.core.arm();
  }
}

/** AWS's rule for MessageGroupId, MessageDeduplicationId and ReceiveRequestAttemptId: 1-128 of a-z A-Z 0-9 and punctuation. */
export const FIFO_ID = /^[!-~]{1,128}$/;
