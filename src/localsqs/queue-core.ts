/**
 * What a standard Queue and a FifoQueue share, composed into each: the bytes
 * held, receipt handles (one sequence for the endpoint, so a handle is never
 * issued twice), the indexed heap of deadlines driven by ONE timer on the
 * injected clock, and long-poll waiters woken when something can be served.
 * The queue itself decides what a receive takes and what a deadline means.
 */
import type { Timer } from '../util/clock.js';
import { DeadlineHeap } from './deadline-heap.js';
import { Deque } from './deque.js';
import { MessageState, type StoredMessage } from './message.js';
import type { QueueDeps } from './queue.js';

/** What the core calls back into its queue. */
export interface CoreOwner {
  /** Take up to `max` messages for a receive (see Queue.receive, FifoQueue.receive). */
  receive(max: number, visibilityTimeout: number): StoredMessage[];
  /** Whether a receive could return something now. */
  canServe(): boolean;
  /** The timer fired: handle the deadlines that are due, then arm() again. */
  onDeadline(): void;
}

interface Waiter {
  readonly max: number;
  readonly visibilityTimeout: number;
  done: boolean;
  finish(messages: StoredMessage[]): void;
}

let handleSeq = 0;

/** Deadlines one timer handles before yielding the event loop (a million due at once must not stall it). */
export const DEADLINE_BATCH = 10_000;

export class QueueCore {
  readonly deadlines = new DeadlineHeap();
  /** Receipt handles of the messages a client may delete or change. */
  readonly handles = new Map<string, StoredMessage>();
  /** Bytes of the messages this queue holds (also counted in deps.held). */
  heldBytes = 0;
  closed = false;
  private readonly waiters = new Deque<Waiter>();
  private activeWaiters = 0;
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private wakeScheduled = false;

  constructor(private readonly deps: QueueDeps, private readonly owner: CoreOwner) {}

  /** Long polls waiting. */
  get waiting(): number {
    return this.activeWaiters;
  }

  // ---- bytes held ------------------------------------------------------------

  hold(msg: StoredMessage): void {
    this.heldBytes += msg.size;
    this.deps.held.bytes += msg.size;
  }

  release(msg: StoredMessage): void {
    this.heldBytes -= msg.size;
    this.deps.held.bytes -= msg.size;
  }

  /** Forget `msg` (expired, dead-lettered, moved): its handle, its bytes; it is Gone wherever still referenced. */
  drop(msg: StoredMessage): void {
    if (msg.handle !== undefined) this.handles.delete(msg.handle);
    this.release(msg);
    msg.state = MessageState.Gone;
  }

  /** Release every byte held (purge, close). */
  releaseAll(): void {
    this.deps.held.bytes -= this.heldBytes;
    this.heldBytes = 0;
  }

  // ---- receipt handles ---------------------------------------------------------

  /** Make `msg` received at `now`: a new handle (the old one no longer works), in flight until now + visibilityTimeout. */
  receiveOne(msg: StoredMessage, now: number, visibilityTimeout: number): void {
    if (msg.handle !== undefined) this.handles.delete(msg.handle);
    msg.receiveCount += 1;
    if (msg.firstReceiveAt === 0) msg.firstReceiveAt = now;
    msg.handle = `${msg.id}#${(handleSeq++).toString(36)}`;
    this.handles.set(msg.handle, msg);
    msg.state = MessageState.InFlight;
    msg.deadline = now + visibilityTimeout * 1000;
  }

  /** A recovered message's handle works again, and is never issued again. */
  restoreHandle(msg: StoredMessage): void {
    if (msg.handle === undefined) return;
    this.handles.set(msg.handle, msg);
    const seq = parseInt(msg.handle.slice(msg.handle.indexOf('#') + 1), 36);
    if (seq >= handleSeq) handleSeq = seq + 1;
  }

  // ---- the one deadline timer ----------------------------------------------------

  /** Keep the one timer aligned with the earliest deadline. */
  arm(): void {
    const top = this.deadlines.peek();
    if (top === undefined || top.deadline >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = top.deadline;
    this.timer = this.deps.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.owner.onDeadline();
    }, Math.max(0, top.deadline - this.deps.clock.now()));
  }

  /** Forget every deadline and stop the timer (purge). */
  clearDeadlines(): void {
    this.deadlines.clear();
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  // ---- long polls ------------------------------------------------------------------

  /**
   * Receive, or wait up to `waitMs` for something to be served. `onCancel` lets the
   * caller give up (client went away) so no message is handed to nobody.
   */
  receiveOrWait(max: number, visibilityTimeout: number, waitMs: number, onCancel?: (cancel: () => void) => void): StoredMessage[] | Promise<StoredMessage[]> {
    const now = this.owner.receive(max, visibilityTimeout);
    if (now.length > 0 || waitMs <= 0 || this.closed) return now;
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const waiter: Waiter = {
        max,
        visibilityTimeout,
        done: false,
        finish: (messages) => {
          if (waiter.done) return;
          waiter.done = true;
          this.activeWaiters -= 1;
          timer?.cancel();
          resolve(messages);
        },
      };
      this.activeWaiters += 1;
      this.waiters.push(waiter);
      const giveUp = (): void => {
        waiter.finish([]);
        this.compactWaiters();
      };
      timer = this.deps.clock.setTimer(giveUp, waitMs);
      onCancel?.(giveUp);
    });
  }

  /** Wake waiting long polls after the current synchronous work (a send, a visibility change). */
  scheduleWake(): void {
    if (this.wakeScheduled || this.activeWaiters === 0) return;
    this.wakeScheduled = true;
    queueMicrotask(() => {
      this.wakeScheduled = false;
      this.wake();
    });
  }

  /** Hand what can be served to waiting long polls, oldest waiter first. */
  wake(): void {
    while (this.activeWaiters > 0 && this.owner.canServe()) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) break;
      if (waiter.done) continue;
      const messages = this.owner.receive(waiter.max, waiter.visibilityTimeout);
      if (messages.length === 0) {
        this.waiters.unshift(waiter);
        break;
      }
      waiter.finish(messages);
    }
  }

  /** Answer every waiting long poll with no messages; later receives do not wait. */
  close(): void {
    this.closed = true;
    for (let w = this.waiters.shift(); w !== undefined; w = this.waiters.shift()) w.finish([]);
  }

  private compactWaiters(): void {
    if (this.waiters.length > 2 * this.activeWaiters + 32) this.waiters.removeWhere((w) => w.done);
  }
}
