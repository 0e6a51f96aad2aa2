/**
 * `sqsdemo redrive` spec: dead-lettered messages go back to the main queue, by a
 * move task or by receive/send/delete, FIFO groups in order; the executable's exit
 * codes. On the local endpoint (it has move tasks; the fallback is forced).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redrive, type RedriveEvent } from '../../src/sqs/redrive.js';
import { systemClock } from '../../src/util/clock.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';
import { deadLetter, depth, drain } from './dead-letter.js';

const bodies = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('redrive', { timeout: 60_000 }, () => {
  const stops: TestSqs[] = [];
  const start = async (fifo = false): Promise<TestSqs> => {
    const sqs = await startTestSqs({ forceLocal: true, fifo, topology: { maxReceiveCount: 1 } });
    stops.push(sqs);
    return sqs;
  };
  after(async () => {
    await Promise.all(stops.map((s) => s.stop()));
  });

  for (const method of ['move-task', 'receive-send'] as const) {
    it(`moves every dead-lettered message back to the main queue (${method})`, async () => {
      const sqs = await start();
      const sent = bodies(25);
      await deadLetter(sqs, sent);
      const events: RedriveEvent[] = [];
      const result = await redrive(
        { config: sqs.config, method },
        { client: sqs.client, clock: systemClock, signal: new AbortController().signal, onEvent: (e) => events.push(e) },
      );
      assert.deepEqual(result, { method, moved: 25, toMove: 25, status: 'completed' });
      assert.equal(await depth(sqs.client, sqs.dlqUrl), 0);
      const back = await drain(sqs.client, sqs.queueUrl, 25);
      assert.deepEqual(back.map((m) => m.body).sort(), [...sent].sort());
      assert.equal(events[0]?.type, 'start');
      assert.deepEqual(events.at(-1), { type: 'progress', moved: 25, toMove: 25 });
    });

    it(`keeps each FIFO group in order (${method})`, async () => {
      const sqs = await start(true);
      const sent = bodies(30).map((b, i) => `g${i % 3}:${i}`);
      await deadLetter(sqs, sent, (body) => body.split(':')[0]!);
      const result = await redrive({ config: sqs.config, method }, { client: sqs.client, clock: systemClock, signal: new AbortController().signal });
      assert.equal(result.moved, 30);
      const back = await drain(sqs.client, sqs.queueUrl, 30);
      assert.equal(back.length, 30);
      for (const g of ['g0', 'g1', 'g2']) {
        const got = back.filter((m) => m.group === g).map((m) => m.body);
        assert.deepEqual(got, sent.filter((b) => b.startsWith(`${g}:`)), `group ${g}`);
      }
    });
  }

  it('an abort before the first poll cancels the move task and reports what it moved', async () => {
    const sqs = await start();
    await deadLetter(sqs, bodies(12));
    const abort = new AbortController();
    abort.abort();
    // Rate 1: the first tick moves one message, so the task is still running when it is cancelled.
    const result = await redrive({ config: sqs.config, method: 'move-task', rate: 1 }, { client: sqs.client, clock: systemClock, signal: abort.signal });
    assert.equal(result.status, 'cancelled');
    assert.ok(result.moved < 12, `moved ${result.moved}`);
    assert.equal((await depth(sqs.client, sqs.dlqUrl)) + (await depth(sqs.client, sqs.queueUrl)), 12, 'nothing lost');
  });

  it('sqsdemo redrive moves them back and prints the summary', async () => {
    const sqs = await start();
    await deadLetter(sqs, bodies(5));
    const flags = ['--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--dlq', sqs.config.dlqName];
    const result = await runSqsdemo(['redrive', ...flags]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`moved 5 of 5 message\\(s\\) from ${sqs.config.dlqName} to ${sqs.config.queueName} \\(move-task\\)`));
    assert.match(result.stderr, /moved 5\/5/);
    assert.equal(await depth(sqs.client, sqs.queueUrl), 5);
  });

  it('sqsdemo redrive --json --method receive-send prints events', async () => {
    const sqs = await start();
    await deadLetter(sqs, bodies(3));
    const flags = ['--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--dlq', sqs.config.dlqName];
    const result = await runSqsdemo(['redrive', ...flags, '--json', '--method', 'receive-send']);
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; moved?: number });
    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'progress'), ['start', 'done']);
    assert.equal(events.at(-1)?.moved, 3);
  });

  it('SIGINT cancels the move task and exits 0 with what was moved', async () => {
    const sqs = await start();
    await deadLetter(sqs, bodies(20));
    const flags = ['--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--dlq', sqs.config.dlqName];
    const proc = spawnSqsdemo(['redrive', ...flags, '--rate', '1']);
    await proc.waitFor(/moved \d+\/20/);
    const result = await proc.stop('SIGINT');
    assert.equal(result.code, 0, result.stderr);
    const m = result.stdout.match(/cancelled after moving (\d+) of 20/);
    assert.ok(m, result.stdout);
    assert.equal(await depth(sqs.client, sqs.queueUrl), Number(m[1]));
    assert.equal(await depth(sqs.client, sqs.dlqUrl), 20 - Number(m[1]));
  });

  describe('exit codes', () => {
    let sqs: TestSqs;
    before(async () => {
      sqs = await start();
    });

    it('4 when the dead-letter queue does not exist, naming it', async () => {
      const result = await runSqsdemo(['redrive', '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--dlq', 'no_such_dlq']);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /no_such_dlq/);
    });

    it('2 for a bad --rate or --method', async () => {
      for (const bad of [['--rate', '0'], ['--rate', '501'], ['--method', 'teleport']]) {
        const result = await runSqsdemo(['redrive', '--endpoint', sqs.endpoint, ...bad]);
        assert.equal(result.code, 2, `${bad.join(' ')}: ${result.stderr}`);
      }
    });

    it('3 when SQS cannot be reached', async () => {
      const result = await runSqsdemo(['redrive', '--endpoint', 'http://127.0.0.1:1']);
      assert.equal(result.code, 3, result.stderr);
    });
  });
});
