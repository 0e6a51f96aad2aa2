import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runSqsdemo, spawnSqsdemo, type SqsdemoProcess } from '../helpers/cli.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { parseEventLine } from '../../src/telemetry/events.js';
import type { LoadSummaryEvent } from '../../src/telemetry/load-events.js';

describe('sqsdemo load against the real sqsdemo serve and SQS', () => {
  let t: TestSqs;
  let serve: SqsdemoProcess;
  let url: string;
  before(async () => {
    t = await startTestSqs();
    serve = spawnSqsdemo(['serve', '--endpoint', t.endpoint, '--queue', t.config.queueName, '--dlq', t.config.dlqName, '--port', '0', '--no-access-log']);
    url = `${(await serve.waitFor(/listening on (http:\/\/[^\s]+)/))[1]!}/api/message`;
  });
  after(async () => {
    await serve?.stop('SIGTERM');
    await t?.stop();
  });

  it('gets exactly one 201 per good request and a 400 per malformed one of every kind, and --verify finds every accepted id in the queue', async () => {
    const run = await runSqsdemo([
      'load', '--url', url, '--requests', '96', '--concurrency', '8',
      '--malformed-per-batch', '4', '--malformed-kinds', 'empty,json,missing,type',
      '--verify', '--endpoint', t.endpoint, '--queue', t.config.queueName, '--dlq', t.config.dlqName, '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const summary = run.stdout.split('\n').map(parseEventLine).find((e) => e?.type === 'summary') as LoadSummaryEvent;
    assert.deepEqual(summary.counts, { '201': 80, '400': 16 });
    assert.equal(summary.ok, true);
    assert.deepEqual(summary.verify, { accepted: 80, received: 80, missing: 0, found: { queue: 80, dlq: 0, dataLog: 0 }, missingSample: [] });
  });
});
