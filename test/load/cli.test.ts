import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runSqsdemo, spawnSqsdemo, type SqsdemoProcess } from '../helpers/cli.js';
import { runCli } from '../../src/cli.js';
import { parseEventLine } from '../../src/telemetry/events.js';
import type { LoadEvent, LoadSummaryEvent } from '../../src/telemetry/load-events.js';
import { closedPort, startFakeWriter, type FakeWriter } from './fake-writer.js';

/** Run the CLI in this process (flag parsing and help need no child process). */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (d: Buffer) => (stdout += d.toString()));
  const err = new PassThrough().on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await runCli(['node', 'sqsdemo', ...args], { stdout: out, stderr: err, stdin: new PassThrough(), env: {}, isTTY: false, signal: new AbortController().signal });
  return { code, stdout, stderr };
}

function events(stdout: string): LoadEvent[] {
  return stdout.split('\n').map(parseEventLine).filter((e): e is LoadEvent => e?.role === 'load');
}

describe('sqsdemo load: command line', () => {
  let writer: FakeWriter | undefined;
  let child: SqsdemoProcess | undefined;
  afterEach(async () => {
    await child?.stop('SIGKILL');
    await writer?.close();
    child = undefined;
    writer = undefined;
  });

  it('rejects bad flags with exit 2 and says what is allowed', async () => {
    const cases = [
      ['--concurrency', '0'],
      ['--rate', '0'],
      ['--malformed-kinds', 'empty,bogus'],
      ['--duration', 'soon'],
      ['--body-bytes', '0'],
      ['--control', 'socket'],
    ];
    const runs = await Promise.all(cases.map((args) => cli(['load', ...args])));
    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `${cases[i]!.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /Allowed|choices/, cases[i]!.join(' '));
    });
    const tooMany = await cli(['load', '--batch-size', '4', '--malformed-per-batch', '5']);
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /--malformed-per-batch \(5\) is larger than --batch-size \(4\)/);
  });

  it('explains the modes, the exit code and the limits of --verify in --help', async () => {
    const run = await cli(['load', '--help']);
    assert.equal(run.code, 0);
    for (const words of [/Open loop/, /coordinated omission/, /--verify/, /data-log/, /maxReceiveCount/, /--control stdin/]) assert.match(run.stdout.replace(/\s+/g, ' '), words); // help is re-wrapped to the terminal width
  });

  it('exits 6 (writer unreachable) when nothing listens at --url, naming the URL and `sqsdemo serve`', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/message`;
    const run = await runSqsdemo(['load', '--url', url, '--requests', '5']);
    assert.equal(run.code, 6, run.stderr);
    assert.ok(run.stderr.includes(url), run.stderr);
    assert.match(run.stderr, /sqsdemo serve/);
    assert.doesNotMatch(run.stderr, /\n\s+at /); // no stack trace
  });

  it('prints readable batch lines and a summary, and exits 0 when every answer was the expected one', async () => {
    writer = await startFakeWriter();
    const run = await runSqsdemo(['load', '--url', writer.url, '--requests', '48']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /batch 2: 201×46 {2}400×2 {2}conn-err×0/);
    assert.match(run.stdout, /summary: 48 sent .*ended by requests/);
    assert.match(run.stdout, /check: ok/);
  });

  it('prints the summary and exits on Ctrl-C', async () => {
    writer = await startFakeWriter();
    child = spawnSqsdemo(['load', '--url', writer.url, '--concurrency', '2']);
    await child.waitFor(/batch \d+:/);
    const run = await child.stop('SIGINT');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /stopping \(received SIGINT\)/);
    const m = run.stdout.match(/summary: (\d+) sent .*ended by stopped\): 201×(\d+) {2}400×(\d+)/);
    assert.ok(m, run.stdout);
    assert.equal(Number(m[2]) + Number(m[3]), Number(m[1]));
    assert.equal(Number(m[1]), writer.received);
  });

  it('prints JSON events with --json and exits 1 with the reason when an answer was wrong', async () => {
    writer = await startFakeWriter({ status: (n, _p, wouldBe) => (n === 3 ? 500 : wouldBe) });
    const run = await runSqsdemo(['load', '--url', writer.url, '--requests', '24', '--concurrency', '1', '--json']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /sqsdemo load: 1 good request did not get 201: 500×1/);
    const all = events(run.stdout);
    assert.equal(all[0]!.type, 'ready');
    const summary = all.find((e) => e.type === 'summary') as LoadSummaryEvent;
    assert.deepEqual(summary.counts, { '201': 22, '400': 1, '500': 1 });
    assert.equal(summary.ok, false);
    assert.ok(all.some((e) => e.type === 'batch' && e.batch === 1));
  });
});
