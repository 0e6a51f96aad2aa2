/**
 * A Clock (src/util/clock.ts) that moves only when a test says so: virtual time.
 * `advance(ms)` runs every timer due within `ms` in time order, letting pending
 * promise callbacks and I/O callbacks run after each, so code that awaits
 * between timers behaves as it would in real time, only faster.
 */
import { sleepOn, type Clock, type Timer } from '../../src/util/clock.js';

interface Task {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Let pending promise callbacks (and one turn of I/O callbacks) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private tasks: Task[] = [];

  /** `start` is the epoch ms that `now()` returns before any advance. */
  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const task: Task = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.tasks.push(task);
    return {
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Timers scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }

  /** When the next timer is due (epoch ms), or undefined when none is. */
  get nextAt(): number | undefined {
    return this.next(Infinity)?.at;
  }

  /** Run every timer due within `ms`, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (;;) {
      const due = this.next(target);
      if (!due) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = target;
    await settle();
  }

  /** Advance to the next due timer and run it (and any due at the same time); false when none is pending. */
  async step(): Promise<boolean> {
    const at = this.nextAt;
    if (at === undefined) return false;
    await this.advance(at - this.t);
    return true;
  }

  private next(limit: number): Task | undefined {
    this.tasks = this.tasks.filter((t) => !t.cancelled);
    let best: Task | undefined;
    for (const t of this.tasks) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    }
    return best;
  }
}
