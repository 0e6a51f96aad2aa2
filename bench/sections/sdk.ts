/**
 * 8. The SDK's per-call cost: CPU µs per SQS call in a client process, for
 * the SDK as sqsdemo calls it and for hand-made requests (bench/drivers/sdk-cost.ts),
 * against the local endpoint in its own process. Says how much a leaner path
 * for the hot calls could save, before anyone writes one.
 */
import { type BenchOptions, type SectionOutput } from '../lib/context.js';
import { startEndpoint } from '../lib/endpoint.js';
import { fmtInt, progress } from '../lib/log.js';
import { spawnScript } from '../lib/procs.js';
import { BenchSqs } from '../lib/queues.js';
import { row } from '../lib/report.js';

const SECTION = 'SDK cost';

export async function benchSdk(options: BenchOptions, out: SectionOutput): Promise<void> {
  const rounds = options.quick ? 150 : 1500;
  const endpoint = await startEndpoint();
  const sqs = new BenchSqs(endpoint.url);
  try {
    const q = await sqs.createQueues('bench_sdk');
    const driver = spawnScript('drivers/sdk-cost.ts', [endpoint.url, q.queueUrl, String(rounds)], { name: 'sdk cost' });
    const exit = await driver.exited;
    const results = driver.events.filter((e) => e.type === 'result') as Array<{ name: string; cpuUsPerCall: number; callsPerS: number; calls: number }>;
    if (results.length === 0) throw new Error(`the driver printed no result (exit ${exit.code ?? exit.signal}): ${driver.tail(400)}`);
    const base = results[results.length - 1]!.cpuUsPerCall;
    for (const r of results) {
      progress(`  ${r.name}: ${fmtInt(r.cpuUsPerCall)} µs CPU per call, ${fmtInt(r.callsPerS)} calls/s`);
      out.rows.push(row(SECTION, `${r.name}: client CPU µs per call (Send/Receive/DeleteMessageBatch, 10 entries)`, {
        sqsdemo: fmtInt(r.cpuUsPerCall), value: r.cpuUsPerCall, baseline: `${fmtInt(base)} (unsigned JSON)`, baselineValue: base,
      }));
    }
    out.notes.push(`SDK cost: ${rounds} rounds of SendMessageBatch + ReceiveMessage + DeleteMessageBatch (10 entries, 100 B) from 8 loops per client, after as many rounds of warm-up (steady state: a client's first thousand calls cost up to twice as much); CPU of the client process only (the endpoint runs apart).`);
    await sqs.deleteQueues(q);
  } finally {
    sqs.destroy();
    await endpoint.stop();
  }
}
