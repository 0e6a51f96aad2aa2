import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from '../../src/load/run.js';
import { CheckFailedError, ExitCode, SqsdemoError } from '../../src/errors.js';
import { sleep } from '../../src/util/abort.js';
import type { BatchEvent, LoadStatsEvent, LoadSummaryEvent } from '../../src/telemetry/load-events.js';
import { capture, loadConfig } from './harness.js';
import { closedPort, startFakeWriter, type FakeWriter } from './fake-writer.js';

describe('sqsdemo load against a writer stand-in (real sockets)', () => {
  let writer: FakeWriter | undefined;
  afterEach(async () => {
    await writer?.close();
    writer = undefined;
  });

  it('counts exactly the 201s and 400s that were sent, for each malformed kind', async () => {
    writer = await startFakeWriter();
    const c = capture();
    const summary = await runLoad(
      loadConfig(writer.url, { requests: 240, concurrency: 8, malformedPerBatch: 4, malformedKinds: ['empty', 'json', 'missing', 'type'] }),
      c.ctx,
    );
    assert.equal(writer.received, 240);
    assert.deepEqual(summary.counts, { '201': 200, '400': 40 });
    assert.equal(summary.sent, 240);
    assert.equal(summary.ok, true);
    assert.equal(summary.unexpected, 0);
    assert.equal(summary.latencyMs.max > 0, true);
    // The last batch line carries the final totals.
    const batches = c.events.filter((e): e is BatchEvent => e.type === 'batch');
    assert.equal(batches.at(-1)!.batch, 10);
    assert.deepEqual(batches.at(-1)!.counts, { '201': 200, '400': 40 });
    assert.equal(c.events[0]!.type, 'ready');
    assert.equal(c.events.at(-1)!.type, 'summary');
  });

  it('measures open-loop latency from the scheduled time: a slow answer delays everyone queued behind it', async () => {
    const HELD_MS = 300;
    writer = await startFakeWriter({ hold: (n) => (n === 1 ? sleep(HELD_MS) : undefined) });
    const c = capture();
    // 50 req/s over one connection: requests 2-5 are due at 20..80 ms but wait for the first answer.
    const summary = await runLoad(loadConfig(writer.url, { rate: 50, concurrency: 1, requests: 5, malformedPerBatch: 0 }), c.ctx);
    assert.deepEqual(summary.counts, { '201': 5 });
    // Every request was scheduled at most 80 ms after the first and answered after the held one.
    assert.ok(summary.latencyMs.max >= HELD_MS, `max ${summary.latencyMs.max}`);
    assert.ok(summary.latencyMs.p50 >= HELD_MS - 80, `p50 ${summary.latencyMs.p50}`);
  });

  it('counts connection errors by kind when the writer goes away mid-run, reports them, and fails the check', async () => {
    writer = await startFakeWriter({
      intercept: (n, req, _res, server) => {
        if (n < 4) return false;
        server.close(); // nothing listens any more: the next connections are refused
        req.socket.destroy(); // and this request never gets its answer
        return true;
      },
    });
    const c = capture();
    const err = await runLoad(loadConfig(writer.url, { requests: 10, concurrency: 1, batchSize: 5, malformedPerBatch: 0 }), c.ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof CheckFailedError, String(err));
    assert.match(err.message, /7 good requests did not get 201/);
    assert.match(err.hint ?? '', /sqsdemo serve/);
    const summary = c.events.at(-1) as LoadSummaryEvent;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.ok, false);
    assert.equal(summary.counts['201'], 3);
    const errors = Object.entries(summary.counts).filter(([k]) => k !== '201');
    assert.equal(errors.reduce((sum, [, v]) => sum + v, 0), 7);
    assert.ok(errors.every(([k]) => k === 'ECONNRESET' || k === 'ECONNREFUSED'), JSON.stringify(summary.counts));
    assert.ok((summary.counts.ECONNREFUSED ?? 0) >= 1, JSON.stringify(summary.counts));
  });

  it('refuses to start when nothing listens at --url, naming the URL and `sqsdemo serve`', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/message`;
    const err = await runLoad(loadConfig(url, { requests: 5 }), capture().ctx).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof SqsdemoError);
    assert.equal(err.exitCode, ExitCode.WriterUnavailable);
    assert.ok(err.message.includes(url), err.message);
    assert.match(err.hint ?? '', /sqsdemo serve/);
  });

  it('fails the check when a malformed request is accepted, and says which kind', async () => {
    // A writer that lets a number through as a body.
    writer = await startFakeWriter({ status: (_n, parsed, wouldBe) => (typeof (parsed as { body?: unknown } | undefined)?.body === 'number' ? 201 : wouldBe) });
    const c = capture();
    const err = await runLoad(loadConfig(writer.url, { requests: 48, batchSize: 12, malformedPerBatch: 2, malformedKinds: ['empty', 'type'] }), c.ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof CheckFailedError);
    assert.equal(err.exitCode, 1);
    assert.match(err.message, /4 malformed \(type\) requests did not get a 4xx: 201×4/);
    const summary = c.events.at(-1) as LoadSummaryEvent;
    assert.deepEqual(summary.counts, { '201': 44, '400': 4 });
    assert.equal(summary.unexpected, 4);
  });

  it('fails the check when good requests get anything but 201', async () => {
    writer = await startFakeWriter({ status: (n, _parsed, wouldBe) => (n % 10 === 0 && wouldBe === 201 ? 503 : wouldBe) });
    const err = await runLoad(loadConfig(writer.url, { requests: 20, concurrency: 1, malformedPerBatch: 0 }), capture().ctx).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CheckFailedError);
    assert.match(err.message, /2 good requests did not get 201: 503×2/);
  });

  it('on the abort signal stops sending, waits for the answers in flight and reports the summary', async () => {
    let release!: () => void;
    let reached!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const allHeld = new Promise<void>((resolve) => (reached = resolve));
    // Requests 41-44 fill the 4 connections and wait for the test.
    writer = await startFakeWriter({
      hold: (n) => {
        if (n === 44) reached();
        return n > 40 ? held : undefined;
      },
    });
    const c = capture();
    const run = runLoad(loadConfig(writer.url, { concurrency: 4, batchSize: 10 }), c.ctx);
    await allHeld;
    c.controller.abort(new Error('received SIGINT'));
    release();
    const summary = await run;
    assert.equal(summary.endedBy, 'stopped');
    assert.equal(summary.sent, 44);
    assert.equal(summary.sent, writer.received);
    assert.equal(Object.values(summary.counts).reduce((a, b) => a + b, 0), 44);
    assert.ok(c.events.some((e) => e.type === 'stopping'));
  });
});

describe('sqsdemo load --control stdin', () => {
  let writer: FakeWriter | undefined;
  afterEach(async () => {
    await writer?.close();
    writer = undefined;
  });

  it('pauses, resumes and changes the rate on JSON lines, reports paused in stats, and warns about bad lines', async () => {
    writer = await startFakeWriter();
    const c = capture();
    const run = runLoad(loadConfig(writer.url, { rate: 200, concurrency: 4, requests: 60, controlStdin: true, malformedPerBatch: 0 }), c.ctx);
    await c.next((e) => e.type === 'ready');
    c.stdin.write('{"cmd":"pause"}\n');
    try {
      const paused = (await c.next((e) => e.type === 'stats' && e.paused)) as LoadStatsEvent;
      const sentWhenPaused = paused.sent;
      c.stdin.write('not json\n{"cmd":"rate","rate":-1}\n{"cmd":"jump"}\n');
      // Three bad lines, three warnings: wait for the third, then check no line went unreported or twice.
      await c.next((e) => e.type === 'warn' && c.events.filter((w) => w.type === 'warn').length >= 3);
      assert.equal(c.events.filter((e) => e.type === 'warn').length, 3);
      c.stdin.write('{"cmd":"rate","rate":1000}\n');
      const retuned = (await c.next((e) => e.type === 'stats' && e.rate === 1000)) as LoadStatsEvent;
      assert.equal(retuned.paused, true);
      // Nothing was sent while paused (answers in flight came back meanwhile).
      assert.equal(retuned.sent, sentWhenPaused);
      c.stdin.write('{"cmd":"resume"}\n');
      const summary = await run;
      assert.deepEqual(summary.counts, { '201': 60 });
      const warns = c.events.filter((e) => e.type === 'warn').map((e) => (e as { message: string }).message);
      assert.match(warns[0]!, /not JSON/);
      assert.match(warns[1]!, /rate/);
      assert.match(warns[2]!, /unknown control command/);
    } finally {
      c.controller.abort();
      c.stdin.end();
    }
  });
});
