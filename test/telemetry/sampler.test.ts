import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRateSampler } from '../../src/telemetry/sampler.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('createRateSampler', () => {
  it('lets the first N of each second pass and counts the rest', async () => {
    const clock = new ManualClock();
    const sampler = createRateSampler(3, clock);
    const first = Array.from({ length: 5 }, () => sampler.take());
    assert.deepEqual(first, [true, true, true, false, false]);
    assert.equal(sampler.skipped, 2);
    await clock.advance(1_000);
    const second = Array.from({ length: 4 }, () => sampler.take());
    assert.deepEqual(second, [true, true, true, false]);
    assert.equal(sampler.skipped, 3);
  });

  it('lets everything pass with a limit of 0', () => {
    const sampler = createRateSampler(0, new ManualClock());
    assert.ok(Array.from({ length: 1_000 }, () => sampler.take()).every(Boolean));
    assert.equal(sampler.skipped, 0);
  });
});
