/**
 * 1. Writer: autocannon against three servers in turn, each its own process,
 * all enqueueing to one endpoint process: (a) bare polka (no SQS, the
 * ceiling), (b) the plain writer (one SendMessage per request), (c) `sqsdemo
 * serve`. Same connections, body and window for each.
 */
import autocannon, { type AutocannonResult } from 'autocannon';
import { hasCommand } from '../lib/available.js';
import { profileFor, type BenchOptions, type SectionOutput } from '../lib/context.js';
import { startEndpoint, type Endpoint } from '../lib/endpoint.js';
import { fmtInt, fmtNum, progress } from '../lib/log.js';
import { readyUrl, spawnScript, spawnSqsdemo, type BenchChild } from '../lib/procs.js';
import { profileNote } from '../lib/profile-note.js';
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
  /** SQS requests per accepted message in the window; undefined without SQS. */
  readonly sqsPerMessage: number | undefined;
  readonly sqsSource: string;
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

async function measure(
  label: string, child: BenchChild, endpoint: Endpoint | undefined, sqs: BenchSqs | undefined,
  windowS: number, ownCount: () => Promise<{ calls: number; enqueued: number } | undefined>,
): Promise<WriterRun> {
  const url = await readyUrl(child);
  progress(`  ${label}: warm-up 1 s at ${url}`);
  await hammer(url, 1);
  const before = endpoint ? await endpoint.requestCount() : undefined;
  const harnessBefore = sqs?.calls ?? 0;
  const ownBefore = await ownCount();
  progress(`  ${label}: ${windowS} s, ${CONNECTIONS} connections`);
  const r = await hammer(url, windowS);
  const ownAfter = await ownCount();
  const after = endpoint ? await endpoint.requestCount() : undefined;
  const accepted = r['2xx'];
  let sqsPerMessage: number | undefined;
  let sqsSource = 'none';
  if (before !== undefined && after !== undefined && accepted > 0) {
    sqsPerMessage = (after - before - ((sqs?.calls ?? 0) - harnessBefore)) / accepted;
    sqsSource = 'endpoint request count';
  } else if (ownBefore && ownAfter && ownAfter.enqueued > ownBefore.enqueued) {
    sqsPerMessage = (ownAfter.calls - ownBefore.calls) / (ownAfter.enqueued - ownBefore.enqueued);
    sqsSource = "the writer's own count";
  }
  const run: WriterRun = {
    rps: accepted / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    accepted,
    other: r.requests.total - accepted + r.errors,
    sqsPerMessage,
    sqsSource,
  };
  progress(`  ${label}: ${fmtInt(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.other} not 201` +
    (sqsPerMessage !== undefined ? `, ${fmtNum(sqsPerMessage, 3)} SQS requests per message` : ''));
  return run;
}

/** Counters from `GET /metrics` of sqsdemo serve. */
async function serveMetrics(url: string): Promise<{ calls: number; enqueued: number } | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    let calls = 0;
    let enqueued = 0;
    for (const line of text.split('\n')) {
      const m = /^(sqsdemo_serve_sqs_calls_total|sqsdemo_serve_enqueued_total)(\{[^}]*\})?\s+([\d.e+]+)/.exec(line);
      if (!m) continue;
      if (m[1] === 'sqsdemo_serve_sqs_calls_total') calls += Number(m[3]);
      else enqueued += Number(m[3]);
    }
    return { calls, enqueued };
  } catch {
    return undefined;
  }
}

