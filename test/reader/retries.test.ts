import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { mulberry32 } from '../../src/reader/random.js';
import { RecordingProcessor, bodies, drainBodies, queueCounts, sendBodies, startReader, until, type RunningReader } from './harness.js';

describe('sqsdemo work: failures, retries and the dead-letter queue', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  afterEach(async () => {
    await r?.stop();
    await t?.stop();
    r = undefined;
    t = undefined;
  });

  it('ends every message deleted or dead-lettered; those that failed maxReceiveCount times are in the DLQ with their bodies', async () => {
    // --retry-delay 0 brings failures straight back, so the visibility timeout can be long enough
    // that a loaded test machine never lets a message expire while its task runs.
    t = await startTestSqs({ topology: { visibilityTimeout: 20, maxReceiveCount: 2 } });
    const sent = bodies(24, 'dlq');
    await sendBodies(t, sent);
    const random = mulberry32(7);
    const p = new RecordingProcessor(() => random() >= 0.4);
    r = await startReader(t, p, { retryDelayMs: 0 });
    const tt = t;
    let dlqCount = 0;
    await until(async () => {
      dlqCount = (await queueCounts(tt, tt.dlqUrl)).visible;
      return r!.reader.counters().deleted + dlqCount >= sent.length;
    }, 'every message deleted or dead-lettered', 20_000);
    await r.reader.stop();

    const passed = sent.filter((b) => p.passes(b) === 1);
    const failedTwice = sent.filter((b) => (p.outcomes.get(b) ?? []).filter((o) => !o.pass).length === 2);
    for (const b of sent) assert.ok(p.passes(b) <= 1, `${b} deleted at most once`);
    assert.equal(passed.length + failedTwice.length, sent.length, 'each message passed once or failed maxReceiveCount times');
    assert.ok(failedTwice.length > 0, 'the seed makes some messages fail twice');
    assert.equal(r.reader.counters().deleted, passed.length);
    const inDlq = await drainBodies(t, t.dlqUrl, failedTwice.length);
    assert.deepEqual(inDlq.sort(), failedTwice.sort());
    assert.deepEqual(await queueCounts(t), { visible: 0, notVisible: 0 });
  });

  it('with --retry-delay 0 a failed message is received again at once instead of after the visibility timeout', async () => {
    // Visibility 60 s: without the retry delay the second delivery would come long after this test's timeout.
    t = await startTestSqs({ topology: { visibilityTimeout: 60 } });
    const sent = bodies(5, 'again');
    await sendBodies(t, sent);
    const p = new RecordingProcessor((m) => m.receiveCount > 1);
    r = await startReader(t, p, { retryDelayMs: 0 });
    await until(() => r!.reader.counters().deleted >= sent.length, 'all deleted after one retry');
    for (const b of sent) assert.deepEqual(p.outcomes.get(b)?.map((o) => o.pass), [false, true]);
    assert.equal(r.reader.counters().failed, sent.length);
  });

  it('extends the visibility of a task that outlasts the visibility timeout, so nobody receives it twice', async () => {
    t = await startTestSqs({ topology: { visibilityTimeout: 2 } });
    const sent = bodies(3, 'slow');
    await sendBodies(t, sent);
    const p = new RecordingProcessor(() => true, 3_200);
    r = await startReader(t, p, { concurrency: 10 });
    await until(() => r!.reader.counters().deleted >= sent.length, 'slow tasks deleted');
    for (const b of sent) assert.deepEqual(p.outcomes.get(b), [{ pass: true, receiveCount: 1 }]);
    assert.equal(r.reader.counters().received, sent.length, 'no second delivery while the task ran');
    assert.ok(r.calls.commands.includes('ChangeMessageVisibilityBatchCommand'));
    assert.deepEqual(await queueCounts(t), { visible: 0, notVisible: 0 });
  });
});
