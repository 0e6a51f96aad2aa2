/**
 * The local endpoint for its own conformance tests: always the project's
 * server (never SQSDEMO_TEST_ENDPOINT), on port 0, optionally on a fake clock,
 * with a real @aws-sdk/client-sqs client. Time-driven tests pass a ManualClock
 * (test/helpers/manual-clock.ts); every wait here is bounded.
 */
import { randomBytes } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../src/util/clock.js';
import { createLocalSqsServer, type LocalSqsServer } from '../../src/localsqs/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface Harness {
  readonly url: string;
  readonly server: LocalSqsServer;
  readonly client: SQSClient;
  /** A new client (its own sockets), closed by stop(). */
  newClient(): SQSClient;
  /** Create a queue with a unique name (prefix + random); returns its URL. */
  queue(attributes?: Record<string, string>, prefix?: string): Promise<string>;
  /** Resolve once `count` long polls wait on the queue named in `queueUrl`. */
  waiting(queueUrl: string, count?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startHarness(options: { clock?: Clock } = {}): Promise<Harness> {
  const server = createLocalSqsServer(options.clock ? { clock: options.clock } : {});
  const url = await server.listen(0, '127.0.0.1');
  const clients: SQSClient[] = [];
  const newClient = (): SQSClient => {
    const c = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    url,
    server,
    client,
    newClient,
    async queue(attributes, prefix = 'q') {
      const name = `${prefix}_${randomBytes(4).toString('hex')}`;
      return (await client.send(new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }))).QueueUrl!;
    },
    async waiting(queueUrl, count = 1) {
      await until(() => waitingOn(server, queueUrl) >= count, `${count} long poll(s) waiting on ${queueUrl}`);
    },
    async stop() {
      for (const c of clients) c.destroy();
      await server.close();
    },
  };
}

/** Long polls waiting on the queue named in `queueUrl`. */
export function waitingOn(server: LocalSqsServer, queueUrl: string): number {
  const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  return server.stats().queues.find((q) => q.name === name)?.waiting ?? 0;
}

/**
 * Resolve once `condition()` holds, checking after every turn of the event loop;
 * fail (naming `what`) when it still does not after `timeoutMs` of real time.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { Code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
