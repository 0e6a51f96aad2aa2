import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { mulberry32 } from '../../src/reader/random.js';
import { RecordingProcessor, bodies, drainBodies, queueCounts, sendBodies, startReader, type RunningReader } from './harness.js';
import { settledFlag, specTime, type SpecTime } from './virtual-time.js';

// Virtual time: the endpoint and the reader share a ManualClock, and the reader
// polls with WaitTimeSeconds 0 so no call waits on the wire for time to pass.
describe('sqsdemo work: failures, retries and the dead-letter queue', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  let time: SpecTime;
  const clock = new ManualClock(Date.now());
  afterEach(async () => {
    // Stopping drains on the reader's clock: keep virtual time moving until it is done.
    const stopping = r?.stop();
    if (stopping) await time.until(settledFlag(stopping), 'reader stopped');
    await t?.stop();
    r = undefined;
    t = undefined;
  });

  async function setup(topology: { visibilityTimeout: number; maxReceiveCount?: number }): Promise<TestSqs> {
    t = await startTestSqs({ topology, clock });
    time = specTime(t, clock, () => (r?.calls.inFlight ?? 0) > 0);
    return t;
  }

  it('ends every message deleted or dead-lettered; those that failed maxReceiveCount times are in the DLQ with their bodies', async () => {
    // --retry-delay 0 brings failures straight back.
    const tt = await setup({ visibilityTimeout: 20, maxReceiveCount: 2 });
    const sent = bodies(24, 'dlq');
    await sendBodies(tt, sent);
    const random = mulberry32(7);
    const p = new RecordingProcessor(() => random() >= 0.4, 5, time.clock);
    r = await startReader(tt, p, { retryDelayMs: 0, waitSeconds: 0 }, { clock: time.clock });
    let dlqCount = 0;
    await time.until(async () => {
      dlqCount = (await queueCounts(tt, tt.dlqUrl)).visible;
      return r!.reader.counters().deleted + dlqCount >= sent.length;
    }, 'every message deleted or dead-lettered');

    const passed = sent.filter((b) => p.passes(b) === 1);
    const failedTwice = sent.filter((b) => (p.outcomes.get(b) ?? []).filter((o) => !o.pass).length === 2);
    for (const b of sent) assert.ok(p.passes(b) <= 1, `${b} deleted at most once`);
    assert.equal(passed.length + failedTwice.length, sent.length, 'each message passed once or failed maxReceiveCount times');
    assert.ok(failedTwice.length > 0, 'the seed makes some messages fail twice');
    assert.equal(r.reader.counters().deleted, passed.length);
    const inDlq = await drainBodies(tt, tt.dlqUrl, failedTwice.length, 0);
    assert.deepEqual(inDlq.sort(), failedTwice.sort());
    assert.deepEqual(await queueCounts(tt), { visible: 0, notVisible: 0 });
  });

  it('with --retry-delay 0 a failed message is received again at once instead of after the visibility timeout', async () => {
    const tt = await setup({ visibilityTimeout: 60 });
    const sent = bodies(5, 'again');
    await sendBodies(tt, sent);
    const p = new RecordingProcessor((m) => m.receiveCount > 1, 5, time.clock);
    const start = clock.now();
    r = await startReader(tt, p, { retryDelayMs: 0, waitSeconds: 0 }, { clock: time.clock });
    await time.until(() => r!.reader.counters().deleted >= sent.length, 'all deleted after one retry');
    for (const b of sent) assert.deepEqual(p.outcomes.get(b)?.map((o) => o.pass), [false, true]);
    assert.equal(r.reader.counters().failed, sent.length);
    if (time.virtual) assert.ok(clock.now() - start < 60_000, `back before the 60 s visibility timeout (${clock.now() - start} ms)`);
  });

  it('without --retry-delay a failed message comes back only after the visibility timeout', async () => {
    const tt = await setup({ visibilityTimeout: 5 });
    await sendBodies(tt, ['late']);
    const p = new RecordingProcessor((m) => m.receiveCount > 1, 5, time.clock);
    const start = clock.now();
    r = await startReader(tt, p, { waitSeconds: 0, pollers: 1 }, { clock: time.clock });
    await time.until(() => r!.reader.counters().deleted >= 1, 'deleted after the retry');
    assert.deepEqual(p.outcomes.get('late')?.map((o) => o.pass), [false, true]);
    if (time.virtual) assert.ok(clock.now() - start >= 5_000, `not before the visibility timeout (${clock.now() - start} ms)`);
  });

  it('extends the visibility of a task that outlasts the visibility timeout, so nobody receives it twice', async () => {
    const tt = await setup({ visibilityTimeout: 2 });
    const sent = bodies(3, 'slow');
    await sendBodies(tt, sent);
    // Three visibility timeouts long: without the heartbeat each would be delivered again, twice.
    const p = new RecordingProcessor(() => true, 6_000, time.clock);
    r = await startReader(tt, p, { concurrency: 10, waitSeconds: 0 }, { clock: time.clock });
    await time.until(() => r!.reader.counters().deleted >= sent.length, 'slow tasks deleted');
    for (const b of sent) assert.deepEqual(p.outcomes.get(b), [{ pass: true, receiveCount: 1 }]);
    assert.equal(r.reader.counters().received, sent.length, 'no second delivery while the task ran');
    assert.ok(r.calls.commands.includes('ChangeMessageVisibilityBatchCommand'));
    assert.deepEqual(await queueCounts(tt), { visible: 0, notVisible: 0 });
  });
});
