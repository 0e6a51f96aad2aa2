import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { RecordingProcessor, bodies, queueCounts, sendBodies, startReader, until, type RunningReader, stopInOrder } from './harness.js';
import { createDataLog, DataLogError } from '../../src/reader/data-log.js';
import { SQS_CLIENT_KINDS } from '../../src/config.js';

// The main spec runs on both SQS client paths (src/sqs/lean and the plain SDK).
for (const sqsClient of SQS_CLIENT_KINDS) describe(`sqsdemo work: processing (--sqs-client ${sqsClient})`, () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  afterEach(async () => {
    await stopInOrder(r, t);
    r = t = undefined;
  });

  it('processes and deletes exactly the N messages sent when no task fails, leaving the queue empty', async () => {
    t = await startTestSqs();
    const sent = bodies(60);
    await sendBodies(t, sent);
    const p = new RecordingProcessor();
    r = await startReader(t, p, {}, { sqs: { ...t.config, sqsClient } });
    await until(() => r!.reader.counters().deleted >= sent.length, 'all deletes confirmed');
    const stopped = await r.reader.stop();
    for (const b of sent) assert.equal(p.passes(b), 1, `${b} processed once`);
    assert.equal(p.outcomes.size, sent.length);
    assert.equal(stopped.processed, sent.length);
    assert.equal(stopped.deleted, sent.length);
    assert.equal(stopped.failed, 0);
    assert.deepEqual(await queueCounts(t), { visible: 0, notVisible: 0 });
  });

  it('never runs more tasks at once than --concurrency', async () => {
    t = await startTestSqs();
    await sendBodies(t, bodies(40));
    const p = new RecordingProcessor(() => true, 15);
    r = await startReader(t, p, { concurrency: 3, prefetch: 10, pollers: 3 }, { sqs: { ...t.config, sqsClient } });
    await until(() => r!.reader.counters().deleted >= 40, 'all deleted');
    assert.ok(p.maxRunning <= 3, `at most 3 at once, saw ${p.maxRunning}`);
    assert.ok(p.maxRunning >= 1);
    assert.equal(r.reader.counters().maxRunning, p.maxRunning);
  });

  it('deletes in DeleteMessageBatch calls of at most 10, never one DeleteMessage per message', async () => {
    t = await startTestSqs();
    await sendBodies(t, bodies(50));
    r = await startReader(t, new RecordingProcessor(), { concurrency: 50 }, { sqs: { ...t.config, sqsClient } });
    await until(() => r!.reader.counters().deleted >= 50, 'all deleted');
    const { commands, deleteBatchSizes } = r.calls;
    assert.equal(commands.filter((c) => c === 'DeleteMessageCommand').length, 0);
    const deletes = deleteBatchSizes.reduce((a, b) => a + b, 0);
    // SQS delivers at least once: another engine (moto, in CI) may hand a message out twice, and each copy is deleted.
    if (t.local) assert.equal(deletes, 50);
    else assert.ok(deletes >= 50, `${deletes} deletes for 50 messages`);
    assert.ok(deleteBatchSizes.every((n) => n >= 1 && n <= 10), `batch sizes ${deleteBatchSizes.join(',')}`);
    assert.ok(deleteBatchSizes.length < 50, `batched: ${deleteBatchSizes.length} calls for 50 deletes`);
  });

  it('reports receives, stats and the stop as events', async () => {
    t = await startTestSqs();
    await sendBodies(t, bodies(12));
    r = await startReader(t, new RecordingProcessor(), {}, { sqs: { ...t.config, sqsClient } });
    await until(() => r!.reader.counters().deleted >= 12, 'all deleted');
    await r.reader.stop();
    const types = r.events.map((e) => e.type);
    assert.equal(types[0], 'ready');
    const receives = r.events.filter((e) => e.type === 'receive');
    assert.equal(receives.reduce((n, e) => n + e.count, 0), 12);
    const stats = r.events.filter((e) => e.type === 'stats').at(-1);
    assert.ok(stats && stats.type === 'stats');
    assert.equal(stats.received, 12);
    assert.equal(stats.processed, 12);
    assert.deepEqual(stats.receiveCounts, { '1': 12 });
    assert.equal(stats.inFlight, 0);
    assert.ok(stats.sqsCalls >= 3);
    assert.deepEqual(types.slice(-3), ['stopping', 'stats', 'stopped']);
  });
});

describe('sqsdemo work: the data log comes first', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  afterEach(async () => {
    await stopInOrder(r, t);
    r = t = undefined;
  });

  it('stops with a DataLogError instead of deleting messages whose lines cannot be written', async () => {
    t = await startTestSqs({ topology: { visibilityTimeout: 60 } });
    await sendBodies(t, bodies(3, 'full'));
    const dataLog = createDataLog(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }, { path: 'full.csv' });
    r = await startReader(t, new RecordingProcessor(), {}, { dataLog });
    await assert.rejects(r.reader.finished, (err: unknown) => err instanceof DataLogError && /full\.csv.*ENOSPC/.test(err.message));
    assert.equal(r.calls.commands.filter((c) => c === 'DeleteMessageBatchCommand').length, 0, 'no delete was sent');
    const counts = await queueCounts(t);
    assert.equal(counts.visible + counts.notVisible, 3, 'every message is still in the queue');
  });
});
