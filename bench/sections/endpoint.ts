/**
 * 3. Local endpoint: (a) messages/s through SendMessageBatch + ReceiveMessage +
 * DeleteMessageBatch from several loops in a separate client process (raw
 * JSON 1.0 requests, so the client's cost stays small), with the endpoint's
 * CPU use over the window; moto at the same load as a point of comparison
 * (full run only). (b) memory per queued 1 KiB message: the server in an
 * --expose-gc process, messages sent from this one, memory after gc before
 * and after. CPU per message by mode, repeated and A/B in one run (what a
 * shared machine can still compare): bench/drivers/endpoint-cpu.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCommand } from '../lib/available.js';
import { cpuMeter, pctText } from '../lib/cpu.js';
import { profileFor, type BenchOptions, type SectionOutput } from '../lib/context.js';
import { startMoto } from '../lib/endpoint.js';
import { fmtInt, progress } from '../lib/log.js';
import { readyUrl, spawnScript, spawnSqsdemo, type BenchChild } from '../lib/procs.js';
import { profileNote } from '../lib/profile-note.js';
import { BenchSqs } from '../lib/queues.js';
import { RawSqs } from '../lib/raw-sqs.js';
import { row } from '../lib/report.js';

const SECTION = 'Local endpoint';
const BODY_BYTES = 1024;
const LOOPS = 16;

interface Throughput {
  readonly rate: number;
  /** Share of one core the endpoint / the client process used over the window. */
  readonly cpu: number | undefined;
  readonly clientCpu: number | undefined;
  readonly errors: number;
  readonly window: { readonly from: number; readonly to: number; readonly spawnedAt: number };
}

async function throughput(label: string, url: string, server: BenchChild, seconds: number): Promise<Throughput> {
  const sqs = new BenchSqs(url);
  try {
    const q = await sqs.createQueues('bench_endpoint');
    progress(`  ${label}: ${LOOPS} client loops, ${BODY_BYTES} B messages, ${seconds} s after 1 s warm-up`);
    const driver = spawnScript('drivers/endpoint-load.ts', [url, q.queueUrl, String(LOOPS), String(seconds), String(BODY_BYTES)], { name: 'endpoint load' });
    // The driver warms up for 1 s, then counts for `seconds`.
    await new Promise((r) => setTimeout(r, 1_000));
    const serverCpu = cpuMeter(server.child.pid);
    const driverCpu = cpuMeter(driver.child.pid);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1_000));
    const cpu = serverCpu();
    const clientCpu = driverCpu();
    const result = await driver.waitForEvent((e) => e.type === 'result', 30_000);
    const rate = Number(result.messages) / Number(result.seconds);
    const errors = Number(result.errors);
    progress(`  ${label}: ${fmtInt(rate)} msgs/s (${fmtInt(Number(result.requests) / Number(result.seconds))} requests/s), CPU: endpoint ${pctText(cpu)}, client ${pctText(clientCpu)}` +
      (errors > 0 ? `, ${errors} errors (first: ${String(result.firstError)})` : ''));
    await sqs.deleteQueues(q);
    return { rate, cpu, clientCpu, errors, window: { from: t0, to: t0 + seconds * 1_000, spawnedAt: server.spawnedAt } };
  } finally {
    sqs.destroy();
  }
}

async function memory(quick: boolean): Promise<{ perMessage: number; rssPerMessage: number; count: number; held: number }> {
  const count = quick ? 10_000 : 100_000;
  const server = spawnScript('drivers/endpoint-memory.ts', [], { name: 'endpoint (memory)', nodeArgs: ['--expose-gc'], stdin: true });
  const url = await readyUrl(server);
  const sqs = new BenchSqs(url);
  const raw = new RawSqs(url, 16);
  try {
    const q = await sqs.createQueues('bench_memory', { messageRetentionPeriod: 3_600 });
    const measure = async (): Promise<Record<string, number>> => {
      const from = server.events.length;
      server.send('measure');
      return (await server.waitForEvent((e) => e.type === 'memory', 30_000, from)) as Record<string, number>;
    };
    const before = await measure();
    progress(`  memory: sending ${fmtInt(count)} messages of ${BODY_BYTES} B`);
    let last = Date.now();
    await raw.seed(q.queueUrl, count, BODY_BYTES, 16, (sent) => {
      if (Date.now() - last > 2_000) {
        last = Date.now();
        progress(`  memory: ${fmtInt(sent)}/${fmtInt(count)} sent`);
      }
    });
    const after = await measure();
    const heap = (m: Record<string, number>): number => m.heapUsed! + m.external!;
    const perMessage = (heap(after) - heap(before)) / count;
    const rssPerMessage = (after.rss! - before.rss!) / count;
    progress(`  memory: ${fmtInt(perMessage)} B per message on the heap (+external), ${fmtInt(rssPerMessage)} B RSS; server holds ${fmtInt(after.messages!)}`);
    return { perMessage, rssPerMessage, count, held: after.messages! };
  } finally {
    raw.destroy();
    sqs.destroy();
    await server.stop(5_000);
  }
}

