import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSqsConfig } from '../../src/config.js';
import { INVALID_CHARACTERS_MESSAGE } from '../../src/writer/message-checks.js';
import { startFakeSqs, type FakeSqs } from './fake-sqs.js';
import { postBody, startWriter, until, type RunningWriter } from './helpers.js';

// A scripted endpoint: no real engine fails single entries of a batch on demand.
describe('sqsdemo serve: partial batch failures through the SDK', () => {
  let fake: FakeSqs;
  let w: RunningWriter;

  // Each spec gets its own writer: the first must never meet its deadline (its retry waits for
  // the event loop of a busy machine), the second must pass its deadline while SQS throttles.
  async function writerWithDeadline(requestTimeoutMs: number): Promise<RunningWriter> {
    const config = resolveSqsConfig({ endpoint: fake.url, queue: 'fake' }, {});
    w = await startWriter(config, undefined, { maxInflightBatches: 1, requestTimeoutMs });
    return w;
  }

  before(async () => {
    fake = await startFakeSqs();
  });
  afterEach(async () => {
    await w?.stop();
  });
  after(async () => {
    await fake?.stop();
  });

  it('maps each Failed[] entry of a batch to its own request', async () => {
    await writerWithDeadline(60_000);
    // Hold the first batch so the next ten requests share one SendMessageBatch.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    w.holdSends(async () => {
      if (held) return;
      held = true;
      await gate;
    });
    const opener = postBody(w.url, 'opener');
    await until(() => w.writer.batcher.inflight === 1, 'the first batch to be in flight');
    const bodies = ['ok 1', 'sender-fault: bad', 'ok 2', 'server-fault: once', 'ok 3', 'sender-fault: also bad', 'ok 4', 'ok 5', 'ok 6', 'ok 7'];
    const answers = Promise.all(bodies.map((b) => postBody(w.url, b)));
    await until(() => w.writer.batcher.outstanding === bodies.length + 1, 'all requests to reach the batcher');
    release();
    w.holdSends(undefined);
    assert.equal((await opener).status, 201);
    const done = await answers;
    assert.equal(fake.batches[1], 10, 'the ten requests went out as one batch');
    done.forEach((answer, i) => {
      const body = bodies[i]!;
      if (body.startsWith('sender-fault:')) {
        assert.equal(answer.status, 400, body);
        assert.deepEqual(answer.json, { status: 'Error', message: INVALID_CHARACTERS_MESSAGE, code: 'sqs_rejected', sqsCode: 'InvalidMessageContents' });
      } else {
        assert.equal(answer.status, 201, body);
        assert.equal(fake.accepted.get(answer.json.id as string), body, 'the id answered is the id SQS gave this body');
      }
    });
    assert.equal(w.writer.metrics.retries, 1, 'only the server-side failure was sent again');
  });

  it('answers 503 with Retry-After "Failed to enqueue message" when SQS throttles past the deadline', async () => {
    await writerWithDeadline(1_500);
    fake.throttle = true;
    try {
      const answer = await postBody(w.url, 'throttled');
      assert.equal(answer.status, 503);
      assert.equal(answer.headers.get('retry-after'), '1');
      assert.deepEqual(answer.json, { status: 'Error', message: 'Failed to enqueue message', code: 'sqs_unavailable' });
    } finally {
      fake.throttle = false;
    }
    assert.equal((await postBody(w.url, 'after throttling')).status, 201);
  });
});
