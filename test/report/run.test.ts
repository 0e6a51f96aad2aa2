import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { openerFor } from '../../src/report/open.js';
import { makeReport } from '../../src/report/run.js';
import { line, tempDir } from './fixtures.js';

const T0 = 1_764_480_000_000;
const tmp = tempDir();
after(() => tmp.remove());

function sink(): { stream: Writable; text(): string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
  };
}

/** A clock whose monotonic time moves `stepMs` every time it is read. */
function steppingClock(stepMs: number) {
  let t = 0;
  return { now: () => T0, monotonic: () => (t += stepMs) };
}

describe('makeReport', () => {
  const big = tmp.write('big.csv', line({ nowMs: T0, ageMs: 3, body: 'y'.repeat(100) }).repeat(30_000)); // ~4.5 MiB: several chunks

  it('reports progress on stderr while a long input is read', async () => {
    const err = sink();
    const r = await makeReport({ files: [big], output: tmp.path('big.html'), timeZone: 'UTC', maxReceiveCount: 5 }, { stderr: err.stream, clock: steppingClock(600) });
    assert.equal(r.stats.records, 30_000);
    const lines = err.text().trim().split('\n');
    assert.ok(lines.length >= 3, err.text());
    assert.match(lines[0]!, /^report: \d+% read \([\d.]+ of [\d.]+ MB\), [\d,]+ records$/);
    assert.equal(lines.at(-1), 'report: drawing the charts');
  });

  it('says nothing on stderr when reading is quick', async () => {
    const err = sink();
    await makeReport({ files: [big], output: tmp.path('quick.html'), timeZone: 'UTC', maxReceiveCount: 5 }, { stderr: err.stream, clock: steppingClock(0) });
    assert.equal(err.text(), '');
  });
});

describe('--open', () => {
  it('hands the file to the platform\'s opener', () => {
    assert.deepEqual(openerFor('linux', '/r.html'), { command: 'xdg-open', args: ['/r.html'] });
    assert.deepEqual(openerFor('darwin', '/r.html'), { command: 'open', args: ['/r.html'] });
    assert.equal(openerFor('win32', 'C:\\r.html').command, 'cmd');
  });
});