export async function benchEndpoint(options: BenchOptions, out: SectionOutput): Promise<void> {
  const seconds = options.quick ? 3 : 10;
  const na = 'not available yet (sqs not registered)';
  let ours: Throughput | undefined;
  if (hasCommand('sqs')) {
    const prof = profileFor(options, 'sqs');
    const server = spawnSqsdemo(['sqs', '--port', '0', '--json'], { name: 'sqsdemo sqs', nodeArgs: prof.nodeArgs });
    try {
      ours = await throughput('sqsdemo sqs', await readyUrl(server), server, seconds);
    } finally {
      await server.stop(5_000, 'SIGINT');
    }
    const note = profileNote('sqsdemo sqs under send/receive/delete load', prof.path, ours.window);
    if (note) out.notes.push(note);
  }
  let moto: Throughput | undefined;
  if (!options.quick || !ours) {
    let server: BenchChild | undefined;
    try {
      const started = await startMoto('moto');
      server = started.child;
      moto = await throughput('moto (comparison)', started.url, server, Math.min(seconds, 3));
    } catch (err) {
      progress(`  moto comparison skipped: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      await server?.stop(3_000);
    }
  }
  out.rows.push(row(SECTION, `msgs/s through SendMessageBatch + ReceiveMessage + DeleteMessageBatch (${LOOPS} client loops, 1 KiB)`, {
    sqsdemo: ours ? `${fmtInt(ours.rate)} (CPU: endpoint ${pctText(ours.cpu)}, client ${pctText(ours.clientCpu)})` : na, value: ours?.rate,
    baseline: moto ? `${fmtInt(moto.rate)} (moto)` : '—', baselineValue: moto?.rate,
    target: { kind: 'at-least', min: 20_000, unit: 'msgs/s' },
  }));

  // The same load on a --data-dir endpoint, by fsync mode, against the in-memory rate of this run.
  if (ours !== undefined) {
    const targets = { never: 0.9, batch: 0.5, always: undefined } as const;
    for (const mode of ['never', 'batch', 'always'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'sqsdemo-bench-data-'));
      const server = spawnSqsdemo(['sqs', '--port', '0', '--json', '--data-dir', dir, '--fsync', mode], { name: `sqsdemo sqs --fsync ${mode}` });
      try {
        const durable = await throughput(`sqsdemo sqs --data-dir --fsync ${mode}`, await readyUrl(server), server, seconds);
        const min = targets[mode];
        // Endpoint CPU per message: on a shared machine the rate follows whatever CPU the endpoint got; this does less so.
        const perMsg = (t: Throughput): string => (t.cpu !== undefined && t.rate > 0 ? `, ${((t.cpu / t.rate) * 1e6).toFixed(1)} µs CPU/msg` : '');
        out.rows.push(row(SECTION, `msgs/s as above with --data-dir --fsync ${mode} (baseline: in memory, same run)`, {
          sqsdemo: `${fmtInt(durable.rate)} (CPU: endpoint ${pctText(durable.cpu)}${perMsg(durable)})${durable.errors ? `, ${durable.errors} errors` : ''}`, value: durable.rate,
          baseline: `${fmtInt(ours.rate)} (in memory${perMsg(ours)})`, baselineValue: ours.rate,
          ...(min !== undefined ? { target: { kind: 'ratio-at-least' as const, min } } : {}),
        }));
      } finally {
        await server.stop(5_000, 'SIGINT');
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  if (ours?.cpu !== undefined && ours.cpu > 0) {
    // On a busy 2-core box the endpoint rarely gets a whole core: what one core of it carries.
    const perCore = ours.rate / ours.cpu;
    out.rows.push(row(SECTION, 'msgs per CPU-second of the endpoint (rate ÷ its CPU share)', {
      sqsdemo: fmtInt(perCore), value: perCore,
      baseline: moto?.cpu ? `${fmtInt(moto.rate / moto.cpu)} (moto)` : '—', baselineValue: moto?.cpu ? moto.rate / moto.cpu : undefined,
      target: { kind: 'at-least', min: 20_000, unit: 'msgs/s' },
    }));
  }

  const serverFile = fileURLToPath(new URL('../../src/localsqs/server.ts', import.meta.url));
  if (existsSync(serverFile)) {
    const m = await memory(options.quick);
    const overhead = m.perMessage - BODY_BYTES;
    out.rows.push(row(SECTION, `memory per queued 1 KiB message beyond its body (${fmtInt(m.count)} messages)`, {
      sqsdemo: `${fmtInt(overhead)} B (heap+external ${fmtInt(m.perMessage)} B/msg, RSS ${fmtInt(m.rssPerMessage)} B/msg)`, value: overhead,
      target: { kind: 'at-most', max: 2_048, unit: 'B' },
    }));
    if (m.held !== m.count) out.notes.push(`Local endpoint memory: the server held ${fmtInt(m.held)} messages, not ${fmtInt(m.count)}.`);
  } else {
    out.rows.push(row(SECTION, 'memory per queued 1 KiB message beyond its body', { sqsdemo: 'not available yet (src/localsqs/server.ts missing)', target: { kind: 'at-most', max: 2_048, unit: 'B' } }));
  }
  out.notes.push(`Local endpoint: the client is a separate process sending raw AWS JSON 1.0 requests over keep-alive sockets (the SDK's own cost would cap the rate first); a message counts once sent, received and deleted. Memory: heapUsed + external after gc, in an --expose-gc process that holds only the server.${ours?.errors ? ` ${ours.errors} client errors during the run.` : ''}`);
}
