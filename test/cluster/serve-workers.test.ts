import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { spawnSqsdemo } from '../helpers/cli.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { parseEventLine } from '../../src/telemetry/events.js';
import { sumExpositions } from '../../src/cluster/metrics.js';
import { postBody, receiveAll } from '../writer/helpers.js';

describe('sqsdemo serve --workers 2', { timeout: 120_000 }, () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });

  it('serves one port from two processes, adds their counters up in /metrics and --json, and drains both on SIGTERM', async () => {
    const proc = spawnSqsdemo(['serve', '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--port', '0', '--json', '--workers', '2']);
    try {
      const [, url] = await proc.waitFor(/"type":"ready"[^\n]*"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 60_000);
      // Sequential keep-alive-free requests spread over both workers (the primary hands out connections in turn).
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push(await postBody(url!, `m${i}`));
      assert.deepEqual(answers.map((a) => a.status), Array(30).fill(201));
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /^sqsdemo_serve_enqueued_total 30$/m);
      assert.match(metrics, /^sqsdemo_serve_sqs_healthy 1$/m);
      const result = await proc.stop('SIGTERM');
      assert.equal(result.code, 0, result.stderr);
      const events = result.stdout.split('\n').map(parseEventLine).filter((e) => e !== undefined);
      assert.equal(events.filter((e) => e.type === 'ready').length, 1, 'one ready for the role');
      const stopped = events.filter((e) => e.type === 'stopped');
      assert.equal(stopped.length, 1, 'one stopped for the role');
      assert.equal((stopped[0] as { enqueued: number }).enqueued, 30);
      const ids = new Set(answers.map((a) => a.json.id as string));
      const received = await receiveAll(sqs.client, sqs.queueUrl, ids);
      assert.equal(received.size, 30, 'every 201 is in SQS');
    } finally {
      await proc.stop('SIGKILL');
    }
  });
});

describe('sumExpositions', () => {
  it('adds counters and histogram samples (each family kept together), takes the least of *_healthy and the largest of *_bytes gauges', () => {
    const hist = (n: number): string => `# TYPE h histogram\nh_bucket{le="1"} ${n}\nh_bucket{le="+Inf"} ${n}\nh_sum ${n}\nh_count ${n}\n`;
    assert.equal(sumExpositions([hist(1), hist(2)]), hist(3));
    const one = '# TYPE x_total counter\nx_total{status="201"} 3\n# TYPE x_in_flight gauge\nx_in_flight 2\n# TYPE x_healthy gauge\nx_healthy 1\n# TYPE x_max_bytes gauge\nx_max_bytes 1024\n';
    const two = '# TYPE x_total counter\nx_total{status="201"} 4\nx_total{status="400"} 1\n# TYPE x_in_flight gauge\nx_in_flight 1\n# TYPE x_healthy gauge\nx_healthy 0\n# TYPE x_max_bytes gauge\nx_max_bytes 2048\n';
    assert.equal(sumExpositions([one, two]),
      '# TYPE x_total counter\nx_total{status="201"} 7\nx_total{status="400"} 1\n# TYPE x_in_flight gauge\nx_in_flight 3\n# TYPE x_healthy gauge\nx_healthy 0\n# TYPE x_max_bytes gauge\nx_max_bytes 2048\n');
  });
});

describe('sqsdemo work --workers 2', { timeout: 120_000 }, () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });

  it('reads one queue from two processes and reports one role: every message deleted once, counted once', async () => {
    const total = 40;
    for (let i = 0; i < total; i += 10) {
      await sqs.client.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: `m${i + j}` })) }));
    }
    const proc = spawnSqsdemo(['work', '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--json', '--work-ms', '0', '--fail-rate', '0', '--workers', '2', '--wait-seconds', '1']);
    try {
      await proc.waitFor(new RegExp(`"type":"stats"[^\\n]*"deleted":${total}\\b`), 60_000);
      const result = await proc.stop('SIGTERM');
      assert.equal(result.code, 0, result.stderr);
      const events = result.stdout.split('\n').map(parseEventLine).filter((e) => e !== undefined);
      const ready = events.filter((e) => e.type === 'ready');
      assert.equal(ready.length, 1, 'one ready for the role');
      assert.equal((ready[0] as { workers?: number }).workers, 2);
      const stopped = events.filter((e) => e.type === 'stopped') as Array<{ processed: number; deleted?: number; workers?: number }>;
      assert.equal(stopped.length, 1, 'one stopped for the role');
      assert.equal(stopped[0]!.processed, total);
      assert.equal(stopped[0]!.workers, 2);
      const left = await sqs.client.send(new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
      assert.equal(Number(left.Attributes?.ApproximateNumberOfMessages) + Number(left.Attributes?.ApproximateNumberOfMessagesNotVisible), 0);
    } finally {
      await proc.stop('SIGKILL');
    }
  });
});
