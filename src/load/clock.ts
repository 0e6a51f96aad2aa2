/**
 * Time for the load generator, injectable so a test can drive the open-loop
 * schedule by hand. `now()` is monotonic milliseconds (latencies and the
 * schedule); `wall()` is epoch milliseconds (event timestamps).
 */
import { performance } from 'node:perf_hooks';

export interface LoadClock {
  now(): number;
  wall(): number;
  /** Call `fn` once after `ms`; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemLoadClock: LoadClock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};
