/**
 * 1. Writer: autocannon against three servers in turn, each its own process,
 * all enqueueing to one endpoint process: (a) bare polka (no SQS, the
 * ceiling), (b) the plain writer (one SendMessage per request), (c) `sqsdemo
 * serve`. Same connections, body and window for each. Bare polka and serve,
 * whose ratio is the target, run in alternating rounds and the best of each
 * counts (as in the load section): a single pair of windows on this 2-core box
 * gave ratios from 0.48 to 0.56 for the same code.
 */
import autocannon, { type AutocannonResult } from 'autocannon';
import { hasCommand } from '../lib/available.js';
import { cpuMeter, pctText } from '../lib/cpu.js';
import { profileFor, type BenchOptions, type SectionOutput } from '../lib/context.js';
import { startEndpoint, type Endpoint } from '../lib/endpoint.js';
import { fmtInt, fmtNum, progress } from '../lib/log.js';
import { readyUrl, spawnScript, spawnSqsdemo, type BenchChild } from '../lib/procs.js';
import { profileNote } from '../lib/profile-note.js';
import { treeCpuMeter } from '../lib/proc-tree.js';
import { BenchSqs } from '../lib/queues.js';
import { row } from '../lib/report.js';

const SECTION = 'Writer';
const CONNECTIONS = 64;
/** A line of the original client's text, as JSON. */
const BODY = JSON.stringify({ body: 'It was the best of times, it was the worst of times, it was the age of wisdom' });

interface WriterRun {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly accepted: number;
  readonly other: number;
  /** Epoch ms of the measured window. */
  readonly window: { readonly from: number; readonly to: number };
  /** Share of a core used in the window by the writer, the endpoint and autocannon (this process). */
  readonly cpu: string;
}

async function hammer(url: string, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url: `${url}/api/message`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
  });
}

/** autocannon against a ready server: a 1 s warm-up, then the measured window. */
async function measure(label: string, url: string, windowS: number, writerPid: number | undefined, endpointPid?: number): Promise<WriterRun> {
  progress(`  ${label}: warm-up 1 s at ${url}`);
  await hammer(url, 1);
  progress(`  ${label}: ${windowS} s, ${CONNECTIONS} connections`);
  const writerCpu = treeCpuMeter(writerPid); // with --workers N, its workers too
  const endpointCpu = cpuMeter(endpointPid);
  const selfCpu = cpuMeter(process.pid);
  const from = Date.now();
  const r = await hammer(url, windowS);
  const to = Date.now();
  const cpu = `writer ${pctText(writerCpu())}` + (endpointPid !== undefined ? `, endpoint ${pctText(endpointCpu())}` : '') + `, autocannon ${pctText(selfCpu())}`;
  const accepted = r['2xx'];
  const run: WriterRun = {
    rps: accepted / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    accepted,
    other: r.requests.total - accepted + r.errors,
    window: { from, to },
    cpu,
  };
  progress(`  ${label}: ${fmtInt(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.other} not 201; CPU: ${cpu}`);
  return run;
}

interface Enqueueing {
  readonly run: WriterRun;
  /** Messages in the queue after the writer stopped (all it ever accepted). */
  readonly queued: number;
  /** Endpoint requests over the writer's whole life per queued message (or the writer's own count). */
  readonly sqsPerMessage: number | undefined;
  readonly sqsSource: string;
  readonly child: BenchChild;
}

/**
 * A writer over its whole life, from before its start until after its drain:
 * the queue is its own, so the messages in it are exactly the ones it
 * accepted, and the endpoint's requests in between are the ones it made (its
 * few start-up calls included; the harness's own calls subtracted). No window
 * edge can skew the ratio.
 */
async function enqueueing(
  label: string, start: () => BenchChild, endpoint: Endpoint, sqs: BenchSqs, queueUrl: string, windowS: number,
  ownCount: (child: BenchChild) => { calls: number; enqueued: number } | undefined,
): Promise<Enqueueing> {
  const before = await endpoint.requestCount();
  const harnessBefore = sqs.calls;
  const child = start();
  const run = await measure(label, await readyUrl(child), windowS, child.child.pid, endpoint.child.child.pid);
  await child.stop(15_000);
  const after = await endpoint.requestCount();
  const harnessCalls = sqs.calls - harnessBefore;
  const queued = (await sqs.depth(queueUrl)).total;
  let sqsPerMessage: number | undefined;
  let sqsSource = 'endpoint request count';
  if (before !== undefined && after !== undefined) sqsPerMessage = queued > 0 ? (after - before - harnessCalls) / queued : undefined;
  else {
    const own = ownCount(child);
    sqsSource = "the writer's own count";
    sqsPerMessage = own && own.enqueued > 0 ? own.calls / own.enqueued : undefined;
  }
  if (sqsPerMessage !== undefined) progress(`  ${label}: ${fmtNum(sqsPerMessage, 3)} SQS requests per message (${fmtInt(queued)} queued)`);
  return { run, queued, sqsPerMessage, sqsSource, child };
}

