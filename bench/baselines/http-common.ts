/**
 * What both writer baselines share: a polka app with POST /api/message that
 * reads the body, parses the JSON and checks `body` like the original's
 * contract (400 when missing or empty), then hands the text to `accept`.
 * The process prints a `ready` event with its URL and, on SIGTERM/SIGINT, a
 * `stopped` event with its counters, then exits.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import polka from 'polka';

export type Accept = (text: string) => Promise<string>;

export interface Counters {
  enqueued: number;
  sqsCalls: number;
  responses: Record<string, number>;
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, counters: Counters, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  counters.responses[status] = (counters.responses[status] ?? 0) + 1;
}

export function emit(event: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ role: 'baseline', t: Date.now(), ...event }) + '\n');
}

export async function serveBaseline(name: string, accept: Accept, counters: Counters, onStop: () => void = () => undefined): Promise<void> {
  const app = polka().post('/api/message', async (req: IncomingMessage, res: ServerResponse) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readText(req));
    } catch {
      return send(res, counters, 400, { status: 'Error', message: 'malformed JSON' });
    }
    const text = (parsed as { body?: unknown } | null)?.body;
    if (typeof text !== 'string' || text === '') return send(res, counters, 400, { status: 'Error', message: 'body parameter is missing or empty' });
    try {
      const id = await accept(text);
      counters.enqueued++;
      send(res, counters, 201, { status: 'Ok', message: 'Message enqueued', id });
    } catch (err) {
      send(res, counters, 500, { status: 'Error', message: `Failed to enqueue message: ${(err as Error).message}` });
    }
  });
  app.listen(0, '127.0.0.1');
  const server = app.server as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  emit({ type: 'ready', name, url: `http://127.0.0.1:${port}` });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    emit({ type: 'stopped', name, ...counters });
    onStop();
    process.stdout.write('', () => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
