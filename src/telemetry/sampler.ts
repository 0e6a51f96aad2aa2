/**
 * At most `perSecond` per second pass; the rest are only counted. For
 * per-request telemetry (serve's access events): at 5,000 requests/s one JSON
 * line per request costs the role and its reader (dash) more than the request
 * itself, while the screen shows a few lines. Counters never go through a
 * sampler: they travel in the stats events, exact.
 */
import type { Clock } from '../util/clock.js';

export interface Sampler {
  /** True when this one may pass (and counts it); false when this second's quota is used. */
  take(): boolean;
  /** How many were held back since the start. */
  readonly skipped: number;
}

/** `perSecond` 0 or less: everything passes. */
export function createRateSampler(perSecond: number, clock: Pick<Clock, 'monotonic'>): Sampler {
  let second = -1;
  let passed = 0;
  let skipped = 0;
  return {
    take() {
      if (perSecond <= 0) return true;
      const now = Math.floor(clock.monotonic() / 1000);
      if (now !== second) {
        second = now;
        passed = 0;
      }
      if (passed < perSecond) {
        passed++;
        return true;
      }
      skipped++;
      return false;
    },
    get skipped() {
      return skipped;
    },
  };
}
