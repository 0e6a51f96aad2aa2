/**
 * Folds data-log records into what the report draws, in bounded memory: counts,
 * age quantiles (HdrHistogram, 3 significant digits overall and 2 per window),
 * processed per second, age per 30 s window, receive counts, the messages
 * that reached the dead-letter threshold, and the decimated scatter. The order
 * of the records does not matter, so several logs fold into one report.
 */
import * as hdr from 'hdr-histogram-js';
import { TimeBuckets } from './buckets.js';
import type { DataLogRecord } from './records.js';
import { ScatterSampler, type ScatterPoint } from './scatter.js';

export interface AccumulatorOptions {
  /** The queue's maxReceiveCount: a failure on this receive sends the message to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Box-plot window (ms); widened by doubling past `maxWindows`. Default 30 s, as the original. */
  readonly windowMs?: number;
  readonly maxWindows?: number;
  /** Throughput bucket (ms), default 1 s, widened past `maxRateBuckets`. */
  readonly rateMs?: number;
  readonly maxRateBuckets?: number;
  readonly maxScatterCells?: number;
  /** Dead-lettered messages listed by id (all are counted). */
  readonly maxDeadLetterExamples?: number;
}

export interface AgeQuantiles {
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export interface AgeBox extends AgeQuantiles {
  /** Window start (epoch ms). */
  readonly start: number;
  /** Tukey whiskers: the 1.5 x IQR fences, held inside [min, max]. */
  readonly whiskerLow: number;
  readonly whiskerHigh: number;
}

export interface RateBucket {
  readonly start: number;
  readonly pass: number;
  readonly fail: number;
}

export interface AttemptCounts {
  readonly receiveCount: number;
  readonly pass: number;
  readonly fail: number;
}

export interface DeadLetterExample {
  readonly nowMs: number;
  readonly messageId: string;
  readonly senderId: string;
  readonly receiveCount: number;
  readonly ageMs: number;
  readonly body: string;
}

export interface ReportStats {
  readonly records: number;
  readonly pass: number;
  readonly fail: number;
  /** Records handled on a receive after the first. */
  readonly redelivered: number;
  /** Ages below zero: the reader's clock behind SQS's (drawn as they are, counted as 0 in quantiles). */
  readonly negativeAges: number;
  readonly firstMs: number | undefined;
  readonly lastMs: number | undefined;
  /** Age at processing (ms). */
  readonly age: AgeQuantiles;
  readonly rate: { readonly bucketMs: number; readonly buckets: readonly RateBucket[] };
  readonly windows: { readonly windowMs: number; readonly boxes: readonly AgeBox[] };
  readonly attempts: readonly AttemptCounts[];
  readonly deadLetter: {
    readonly maxReceiveCount: number;
    /** Failures on receive maxReceiveCount or later: SQS moves these to the dead-letter queue. */
    readonly count: number;
    /** Of those, received more often than maxReceiveCount (the queue's threshold is not this one?). */
    readonly beyond: number;
    readonly examples: readonly DeadLetterExample[];
  };
  readonly scatter: { readonly points: readonly ScatterPoint[]; readonly total: number };
}

/** Ages up to 30 days (ms). */
const MAX_AGE_MS = 30 * 86_400_000;

function histogram(digits: 2 | 3): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_AGE_MS, numberOfSignificantValueDigits: digits, useWebAssembly: false });
}

interface WindowValue {
  h: hdr.Histogram;
  min: number;
  max: number;
}

export class ReportAccumulator {
  private records = 0;
  private pass = 0;
  private fail = 0;
  private redelivered = 0;
  private negativeAges = 0;
  private firstMs = Infinity;
  private lastMs = -Infinity;
  private minAge = Infinity;
  private maxAge = -Infinity;
  private readonly ages = histogram(3);
  private readonly rate: TimeBuckets<{ pass: number; fail: number }>;
  private readonly windows: TimeBuckets<WindowValue>;
  private readonly attempts = new Map<number, { pass: number; fail: number }>();
  private deadLettered = 0;
  private beyond = 0;
  private readonly examples: DeadLetterExample[] = [];
  private readonly scatter: ScatterSampler;

