import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runSqsdemo } from '../helpers/cli.js';
import { line, simulatedRun, tempDir } from './fixtures.js';
import { staticImports } from './imports.js';

const T0 = 1_764_480_000_000;
const tmp = tempDir();
after(() => tmp.remove());

describe('sqsdemo report', () => {
  it('writes one HTML file from several logs, prints its path and the bad lines with file and line', async () => {
    const a = tmp.write('reader-a.csv', simulatedRun({ start: T0, messages: 300, failEvery: 4, visibilityMs: 5_000, maxReceiveCount: 5, perSecond: 50 }));
    const b = tmp.write('reader-b.csv', line({ nowMs: T0 + 10, ageMs: 5 }) + '1764480000000,zzz,pass,1,S,m,"b"\n');
    const out = tmp.path('out.html');
    const r = await runSqsdemo(['report', a, b, '-o', out, '--tz', 'Europe/Berlin'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`report: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\([\\d,]+ records from 2 data logs, 1 bad lines left out .*reader-b\\.csv:2 SentTimestamp is not a time`));
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /Europe\/Berlin, UTC\+01:00/);
    assert.doesNotMatch(html, /<script|<link|@import|url\((?!#)|src=/i, 'nothing fetched, nothing run (url(#id) is a clip path in the page)');
    assert.ok((html.match(/<circle/g) ?? []).length > 100, 'the scatter has dots');
  });

  it('exit 2 with a clear message: a missing file, an unknown zone, a bad threshold, no file', async () => {
    const ok = tmp.write('ok.csv', line({ nowMs: T0, ageMs: 1 }));
    const missing = await runSqsdemo(['report', ok, tmp.path('missing.csv'), '-o', tmp.path('x.html')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^sqsdemo report: cannot read data log .*missing\.csv: no such file/m);
    assert.equal(existsSync(tmp.path('x.html')), false, 'no half report');
    const zone = await runSqsdemo(['report', ok, '--tz', 'Mars/Olympus', '-o', tmp.path('y.html')]);
    assert.equal(zone.code, 2);
    assert.match(zone.stderr, /unknown time zone "Mars\/Olympus"/);
    const threshold = await runSqsdemo(['report', ok, '--max-receive-count', '0']);
    assert.equal(threshold.code, 2);
    assert.match(threshold.stderr, /--max-receive-count/);
    const none = await runSqsdemo(['report']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /missing required argument/);
    const unwritable = await runSqsdemo(['report', ok, '-o', tmp.path('no/such/dir/r.html')]);
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /cannot write the report/);
  });

  it('a log of nothing but bad lines still gives a report that says so', async () => {
    const junk = tmp.write('junk.csv', 'a,b,c\n\nnot csv "at all\n');
    const out = tmp.path('junk.html');
    const r = await runSqsdemo(['report', junk, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /No valid records/);
    assert.match(html, /junk\.csv:1/);
    assert.match(html, /junk\.csv:3/);
  });

  it('is not on the start-up path of the other commands (no static import of the report code)', () => {
    const isReportCode = (m: string): boolean => m.startsWith('src/report/') || /^(@observablehq\/plot|linkedom|d3-)/.test(m);
    // The root loads commands lazily; each role's module (and what it imports) must not reach the report.
    for (const start of ['src/main.ts', 'src/cli.ts', ...['sqs', 'setup', 'serve', 'work', 'load', 'dash'].map((c) => `src/commands/${c}.ts`)]) {
      assert.deepEqual([...staticImports(start)].filter(isReportCode), [], `${start} reaches report code`);
    }
    assert.ok([...staticImports('src/report/run.ts')].some((m) => /^@observablehq\/plot$/.test(m)), 'the walk does see the report code and its packages');
  });
});
