/**
 * The processing step. A Processor handles one message: it resolves when the
 * work succeeded (the reader deletes the message) and rejects when it failed
 * (the reader leaves it to SQS: redelivery after the visibility timeout, or
 * `--retry-delay`, and dead-lettering after maxReceiveCount). `signal` aborts
 * when the reader gives up waiting (drain timeout); the task should stop soon.
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
  readonly clock: Pick<Clock, 'sleep'>;
}

/** The original's task: take `workMs`, fail with probability `failRate`. */
export function createSimulatedProcessor(options: SimulatedProcessorOptions): Processor {
  const { workMs, failRate, random, clock } = options;
  // One error each, thrown again and again: a new Error per failed task captured a stack trace
  // (~9% of tasks by default) that nobody reads; the pool only tells a throw from a return.
  const failed = new SimulatedFailure('simulated failure');
  const aborted = new SimulatedFailure('task aborted');
  return {
    async handle(_message, signal) {
      // Draw first, so the sequence of outcomes depends only on the order tasks start.
      const fail = random() < failRate;
      if (workMs > 0) await clock.sleep(workMs, signal);
      if (signal.aborted) throw aborted;
      if (fail) throw failed;
    },
  };
}
