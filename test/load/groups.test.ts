/**
 * load --groups N: bodies spread over N message groups, one request in flight
 * per group, a sequence number per group in the body; --verify --verify-data-log
 * checks each group's order in the worker's data log. The pipeline spec runs the
 * real writer, a FIFO queue on the local endpoint (or SQSDEMO_TEST_ENDPOINT) and
 * the real reader with its data log.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPayloadPlan } from '../../src/load/payloads.js';
import { countOrderViolations, groupedPlan, parseGroupedBody } from '../../src/load/groups.js';
import { passedBodies, verifyAccepted } from '../../src/load/verify.js';
import { runLoad } from '../../src/load/run.js';
import { openDataLog } from '../../src/reader/data-log.js';
import { startTestSqs } from '../helpers/sqs.js';
import { startWriter } from '../writer/helpers.js';
import { startReader, until } from '../reader/harness.js';
import type { Processor } from '../../src/reader/processor.js';
import { capture, loadConfig } from './harness.js';
import { writeFileSync } from 'node:fs';
import { runSqsdemo } from '../helpers/cli.js';
import { startFakeWriter } from './fake-writer.js';

const base = () => createPayloadPlan({ batchSize: 6, malformedPerBatch: 1, malformedKinds: ['empty'], bodyBytes: 20, seed: 3 });
const parse = (b: Buffer) => JSON.parse(b.toString('utf8')) as { body: string; group?: string };

describe('load --groups', () => {
  it('gives each good request a free group and the next number of that group; a busy group waits', () => {
    const plan = groupedPlan(base(), 2, 'run');
    const first = plan.slotFor(0);
    const second = plan.slotFor(1);
    assert.deepEqual([parse(first.body).group, parse(second.body).group], ['run-g0', 'run-g1']);
    assert.deepEqual(parseGroupedBody(parse(first.body).body), { group: 'run-g0', seq: 0 });
    assert.equal(plan.ready(), false, 'both groups have a request in flight');
    plan.done(second);
    assert.equal(plan.ready(), true);
    const third = plan.slotFor(2);
    assert.deepEqual(parseGroupedBody(parse(third.body).body), { group: 'run-g1', seq: 1 });
    // The batch's malformed request (position 5) carries no group and takes none.
    plan.done(first);
    plan.done(third);
    const bad = plan.slotFor(5);
    assert.equal(bad.malformed, true);
    assert.equal(parse(bad.body).group, undefined);
  });

  it('counts a pass of a lower number after a higher one in its group as an order violation (a repeat is a redelivery)', () => {
    assert.deepEqual(countOrderViolations(['[x-g0#0] a', '[x-g1#0] b', '[x-g0#1] c', '[x-g0#1] c again', '[x-g1#1] d', 'no prefix']).violations, 0);
    const bad = countOrderViolations(['[x-g0#0] a', '[x-g0#2] c', '[x-g0#1] b']);
    assert.equal(bad.violations, 1);
    assert.deepEqual(bad.sample, ['x-g0#1 after #2']);
    const log = '1,1,pass,1,S,id1,"[x-g0#1] one, ""quoted"""\n2,1,fail,1,S,id2,"[x-g0#0] zero"\n3,1,pass,1,S,id3,"[x-g0#0] zero\nline two"\n';
    assert.deepEqual(passedBodies(log), ['[x-g0#1] one, "quoted"', '[x-g0#0] zero\nline two']);
  });

  // Against another engine (SQSDEMO_TEST_ENDPOINT) the reader has one poller: moto 5 keeps a group
  // unlocked for a long poll that began before the group was locked, so with concurrent long polls it
  // hands a group's next message out while the one before is in flight (scripts/moto-quirks.py;
  // docs/ARCHITECTURE.md, "Against moto"). The local endpoint gets the reader's concurrent pollers.
  it('keeps every group in order through the writer, a FIFO queue and the reader, as --verify-data-log checks', { timeout: 120_000 }, async () => {
    const sqs = await startTestSqs({ fifo: true });
    const dir = mkdtempSync(join(tmpdir(), 'sqsdemo-groups-'));
    const file = join(dir, 'data.csv');
    const writer = await startWriter(sqs.config, sqs.queueUrl);
    const dataLog = await openDataLog(file);
    // Every 7th message fails once: its group must wait for its redelivery.
    const seen = new Set<string>();
    const processor: Processor = {
      async handle(m) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (m.body.length % 7 === 0 && !seen.has(m.messageId)) {
          seen.add(m.messageId);
          throw new Error('fails once');
        }
      },
    };
    const reader = await startReader(sqs, processor, { concurrency: 16, retryDelayMs: 0, ...(sqs.local ? {} : { pollers: 1 }) }, { dataLog });
    try {
      const c = capture();
      const summary = await runLoad(loadConfig(`${writer.url}/api/message`, { requests: 120, batchSize: 12, concurrency: 8, groups: 5 }), c.ctx);
      assert.equal(summary.ok, true, JSON.stringify(summary.reasons));
      const accepted = summary.counts['201'] ?? 0;
      assert.equal(accepted, 110);
      await until(() => reader.reader.counters().deleted >= accepted, `${accepted} deleted`, 60_000);
      await reader.stop();
      await dataLog.close();
      const order = countOrderViolations(passedBodies(readFileSync(file, 'utf8')));
      assert.equal(order.groups, 5);
      assert.ok(order.checked >= accepted);
      assert.equal(order.violations, 0, order.sample.join(', '));
      // The check load --verify --verify-data-log makes.
      const result = await verifyAccepted([], { sqs: sqs.config, dataLog: file, timeoutMs: 5_000, checkOrder: true }, sqs.client);
      assert.equal(result.order?.violations, 0);
    } finally {
      await reader.stop();
      await writer.stop();
      await sqs.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails load --verify --verify-data-log (exit 1) when the data log shows a group out of order', { timeout: 60_000 }, async () => {
    const sqs = await startTestSqs({ fifo: true });
    const writer = await startFakeWriter();
    const dir = mkdtempSync(join(tmpdir(), 'sqsdemo-groups-'));
    try {
      const ids = Array.from({ length: 5 }, (_, i) => `fake-${i + 1}`);
      const run = async (bodies: string[]) => {
        const file = join(dir, `log-${bodies.join('').length}.csv`);
        writeFileSync(file, ids.map((id, i) => `${i},1,pass,1,S,${id},"${bodies[i]}"\n`).join(''));
        return runSqsdemo([
          'load', '--url', writer.url, '--requests', '6', '--batch-size', '6', '--groups', '2', '--concurrency', '2',
          '--verify', '--verify-data-log', file, '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--dlq', sqs.config.dlqName,
        ]);
      };
      const good = await run(['[r-g0#0] a', '[r-g1#0] b', '[r-g0#1] c', '[r-g1#1] d', '[r-g0#2] e']);
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stdout, /order violations 0/);
      const bad = await run(['[r-g0#0] a', '[r-g0#2] c', '[r-g0#1] b', '[r-g1#0] d', '[r-g1#1] e']);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /1 messages were processed after a later message of their group/);
    } finally {
      await writer.close();
      await sqs.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a FIFO queue without --groups (exit 2)', async () => {
    const run = await runSqsdemo(['load', '--fifo', '--requests', '1']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--groups/);
  });
});
