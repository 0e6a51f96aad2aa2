import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { checkTimeZone, ZonedTime } from '../../src/report/time-zone.js';

const WINTER = Date.UTC(2026, 0, 15, 20, 58, 0); // 2026-01-15 20:58 UTC
const SUMMER = Date.UTC(2026, 6, 15, 20, 58, 0);

describe('time zones', () => {
  it('formats an instant in the chosen zone, with its offset, across summer time', () => {
    const berlin = new ZonedTime('Europe/Berlin');
    assert.equal(berlin.format(WINTER), '2026-01-15 21:58:00');
    assert.equal(berlin.format(SUMMER), '2026-07-15 22:58:00');
    assert.equal(berlin.offsetLabel(WINTER), 'UTC+01:00');
    assert.equal(new ZonedTime('America/New_York').offsetLabel(WINTER), 'UTC-05:00');
    assert.equal(new ZonedTime('Asia/Kolkata').format(WINTER + 123, true), '2026-01-16 02:28:00.123');
    assert.equal(new ZonedTime('UTC').describe(WINTER), 'UTC');
    assert.equal(berlin.describe(WINTER), 'Europe/Berlin, UTC+01:00');
  });

  it('puts ticks on round local times, also in a zone half an hour off UTC', () => {
    const kolkata = new ZonedTime('Asia/Kolkata'); // UTC+05:30: ticks on UTC hours would read 03:30, 04:30...
    const { ticks, label } = kolkata.ticks(WINTER, WINTER + 6 * 3_600_000, 6);
    assert.ok(ticks.length >= 5, `${ticks.length} ticks`);
    for (const t of ticks) {
      const local = kolkata.format(t.getTime());
      assert.match(local, /:00:00$/, local);
      assert.equal(label(t), local.slice(11, 16));
    }
    assert.equal(label(ticks[0]!), '03:00');
  });

  it('labels seconds when ticks are seconds apart, and the date where the day changes', () => {
    const utc = new ZonedTime('UTC');
    const s = utc.ticks(WINTER, WINTER + 20_000, 4);
    assert.deepEqual(s.ticks.map((t) => s.label(t)), ['20:58:00', '20:58:05', '20:58:10', '20:58:15', '20:58:20']);
    const midnight = Date.UTC(2026, 0, 15, 23, 0, 0);
    const d = utc.ticks(midnight, midnight + 2 * 3_600_000, 4);
    assert.ok(d.ticks.map((t) => d.label(t)).includes('01-16 00:00'), d.ticks.map((t) => d.label(t)).join(' '));
  });

  it('keeps ticks on the hour across the change to summer time', () => {
    const berlin = new ZonedTime('Europe/Berlin');
    const before = Date.UTC(2026, 2, 29, 0, 0, 0); // 01:00 local; at 01:00 UTC clocks jump to 03:00
    const { ticks, label } = berlin.ticks(before, before + 3 * 3_600_000, 4);
    const labels = ticks.map((t) => label(t));
    assert.ok(labels.includes('01:00') && labels.includes('03:00') && labels.includes('04:00'), labels.join(' '));
    for (const t of ticks) assert.match(berlin.format(t.getTime()), /:00:00$/);
  });

  it('refuses an unknown zone with a usage error (exit 2)', () => {
    assert.equal(checkTimeZone('Europe/Berlin'), 'Europe/Berlin');
    assert.throws(() => checkTimeZone('Mars/Olympus'), (e: unknown) => e instanceof UsageError && e.exitCode === 2 && /Mars\/Olympus/.test(e.message));
  });
});
