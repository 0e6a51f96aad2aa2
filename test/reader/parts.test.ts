import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher, type BatchFailure, type BatchProblem, type BatcherOptions } from '../../src/reader/batcher.js';
import { createSimulatedProcessor } from '../../src/reader/processor.js';
import { mulberry32 } from '../../src/reader/random.js';
import { csvLine, createDataLog, DataLogError } from '../../src/reader/data-log.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { every } from '../../src/util/clock.js';
import { Flow } from '../../src/reader/flow.js';
import { runOn } from './virtual-time.js';
import type { ReaderMessage } from '../../src/reader/message.js';

function batcher(clock: ManualClock, send: (entries: readonly string[]) => Promise<readonly BatchFailure[]>, problems: BatchProblem[], extra: Partial<BatcherOptions<string>> = {}): Batcher<string> {
  return new Batcher<string>({
    send, maxBatch: 10, lingerMs: 5, maxAttempts: 3, clock,
    isFatal: () => false, codeOf: (e) => (e as Error).name, onProblem: (p) => problems.push(p), onFatal: () => undefined,
    ...extra,
  });
}

const message = (body: string): ReaderMessage => ({
  messageId: 'id-1', receiptHandle: 'rh', body, sentTimestamp: 1700000000000, receiveCount: 2, senderId: 'AIDA', receivedAt: 0,
});

describe('reader parts', () => {
  it('sends full batches of 10 at once and the rest after the linger', async () => {
    const clock = new ManualClock();
    const sizes: number[] = [];
    const b = batcher(clock, async (e) => { sizes.push(e.length); return []; }, []);
    const all = Promise.all(Array.from({ length: 23 }, (_, i) => b.add(`e${i}`)));
    await clock.advance(0);
    assert.deepEqual(sizes, [10, 10], 'full batches go at once');
    await clock.advance(4);
    assert.deepEqual(sizes, [10, 10], 'the rest waits for the linger');
    await clock.advance(1);
    const outcomes = await all;
    assert.deepEqual(sizes, [10, 10, 3]);
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(b.pending, 0);
  });

  it('retries the entries SQS refused, reporting each retry, until they succeed', async () => {
    const problems: BatchProblem[] = [];
    let calls = 0;
    const clock = new ManualClock();
    const b = batcher(clock, async (e) => (++calls === 1 ? [{ index: e.indexOf('b'), code: 'InternalError', message: 'try again' }] : []), problems);
    const [a, bb] = await runOn(clock, Promise.all([b.add('a'), b.add('b')]));
    assert.deepEqual([a.ok, bb.ok], [true, true]);
    assert.equal(calls, 2);
    assert.deepEqual(problems.map((p) => [p.kind, p.entries, p.code]), [['retrying', 1, 'InternalError']]);
  });

  it('gives up after maxAttempts with a report, never dropping an entry silently', async () => {
    const problems: BatchProblem[] = [];
    const clock = new ManualClock();
    const b = batcher(clock, async () => { throw Object.assign(new Error('down'), { name: 'ServiceUnavailable' }); }, problems);
    const outcome = await runOn(clock, b.add('x'));
    assert.deepEqual(outcome, { ok: false, code: 'ServiceUnavailable', message: 'down' });
    assert.deepEqual(problems.map((p) => p.kind), ['retrying', 'retrying', 'gave-up']);
    await b.flush();
  });

  it('settles at once on a fatal error (the queue is gone)', async () => {
    const fatal: unknown[] = [];
    const clock = new ManualClock();
    const b = batcher(clock, async () => { throw Object.assign(new Error('gone'), { name: 'QueueDoesNotExist' }); }, [], { isFatal: () => true, onFatal: (e) => fatal.push(e) });
    const x = b.add('x');
    await clock.advance(5); // the linger, once: no backoff follows
    assert.equal((await x).ok, false);
    assert.equal(fatal.length, 1);
  });

  it('fails the same tasks for the same seed', async () => {
    const outcomes = async (seed: number): Promise<boolean[]> => {
      const p = createSimulatedProcessor({ workMs: 0, failRate: 0.3, random: mulberry32(seed), clock: new ManualClock() });
      const out: boolean[] = [];
      for (let i = 0; i < 50; i++) out.push(await p.handle(message('x'), new AbortController().signal).then(() => true, () => false));
      return out;
    };
    const a = await outcomes(42);
    assert.deepEqual(await outcomes(42), a);
    assert.ok(a.includes(false) && a.includes(true));
  });

  it('simulated tasks sleep their work time, end at once when their signal aborts, and listen once per signal', async () => {
    const clock = new ManualClock();
    const shared = new AbortController();
    const other = new AbortController();
    const listeners = new Map<AbortSignal, number>();
    for (const c of [shared, other]) {
      const add = c.signal.addEventListener.bind(c.signal);
      c.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
        listeners.set(c.signal, (listeners.get(c.signal) ?? 0) + 1);
        add(...args);
      }) as AbortSignal['addEventListener'];
    }
    const p = createSimulatedProcessor({ workMs: 1_000, failRate: 0, random: mulberry32(1), clock });
    const outcome = (signal: AbortSignal) => p.handle(message('x'), signal).then(() => 'pass', (e: Error) => e.message);
    const first = [outcome(shared.signal), outcome(shared.signal), outcome(shared.signal)];
    const apart = outcome(other.signal);
    await clock.advance(999);
    shared.abort(); // the drain timeout: every task on the shared signal ends now, the other one runs on
    assert.deepEqual(await Promise.all(first), ['task aborted', 'task aborted', 'task aborted']);
    assert.deepEqual(Object.fromEntries([...listeners].map(([s, n]) => [s === shared.signal ? 'shared' : 'other', n])), { shared: 1, other: 1 });
    await clock.advance(1);
    assert.equal(await apart, 'pass');
    assert.equal(clock.pending, 0);
  });

  it('writes a data-log line with the body quoted and its quotes doubled', () => {
    assert.equal(
      csvLine(1700000000123, message('say "hi", twice'), false),
      '1700000000123,1700000000000,fail,2,AIDA,id-1,"say ""hi"", twice"\n',
    );
  });
});

