/**
 * A TCP proxy in front of an SQS endpoint that a test can take down (refusing
 * connections, cutting open ones) and bring back on the same port: "SQS is
 * unreachable" without stopping a shared engine.
 */
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ToggleProxy {
  readonly url: string;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startToggleProxy(target: string, options: { startDown?: boolean } = {}): Promise<ToggleProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (p: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const proxyPort = await listen(0);
  let isUp = true;
  const down = async (): Promise<void> => {
    if (!isUp) return;
    isUp = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  if (options.startDown) await down();
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    down,
    async up() {
      if (isUp) return;
      await listen(proxyPort);
      isUp = true;
    },
    stop: down,
  };
}
