/**
 * 6. Load client: `sqsdemo load` in its closed loop (64 connections) against
 * the bare polka server, next to autocannon with the same connections, body
 * and window against the same server, alternating, in the same run. A load
 * generator slower than the system under test measures itself.
 */
import autocannon from 'autocannon';
import { cpuMeter, cpuSeconds } from '../lib/cpu.js';
import { type BenchOptions, type SectionOutput } from '../lib/context.js';
import { fmtInt, fmtNum, progress } from '../lib/log.js';
import { readyUrl, spawnScript, spawnSqsdemo } from '../lib/procs.js';
import { row } from '../lib/report.js';

const SECTION = 'Load client';
const CONNECTIONS = 64;
const BODY_BYTES = 100;

interface ClientRun {
  readonly rps: number;
  /** CPU µs of the client per answered request. */
  readonly cpuUs: number | undefined;
}

async function viaAutocannon(url: string, seconds: number): Promise<ClientRun> {
  const body = JSON.stringify({ body: 'x'.repeat(BODY_BYTES) });
  const before = process.cpuUsage();
  const r = await autocannon({ url: `${url}/api/message`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: seconds, timeout: 10 });
  const used = process.cpuUsage(before);
  const answered = r['2xx'];
  return { rps: answered / r.duration, cpuUs: answered > 0 ? (used.user + used.system) / answered : undefined };
}

async function viaSqsdemo(url: string, seconds: number): Promise<ClientRun> {
  const child = spawnSqsdemo(
    ['load', '--url', `${url}/api/message`, '--concurrency', String(CONNECTIONS), '--duration', `${seconds}s`, '--malformed-per-batch', '0', '--body-bytes', String(BODY_BYTES), '--json'],
    { name: 'sqsdemo load' },
  );
  await child.waitForEvent((e) => e.type === 'ready', 30_000);
  const cpuAtStart = cpuSeconds(child.child.pid);
  const summary = await child.waitForEvent((e) => e.type === 'summary', (seconds + 30) * 1_000);
  const cpuAtEnd = cpuSeconds(child.child.pid);
  await child.stop(5_000);
  const counts = summary.counts as Record<string, number>;
  const answered = counts['201'] ?? 0;
  const rps = (answered * 1000) / Math.max(1, summary.durationMs as number);
  const cpuUs = cpuAtStart !== undefined && cpuAtEnd !== undefined && answered > 0 ? ((cpuAtEnd - cpuAtStart) * 1e6) / answered : undefined;
  return { rps, cpuUs };
}

export async function benchLoad(options: BenchOptions, out: SectionOutput): Promise<void> {
  const seconds = options.quick ? 3 : 8;
  const rounds = options.quick ? 1 : 2;
  const server = spawnScript('baselines/bare-polka.ts', [], { name: 'bare polka' });
  try {
    const url = await readyUrl(server);
    const serverCpu = cpuMeter(server.child.pid);
    await viaAutocannon(url, 1); // warm-up
    const ac: ClientRun[] = [];
    const sq: ClientRun[] = [];
    for (let i = 0; i < rounds; i++) {
      const a = await viaAutocannon(url, seconds);
      progress(`  autocannon: ${fmtInt(a.rps)} req/s, ${a.cpuUs === undefined ? 'n/a' : fmtInt(a.cpuUs)} µs CPU per request`);
      const s = await viaSqsdemo(url, seconds);
      progress(`  sqsdemo load: ${fmtInt(s.rps)} req/s, ${s.cpuUs === undefined ? 'n/a' : fmtInt(s.cpuUs)} µs CPU per request`);
      ac.push(a);
      sq.push(s);
    }
    const best = (runs: ClientRun[]): ClientRun => runs.reduce((a, b) => (b.rps > a.rps ? b : a));
    const a = best(ac);
    const s = best(sq);
    out.rows.push(row(SECTION, `requests/s, closed loop, ${CONNECTIONS} connections, against bare polka`, {
      sqsdemo: fmtInt(s.rps), value: s.rps, baseline: `${fmtInt(a.rps)} (autocannon)`, baselineValue: a.rps, target: { kind: 'ratio-at-least', min: 0.8 },
    }));
    out.rows.push(row(SECTION, 'client CPU µs per request', {
      sqsdemo: s.cpuUs === undefined ? 'n/a' : fmtInt(s.cpuUs), value: s.cpuUs,
      baseline: a.cpuUs === undefined ? 'n/a' : `${fmtInt(a.cpuUs)} (autocannon)`, baselineValue: a.cpuUs,
    }));
    out.notes.push(`Load client: ${rounds} round(s) of ${seconds} s each, autocannon then \`sqsdemo load --concurrency ${CONNECTIONS} --malformed-per-batch 0 --body-bytes ${BODY_BYTES}\`, best of each; bare polka used ${fmtNum((serverCpu() ?? 0) * 100, 0)}% of a core over the section. All rounds: autocannon ${ac.map((r) => fmtInt(r.rps)).join(', ')}; sqsdemo load ${sq.map((r) => fmtInt(r.rps)).join(', ')} req/s.`);
  } finally {
    await server.stop();
  }
}
