/**
 * Driving code that runs on a ManualClock: step virtual time until a promise
 * settles, or until a condition holds, with a bound in virtual time so a stuck
 * test fails instead of hanging.
 */
import { settle, type ManualClock } from '../helpers/manual-clock.js';
import type { TestSqs } from '../helpers/sqs.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { until } from './harness.js';

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
 * Move virtual time from timer to timer (discrete events) until `condition()`
 * holds. Time only moves while no SQS call is on the wire (`busy()` false), so
 * a delete or visibility change never arrives "late" because the test ran
 * time ahead of the sockets; readers should poll with WaitTimeSeconds 0 so no
 * call waits on the wire for time to pass. Fails after `limitMs` of virtual
 * time or `realLimitMs` of real time.
 */
export async function advanceUntil(
  clock: ManualClock,
  condition: () => boolean | Promise<boolean>,
  what: string,
  { busy = () => false, limitMs = 600_000, realLimitMs = 30_000 }: { busy?: () => boolean; limitMs?: number; realLimitMs?: number } = {},
): Promise<void> {
  const deadline = clock.now() + limitMs;
  const realDeadline = Date.now() + realLimitMs;
  const timedOut = (): boolean => clock.now() > deadline || Date.now() > realDeadline;
  while (!(await condition())) {
    // Quiet: nothing on the wire, and nothing about to be sent by a pending callback.
    for (;;) {
      while (busy()) {
        if (timedOut()) throw new Error(`timed out waiting for: ${what} (calls still on the wire)`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await settle();
      if (!busy()) break;
    }
    if (timedOut()) throw new Error(`timed out waiting for: ${what}`);
    if (!(await clock.step())) await clock.advance(10);
  }
}

/**
 * Time for a reader spec: virtual when the endpoint is the project's own (it
 * runs on `manual`), real against an external engine (SQSDEMO_TEST_ENDPOINT),
 * which keeps its own time.
 */
export interface SpecTime {
  /** The clock to give the reader and the processor. */
  readonly clock: Clock;
  readonly virtual: boolean;
  /** Resolve once `condition()` holds, moving virtual time (or waiting in real time). */
  until(condition: () => boolean | Promise<boolean>, what: string): Promise<void>;
}

export function specTime(t: TestSqs, manual: ManualClock, busy: () => boolean): SpecTime {
  if (!t.local) return { clock: systemClock, virtual: false, until: (c, what) => until(c, what, 30_000) };
  return { clock: manual, virtual: true, until: (c, what) => advanceUntil(manual, c, what, { busy }) };
}

/** A condition that turns true once `p` settles (for `until`). */
export function settledFlag(p: Promise<unknown>): () => boolean {
  let done = false;
  void p.finally(() => {
    done = true;
  }).catch(() => undefined);
  return () => done;
}
