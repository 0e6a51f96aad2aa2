/**
 * The project's one clock. Every role and the local endpoint take time and
 * timers from a `Clock`, never from `Date.now()`/`setTimeout` directly, so a
 * test can pass a `ManualClock` (test/helpers/manual-clock.ts) and run on
 * virtual time instead of sleeping.
 *
 * - `now()`      epoch milliseconds (timestamps, SQS semantics, data logs)
 * - `monotonic()` milliseconds from an arbitrary origin that never jumps
 *                (latencies, schedules, durations)
 * - `setTimer`   run `fn` once after `ms` (0: after the current I/O turn);
 *                the handle cancels it. Like Node's own timers, a pending
 *                timer keeps the process alive: whoever sets one cancels it
 *                when stopping (a server's close, a role's drain).
 * - `sleep`      resolve after `ms`, or early (without throwing) when `signal` aborts.
 */
import { performance } from 'node:perf_hooks';

export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  monotonic(): number;
  setTimer(fn: () => void, ms: number): Timer;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Sleep on any clock: resolves after `ms`, or at once when `signal` aborts. */
export function sleepOn(clock: Pick<Clock, 'setTimer'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = clock.setTimer(done, ms);
    function done(): void {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(fn, ms) {
    if (ms <= 0) {
      const immediate = setImmediate(fn);
      return { cancel: () => clearImmediate(immediate) };
    }
    const timeout = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timeout) };
  },
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
};

/**
 * Run `fn` every `ms` on `clock` until the handle is cancelled: one timer at a
 * time, re-armed after each run (a slow run delays the next, never stacks them).
 */
export function every(clock: Pick<Clock, 'setTimer'>, ms: number, fn: () => void): Timer {
  let timer: Timer | undefined;
  let cancelled = false;
  const arm = (): void => {
    timer = clock.setTimer(() => {
      if (cancelled) return;
      fn();
      if (!cancelled) arm();
    }, ms);
  };
  arm();
  return {
    cancel: () => {
      cancelled = true;
      timer?.cancel();
    },
  };
}
