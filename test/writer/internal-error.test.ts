/**
 * A bug in a route (a handler that throws) is answered 500 in the contract's
 * shape, and the writer says what threw instead of swallowing it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createWriterApp } from '../../src/writer/app.js';
import { systemClock } from '../../src/util/clock.js';
import type { SendBatcher } from '../../src/writer/batcher.js';
import { WriterMetrics } from '../../src/writer/metrics.js';
import { QueueState } from '../../src/writer/queue-state.js';

describe('sqsdemo serve: a route that throws', { timeout: 30_000 }, () => {
  it('answers 500 "Failed to enqueue message" and reports the error', async () => {
    const reported: unknown[] = [];
    const app = createWriterApp({
      validate: () => {
        throw new TypeError('validator exploded');
      },
      // Never reached: the request fails before it is enqueued, and no probe runs.
      batcher: {} as SendBatcher,
      state: new QueueState({ client: {} as SQSClient, queueName: 'q' }),
      metrics: new WriterMetrics(),
      clock: systemClock,
      requestTimeoutMs: 1_000,
      maxRequestBytes: 1024,
      onInternalError: (err) => reported.push(err),
    });
    const server = createServer(app.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/message`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"body":"x"}',
      });
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { status: 'Error', message: 'Failed to enqueue message', code: 'enqueue_failed' });
      assert.equal(reported.length, 1);
      assert.match(String((reported[0] as Error).message), /validator exploded/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
