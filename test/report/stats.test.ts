import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimeBuckets } from '../../src/report/buckets.js';
import type { DataLogRecord } from '../../src/report/records.js';
import { ScatterSampler, toPixels } from '../../src/report/scatter.js';
import { ReportAccumulator } from '../../src/report/stats.js';
import { mulberry32 } from '../../src/reader/random.js';

const T0 = 1_764_480_000_000; // a whole minute, so 30 s windows start on it

function rec(nowMs: number, ageMs: number, extra: Partial<DataLogRecord> = {}): DataLogRecord {
  return { nowMs, sentMs: nowMs - ageMs, pass: true, receiveCount: 1, senderId: 'S', messageId: `m${nowMs}`, body: 'b', ...extra };
}

function exactQuantile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('report statistics', () => {
  it('counts records, passes, failures, redeliveries and the time range', () => {
    const acc = new ReportAccumulator({ maxReceiveCount: 5 });
    acc.add(rec(T0 + 2_000, 100));
    acc.add(rec(T0, 50, { pass: false }));
    acc.add(rec(T0 + 1_000, 5_100, { receiveCount: 2 }));
    const s = acc.finish();
    assert.deepEqual([s.records, s.pass, s.fail, s.redelivered], [3, 2, 1, 1]);
    assert.deepEqual([s.firstMs, s.lastMs], [T0, T0 + 2_000]);
    assert.deepEqual([s.age.min, s.age.max], [50, 5_100]);
  });

  it('age quantiles agree with the exact ones within 0.1 %', () => {
    const random = mulberry32(5);
    const acc = new ReportAccumulator({ maxReceiveCount: 5 });
    const ages: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const age = Math.floor(random() ** 3 * 600_000);
      ages.push(age);
      acc.add(rec(T0 + i * 10, age));
    }
    ages.sort((a, b) => a - b);
    const q = acc.finish().age;
    for (const [p, got] of [[50, q.p50], [90, q.p90], [99, q.p99]] as const) {
      const want = exactQuantile(ages, p);
      assert.ok(Math.abs(got - want) <= Math.max(1, want * 0.001), `p${p}: ${got} vs ${want}`);
    }
    assert.equal(q.max, ages.at(-1));
  });

  it('boxes ages per 30 s window and counts handled messages per second, passes and failures apart', () => {
    const acc = new ReportAccumulator({ maxReceiveCount: 5 });
    // Window 1 (T0 .. +30 s): ages 1..100 s; window 2: one message of 7 s, failed.
    for (let i = 1; i <= 100; i++) acc.add(rec(T0 + i * 100, i * 1000));
    acc.add(rec(T0 + 45_000, 7_000, { pass: false }));
    const s = acc.finish();
    assert.equal(s.windows.windowMs, 30_000);
    assert.deepEqual(s.windows.boxes.map((b) => [b.start - T0, b.count]), [[0, 100], [30_000, 1]]);
    const b = s.windows.boxes[0]!;
    assert.ok(Math.abs(b.p50 - 50_000) <= 500 && Math.abs(b.p25 - 25_000) <= 250 && Math.abs(b.p75 - 75_000) <= 750, JSON.stringify(b));
    assert.equal(b.whiskerLow, 1_000, 'the fence lies below the min: held at the min');
    assert.equal(b.whiskerHigh, 100_000);
    assert.equal(s.rate.bucketMs, 1_000);
    const perSecond = new Map(s.rate.buckets.map((r) => [r.start - T0, [r.pass, r.fail]]));
    assert.deepEqual(perSecond.get(0), [9, 0]);
    assert.deepEqual(perSecond.get(1_000), [10, 0]);
    assert.deepEqual(perSecond.get(45_000), [0, 1]);
  });

  it('counts handlings per receive count and the failures that reach the dead-letter threshold', () => {
    const acc = new ReportAccumulator({ maxReceiveCount: 3, maxDeadLetterExamples: 2 });
    for (let rc = 1; rc <= 3; rc++) acc.add(rec(T0 + rc * 5_000, rc * 5_000, { receiveCount: rc, pass: false, messageId: 'dead-1' }));
    acc.add(rec(T0 + 1, 1, { receiveCount: 1 }));
    acc.add(rec(T0 + 20_000, 20_000, { receiveCount: 3, pass: true, messageId: 'saved' }));
    acc.add(rec(T0 + 30_000, 30_000, { receiveCount: 3, pass: false, messageId: 'dead-2' }));
    acc.add(rec(T0 + 1_000, 30_000, { receiveCount: 4, pass: false, messageId: 'dead-3' }));
    const s = acc.finish();
    assert.deepEqual(s.attempts, [
      { receiveCount: 1, pass: 1, fail: 1 },
      { receiveCount: 2, pass: 0, fail: 1 },
      { receiveCount: 3, pass: 1, fail: 2 },
      { receiveCount: 4, pass: 0, fail: 1 },
    ]);
    assert.equal(s.deadLetter.count, 3);
    assert.equal(s.deadLetter.beyond, 1, 'received more often than the threshold');
    assert.deepEqual(s.deadLetter.examples.map((e) => e.messageId), ['dead-1', 'dead-2'], 'the first two, in time order');
  });

  it('does not depend on the order of the records (several logs merge)', () => {
    const random = mulberry32(9);
    const records = Array.from({ length: 3_000 }, (_, i) => rec(T0 + Math.floor(random() * 600_000), Math.floor(random() * 90_000), { pass: i % 7 !== 0, receiveCount: 1 + (i % 4) }));
    const a = new ReportAccumulator({ maxReceiveCount: 5 });
    const b = new ReportAccumulator({ maxReceiveCount: 5 });
    for (const r of records) a.add(r);
    for (const r of [...records].reverse()) b.add(r);
    const sa = a.finish();
    const sb = b.finish();
    for (const key of ['records', 'pass', 'fail', 'firstMs', 'lastMs', 'age', 'rate', 'windows', 'attempts'] as const) assert.deepEqual(sa[key], sb[key], key);
  });

  it('counts negative ages (reader clock behind SQS) and keeps them out of the quantiles', () => {
    const acc = new ReportAccumulator({ maxReceiveCount: 5 });
    acc.add(rec(T0, -200));
    acc.add(rec(T0 + 1, 100));
    const s = acc.finish();
    assert.equal(s.negativeAges, 1);
    assert.equal(s.age.min, -200);
    assert.equal(s.age.p25, 0);
  });
});

