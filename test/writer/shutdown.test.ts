import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { postBody, receiveAll, startWriter, until } from './helpers.js';

describe('sqsdemo serve: graceful shutdown', () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });

  it('answers every request in flight and loses no 201 message when it stops under load', async () => {
    const n = 120;
    // A long fixed linger and held SQS calls: when the stop begins, requests wait in open and in-flight batches.
    const w = await startWriter(sqs.config, sqs.queueUrl, { lingerMs: 10_000, batching: 'fixed', maxInflightBatches: 4 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    w.holdSends(() => gate);
    const answers = Promise.all(Array.from({ length: n }, (_, i) => postBody(w.url, `shutdown ${i}`)));
    await until(() => w.writer.batcher.outstanding === n, 'every request to reach the batcher');
    assert.ok(w.writer.batcher.inflight > 0);

    const closing = w.writer.close(10_000);
    // A new connection is refused once the stop has begun.
    await assert.rejects(fetch(`${w.url}/healthz`));
    release();
    const report = await closing;
    const done = await answers;

    assert.equal(report.clean, true);
    assert.deepEqual(done.map((a) => a.status), Array(n).fill(201), 'every request was answered 201');
    const ids = new Set(done.map((a) => a.json.id as string));
    const received = await receiveAll(sqs.client, sqs.queueUrl, ids);
    assert.equal([...ids].filter((id) => received.has(id)).length, n, 'every 201 message is in the queue');
    await w.stop();
  });

  it('answers 503 (never a false 201) for what SQS has not accepted when the drain timeout passes', async () => {
    const w = await startWriter(sqs.config, sqs.queueUrl, { lingerMs: 10_000, batching: 'fixed', maxInflightBatches: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    w.holdSends(() => gate);
    const answers = Promise.all(Array.from({ length: 15 }, (_, i) => postBody(w.url, `timeout ${i}`)));
    await until(() => w.writer.batcher.outstanding === 15, 'every request to reach the batcher');
    const closing = w.writer.close(50);
    // Past the timeout the batcher gives up on the open batch; then let the held call go on.
    await until(() => w.writer.batcher.outstanding < 15, 'the drain timeout');
    release();
    const report = await closing;
    const done = await answers;
    assert.equal(report.clean, false);
    for (const a of done) assert.ok(a.status === 201 || a.status === 503, `status ${a.status}`);
    assert.ok(done.some((a) => a.status === 503));
    const ids = new Set(done.filter((a) => a.status === 201).map((a) => a.json.id as string));
    const received = await receiveAll(sqs.client, sqs.queueUrl, ids);
    assert.equal([...ids].filter((id) => received.has(id)).length, ids.size, 'every 201 message is in the queue');
    await w.stop();
  });
});
