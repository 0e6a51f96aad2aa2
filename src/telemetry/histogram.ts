/**
 * Latency histograms (HdrHistogram: fixed memory, 3 significant digits).
 * Record in milliseconds (fractions kept to the microsecond); read percentiles
 * in milliseconds. `LatencyWindow` keeps a since-start and a since-last-read view.
 */
import * as hdr from 'hdr-histogram-js';

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

/** Values up to one hour, recorded in microseconds. */
function build(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

export class LatencyHistogram {
  private readonly h = build();

  /** Record one value in milliseconds (negative values count as 0). */
  record(ms: number): void {
    const us = Math.max(1, Math.min(3_600_000_000, Math.round(ms * 1000)));
    this.h.recordValue(us);
  }

  get count(): number {
    return this.h.totalCount;
  }

  percentiles(): Percentiles {
    if (this.h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, max: 0, count: 0 };
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      p50: ms(this.h.getValueAtPercentile(50)),
      p90: ms(this.h.getValueAtPercentile(90)),
      p99: ms(this.h.getValueAtPercentile(99)),
      max: ms(this.h.maxValue),
      count: this.h.totalCount,
    };
  }

  reset(): void {
    this.h.reset();
  }
}

/** A since-start histogram plus one that `takeInterval()` reads and clears (for 1 s stats). */
export class LatencyWindow {
  readonly total = new LatencyHistogram();
  private readonly interval = new LatencyHistogram();

  record(ms: number): void {
    this.total.record(ms);
    this.interval.record(ms);
  }

  /** Percentiles since the last call, then start a new interval. */
  takeInterval(): Percentiles {
    const p = this.interval.percentiles();
    this.interval.reset();
    return p;
  }
}