describe('bounded memory', () => {
  it('time buckets double their width instead of growing past the bound', () => {
    const b = new TimeBuckets({ widthMs: 1_000, maxBuckets: 100, create: () => ({ n: 0 }), merge: (into, from) => void (into.n += from.n) });
    for (let s = 0; s < 1_000; s++) b.at(T0 + s * 1_000).n += 1;
    assert.ok(b.size <= 100, `${b.size}`);
    assert.equal(b.widthMs, 16_000);
    assert.equal(b.entries().reduce((sum, e) => sum + e.value.n, 0), 1_000, 'nothing lost in the merges');
  });

  it('a day-long log gets at most 240 box windows and 3000 rate buckets', () => {
    const acc = new ReportAccumulator({ maxReceiveCount: 5 });
    for (let t = 0; t < 86_400_000; t += 997) acc.add(rec(T0 + t, t % 60_000));
    const s = acc.finish();
    assert.ok(s.windows.boxes.length <= 240 && s.windows.windowMs > 30_000, `${s.windows.boxes.length} windows of ${s.windows.windowMs}`);
    assert.ok(s.rate.buckets.length <= 3_000, `${s.rate.buckets.length}`);
    assert.equal(s.windows.boxes.reduce((n, b) => n + b.count, 0), s.records);
  });

  it('the scatter keeps at most its cells, thins dense runs and keeps every lone outlier', () => {
    const sampler = new ScatterSampler(2_000);
    const random = mulberry32(3);
    for (let i = 0; i < 200_000; i++) sampler.add(T0 + i * 3, Math.floor(random() * 300), 1);
    const outliers = [[T0 + 100_000, 900_000, 5], [T0 + 400_000, 1_500_000, 2]] as const;
    for (const [t, age, rc] of outliers) sampler.add(t, age, rc);
    assert.ok(sampler.size <= 2_000, `${sampler.size} cells`);
    assert.equal(sampler.total, 200_002);
    const points = sampler.points();
    assert.equal(points.reduce((n, p) => n + p.n, 0), 200_002, 'every record is counted in some point');
    for (const [t, age, rc] of outliers) assert.ok(points.some((p) => p.t === t && p.age === age && p.receiveCount === rc), `outlier at ${age} kept`);
  });

  it('thins to one point per pixel cell and receive count, the retries drawn last', () => {
    const pts = [
      { t: 0, age: 0, receiveCount: 2, n: 1 },
      { t: 0.5, age: 0.5, receiveCount: 1, n: 1 },
      { t: 0.9, age: 0.1, receiveCount: 1, n: 3 },
      { t: 10, age: 10, receiveCount: 1, n: 1 },
    ];
    const out = toPixels(pts, (t) => t, (a) => a, 2);
    assert.deepEqual(out.map((p) => [p.receiveCount, p.n]), [[1, 4], [1, 1], [2, 1]]);
  });
});
