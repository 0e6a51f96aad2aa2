import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { spawnSqsdemo, type SqsdemoProcess } from '../helpers/cli.js';
import { runCli } from '../../src/cli.js';
import { QueueMissingError } from '../../src/errors.js';
import { RecordingProcessor, queueCounts, sendBodies, startReader, until, type RunningReader } from './harness.js';

/** The CLI in this process (same composition root as bin/sqsdemo, without a child process). */
async function cliInProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr'): Writable =>
    new Writable({ write(chunk: Buffer, _enc, done) { out[key] += chunk.toString(); done(); } });
  const code = await runCli(['node', 'sqsdemo', ...args], {
    stdout: sink('stdout'), stderr: sink('stderr'), stdin: Readable.from([]), env: {}, isTTY: false, signal: new AbortController().signal,
  });
  return { code, ...out };
}

/** RFC 4180 records: fields split on commas, quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const re = /("(?:[^"]|"")*"|[^,\n]*)(,|\n|$)/gy;
  let row: string[] = [];
  for (let m = re.exec(text); m && m.index < text.length; m = re.exec(text)) {
    const raw = m[1]!;
    row.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw);
    if (m[2] !== ',') {
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

describe('sqsdemo work: command line', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  let child: SqsdemoProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await child?.stop('SIGKILL');
    await r?.stop();
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    child = undefined;
    r = undefined;
    t = undefined;
    dir = undefined;
  });

  it('rejects bad flags with exit 2 and says what is allowed', async () => {
    for (const args of [['--concurrency', '0'], ['--fail-rate', '1.5'], ['--retry-delay', 'soon'], ['--wait-seconds', '21'], ['--receive-linger', '2s']]) {
      const run = await cliInProcess(['work', ...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /Allowed:/);
    }
  });

  it('exits 4 naming `sqsdemo setup` when the queue does not exist', async () => {
    t = await startTestSqs();
    const run = await cliInProcess(['work', '--endpoint', t.endpoint, '--queue', 'no_such_queue_sqsdemo']);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /"no_such_queue_sqsdemo" does not exist/);
    assert.match(run.stderr, /sqsdemo setup/);
  });

  it('stops with a QueueMissingError when the queue is deleted while it runs', async () => {
    t = await startTestSqs();
    r = await startReader(t, new RecordingProcessor(), { waitSeconds: 0 });
    await t.client.send(new DeleteQueueCommand({ QueueUrl: t.queueUrl }));
    await assert.rejects(r.reader.finished, QueueMissingError);
  });

  it("writes the original's CSV columns per handled message with --data-log, and human receive lines", async () => {
    t = await startTestSqs();
    dir = mkdtempSync(join(tmpdir(), 'sqsdemo-work-'));
    const file = join(dir, 'data.csv');
    const sent = ['plain', 'with, comma', 'say "hi"', 'two\nlines'];
    await sendBodies(t, sent);
    const before = Date.now();
    child = spawnSqsdemo([
      'work', '--endpoint', t.endpoint, '--queue', t.config.queueName, '--data-log', file, '--work-ms', '1', '--fail-rate', '0', '--wait-seconds', '1',
    ]);
    await child.waitFor(/Messages received\/processed: 4\/\d+/);
    const tt = t;
    await until(async () => queueCounts(tt).then((c) => c.visible + c.notVisible === 0), 'queue drained');
    const run = await child.stop('SIGINT');
    child = undefined;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Stopped\. processed 4, failed 0/);
    const rows = parseCsv(readFileSync(file, 'utf8'));
    assert.equal(rows.length, 4);
    assert.deepEqual(rows.map((row) => row[6]).sort(), [...sent].sort());
    for (const [nowMs, sentTs, outcome, receiveCount, senderId, messageId, , ...rest] of rows) {
      assert.equal(rest.length, 0, 'seven columns');
      assert.ok(Number(nowMs) >= before && Number(nowMs) <= Date.now());
      assert.ok(Number(sentTs) > 0 && Number(sentTs) <= Number(nowMs) + 1000);
      assert.equal(outcome, 'pass');
      assert.equal(receiveCount, '1');
      assert.ok(senderId!.length > 0);
      assert.match(messageId!, /^[0-9a-f-]{36}$/);
    }
  });
});
