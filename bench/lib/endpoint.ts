/**
 * The SQS endpoint every section enqueues to: `sqsdemo sqs --port 0 --json` as
 * its own process (so it gets a core of its own, as in real life). Until that
 * role exists, moto's server on a free port stands in, so the harness can be
 * checked end to end; its numbers are then labelled as moto's.
 */
import { createServer } from 'node:net';
import { hasCommand } from './available.js';
import { progress } from './log.js';
import { readyUrl, spawnChild, spawnSqsdemo, type BenchChild } from './procs.js';

export type EndpointKind = 'sqsdemo' | 'moto';

export interface Endpoint {
  readonly kind: EndpointKind;
  readonly url: string;
  readonly child: BenchChild;
  /**
   * Requests the endpoint has handled since it started, from its next 1 s
   * stats event (so it includes everything sent before this call); undefined
   * when the endpoint does not report it (moto).
   */
  requestCount(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startEndpoint(options: { nodeArgs?: readonly string[] } = {}): Promise<Endpoint> {
  if (hasCommand('sqs')) {
    const child = spawnSqsdemo(['sqs', '--port', '0', '--json'], { name: 'sqsdemo sqs', ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}) });
    const url = await readyUrl(child);
    progress(`endpoint: sqsdemo sqs at ${url}`);
    return {
      kind: 'sqsdemo',
      url,
      child,
      async requestCount() {
        const from = child.events.length;
        const asked = Date.now();
        const stats = await child.waitForEvent((e) => e.type === 'stats' && typeof e.requests === 'number' && (e.t ?? 0) >= asked, 5_000, from);
        return stats.requests as number;
      },
      async stop() {
        await child.stop(5_000, 'SIGINT');
      },
    };
  }
  const { url, child } = await startMoto('moto (stand-in)');
  progress(`endpoint: sqsdemo sqs is not registered yet; moto stands in at ${url} (numbers are moto's, not sqsdemo's)`);
  return {
    kind: 'moto',
    url,
    child,
    requestCount: async () => undefined,
    async stop() {
      await child.stop(3_000);
    },
  };
}

/** moto's server (python3 -m moto.server) on a free port, answering. */
export async function startMoto(name: string): Promise<{ url: string; child: BenchChild }> {
  const port = await freePort();
  const child = spawnChild('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { name });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child, 30_000);
  return { url, child };
}

async function waitForHttp(url: string, child: BenchChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited before answering\n${child.tail()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${child.name} did not answer at ${url} within ${timeoutMs} ms`);
}
