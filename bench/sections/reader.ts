/**
 * 2. Reader: seed a queue, start the reader as its own process, time from its
 * `ready` event until the queue is empty (every message deleted), polling the
 * queue's attributes every 100 ms. Task: 100 ms, never fails. sqsdemo work
 * drains 20,000; sqs-consumer (about 10 messages per task time) a smaller
 * count, so the run stays within minutes: both are reported as msgs/s.
 */
import { hasCommand } from '../lib/available.js';
import { profileFor, type BenchOptions, type SectionOutput } from '../lib/context.js';
import { startEndpoint, type Endpoint } from '../lib/endpoint.js';
import { fmtInt, fmtNum, progress } from '../lib/log.js';
import { spawnScript, spawnSqsdemo, type BenchChild } from '../lib/procs.js';
import { profileNote } from '../lib/profile-note.js';
import { BenchSqs, type BenchQueue } from '../lib/queues.js';
import { row } from '../lib/report.js';

const SECTION = 'Reader';
const WORK_MS = 100;

interface DrainRun {
  readonly count: number;
  readonly seconds: number;
  readonly rate: number;
  readonly sqsPerMessage: number | undefined;
  readonly window: { readonly from: number; readonly to: number; readonly spawnedAt: number };
}

async function drain(
  label: string, count: number, endpoint: Endpoint, sqs: BenchSqs, q: BenchQueue,
  start: () => BenchChild, ownCalls: (child: BenchChild) => number | undefined,
): Promise<DrainRun> {
  progress(`  ${label}: seeding ${fmtInt(count)} messages`);
  await sqs.seed(q.queueUrl, count);
  const before = await endpoint.requestCount();
  const harnessBefore = sqs.calls;
  const child = start();
  await child.waitForEvent((e) => e.type === 'ready' || e.type === 'error', 30_000);
  const t0 = Date.now();
  let lastLog = t0;
  const t1 = await sqs.waitDrained(q.queueUrl, 600_000, (left) => {
    if (Date.now() - lastLog >= 2_000) {
      lastLog = Date.now();
      progress(`  ${label}: ${fmtInt(count - left)}/${fmtInt(count)} done, ${fmtNum((count - left) / ((lastLog - t0) / 1000), 0)} msg/s`);
    }
  });
  const after = await endpoint.requestCount();
  const harnessCalls = sqs.calls - harnessBefore;
  const seconds = (t1 - t0) / 1000;
  let sqsPerMessage: number | undefined;
  if (before !== undefined && after !== undefined) sqsPerMessage = (after - before - harnessCalls) / count;
  else {
    // Without an endpoint count: the reader's own (its stats event, at most 1 s old).
    await child.waitForEvent((e) => e.type === 'stats' && (e.t ?? 0) >= t1, 3_000, child.events.length).catch(() => undefined);
    const own = ownCalls(child);
    if (own !== undefined) sqsPerMessage = own / count;
  }
  await child.stop(15_000);
  const run = { count, seconds, rate: count / seconds, sqsPerMessage, window: { from: t0, to: t1, spawnedAt: child.spawnedAt } };
  progress(`  ${label}: ${fmtInt(count)} messages in ${fmtNum(seconds, 1)} s = ${fmtInt(run.rate)} msg/s` +
    (sqsPerMessage !== undefined ? `, ${fmtNum(sqsPerMessage, 3)} SQS requests per message` : ''));
  return run;
}

function lastStat(child: BenchChild, field: string): number | undefined {
  const e = child.last((x) => x.type === 'stats' && typeof x[field] === 'number');
  return e ? (e[field] as number) : undefined;
}

export async function benchReader(options: BenchOptions, out: SectionOutput): Promise<void> {
  const endpoint = await startEndpoint();
  // moto slows down as its queue grows: a tenth of the counts checks the wiring.
  const scale = endpoint.kind === 'moto' ? 0.1 : 1;
  const workCount = Math.round((options.quick ? 2_000 : 20_000) * scale);
  const consumerCount = Math.round((options.quick ? 200 : 2_000) * scale);
  const sqs = new BenchSqs(endpoint.url);
  try {
    progress(`reader baseline: sqs-consumer (batch 10), ${WORK_MS} ms task`);
    const cq = await sqs.createQueues('bench_consumer');
    const consumer = await drain('sqs-consumer', consumerCount, endpoint, sqs, cq,
      () => spawnScript('baselines/sqs-consumer-reader.ts', [endpoint.url, cq.queueUrl, String(WORK_MS)], { name: 'sqs-consumer' }),
      (c) => lastStat(c, 'sqsCalls'));
    await sqs.deleteQueues(cq);

    let work: DrainRun | undefined;
    if (hasCommand('work')) {
      progress(`reader: sqsdemo work --fail-rate 0 --work-ms ${WORK_MS}`);
      const q = await sqs.createQueues('bench_work');
      const prof = profileFor(options, 'work');
      work = await drain('sqsdemo work', workCount, endpoint, sqs, q,
        () => spawnSqsdemo(
          ['work', '--fail-rate', '0', '--work-ms', String(WORK_MS), '--seed', '1', '--json', '--endpoint', endpoint.url, '--queue', q.queueName, '--dlq', q.dlqName],
          { name: 'sqsdemo work', nodeArgs: prof.nodeArgs },
        ),
        (c) => lastStat(c, 'sqsCalls'));
      const note = profileNote('sqsdemo work draining the queue', prof.path, work.window);
      if (note) out.notes.push(note);
      await sqs.deleteQueues(q);
    }

    const na = 'not available yet (work not registered)';
    out.rows.push(row(SECTION, `drain rate, ${WORK_MS} ms task, no failures (msgs/s)`, {
      sqsdemo: work ? `${fmtInt(work.rate)} (${fmtInt(work.count)} in ${fmtNum(work.seconds, 1)} s)` : na, value: work?.rate,
      baseline: `${fmtInt(consumer.rate)} (sqs-consumer: ${fmtInt(consumer.count)} in ${fmtNum(consumer.seconds, 1)} s)`, baselineValue: consumer.rate,
      target: { kind: 'ratio-at-least', min: 10 },
    }));
    out.rows.push(row(SECTION, 'SQS requests per message', {
      sqsdemo: work?.sqsPerMessage !== undefined ? fmtNum(work.sqsPerMessage, 3) : work ? 'n/a' : na, value: work?.sqsPerMessage,
      baseline: consumer.sqsPerMessage !== undefined ? `${fmtNum(consumer.sqsPerMessage, 3)} (sqs-consumer)` : 'n/a', baselineValue: consumer.sqsPerMessage,
    }));
    out.notes.push(`Reader: time from the reader's ready event until the queue is empty (all deleted), polled every 100 ms; sqsdemo work with its defaults (concurrency 200, 4 pollers), sqs-consumer with batchSize 10 and its defaults, on ${fmtInt(consumerCount)} messages so the run stays short. Endpoint: ${endpoint.kind === 'moto' ? 'moto (stand-in)' : 'sqsdemo sqs'}.`);
  } finally {
    sqs.destroy();
    await endpoint.stop();
  }
}
