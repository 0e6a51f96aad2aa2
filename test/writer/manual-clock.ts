/** A BatcherClock that moves only when a test says so. */
import type { BatcherClock } from '../../src/writer/batch-types.js';

interface Task {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Let pending promise callbacks (sends resolving, awaits) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ManualClock implements BatcherClock {
  private t = 0;
  private seq = 0;
  private tasks: Task[] = [];

  now(): number {
    return this.t;
  }

  schedule(fn: () => void, ms: number): unknown {
    const task: Task = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.tasks.push(task);
    return task;
  }

  cancel(handle: unknown): void {
    this.tasks = this.tasks.filter((t) => t !== handle);
  }

  /** Run every task due within `ms`, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (;;) {
      const due = this.tasks.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
      await settle();
    }
    this.t = target;
    await settle();
  }

  get pending(): number {
    return this.tasks.length;
  }
}
