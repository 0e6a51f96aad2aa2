import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand, GetQueueUrlCommand, DeleteQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { runSqsdemo } from '../helpers/cli.js';
import { externalEndpoint, startLocalSqs, type LocalSqs } from '../helpers/sqs.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { resolveSqsConfig } from '../../src/config.js';
import { DEFAULT_TOPOLOGY, ensureTopology } from '../../src/sqs/topology.js';

describe('sqsdemo setup', () => {
  let local: LocalSqs | undefined;
  let endpoint: string;
  let client: SQSClient;
  const created: string[] = [];

  before(async () => {
    local = externalEndpoint() ? undefined : await startLocalSqs();
    endpoint = externalEndpoint() ?? local!.url;
    client = createSqsClient(resolveSqsConfig({ endpoint }, {}));
  });
  after(async () => {
    await Promise.allSettled(created.map((name) => queueUrl(name).then((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl })))));
    client.destroy();
    await local?.stop();
  });

  function names(): { queue: string; dlq: string } {
    const queue = `setup_${randomBytes(4).toString('hex')}`;
    created.push(queue, `${queue}_dlq`);
    return { queue, dlq: `${queue}_dlq` };
  }
  async function queueUrl(name: string): Promise<string> {
    return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  }
  async function attributes(name: string): Promise<Record<string, string>> {
    const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: await queueUrl(name), AttributeNames: ['All'] }));
    return out.Attributes ?? {};
  }

  it("creates the dead-letter queue and the main queue with the original's attributes", async () => {
    const { queue, dlq } = names();
    const run = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', queue]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${dlq}\\s+created`));
    assert.match(run.stdout, new RegExp(`${queue}\\s+created`));
    const main = await attributes(queue);
    assert.equal(main.VisibilityTimeout, '5');
    assert.equal(main.MaximumMessageSize, '2048');
    assert.equal(main.MessageRetentionPeriod, '900');
    const redrive = JSON.parse(main.RedrivePolicy!) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    assert.equal(Number(redrive.maxReceiveCount), 5);
    assert.equal(redrive.deadLetterTargetArn, (await attributes(dlq)).QueueArn);
  });

  it('changes nothing on a second run and says so', async () => {
    const { queue } = names();
    assert.equal((await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', queue])).code, 0);
    const second = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', queue]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Nothing to change/);
    assert.doesNotMatch(second.stdout, /created|updated/);
  });

  it('reports differing attributes with exit 1 and changes them only with --apply', async () => {
    const { queue } = names();
    assert.equal((await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', queue])).code, 0);

    const differs = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', queue, '--visibility-timeout', '9', '--max-receive-count', '3']);
    assert.equal(differs.code, 1);
    assert.match(differs.stdout, /VisibilityTimeout: is 5, wanted 9/);
    assert.match(differs.stdout, /RedrivePolicy/);
    assert.match(differs.stderr, /--apply/);
    assert.equal((await attributes(queue)).VisibilityTimeout, '5');

    const applied = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', queue, '--visibility-timeout', '9', '--max-receive-count', '3', '--apply']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, new RegExp(`${queue}\\s+updated`));
    const main = await attributes(queue);
    assert.equal(main.VisibilityTimeout, '9');
    assert.equal(Number((JSON.parse(main.RedrivePolicy!) as { maxReceiveCount: number }).maxReceiveCount), 3);
  });

  it('prints a JSON report with --json', async () => {
    const { queue } = names();
    const run = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', queue, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { role: string; type: string; main: { action: string; url: string }; dlq: { action: string } };
    assert.equal(report.role, 'setup');
    assert.equal(report.main.action, 'created');
    assert.equal(report.dlq.action, 'created');
    assert.equal(report.main.url, await queueUrl(queue));
  });

  it('creates a FIFO main queue and a FIFO dead-letter queue with --fifo, and finds nothing to change on a second run', async () => {
    const base = `setupf_${randomBytes(4).toString('hex')}`;
    created.push(`${base}.fifo`, `${base}_dlq.fifo`);
    const run = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', base, '--fifo']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${base}_dlq\\.fifo\\s+created`));
    assert.match(run.stdout, new RegExp(`${base}\\.fifo\\s+created`));
    const main = await attributes(`${base}.fifo`);
    const dlq = await attributes(`${base}_dlq.fifo`);
    assert.equal(main.FifoQueue, 'true');
    assert.equal(dlq.FifoQueue, 'true');
    assert.equal((JSON.parse(main.RedrivePolicy!) as { deadLetterTargetArn: string }).deadLetterTargetArn, dlq.QueueArn);
    // A .fifo --queue name alone means FIFO too; the second run changes nothing.
    const again = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', `${base}.fifo`]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to change/);
    // --apply on a FIFO queue leaves FifoQueue alone (it can only be set at creation).
    const applied = await runSqsdemo(['setup', '--endpoint', endpoint, '--queue', `${base}.fifo`, '--visibility-timeout', '7', '--apply']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await attributes(`${base}.fifo`)).VisibilityTimeout, '7');
  });

  it('is safe when several processes run it at once', async () => {
    const { queue } = names();
    const spec = { ...DEFAULT_TOPOLOGY, queueName: queue, dlqName: `${queue}_dlq` };
    const reports = await Promise.all([1, 2, 3, 4].map(() => ensureTopology(client, spec, { apply: false })));
    const urls = new Set(reports.map((r) => r.main.url));
    assert.equal(urls.size, 1);
    for (const r of reports) assert.notEqual(r.main.action, 'differs');
  });
});

describe('sqsdemo setup errors', () => {
  it('names the endpoint and the way out when SQS is unreachable (exit 3, no stack trace)', async () => {
    const run = await runSqsdemo(['setup', '--endpoint', 'http://127.0.0.1:9']);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /cannot reach SQS at http:\/\/127\.0\.0\.1:9/);
    assert.match(run.stderr, /sqsdemo sqs/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('prints the stack trace with --debug', async () => {
    const run = await runSqsdemo(['--debug', 'setup', '--endpoint', 'http://127.0.0.1:9']);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /\n\s+at /);
  });

  it('rejects an out-of-range value with exit 2 and the allowed range', async () => {
    const run = await runSqsdemo(['setup', '--max-receive-count', '0']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--max-receive-count/);
    assert.match(run.stderr, /from 1 to 1000/);
  });

  it('refuses a FIFO main queue with a standard dead-letter queue (exit 2)', async () => {
    const run = await runSqsdemo(['setup', '--fifo', '--dlq', 'plain_dlq']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /must both be FIFO/);
  });

  it('rejects --aws together with --endpoint (exit 2)', async () => {
    const run = await runSqsdemo(['setup', '--aws', '--endpoint', 'http://127.0.0.1:9324']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--aws and --endpoint cannot be used together/);
  });
});
