/**
 * Time for the local endpoint, injectable so tests can move it instead of sleeping.
 * `now()` is epoch milliseconds; `setTimer` schedules a callback on this clock.
 */
export interface Clock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};
