import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { readDataLogs } from '../../src/report/read.js';
import type { DataLogRecord } from '../../src/report/records.js';
import { line, tempDir } from './fixtures.js';

const T0 = 1_764_480_000_000;
const tmp = tempDir();
after(() => tmp.remove());

async function readAll(paths: string[], options = {}) {
  const records: DataLogRecord[] = [];
  const result = await readDataLogs(paths, (r) => records.push(r), options);
  return { records, result };
}

describe('reading data logs', () => {
  it('merges several readers\' logs into one stream of records, each file counted', async () => {
    const a = tmp.write('a.csv', line({ nowMs: T0 + 2, ageMs: 1 }) + line({ nowMs: T0 + 4, ageMs: 1 }));
    const b = tmp.write('b.csv', line({ nowMs: T0 + 1, ageMs: 1 }) + 'oops\n' + line({ nowMs: T0 + 3, ageMs: 1 }));
    const { records, result } = await readAll([a, b]);
    assert.deepEqual(records.map((r) => r.nowMs - T0).sort(), [1, 2, 3, 4]);
    assert.deepEqual(result.files.map((f) => [f.path, f.records, f.badLines]), [[a, 2, 0], [b, 2, 1]]);
    assert.equal(result.badLines, 1);
    assert.deepEqual(result.badExamples[0], { file: b, line: 2, reason: result.badExamples[0]!.reason, text: 'oops' });
  });

  it('streams a large log chunk by chunk and finds a bad line deep inside by its number', async () => {
    const good = line({ nowMs: T0, ageMs: 12, body: 'x'.repeat(80) });
    const n = 40_000; // ~5 MiB: several 1 MiB chunks
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) parts.push(i === 31_337 ? 'broken,line\n' : good);
    const path = tmp.write('big.csv', parts.join(''));
    const progress: number[] = [];
    const { records, result } = await readAll([path], { onProgress: (p: { bytesRead: number }) => progress.push(p.bytesRead) });
    assert.equal(records.length, n - 1);
    assert.deepEqual(result.badExamples.map((b) => b.line), [31_337]);
    assert.ok(progress.length >= 4, `progress after each chunk (${progress.length})`);
  });

  it('keeps only the first bad lines but counts them all', async () => {
    const path = tmp.write('junk.csv', 'junk\n'.repeat(500));
    const { result } = await readAll([path], { maxBadExamples: 10 });
    assert.equal(result.badLines, 500);
    assert.equal(result.badExamples.length, 10);
  });

  it('leaves out records from before a given instant (dash: this run only)', async () => {
    const path = tmp.write('kept.csv', line({ nowMs: T0 - 60_000, ageMs: 1 }) + line({ nowMs: T0 + 5, ageMs: 1 }));
    const { records, result } = await readAll([path], { sinceMs: T0 });
    assert.deepEqual(records.map((r) => r.nowMs), [T0 + 5]);
    assert.equal(result.files[0]!.skipped, 1);
  });

  it('a missing file is a usage error (exit 2) that names it, before anything is read', async () => {
    const ok = tmp.write('ok.csv', line({ nowMs: T0, ageMs: 1 }));
    let seen = 0;
    await assert.rejects(
      readDataLogs([ok, tmp.path('nope.csv')], () => seen++),
      (e: unknown) => e instanceof UsageError && e.exitCode === 2 && e.message.includes('nope.csv') && /no such file/.test(e.message),
    );
    assert.equal(seen, 0);
    await assert.rejects(readDataLogs([tmp.dir], () => undefined), /not a regular file/);
  });
});