  constructor(private readonly options: AccumulatorOptions) {
    this.rate = new TimeBuckets({
      widthMs: options.rateMs ?? 1_000,
      maxBuckets: options.maxRateBuckets ?? 3_000,
      create: () => ({ pass: 0, fail: 0 }),
      merge: (into, from) => {
        into.pass += from.pass;
        into.fail += from.fail;
      },
    });
    this.windows = new TimeBuckets<WindowValue>({
      widthMs: options.windowMs ?? 30_000,
      maxBuckets: options.maxWindows ?? 240,
      create: () => ({ h: histogram(2), min: Infinity, max: -Infinity }),
      merge: (into, from) => {
        into.h.add(from.h);
        into.min = Math.min(into.min, from.min);
        into.max = Math.max(into.max, from.max);
      },
    });
    this.scatter = new ScatterSampler(options.maxScatterCells);
  }

  add(r: DataLogRecord): void {
    const age = r.nowMs - r.sentMs;
    const clamped = Math.min(MAX_AGE_MS, Math.max(0, age));
    this.records += 1;
    if (r.pass) this.pass += 1;
    else this.fail += 1;
    if (r.receiveCount > 1) this.redelivered += 1;
    if (age < 0) this.negativeAges += 1;
    this.firstMs = Math.min(this.firstMs, r.nowMs);
    this.lastMs = Math.max(this.lastMs, r.nowMs);
    this.minAge = Math.min(this.minAge, age);
    this.maxAge = Math.max(this.maxAge, age);
    this.ages.recordValue(clamped);

    const bucket = this.rate.at(r.nowMs);
    if (r.pass) bucket.pass += 1;
    else bucket.fail += 1;

    const w = this.windows.at(r.nowMs);
    w.h.recordValue(clamped);
    w.min = Math.min(w.min, age);
    w.max = Math.max(w.max, age);

    let a = this.attempts.get(r.receiveCount);
    if (!a) this.attempts.set(r.receiveCount, (a = { pass: 0, fail: 0 }));
    if (r.pass) a.pass += 1;
    else a.fail += 1;

    if (!r.pass && r.receiveCount >= this.options.maxReceiveCount) {
      this.deadLettered += 1;
      if (r.receiveCount > this.options.maxReceiveCount) this.beyond += 1;
      if (this.examples.length < (this.options.maxDeadLetterExamples ?? 50)) {
        this.examples.push({ nowMs: r.nowMs, messageId: r.messageId, senderId: r.senderId, receiveCount: r.receiveCount, ageMs: age, body: r.body.slice(0, 200) });
      }
    }
    this.scatter.add(r.nowMs, age, r.receiveCount);
  }

  finish(): ReportStats {
    const empty = this.records === 0;
    return {
      records: this.records,
      pass: this.pass,
      fail: this.fail,
      redelivered: this.redelivered,
      negativeAges: this.negativeAges,
      firstMs: empty ? undefined : this.firstMs,
      lastMs: empty ? undefined : this.lastMs,
      age: quantiles(this.ages, this.minAge, this.maxAge),
      rate: { bucketMs: this.rate.widthMs, buckets: this.rate.entries().map(({ start, value }) => ({ start, ...value })) },
      windows: {
        windowMs: this.windows.widthMs,
        boxes: this.windows.entries().map(({ start, value }) => box(start, quantiles(value.h, value.min, value.max))),
      },
      attempts: [...this.attempts.entries()].sort((a, b) => a[0] - b[0]).map(([receiveCount, c]) => ({ receiveCount, ...c })),
      deadLetter: {
        maxReceiveCount: this.options.maxReceiveCount,
        count: this.deadLettered,
        beyond: this.beyond,
        examples: [...this.examples].sort((a, b) => a.nowMs - b.nowMs),
      },
      scatter: { points: this.scatter.points(), total: this.scatter.total },
    };
  }
}

/** Quantiles from the histogram (values within its precision); min and max are exact. */
function quantiles(h: hdr.Histogram, min: number, max: number): AgeQuantiles {
  if (h.totalCount === 0) return { p25: 0, p50: 0, p75: 0, p90: 0, p99: 0, min: 0, max: 0, count: 0 };
  // The histogram reports a bucket's upper end; never past the exact max.
  const at = (p: number): number => Math.min(Math.max(h.getValueAtPercentile(p), Math.max(0, min)), Math.max(0, max));
  return { p25: at(25), p50: at(50), p75: at(75), p90: at(90), p99: at(99), min, max, count: h.totalCount };
}

function box(start: number, q: AgeQuantiles): AgeBox {
  const iqr = q.p75 - q.p25;
  return { ...q, start, whiskerLow: Math.max(q.min, q.p25 - 1.5 * iqr), whiskerHigh: Math.min(q.max, q.p75 + 1.5 * iqr) };
}