describe('Flow (room between the pollers and the task pool)', () => {
  it('gives room to only as many pollers as it has, even when all of them saw room', async () => {
    const flow = new Flow(5, 5);
    assert.equal(flow.hasRoom(), true);
    // Four pollers woken together all saw room; each then tries to reserve.
    const maxes = [flow.tryReserve(), flow.tryReserve(), flow.tryReserve(), flow.tryReserve()];
    assert.deepEqual(maxes, [10, 0, 0, 0]);
    flow.unreserve(10);
    assert.equal(flow.tryReserve(), 10);
  });

  it('never reserves more than the free room', () => {
    const flow = new Flow(3, 0);
    assert.equal(flow.tryReserve(), 3);
    assert.equal(flow.tryReserve(), 0);
  });
});

describe('data log (write-ahead)', () => {
  it('keeps lines until flush, then hands them all to the OS in one write', () => {
    const writes: string[] = [];
    const log = createDataLog((text) => writes.push(text), { clock: new ManualClock() });
    log.record(1, message('a'), true);
    log.record(2, message('b'), false);
    assert.deepEqual(writes, []);
    log.flush();
    assert.deepEqual(writes, [csvLine(1, message('a'), true) + csvLine(2, message('b'), false)]);
    log.flush();
    assert.equal(writes.length, 1, 'nothing kept, nothing written');
  });

  it('flushes lines nobody flushed after the linger, on the injected clock', async () => {
    const writes: string[] = [];
    const clock = new ManualClock();
    const log = createDataLog((text) => writes.push(text), { clock, lingerMs: 500 });
    log.record(1, message('a'), false);
    await clock.advance(499);
    assert.equal(writes.length, 0);
    await clock.advance(1);
    assert.equal(writes.length, 1);
    await log.close();
    assert.equal(clock.pending, 0, 'no timer left behind');
  });

  it('throws a DataLogError when the write fails, and keeps the lines for the next flush', () => {
    let broken = true;
    const writes: string[] = [];
    const log = createDataLog((text) => {
      if (broken) throw new Error('ENOSPC: no space left on device');
      writes.push(text);
    }, { clock: new ManualClock(), path: 'x.csv' });
    log.record(1, message('a'), true);
    assert.throws(() => log.flush(), (err: unknown) => err instanceof DataLogError && /x\.csv.*ENOSPC/.test(err.message));
    broken = false;
    log.flush();
    assert.deepEqual(writes, [csvLine(1, message('a'), true)]);
  });
});

describe('Batcher: entries SQS refuses as the sender’s fault', () => {
  it('settles them failed at once instead of retrying what cannot succeed, and retries the others', async () => {
    const clock = new ManualClock();
    const problems: BatchProblem[] = [];
    const sent: string[][] = [];
    const b = batcher(clock, async (e) => {
      sent.push([...e]);
      return sent.length === 1
        ? [
            { index: e.indexOf('gone'), code: 'MessageNotInflight', message: 'not in flight', senderFault: true },
            { index: e.indexOf('busy'), code: 'InternalError', message: 'try again', senderFault: false },
          ]
        : [];
    }, problems);
    const [gone, busy] = await runOn(clock, Promise.all([b.add('gone'), b.add('busy')]));
    assert.deepEqual(gone, { ok: false, code: 'MessageNotInflight', message: 'not in flight' });
    assert.deepEqual(busy, { ok: true });
    assert.deepEqual(sent, [['gone', 'busy'], ['busy']], 'only the transient failure went again');
    assert.deepEqual(problems.map((p) => [p.kind, p.code]), [['refused', 'MessageNotInflight'], ['retrying', 'InternalError']]);
  });
});

describe('every() (the heartbeat and stats ticks)', () => {
  it('runs on the clock every `ms` until cancelled, one timer at a time', async () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const start = clock.now();
    const timer = every(clock, 250, () => ticks.push(clock.now() - start));
    await clock.advance(1_000);
    assert.deepEqual(ticks, [250, 500, 750, 1_000]);
    assert.equal(clock.pending, 1);
    timer.cancel();
    await clock.advance(1_000);
    assert.equal(ticks.length, 4);
    assert.equal(clock.pending, 0, 'nothing left to keep a process alive');
  });

  it('stops when cancelled from inside its own tick', async () => {
    const clock = new ManualClock();
    let n = 0;
    const timer = every(clock, 10, () => {
      if (++n === 2) timer.cancel();
    });
    await clock.advance(100);
    assert.equal(n, 2);
    assert.equal(clock.pending, 0);
  });
});
