import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/util/clock.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('the project clock', () => {
  it('runs manual timers in time order, and only when advanced', async () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    clock.setTimer(() => seen.push('b@20'), 20);
    clock.setTimer(() => seen.push('a@10'), 10);
    const cancelled = clock.setTimer(() => seen.push('never'), 15);
    cancelled.cancel();
    await clock.advance(5);
    assert.deepEqual(seen, []);
    await clock.advance(20);
    assert.deepEqual(seen, ['a@10', 'b@20']);
    assert.equal(clock.now(), 1025);
    assert.equal(clock.pending, 0);
  });

  it('lets a sleeper that schedules the next timer run on virtual time', async () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        ticks.push(clock.now());
      }
    })();
    await clock.advance(1000);
    await loop;
    assert.deepEqual(ticks, [100, 200, 300]);
  });

  it('ends a sleep early when its signal aborts', async () => {
    const clock = new ManualClock(0);
    const ac = new AbortController();
    const slept = clock.sleep(10_000, ac.signal);
    ac.abort();
    await slept;
    assert.equal(clock.pending, 0);
  });

  it('system timers cancel, and sleep waits on them', async () => {
    let fired = false;
    const t = systemClock.setTimer(() => (fired = true), 1);
    t.cancel();
    await systemClock.sleep(5);
    assert.equal(fired, false);
    assert.ok(systemClock.monotonic() > 0);
  });
});