export async function benchWriter(options: BenchOptions, out: SectionOutput): Promise<void> {
  const windowS = options.quick ? 3 : 10;
  const endpoint = await startEndpoint();
  const sqs = new BenchSqs(endpoint.url);
  try {
    progress('writer (a): bare polka, no SQS (the ceiling)');
    const bareChild = spawnScript('baselines/bare-polka.ts', [], { name: 'bare polka' });
    const bare = await measure('bare polka', bareChild, undefined, undefined, windowS, async () => undefined);
    await bareChild.stop();

    progress('writer (b): plain writer, one SendMessage per request');
    const plainQueue = await sqs.createQueues('bench_plain');
    const plainChild = spawnScript('baselines/plain-writer.ts', [endpoint.url, plainQueue.queueUrl], { name: 'plain writer' });
    let plain = await measure('plain writer', plainChild, endpoint, sqs, windowS, async () => undefined);
    await plainChild.stop();
    const stopped = plainChild.last((e) => e.type === 'stopped');
    if (plain.sqsPerMessage === undefined && stopped && Number(stopped.enqueued) > 0) {
      // Without an endpoint count: the writer's own totals (warm-up included).
      plain = { ...plain, sqsPerMessage: Number(stopped.sqsCalls) / Number(stopped.enqueued), sqsSource: "the writer's own count" };
    }
    await sqs.deleteQueues(plainQueue);

    let serve: WriterRun | undefined;
    let serveNote: string | undefined;
    if (hasCommand('serve')) {
      progress('writer (c): sqsdemo serve');
      const q = await sqs.createQueues('bench_serve');
      const prof = profileFor(options, 'serve');
      const child = spawnSqsdemo(
        ['serve', '--port', '0', '--json', '--no-access-log', '--endpoint', endpoint.url, '--queue', q.queueName, '--dlq', q.dlqName],
        { name: 'sqsdemo serve', nodeArgs: prof.nodeArgs },
      );
      const url = await readyUrl(child);
      serve = await measure('sqsdemo serve', child, endpoint, sqs, windowS, () => serveMetrics(url));
      const final = await serveMetrics(url);
      await child.stop(15_000);
      const depth = await sqs.depth(q.queueUrl);
      // After the drain: includes requests autocannon abandoned at the end of its window.
      const stopped = child.last((e) => e.type === 'stopped');
      const enqueued = typeof stopped?.enqueued === 'number' ? stopped.enqueued : final?.enqueued;
      if (enqueued !== undefined) {
        const exact = depth.total === enqueued;
        serveNote = `sqsdemo serve: ${fmtInt(enqueued)} messages accepted (warm-up included, counted after its drain), ${fmtInt(depth.total)} in the queue afterwards${exact ? ' (all there)' : ' (MISMATCH)'}.`;
      }
      const note = profileNote('sqsdemo serve under autocannon', prof.path);
      if (note) out.notes.push(note);
      await sqs.deleteQueues(q);
    }

    const latency = (r: WriterRun): string => `${fmtNum(r.p50, 0)} / ${fmtNum(r.p99, 0)}`;
    const na = 'not available yet (serve not registered)';
    out.rows.push(row(SECTION, 'requests/s vs bare polka (ceiling)', {
      sqsdemo: serve ? fmtInt(serve.rps) : na, value: serve?.rps,
      baseline: `${fmtInt(bare.rps)} (bare polka)`, baselineValue: bare.rps,
      target: { kind: 'ratio-at-least', min: 0.5 },
    }));
    out.rows.push(row(SECTION, 'requests/s vs plain writer', {
      sqsdemo: serve ? fmtInt(serve.rps) : na, value: serve?.rps,
      baseline: `${fmtInt(plain.rps)} (plain writer)`, baselineValue: plain.rps,
      target: { kind: 'ratio-at-least', min: 2 },
    }));
    out.rows.push(row(SECTION, 'latency p50 / p99 (ms)', {
      sqsdemo: serve ? latency(serve) : na,
      baseline: `bare ${latency(bare)}; plain ${latency(plain)}`,
    }));
    out.rows.push(row(SECTION, 'SQS requests per accepted message', {
      sqsdemo: serve?.sqsPerMessage !== undefined ? fmtNum(serve.sqsPerMessage, 3) : na, value: serve?.sqsPerMessage,
      baseline: plain.sqsPerMessage !== undefined ? `${fmtNum(plain.sqsPerMessage, 3)} (plain writer)` : 'n/a', baselineValue: plain.sqsPerMessage,
    }));
    out.notes.push(`Writer: autocannon, ${CONNECTIONS} connections, ${windowS} s per server after a 1 s warm-up; endpoint: ${endpoint.kind === 'moto' ? 'moto (stand-in: sqsdemo sqs not registered yet)' : 'sqsdemo sqs'} in its own process. SQS requests counted by ${serve?.sqsSource ?? plain.sqsSource}.`);
    for (const [label, r] of [['bare polka', bare], ['plain writer', plain], ['sqsdemo serve', serve]] as const) {
      if (r && r.other > 0) out.notes.push(`Writer: ${label} answered ${fmtInt(r.other)} requests with something other than 201 (or errors/timeouts).`);
    }
    if (serveNote) out.notes.push(serveNote);
  } finally {
    sqs.destroy();
    await endpoint.stop();
  }
}
