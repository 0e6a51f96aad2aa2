/**
 * The writer's batching policies on virtual time: the real SendBatcher on a
 * ManualClock, fed Poisson arrivals at a rate (seeded), each SendMessageBatch
 * answered after a fixed call time. Deterministic, so it compares policies
 * where a shared machine's wall clock cannot: SQS calls per message (what each
 * role's CPU scales with) and the wait a message spends in an open batch
 * (what a client sees added to its latency).
 *
 *   node --import tsx bench/drivers/batching-sim.ts [callMs=2] [seconds=4]
 *   prints one row per rate and policy
 */
import { mulberry32 } from '../../src/reader/random.js';
import { SendBatcher } from '../../src/writer/batcher.js';
import type { BatchEntry, BatchResult } from '../../src/writer/batch-types.js';
import { ManualClock } from '../../test/helpers/manual-clock.js';

const callMs = Number(process.argv[2] ?? 2);
const seconds = Number(process.argv[3] ?? 4);
const RATES = [10, 100, 400, 1_500, 5_000];
const POLICIES: ReadonlyArray<{ readonly name: string; readonly lingerMs: number; readonly adaptive: boolean }> = [
  { name: 'fixed 2 ms (old default)', lingerMs: 2, adaptive: false },
  { name: 'fixed 5 ms', lingerMs: 5, adaptive: false },
  { name: 'adaptive 2 ms', lingerMs: 2, adaptive: true },
  { name: 'adaptive 5 ms (default)', lingerMs: 5, adaptive: true },
  { name: 'adaptive 10 ms', lingerMs: 10, adaptive: true },
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function simulate(rate: number, lingerMs: number, adaptive: boolean): Promise<{ callsPerMessage: number; waitP50: number; waitP99: number }> {
  const clock = new ManualClock(0);
  const enqueuedAt = new Map<string, number>();
  const waits: number[] = [];
  let calls = 0;
  const send = (entries: readonly BatchEntry[]): Promise<BatchResult> => {
    calls++;
    const now = clock.monotonic();
    for (const e of entries) waits.push(now - enqueuedAt.get(e.MessageBody)!);
    return new Promise((resolve) => {
      clock.setTimer(() => resolve({ successful: entries.map((e) => ({ id: e.Id, messageId: e.MessageBody })), failed: [] }), callMs);
    });
  };
  const batcher = new SendBatcher({ send, clock, lingerMs, adaptive, maxInflight: 16, random: () => 0.5 });
  const random = mulberry32(42); // seeded: every run sees the same arrivals
  const pending: Array<Promise<string>> = [];
  const count = Math.round(rate * seconds);
  for (let i = 0; i < count; i++) {
    await clock.advance(-Math.log(1 - random()) * (1000 / rate));
    const body = String(i);
    enqueuedAt.set(body, clock.monotonic());
    pending.push(batcher.enqueue(body, body.length, clock.monotonic() + 10_000));
  }
  await clock.advance(lingerMs + callMs + 1);
  await Promise.all(pending);
  waits.sort((a, b) => a - b);
  return { callsPerMessage: calls / count, waitP50: percentile(waits, 0.5), waitP99: percentile(waits, 0.99) };
}

console.log(`SendBatcher on virtual time: Poisson arrivals, each call answered after ${callMs} ms, ${seconds} s per run`);
console.log('rate/s  policy                      calls/msg  wait in batch p50 / p99 (ms)');
for (const rate of RATES) {
  for (const p of POLICIES) {
    const r = await simulate(rate, p.lingerMs, p.adaptive);
    console.log(`${String(rate).padStart(6)}  ${p.name.padEnd(26)}  ${r.callsPerMessage.toFixed(3).padStart(9)}  ${r.waitP50.toFixed(2)} / ${r.waitP99.toFixed(2)}`);
  }
}