function stoppedCounts(child: BenchChild): { calls: number; enqueued: number } | undefined {
  const e = child.last((x) => (x.type === 'stopped' || x.type === 'stats') && typeof x.enqueued === 'number' && typeof x.sqsCalls === 'number');
  if (!e) return undefined;
  return { calls: e.sqsCalls as number, enqueued: e.enqueued as number };
}

export async function benchWriter(options: BenchOptions, out: SectionOutput): Promise<void> {
  const windowS = options.quick ? 2 : 10;
  const endpoint = await startEndpoint();
  const sqs = new BenchSqs(endpoint.url);
  try {
    const rounds = options.quick ? 1 : 2;
    const bareChild = spawnScript('baselines/bare-polka.ts', [], { name: 'bare polka' });
    const bareUrl = await readyUrl(bareChild);
    const bareRuns: WriterRun[] = [];
    const serveRuns: Enqueueing[] = [];
    const serveNotes: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      const of = rounds > 1 ? ` (round ${round} of ${rounds})` : '';
      progress(`writer (a): bare polka, no SQS (the ceiling)${of}`);
      bareRuns.push(await measure('bare polka', bareUrl, windowS, bareChild.child.pid));
      if (!hasCommand('serve')) continue;
      progress(`writer (c): sqsdemo serve${of}`);
      const q = await sqs.createQueues(`bench_serve${round}`);
      // The profile, when asked for, is of the first round.
      const prof = round === 1 ? profileFor(options, 'serve') : { nodeArgs: [] as string[], path: undefined };
      const run = await enqueueing('sqsdemo serve',
        () => spawnSqsdemo(
          ['serve', '--port', '0', '--json', '--no-access-log', '--endpoint', endpoint.url, '--queue', q.queueName, '--dlq', q.dlqName],
          { name: 'sqsdemo serve', nodeArgs: prof.nodeArgs },
        ),
        endpoint, sqs, q.queueUrl, windowS, stoppedCounts);
      serveRuns.push(run);
      // Counted after its drain: includes requests autocannon abandoned at the end of its window.
      const stopped = run.child.last((e) => e.type === 'stopped');
      if (typeof stopped?.enqueued === 'number') {
        const exact = run.queued === stopped.enqueued;
        serveNotes.push(`Writer: sqsdemo serve${of}: ${fmtInt(stopped.enqueued)} messages accepted (warm-up included, counted after its drain), ${fmtInt(run.queued)} in the queue afterwards${exact ? ' (all there)' : ' (MISMATCH)'}.`);
      }
      const note = prof.path ? profileNote('sqsdemo serve under autocannon', prof.path, { spawnedAt: run.child.spawnedAt, ...run.run.window }) : undefined;
      if (note) serveNotes.push(note);
      await sqs.deleteQueues(q);
    }
    await bareChild.stop();
    const bare = bareRuns.reduce((a, b) => (b.rps > a.rps ? b : a));
    const serve = serveRuns.length > 0 ? serveRuns.reduce((a, b) => (b.run.rps > a.run.rps ? b : a)) : undefined;
    if (rounds > 1) {
      serveNotes.unshift(`Writer: ${rounds} alternating rounds of bare polka and sqsdemo serve, best of each counted. All rounds: bare polka ${bareRuns.map((r) => fmtInt(r.rps)).join(', ')}; sqsdemo serve ${serveRuns.map((r) => fmtInt(r.run.rps)).join(', ')} req/s.`);
    }

    progress('writer (b): plain writer, one SendMessage per request');
    const plainQueue = await sqs.createQueues('bench_plain');
    const plain = await enqueueing('plain writer',
      () => spawnScript('baselines/plain-writer.ts', [endpoint.url, plainQueue.queueUrl], { name: 'plain writer' }),
      endpoint, sqs, plainQueue.queueUrl, windowS, stoppedCounts);
    await sqs.deleteQueues(plainQueue);

    let serve2: Enqueueing | undefined;
    if (hasCommand('serve')) {
      progress('writer (d): sqsdemo serve --workers 2 (node:cluster, one port)');
      const q2 = await sqs.createQueues('bench_serve2');
      serve2 = await enqueueing('sqsdemo serve --workers 2',
        () => spawnSqsdemo(
          ['serve', '--port', '0', '--json', '--no-access-log', '--workers', '2', '--endpoint', endpoint.url, '--queue', q2.queueName, '--dlq', q2.dlqName],
          { name: 'sqsdemo serve --workers 2' },
        ),
        endpoint, sqs, q2.queueUrl, windowS, stoppedCounts);
      const stopped2 = serve2.child.last((e) => e.type === 'stopped');
      if (typeof stopped2?.enqueued === 'number') {
        serveNotes.push(`Writer: sqsdemo serve --workers 2: ${fmtInt(stopped2.enqueued)} accepted, ${fmtInt(serve2.queued)} in the queue afterwards${serve2.queued === stopped2.enqueued ? ' (all there)' : ' (MISMATCH)'}.`);
      }
      await sqs.deleteQueues(q2);
    }

    const latency = (r: WriterRun): string => `${fmtNum(r.p50, 0)} / ${fmtNum(r.p99, 0)}`;
    const na = 'not available yet (serve not registered)';
    out.rows.push(row(SECTION, 'requests/s vs bare polka (ceiling)', {
      sqsdemo: serve ? fmtInt(serve.run.rps) : na, value: serve?.run.rps,
      baseline: `${fmtInt(bare.rps)} (bare polka)`, baselineValue: bare.rps,
      target: { kind: 'ratio-at-least', min: 0.5 },
    }));
    out.rows.push(row(SECTION, 'requests/s vs plain writer', {
      sqsdemo: serve ? fmtInt(serve.run.rps) : na, value: serve?.run.rps,
      baseline: `${fmtInt(plain.run.rps)} (plain writer)`, baselineValue: plain.run.rps,
      target: { kind: 'ratio-at-least', min: 2 },
    }));
    out.rows.push(row(SECTION, 'requests/s with serve --workers 2 vs --workers 1 (same box: 2 cores shared with the endpoint and autocannon)', {
      sqsdemo: serve2 ? fmtInt(serve2.run.rps) : na, value: serve2?.run.rps,
      baseline: serve ? `${fmtInt(serve.run.rps)} (--workers 1)` : 'n/a', baselineValue: serve?.run.rps,
    }));
    out.rows.push(row(SECTION, 'latency p50 / p99 (ms)', {
      sqsdemo: serve ? latency(serve.run) : na,
      baseline: `bare ${latency(bare)}; plain ${latency(plain.run)}`,
    }));
    out.rows.push(row(SECTION, 'SQS requests per accepted message', {
      sqsdemo: serve?.sqsPerMessage !== undefined ? fmtNum(serve.sqsPerMessage, 3) : na, value: serve?.sqsPerMessage,
      baseline: plain.sqsPerMessage !== undefined ? `${fmtNum(plain.sqsPerMessage, 3)} (plain writer)` : 'n/a', baselineValue: plain.sqsPerMessage,
    }));
    out.notes.push(`Writer: autocannon, ${CONNECTIONS} connections, ${windowS} s per server after a 1 s warm-up; endpoint: ${endpoint.kind === 'moto' ? 'moto (stand-in: sqsdemo sqs not registered yet)' : 'sqsdemo sqs'} in its own process. SQS requests per message: ${serve?.sqsSource ?? plain.sqsSource} over each writer's whole life (start to drained stop) / messages in its queue afterwards.`);
    const runs: ReadonlyArray<readonly [string, WriterRun | undefined]> = [['bare polka', bare], ['plain writer', plain.run], ['sqsdemo serve', serve?.run], ['sqsdemo serve --workers 2', serve2?.run]];
    out.notes.push(`Writer: CPU (share of one core) in the window: ${runs.flatMap(([l, r]) => (r ? [`${l}: ${r.cpu}`] : [])).join('; ')}.`);
    for (const [label, r] of runs) {
      if (r && r.other > 0) out.notes.push(`Writer: ${label} answered ${fmtInt(r.other)} requests with something other than 201 (or errors/timeouts).`);
    }
    out.notes.push(...serveNotes);
  } finally {
    sqs.destroy();
    await endpoint.stop();
  }
}
