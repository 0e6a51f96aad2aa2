/**
 * `auto` falls back to receive/send/delete when the engine has no move tasks. The
 * engine here is the local endpoint behind a proxy that answers StartMessageMoveTask
 * as moto 5 does (an HTML 500 page); with SQSDEMO_TEST_ENDPOINT set, the same test
 * also runs against that engine as it is.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveSqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { isUnsupportedAction } from '../../src/sqs/errors.js';
import { redrive, type RedriveEvent } from '../../src/sqs/redrive.js';
import { systemClock } from '../../src/util/clock.js';
import { externalEndpoint, startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { deadLetter, depth, drain } from './dead-letter.js';

/** Forward everything to `target` but StartMessageMoveTask, which gets moto's HTML 500. */
async function withoutMoveTasks(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (String(req.headers['x-amz-target'] ?? '').endsWith('.StartMessageMoveTask')) {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/html' }).end('<!doctype html><title>500 Internal Server Error</title>');
      return;
    }
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('redrive without move tasks', { timeout: 60_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  const engines = [{ name: 'a proxy answering HTML 500', external: false }];
  if (externalEndpoint() !== undefined) engines.push({ name: `SQSDEMO_TEST_ENDPOINT (${externalEndpoint()})`, external: true });

  for (const engine of engines) {
    it(`falls back to receive/send/delete and moves everything (${engine.name})`, async () => {
      const sqs: TestSqs = await startTestSqs({ forceLocal: !engine.external, topology: { maxReceiveCount: 1 } });
      cleanups.push(() => sqs.stop());
      let config = sqs.config;
      if (!engine.external) {
        const proxy = await withoutMoveTasks(sqs.endpoint);
        cleanups.push(
          () =>
            new Promise((resolve) => {
              proxy.server.close(() => resolve());
              proxy.server.closeAllConnections();
            }),
        );
        config = resolveSqsConfig({ endpoint: proxy.url, queue: sqs.config.queueName, dlq: sqs.config.dlqName }, {});
      }
      await deadLetter(sqs, ['a', 'b', 'c', 'd']);
      const client = createSqsClient(config, { maxAttempts: 1 });
      cleanups.unshift(async () => client.destroy());
      const events: RedriveEvent[] = [];
      const result = await redrive({ config }, { client, clock: systemClock, signal: new AbortController().signal, onEvent: (e) => events.push(e) });
      if (!engine.external) assert.equal(events[0]?.type, 'fallback');
      assert.equal(result.moved, 4);
      assert.equal(await depth(sqs.client, sqs.dlqUrl), 0);
      assert.deepEqual((await drain(sqs.client, sqs.queueUrl, 4)).map((m) => m.body).sort(), ['a', 'b', 'c', 'd']);
    });
  }

  it('tells an engine without the action from SQS refusing the call', () => {
    const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });
    assert.equal(isUnsupportedAction(Object.assign(new SyntaxError('Unexpected token'), meta(500))), true);
    assert.equal(isUnsupportedAction({ name: 'InvalidAction', ...meta(400) }), true);
    assert.equal(isUnsupportedAction({ name: 'UnknownOperationException', ...meta(400) }), true);
    assert.equal(isUnsupportedAction({ name: 'UnsupportedOperation', ...meta(400) }), false);
    assert.equal(isUnsupportedAction({ name: 'InternalError', $fault: 'server', ...meta(500) }), false);
    assert.equal(isUnsupportedAction({ name: 'Error', code: 'ECONNREFUSED' }), false);
  });
});
