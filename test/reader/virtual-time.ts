/**
 * Driving code that runs on a ManualClock: step virtual time until a promise
 * settles, or until a condition holds, with a bound in virtual time so a stuck
 * test fails instead of hanging.
 */
import { settle, type ManualClock } from '../helpers/manual-clock.js';

/** Advance `clock` timer by timer until `promise` settles; fail after `limitMs` of virtual time. */
export async function runOn<T>(clock: ManualClock, promise: Promise<T>, limitMs = 600_000): Promise<T> {
  let done = false;
  const watched = promise.finally(() => {
    done = true;
  });
  watched.catch(() => undefined);
  const deadline = clock.now() + limitMs;
  await settle();
  while (!done) {
    if (clock.now() > deadline) throw new Error(`still not settled after ${limitMs} ms of virtual time`);
    if (!(await clock.step())) {
      await settle();
      if (!done) throw new Error('no timer pending and the promise has not settled: nothing can move it');
    }
  }
  return watched;
}

/**
 * Advance `clock` in `stepMs` steps until `condition()` holds, letting real I/O
 * (sockets to a local endpoint) run between steps; fail after `limitMs` of
 * virtual time or `realLimitMs` of real time.
 */
export async function advanceUntil(
  clock: ManualClock,
  condition: () => boolean | Promise<boolean>,
  what: string,
  { stepMs = 50, limitMs = 600_000, realLimitMs = 20_000 } = {},
): Promise<void> {
  const deadline = clock.now() + limitMs;
  const realDeadline = Date.now() + realLimitMs;
  while (!(await condition())) {
    if (clock.now() > deadline || Date.now() > realDeadline) throw new Error(`timed out waiting for: ${what}`);
    await clock.advance(stepMs);
    // Give sockets a turn: a round trip to a local endpoint takes a few I/O callbacks.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
