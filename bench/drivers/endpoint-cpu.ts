/**
 * CPU per message of the endpoint by journal mode, A/B in one run: for each
 * mode (in memory, then --data-dir with each fsync mode), in rounds, a fresh
 * `sqsdemo sqs` child carries a fixed number of messages (SendMessageBatch +
 * ReceiveMessage + DeleteMessageBatch from several loops in this process), and
 * the child's user+sys CPU (/proc) over that work is divided by the messages.
 * On a shared box wall-clock rates mean little; CPU per message does.
 *
 *   node --import tsx bench/drivers/endpoint-cpu.ts [messages=40000] [rounds=2] [modes=memory,never,batch,always] [--cpu-prof DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds } from '../lib/cpu.js';
import { readyUrl, spawnSqsdemo } from '../lib/procs.js';
import { RawSqs } from '../lib/raw-sqs.js';

const args = process.argv.slice(2);
const profIndex = args.indexOf('--cpu-prof');
const profDir = profIndex >= 0 ? args.splice(profIndex, 2)[1] : undefined;
const total = Number(args[0] ?? 40_000);
const rounds = Number(args[1] ?? 2);
const modes = (args[2] ?? 'memory,never,batch,always').split(',');
const LOOPS = 16;
const body = 'b'.repeat(1024);
const bodies = Array.from({ length: 10 }, () => body);

async function once(mode: string): Promise<number> {
  const dir = mode === 'memory' ? undefined : mkdtempSync(join(tmpdir(), 'sqsdemo-cpu-'));
  const nodeArgs = profDir ? ['--cpu-prof', '--cpu-prof-dir', join(profDir, mode)] : [];
  const server = spawnSqsdemo(['sqs', '--port', '0', '--json', ...(dir ? ['--data-dir', dir, '--fsync', mode] : [])], { name: `sqs ${mode}`, nodeArgs });
  const sqs = new RawSqs(await readyUrl(server), LOOPS * 2);
  try {
    const created = await sqs.call<{ QueueUrl: string }>('CreateQueue', { QueueName: 'cpu' });
    const url = created.QueueUrl;
    const run = async (count: number): Promise<void> => {
      let left = count;
      const loop = async (): Promise<void> => {
        while (left > 0) {
          left -= 10;
          await sqs.sendBatch(url, bodies);
          const got = await sqs.receive(url, 10, 0);
          await sqs.deleteBatch(url, got);
        }
      };
      await Promise.all(Array.from({ length: LOOPS }, loop));
    };
    await run(5_000); // warm-up
    const before = cpuSeconds(server.child.pid)!;
    await run(total);
    const after = cpuSeconds(server.child.pid)!;
    return ((after - before) * 1e6) / total;
  } finally {
    sqs.destroy();
    await server.stop(5_000, 'SIGINT');
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<string, number[]>(modes.map((m) => [m, []]));
for (let r = 0; r < rounds; r++) {
  for (const mode of modes) {
    const us = await once(mode);
    results.get(mode)!.push(us);
    console.error(`round ${r + 1} ${mode}: ${us.toFixed(1)} µs CPU/msg`);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = results.has('memory') ? median(results.get('memory')!) : undefined;
for (const [mode, xs] of results) {
  const m = median(xs);
  console.log(`${mode.padEnd(7)} median ${m.toFixed(1)} µs CPU/msg${base ? `  throughput per CPU ${(base / m).toFixed(2)}x of in-memory` : ''}  [${xs.map((x) => x.toFixed(1)).join(', ')}]`);
}
process.exit(0);
