/**
 * A stand-in for `sqsdemo serve` on 127.0.0.1:0 that answers like it does:
 * 201 {"status":"Ok","message":"Message enqueued","id":"<id>"} for a non-empty
 * string `body`, 400 JSON for anything else. Tests can hold answers (a promise
 * per request), override the status, or make it vanish mid-run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWriterOptions {
  /** Awaited before answering request number `n` (1-based). */
  readonly hold?: (n: number) => Promise<void> | undefined;
  /** Replace the status the writer would give (return undefined to keep it). */
  readonly status?: (n: number, parsed: unknown, wouldBe: number) => number | undefined;
  /** Called on request `n` before answering; may destroy the socket or close the server (return true: do not answer). */
  readonly intercept?: (n: number, req: IncomingMessage, res: ServerResponse, server: Server) => boolean;
}

export interface FakeWriter {
  readonly url: string;
  /** Requests received so far. */
  readonly received: number;
  /** Status codes answered, by code. */
  readonly answered: Map<number, number>;
  /** Ids handed out with 201. */
  readonly ids: string[];
  close(): Promise<void>;
}

function judge(raw: string): { status: number; parsed: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { status: 400, parsed: undefined };
  }
  const body = (parsed as { body?: unknown } | null)?.body;
  return { status: typeof body === 'string' && body !== '' ? 201 : 400, parsed };
}

export async function startFakeWriter(options: FakeWriterOptions = {}): Promise<FakeWriter> {
  let received = 0;
  let nextId = 0;
  const answered = new Map<number, number>();
  const ids: string[] = [];
  const server = createServer((req, res) => {
    const n = ++received;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (options.intercept?.(n, req, res, server)) return;
        await options.hold?.(n);
        const judged = judge(Buffer.concat(chunks).toString('utf8'));
        const status = options.status?.(n, judged.parsed, judged.status) ?? judged.status;
        answered.set(status, (answered.get(status) ?? 0) + 1);
        let text: string;
        if (status === 201) {
          const id = `fake-${++nextId}`;
          ids.push(id);
          text = JSON.stringify({ status: 'Ok', message: 'Message enqueued', id });
        } else {
          text = JSON.stringify({ status: 'Error', message: 'body parameter is missing or empty', code: 'bad_request' });
        }
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/message`,
    get received() {
      return received;
    },
    answered,
    ids,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        if (!server.listening) resolve();
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
