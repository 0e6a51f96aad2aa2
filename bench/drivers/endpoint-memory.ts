/**
 * The local endpoint's server in a process of its own, run with --expose-gc,
 * for the memory measurement: prints `ready` with its URL, then for every
 * `measure` line on stdin collects garbage and prints `memory` with
 * process.memoryUsage() and the number of messages the server holds.
 * The messages are sent from another process, so no client memory is counted.
 */
import { createInterface } from 'node:readline';
import { createLocalSqsServer } from '../../src/localsqs/server.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function emit(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ role: 'bench', t: Date.now(), ...event }) + '\n');
}

const server = createLocalSqsServer();
const url = await server.listen(0, '127.0.0.1');
emit({ type: 'ready', url });

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  if (line.trim() !== 'measure') return;
  // A few passes, with a turn of the event loop between, so weak/finalised objects go too.
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  emit({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, messages: server.stats().messages });
});
lines.on('close', () => void server.close().then(() => process.exit(0)));
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
