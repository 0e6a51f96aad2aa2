/**
 * The processing step. A Processor handles one message: it resolves when the
 * work succeeded (the reader deletes the message) and rejects when it failed
 * (the reader leaves it to SQS: redelivery after the visibility timeout, or
 * `--retry-delay`, and dead-lettering after maxReceiveCount). `signal` aborts
 * when the reader gives up waiting (drain timeout); the task should stop soon.
 * It is one signal shared by every running task (task-pool.ts): a listener
 * added per task must be removed when the task ends, and adding or removing
 * one costs O(running) in Node's EventTarget, so at thousands of tasks at
 * once listen once per signal (as the simulated task's sleeps do below).
 */
import type { ReaderMessage } from './message.js';
import type { Clock } from '../util/clock.js';
import type { RandomSource } from './random.js';

export interface Processor {
  handle(message: ReaderMessage, signal: AbortSignal): Promise<void>;
}

/** Thrown by the simulated task when its draw says "fail". */
export class SimulatedFailure extends Error {
  override readonly name = 'SimulatedFailure';
}

export interface SimulatedProcessorOptions {
  /** Task duration, ms (the original assumed about 100). */
  readonly workMs: number;
  /** Probability in [0, 1] that a task fails (the original: about 1 in 11). */
  readonly failRate: number;
  readonly random: RandomSource;
  readonly clock: Pick<Clock, 'setTimer'>;
}

/**
 * Sleeps on `clock` that end early when their signal aborts, with one abort
 * listener per signal instead of one per sleep: with the pool's shared signal
 * and 10,000 tasks at once, a listener per sleep cost ~60 µs to add and remove.
 */
export function signalSleeps(clock: Pick<Clock, 'setTimer'>): (ms: number, signal: AbortSignal) => Promise<void> {
  const sleeping = new WeakMap<AbortSignal, Set<() => void>>();
  return (ms, signal) => {
    if (signal.aborted) return Promise.resolve();
    let ends = sleeping.get(signal);
    if (ends === undefined) {
      const all = new Set<() => void>();
      ends = all;
      sleeping.set(signal, all);
      signal.addEventListener('abort', () => {
        for (const end of [...all]) end();
      }, { once: true });
    }
    const set = ends;
    return new Promise((resolve) => {
      const end = (): void => {
        set.delete(end);
        timer.cancel();
        resolve();
      };
      const timer = clock.setTimer(end, ms);
      set.add(end);
    });
  };
}

/** The original's task: take `workMs`, fail with probability `failRate`. */
export function createSimulatedProcessor(options: SimulatedProcessorOptions): Processor {
  const { workMs, failRate, random } = options;
  const sleep = signalSleeps(options.clock);
  // One error each, thrown again and again: a new Error per failed task captured a stack trace
  // (~9% of tasks by default) that nobody reads; the pool only tells a throw from a return.
  const failed = new SimulatedFailure('simulated failure');
  const aborted = new SimulatedFailure('task aborted');
  return {
    async handle(_message, signal) {
      // Draw first, so the sequence of outcomes depends only on the order tasks start.
      const fail = random() < failRate;
      if (workMs > 0) await sleep(workMs, signal);
      if (signal.aborted) throw aborted;
      if (fail) throw failed;
    },
  };
}
