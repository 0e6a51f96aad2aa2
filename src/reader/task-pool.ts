/**
 * The bounded task pool: starts prefetched messages as slots free up (at most
 * `concurrency` at once, as the flow allows), runs the processor on each, and
 * reports every finished task once with its outcome. At stop it starts
 * nothing more and drains: running tasks get `drainTimeoutMs` to finish, then
 * their signals abort and they are reported as abandoned.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../util/clock.js';
import type { Flow, Held } from './flow.js';
import type { Processor } from './processor.js';

/** pass: processed; fail: the processor failed; abandoned: aborted at the drain timeout (not a failure). */
export type TaskOutcome = 'pass' | 'fail' | 'abandoned';

export interface TaskPoolOptions {
  readonly flow: Flow;
  readonly processor: Processor;
  readonly clock: Clock;
  /** What to do with a finished task's message; the task counts as running until this settles. */
  readonly onDone: (held: Held, outcome: TaskOutcome) => Promise<void>;
  /**
   * A message of a group (FIFO) did not pass: called before anything else starts, so the
   * group's later messages are handed back instead of overtaking it.
   */
  readonly onGroupStopped?: (groupId: string) => void;
}

export class TaskPool {
  private readonly tasks = new Set<Promise<void>>();
  /**
   * One signal for every task: the drain timeout aborts all tasks still running
   * at once, so a controller per task (~4 µs each, issue #13) bought nothing.
   */
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly options: TaskPoolOptions) {
    // Every running task may listen (up to `concurrency`): no leak warning at 11.
    setMaxListeners(Infinity, this.abort.signal);
  }

  /** Tasks started and not yet done (their outcome included). */
  get size(): number {
    return this.tasks.size;
  }

  /** Start every prefetched message a free slot allows. */
  pump(): void {
    if (this.closed) return;
    const { flow } = this.options;
    for (let h = flow.nextToStart(); h !== undefined; h = flow.nextToStart()) {
      const task = this.run(h);
      this.tasks.add(task);
      void task.finally(() => this.tasks.delete(task));
    }
  }

  /** Start nothing more. */
  close(): void {
    this.closed = true;
  }

  /**
   * Wait for the running tasks; after `timeoutMs` abort them (they end as
   * abandoned). Resolves with how many had to be aborted.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.close();
    if (this.tasks.size === 0) return 0;
    const timeout = new AbortController();
    await Promise.race([Promise.allSettled([...this.tasks]), this.options.clock.sleep(timeoutMs, timeout.signal)]);
    timeout.abort();
    const late = this.tasks.size;
    if (late > 0) {
      this.abort.abort();
      await Promise.allSettled([...this.tasks]);
    }
    return late;
  }

  private async run(h: Held): Promise<void> {
    const { signal } = this.abort;
    let outcome: TaskOutcome = 'pass';
    try {
      await this.options.processor.handle(h.message, signal);
    } catch {
      outcome = signal.aborted ? 'abandoned' : 'fail';
    }
    if (outcome !== 'pass' && h.message.groupId !== undefined) this.options.onGroupStopped?.(h.message.groupId);
    this.options.flow.finish(h);
    this.pump();
    await this.options.onDone(h, outcome);
  }
}
