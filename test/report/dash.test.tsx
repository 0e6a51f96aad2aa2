import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { App, type DashControls } from '../../src/dash/App.js';
import { writeRunReport } from '../../src/dash/report-key.js';
import { createDashStore } from '../../src/dash/store.js';
import { runningState } from '../dash/fixtures.js';
import { dashRun } from '../e2e/dash-helpers.js';
import { runSqsdemo } from '../helpers/cli.js';
import { line, tempDir } from './fixtures.js';

const tmp = tempDir();
after(() => tmp.remove());
afterEach(() => cleanup());

const effects = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function app(withReport: boolean) {
  const calls: string[] = [];
  const controls: DashControls = {
    quit: () => calls.push('quit'),
    togglePause: () => calls.push('pause'),
    changeRate: () => calls.push('rate'),
    ...(withReport ? { writeReport: () => calls.push('report') } : {}),
  };
  const r = render(<App store={createDashStore({ initial: runningState(), publishMs: 0 })} controls={controls} size={{ columns: 100, rows: 30 }} />);
  return { ...r, calls };
}

describe('dash: the r key', () => {
  it('writes the report when dash has a data log, and the footer says so', async () => {
    const { stdin, lastFrame, calls } = app(true);
    await effects();
    assert.match(lastFrame()!, /r report/);
    stdin.write('r');
    assert.deepEqual(calls, ['report']);
  });

  it('does nothing (and is not offered) without one', async () => {
    const { stdin, lastFrame, calls } = app(false);
    await effects();
    assert.doesNotMatch(lastFrame()!, /r report/);
    stdin.write('r');
    assert.deepEqual(calls, []);
  });

  it('draws only this run from a kept data log, into a new file in the given directory', async () => {
    const started = 1_764_480_000_000;
    const log = tmp.write('kept.csv', line({ nowMs: started - 3_600_000, ageMs: 5, id: 'earlier-run' }) + line({ nowMs: started + 1_000, ageMs: 25, id: 'this-run', pass: false, receiveCount: 5 }));
    const dir = tmp.path('reports');
    mkdirSync(dir);
    const path = await writeRunReport({ dataLog: log, maxReceiveCount: 5 }, { dir, sinceMs: started, nowMs: started + 2_000, timeZone: 'UTC' });
    assert.equal(path, join(dir, 'sqsdemo-report-20251130-052002.html'));
    const html = readFileSync(path, 'utf8');
    assert.match(html, /this-run/);
    assert.doesNotMatch(html, /earlier-run/);
    assert.match(html, /1 before this run/);
  });
});

describe('dash --data-log (end to end)', { timeout: 180_000 }, () => {
  it('keeps work\'s data log, says where it is, and `sqsdemo report` draws it', async () => {
    const log = tmp.path('dash.csv');
    const run = dashRun(['--duration', '3s', '--rate', '80', '--work-ms', '10', '--fail-rate', '0.3', '--seed', '3', '--retry-delay', '0s', '--max-receive-count', '3', '--data-log', log]);
    try {
      const r = await runSqsdemo(run.args, { timeoutMs: 90_000 });
      assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^data log: ${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(draw it: sqsdemo report `, 'm'));
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      assert.ok(lines.length > 50, `${lines.length} lines`);
      assert.ok(lines.some((l) => /,fail,2,/.test(l)), 'failures came back with a higher receive count');
      const out = tmp.path('dash.html');
      const report = await runSqsdemo(['report', log, '-o', out, '--max-receive-count', '3'], { timeoutMs: 60_000 });
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, /report: .*dash\.html \([\d,]+ records from 1 data log\)$/m);
      assert.ok((readFileSync(out, 'utf8').match(/<circle/g) ?? []).length > 20);
    } finally {
      await run.cleanup();
    }
  });

  it('without --data-log uses a temp file and removes it at the end', async () => {
    const dir = tmp.path('tmpdir');
    mkdirSync(dir);
    const run = dashRun(['--duration', '1s', '--rate', '20', '--work-ms', '5']);
    try {
      const r = await runSqsdemo(run.args, { timeoutMs: 90_000, env: { TMPDIR: dir } });
      assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.doesNotMatch(r.stdout, /^data log:/m);
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('sqsdemo-dash-')), []);
      assert.equal(existsSync(dir), true);
    } finally {
      await run.cleanup();
    }
  });
});
