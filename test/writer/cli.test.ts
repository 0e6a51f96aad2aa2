import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { spawnSqsdemo } from '../helpers/cli.js';
import { runCli } from '../../src/cli.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { parseEventLine } from '../../src/telemetry/events.js';
import { postBody, receiveAll, until } from './helpers.js';

describe('sqsdemo serve (the executable)', () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });

  const sqsFlags = (): string[] => ['--endpoint', sqs.endpoint, '--queue', sqs.config.queueName];

  it('prints the chosen URL with --port 0, enqueues, and on SIGTERM drains and exits 0', async () => {
    const proc = spawnSqsdemo(['serve', ...sqsFlags(), '--port', '0', '--json']);
    try {
      const [, url] = await proc.waitFor(/"type":"ready"[^\n]*"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
      const answers = await Promise.all(['one', 'two', 'three'].map((b) => postBody(url!, b)));
      assert.deepEqual(answers.map((a) => a.status), [201, 201, 201]);
      await proc.waitFor(/"type":"access"[^\n]*"status":201/);
      const result = await proc.stop('SIGTERM');
      assert.equal(result.code, 0, result.stderr);
      const events = result.stdout.split('\n').map(parseEventLine).filter((e) => e !== undefined);
      assert.ok(events.every((e) => e.role === 'serve'));
      const types = events.map((e) => e.type);
      assert.equal(types[0], 'ready');
      assert.equal(types.filter((t) => t === 'access').length, 3);
      assert.ok(types.includes('stopping'));
      const stopped = events.at(-1) as { type: string; enqueued: number; responses: Record<string, number>; clean: boolean };
      assert.equal(stopped.type, 'stopped');
      assert.equal(stopped.enqueued, 3);
      assert.deepEqual(stopped.responses, { '201': 3 });
      assert.equal(stopped.clean, true);
      const ids = new Set(answers.map((a) => a.json.id as string));
      const received = await receiveAll(sqs.client, sqs.queueUrl, ids);
      assert.deepEqual([...ids].map((id) => received.get(id)).sort(), ['one', 'three', 'two']);
    } finally {
      await proc.stop('SIGKILL');
    }
  });

  /** Run the CLI in this process (no child start-up cost); `until` sees stdout as it grows. */
  function runInProcess(args: string[]): { stdout: () => string; stderr: () => string; abort: () => void; code: Promise<number> } {
    let out = '';
    let err = '';
    const controller = new AbortController();
    const sink = (append: (s: string) => void): Writable => new Writable({ write(chunk: Buffer, _enc, done) { append(chunk.toString()); done(); } });
    const code = runCli(['node', 'sqsdemo', ...args], {
      stdout: sink((s) => (out += s)),
      stderr: sink((s) => (err += s)),
      stdin: Readable.from([]),
      env: {},
      isTTY: false,
      signal: controller.signal,
    });
    return { stdout: () => out, stderr: () => err, abort: () => controller.abort(new Error('received SIGINT')), code };
  }

  it('prints one access line per request without --json', async () => {
    const run = runInProcess(['serve', ...sqsFlags(), '--port', '0']);
    await until(() => /listening on http/.test(run.stdout()) || run.stderr() !== '', 'the listening line');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())?.[1];
    assert.ok(url, run.stdout() + run.stderr());
    await postBody(url, '');
    run.abort();
    assert.equal(await run.code, 0, run.stderr());
    assert.match(run.stdout(), /\d\d:\d\d:\d\d POST \/api\/message 400 [\d.]+ms - body parameter is missing or empty\n/);
    assert.match(run.stdout(), /stopped; 0 messages enqueued; responses \{400: 1\}/);
  });

  it('with --access-log-max prints at most that many access events a second and counts the rest; enqueued stays exact', async () => {
    const run = runInProcess(['serve', ...sqsFlags(), '--port', '0', '--json', '--access-log-max', '2']);
    await until(() => /"type":"ready"/.test(run.stdout()) || run.stderr() !== '', 'the ready event');
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(run.stdout())?.[1];
    assert.ok(url, run.stdout() + run.stderr());
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => postBody(url, `m${i}`)));
    assert.deepEqual(answers.map((a) => a.status), Array(12).fill(201));
    run.abort();
    assert.equal(await run.code, 0, run.stderr());
    const events = run.stdout().split('\n').map(parseEventLine).filter((e) => e !== undefined);
    const access = events.filter((e) => e.type === 'access').length;
    const finalStats = events.filter((e) => e.type === 'stats').at(-1) as { enqueued: number; accessSkipped?: number } | undefined;
    assert.ok(finalStats, 'a final stats event');
    assert.equal(finalStats.enqueued, 12);
    // Every request is either printed or counted as skipped: nothing is lost from the counts.
    assert.equal(access + (finalStats.accessSkipped ?? 0), 12);
    assert.ok(access >= 2, `at least the first second's quota is printed (got ${access})`);
  });

  it('exits 4 naming `sqsdemo setup` when the queue does not exist', async () => {
    const run = runInProcess(['serve', '--endpoint', sqs.endpoint, '--queue', `missing_${randomBytes(4).toString('hex')}`, '--port', '0']);
    assert.equal(await run.code, 4);
    assert.match(run.stderr(), /does not exist/);
    assert.match(run.stderr(), /sqsdemo setup/);
  });

  it('exits 2 with a clear message for a bad flag', async () => {
    const run = runInProcess(['serve', '--endpoint', sqs.endpoint, '--linger-ms', '-1']);
    assert.equal(await run.code, 2);
    assert.match(run.stderr(), /--linger-ms/);
    assert.match(run.stderr(), /Allowed: a whole number from 0 to 1000/);
  });

  it('exits 2 naming the choices for an unknown --batching mode', async () => {
    const run = runInProcess(['serve', '--endpoint', sqs.endpoint, '--batching', 'eager']);
    assert.equal(await run.code, 2);
    assert.match(run.stderr(), /--batching/);
    assert.match(run.stderr(), /adaptive, fixed/);
  });
});
