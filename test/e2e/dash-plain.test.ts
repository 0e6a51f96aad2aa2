import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DeleteQueueCommand, GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';
import { externalEndpoint, startTestSqs } from '../helpers/sqs.js';
import { dashRun, parseBalance } from './dash-helpers.js';

describe('sqsdemo dash without a terminal', () => {
  it('runs the pipeline for --duration with failures and retries, drains, and the balance holds exactly', async () => {
    // 30% of tasks fail; a failed message comes back at once and is dead-lettered at its 2nd receive.
    const run = dashRun(['--duration', '4s', '--rate', '100', '--work-ms', '20', '--fail-rate', '0.3', '--seed', '7', '--retry-delay', '0s', '--max-receive-count', '2', '--summary-every', '1s']);
    try {
      const r = await runSqsdemo(run.args, { timeoutMs: 90_000 });
      assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.match(r.stdout, /^dash \d+\.\ds \| load /m, 'periodic summary lines');
      const b = parseBalance(r.stdout);
      assert.ok(b, `no balance line in:\n${r.stdout}`);
      assert.ok(b.holds, r.stdout);
      assert.ok(b.accepted > 0, 'something was accepted');
      assert.equal(b.accepted, b.processed + b.deadLettered + b.queued + b.inFlight);
      // Cross-check with another witness: the 201s the load client itself counted (not serve's number).
      // A request the load client stopped waiting for (a slow engine such as moto under load) may still
      // have been accepted: serve's count lies between load's 201s and those plus its unanswered requests.
      const line = /^load: sent (\d+) \{([^}]*)\}/m.exec(r.stdout);
      assert.ok(line, `no load line in:\n${r.stdout}`);
      const load201 = Number(/\b201: (\d+)/.exec(line[2]!)?.[1]);
      const unanswered = Number(line[1]) - [...line[2]!.matchAll(/: (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      assert.ok(unanswered >= 0, line[0]);
      if (unanswered === 0) assert.equal(b.accepted, load201, `serve's accepted vs the load client's 201s:\n${r.stdout}`);
      else assert.ok(b.accepted >= load201 && b.accepted <= load201 + unanswered, `serve's accepted vs the load client's 201s (+${unanswered} unanswered):\n${r.stdout}`);
      const failed = Number(/work: processed \d+, failed (\d+)/.exec(r.stdout)?.[1]);
      assert.ok(failed > 0, `the fail rate showed: ${r.stdout}`);
      assert.doesNotMatch(r.stdout, /crashed/);
    } finally {
      await run.cleanup();
    }
  });

  // Local endpoint only: moto numbers FIFO messages at random (AWS's SequenceNumbers increase within a group), so work would count violations there.
  it('runs the whole pipeline on FIFO queues with --fifo: failures retried in group order, order violations 0, the balance holds', { skip: externalEndpoint() ? 'SQSDEMO_TEST_ENDPOINT: its SequenceNumbers may not increase (moto)' : false }, async () => {
    const run = dashRun(['--fifo', '--duration', '4s', '--rate', '100', '--work-ms', '5', '--fail-rate', '0.2', '--seed', '3', '--retry-delay', '0s', '--max-receive-count', '3', '--groups', '8', '--summary-every', '1s']);
    try {
      const r = await runSqsdemo(run.args, { timeoutMs: 90_000 });
      assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.match(r.stdout, /\| FIFO order violations 0/, 'the periodic line says FIFO');
      assert.match(r.stdout, /^FIFO: order violations 0$/m);
      const b = parseBalance(r.stdout);
      assert.ok(b?.holds, r.stdout);
      assert.ok(b.accepted > 0, 'something was accepted');
      const failed = Number(/work: processed \d+, failed (\d+)/.exec(r.stdout)?.[1]);
      assert.ok(failed > 0, `the fail rate showed: ${r.stdout}`);
    } finally {
      await run.cleanup();
    }
  });

  it('exits 1 and says so when the balance does not hold (messages appeared that the writer never accepted)', async () => {
    const t = await startTestSqs();
    const queue = `e2e_${randomBytes(4).toString('hex')}`;
    const dash = spawnSqsdemo(['dash', '--endpoint', t.endpoint, '--queue', queue, '--duration', '3s', '--rate', '50', '--work-ms', '0', '--fail-rate', '0'], { timeoutMs: 90_000 });
    try {
      await dash.waitFor(/pipeline running/, 60_000);
      // Five messages behind the writer's back, after dash took its baseline of the queue.
      const url = (await t.client.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl!;
      await t.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [0, 1, 2, 3, 4].map((i) => ({ Id: String(i), MessageBody: `stowaway ${i}` })) }));
      const r = await dash.exited;
      assert.equal(r.code, 1, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.match(r.stderr, /^sqsdemo dash: the balance does not hold: 5 more messages than accepted/m);
      assert.match(r.stdout, /^balance: accepted \d+ ≠ processed \d+ .*MISMATCH 5 extra$/m);
      assert.doesNotMatch(r.stdout, /OK holds/);
    } finally {
      await dash.stop('SIGKILL');
      for (const name of [queue, `${queue}_dlq`]) {
        const url = await t.client.send(new GetQueueUrlCommand({ QueueName: name })).then((o) => o.QueueUrl, () => undefined);
        if (url) await t.client.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
      }
      await t.stop();
    }
  });

  it('exits 3 with a hint when the SQS endpoint does not answer', async () => {
    const r = await runSqsdemo(['dash', '--endpoint', 'http://127.0.0.1:1', '--queue', 'e2e_nowhere', '--duration', '1s'], { timeoutMs: 60_000 });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /sqsdemo dash: .*127\.0\.0\.1:1/);
  });

  it('refuses a bad flag with exit 2', async () => {
    const r = await runSqsdemo(['dash', '--fail-rate', '2']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--fail-rate/);
  });
});
