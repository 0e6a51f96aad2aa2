import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { spawnSqsdemo, type SqsdemoProcess } from '../helpers/cli.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { DEFAULT_RECEIVE_LINGER_MS } from '../../src/reader/config.js';
import { RecordingProcessor, bodies, queueCounts, sendBodies, startReader, type RunningReader } from './harness.js';
import { settledFlag, specTime, type SpecTime } from './virtual-time.js';

// Virtual time where it can be: the endpoint and the in-process reader share a
// ManualClock and poll with WaitTimeSeconds 0. A child process keeps real time,
// but what it waits for on the endpoint (visibility timeouts) is virtual.
describe('sqsdemo work: stopping', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  let child: SqsdemoProcess | undefined;
  let time: SpecTime | undefined;
  const clock = new ManualClock(Date.now());
  afterEach(async () => {
    await child?.stop('SIGKILL');
    const stopping = r?.stop();
    if (stopping) await time!.until(settledFlag(stopping), 'reader stopped');
    await t?.stop();
    child = undefined;
    r = undefined;
    t = undefined;
  });

  async function setup(topology: { visibilityTimeout: number; maxReceiveCount?: number }): Promise<TestSqs> {
    t = await startTestSqs({ topology, clock });
    time = specTime(t, clock, () => (r?.calls.inFlight ?? 0) > 0);
    return t;
  }

  it('on stop finishes the running task and hands unstarted prefetched messages back, visible at once', async () => {
    // Visibility 60 s: a message not handed back would stay invisible for the rest of the test.
    const tt = await setup({ visibilityTimeout: 60 });
    await sendBodies(tt, bodies(10, 'back'));
    const p = new RecordingProcessor(() => true, 800, time!.clock);
    // One slot and ten prefetched: once all ten are held there is no room, so no receive is in flight at stop.
    r = await startReader(tt, p, { concurrency: 1, prefetch: 10, pollers: 1, waitSeconds: 0 }, { clock: time!.clock });
    await time!.until(() => r!.reader.counters().received === 10, 'all ten received');
    const stopping = r.reader.stop();
    await time!.until(settledFlag(stopping), 'stopped');
    const stopped = await stopping;
    assert.ok(stopped.processed >= 1, 'the running task finished');
    assert.ok(stopped.returned >= 1, 'some were never started');
    assert.equal(stopped.processed + stopped.returned, 10);
    assert.equal(p.outcomes.size, stopped.processed, 'handed-back messages never started');
    assert.deepEqual(await queueCounts(tt), { visible: stopped.returned, notVisible: 0 });
  });

  it('aborts tasks still running at the drain timeout and hands their messages back', async () => {
    const tt = await setup({ visibilityTimeout: 60 });
    await sendBodies(tt, bodies(3, 'stuck'));
    const p = new RecordingProcessor(() => true, 3_600_000, time!.clock); // an hour: never done by itself
    r = await startReader(tt, p, { concurrency: 3, prefetch: 0, pollers: 1, waitSeconds: 0, drainTimeoutMs: 2_000 }, { clock: time!.clock });
    await time!.until(() => p.running === 3, 'three tasks running');
    const stopping = r.reader.stop();
    await time!.until(settledFlag(stopping), 'stopped');
    const stopped = await stopping;
    assert.deepEqual([stopped.processed, stopped.failed, stopped.returned], [0, 0, 3]);
    assert.ok(r.events.some((e) => e.type === 'warn' && /3 task\(s\) still running after the drain timeout \(2000 ms\)/.test(e.message)));
    assert.deepEqual(await queueCounts(tt), { visible: 3, notVisible: 0 });
  });

  it('a worker killed mid-task loses nothing: a second worker processes its messages after the visibility timeout', async () => {
    const tt = await setup({ visibilityTimeout: 2, maxReceiveCount: 10 });
    const sent = bodies(5, 'killed');
    await sendBodies(tt, sent);
    child = spawnSqsdemo([
      'work', '--endpoint', tt.endpoint, '--queue', tt.config.queueName, '--json',
      '--work-ms', '60000', '--fail-rate', '0', '--pollers', '1', '--wait-seconds', '0',
    ]);
    await child.waitFor(/"type":"receive"[^\n]*"received":5\b/);
    const killed = await child.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    child = undefined;

    const p = new RecordingProcessor(() => true, 5, time!.clock);
    r = await startReader(tt, p, { waitSeconds: 0 }, { clock: time!.clock });
    await time!.until(() => r!.reader.counters().deleted >= sent.length, 'second worker deleted all');
    for (const b of sent) {
      // At least once: on a slow engine a delivery can time out and come back, so a second run is allowed.
      const seen = p.outcomes.get(b) ?? [];
      assert.ok(seen.length >= 1, `${b} processed by the second worker`);
      assert.ok(seen[0]!.receiveCount >= 2, `${b} was redelivered (receive count ${seen[0]!.receiveCount})`);
    }
    assert.equal(r.reader.counters().deleted, sent.length, 'each message deleted once, counted once');
    assert.deepEqual(await queueCounts(tt), { visible: 0, notVisible: 0 });
  });

  it('exits 0 on SIGTERM after draining, printing the stopped event', async () => {
    t = await startTestSqs(); // real time: the child long-polls the endpoint
    await sendBodies(t, bodies(3, 'term'));
    child = spawnSqsdemo([
      'work', '--endpoint', t.endpoint, '--queue', t.config.queueName, '--json', '--work-ms', '5', '--fail-rate', '0', '--wait-seconds', '1',
    ]);
    await child.waitFor(/"type":"receive"[^\n]*"processed":3\b|"type":"stats"[^\n]*"processed":3\b/);
    const run = await child.stop('SIGTERM');
    child = undefined;
    assert.equal(run.code, 0, run.stderr);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; processed?: number; receiveLingerMs?: number });
    assert.equal(events[0]?.type, 'ready');
    assert.equal(events[0]?.receiveLingerMs, DEFAULT_RECEIVE_LINGER_MS, 'receive pacing is on by default against a non-AWS endpoint');
    assert.equal(events.at(-1)?.type, 'stopped');
    assert.equal(events.at(-1)?.processed, 3);
    assert.deepEqual(await queueCounts(t), { visible: 0, notVisible: 0 });
  });
});
