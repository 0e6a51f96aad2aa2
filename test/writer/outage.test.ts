import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSqsConfig } from '../../src/config.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { postBody, receiveAll, startWriter, until, type RunningWriter } from './helpers.js';
import { startToggleProxy, type ToggleProxy } from './toggle-proxy.js';

describe('sqsdemo serve: SQS unreachable', () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });

  async function healthStatus(w: RunningWriter): Promise<number> {
    return (await fetch(`${w.url}/healthz`)).status;
  }

  it('answers 503 with Retry-After while SQS is down, then recovers by itself', async () => {
    const proxy = await startToggleProxy(sqs.endpoint);
    const config = resolveSqsConfig({ endpoint: proxy.url, queue: sqs.config.queueName }, {});
    const w = await startWriter(config, undefined, { unhealthyIntervalMs: 20 });
    try {
      assert.equal((await postBody(w.url, 'before the outage')).status, 201);

      await proxy.down();
      const during = await postBody(w.url, 'during the outage');
      assert.equal(during.status, 503);
      assert.equal(during.headers.get('retry-after'), '1');
      assert.deepEqual(during.json, { status: 'Error', message: 'Failed to enqueue message', code: 'sqs_unavailable' });
      assert.equal(await healthStatus(w), 503);
      assert.equal((await postBody(w.url, 'still down')).status, 503);

      await proxy.up();
      await until(() => w.writer.state.healthy, 'the health probe to see SQS again');
      assert.equal(await healthStatus(w), 200);
      const after = await postBody(w.url, 'after the outage');
      assert.equal(after.status, 201);
      const received = await receiveAll(sqs.client, sqs.queueUrl, new Set([after.json.id as string]));
      assert.equal(received.get(after.json.id as string), 'after the outage');
    } finally {
      await w.stop();
      await proxy.stop();
    }
  });

  it('starts while SQS is down (healthz 503, requests 503) and recovers when it comes up', async () => {
    const proxy: ToggleProxy = await startToggleProxy(sqs.endpoint, { startDown: true });
    const config = resolveSqsConfig({ endpoint: proxy.url, queue: sqs.config.queueName }, {});
    const w = await startWriter(config, undefined, { unhealthyIntervalMs: 20 });
    try {
      assert.equal(w.writer.state.healthy, false);
      assert.equal(await healthStatus(w), 503);
      const body = await (await fetch(`${w.url}/healthz`)).json() as { status: string; sqs: string };
      assert.equal(body.status, 'unavailable');
      assert.match(body.sqs, /cannot reach SQS/);
      assert.equal((await postBody(w.url, 'too early')).status, 503);

      await proxy.up();
      await until(() => w.writer.state.healthy, 'the health probe to find the queue');
      const ok = await postBody(w.url, 'once SQS is up');
      assert.equal(ok.status, 201);
      assert.equal(w.writer.state.maxMessageBytes, 2048, "the queue's MaximumMessageSize was read when SQS came up");
    } finally {
      await w.stop();
      await proxy.stop();
    }
  });
});
