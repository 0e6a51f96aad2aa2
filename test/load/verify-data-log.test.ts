/**
 * `load --verify --verify-data-log FILE` through the executable: accepted ids a
 * worker already handled are found in its data log (the original's CSV), the
 * rest in the queues; an id found nowhere fails the run (exit 1).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSqsdemo } from '../helpers/cli.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { parseEventLine } from '../../src/telemetry/events.js';
import type { LoadSummaryEvent } from '../../src/telemetry/load-events.js';
import { startFakeWriter, type FakeWriter } from './fake-writer.js';

describe('sqsdemo load --verify-data-log', { timeout: 120_000 }, () => {
  let sqs: TestSqs;
  let dir: string;
  before(async () => {
    sqs = await startTestSqs();
    dir = mkdtempSync(join(tmpdir(), 'sqsdemo-verify-'));
  });
  after(async () => {
    await sqs?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The data log a worker would have written for these MessageIds. */
  function dataLog(name: string, ids: readonly string[]): string {
    const file = join(dir, name);
    writeFileSync(file, ids.map((id, i) => `${1_700_000_000_000 + i},${1_700_000_000_000},${i % 2 ? 'fail' : 'pass'},1,AIDA,${id},"body ${i}"\n`).join(''));
    return file;
  }

  async function loadVerifying(writer: FakeWriter, log: string): Promise<{ code: number | null; stderr: string; summary: LoadSummaryEvent }> {
    const run = await runSqsdemo([
      'load', '--url', writer.url, '--requests', '12', '--batch-size', '12', '--concurrency', '2', '--json',
      '--verify', '--verify-data-log', log, '--verify-timeout', '10s',
      '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--dlq', sqs.config.dlqName,
    ]);
    const summary = run.stdout.split('\n').map(parseEventLine).find((e) => e?.type === 'summary') as LoadSummaryEvent | undefined;
    assert.ok(summary, `no summary event\n${run.stdout}\n${run.stderr}`);
    return { code: run.code, stderr: run.stderr, summary };
  }

  it('finds every accepted id in the data log and exits 0', async () => {
    const writer = await startFakeWriter();
    try {
      // The fake writer hands out fake-1, fake-2, ... for the 11 good requests of the batch.
      const log = dataLog('all.csv', Array.from({ length: 11 }, (_, i) => `fake-${i + 1}`));
      const { code, stderr, summary } = await loadVerifying(writer, log);
      assert.equal(code, 0, stderr);
      assert.deepEqual(writer.ids.length, 11);
      assert.deepEqual(summary.verify, { accepted: 11, received: 11, missing: 0, found: { queue: 0, dlq: 0, dataLog: 11 }, missingSample: [] });
    } finally {
      await writer.close();
    }
  });

  it('names an accepted id that is in neither the queues nor the data log, and exits 1', async () => {
    const writer = await startFakeWriter();
    try {
      const log = dataLog('one-short.csv', Array.from({ length: 10 }, (_, i) => `fake-${i + 1}`));
      const { code, stderr, summary } = await loadVerifying(writer, log);
      assert.equal(code, 1, stderr);
      assert.equal(summary.verify?.missing, 1);
      assert.deepEqual(summary.verify?.missingSample, ['fake-11']);
      assert.match(stderr, /1 of 11 accepted messages were not found in the queues or the data log/);
    } finally {
      await writer.close();
    }
  });
});
