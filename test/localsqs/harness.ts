/**
 * The local endpoint for its own conformance tests: always the project's
 * server (never SQSDEMO_TEST_ENDPOINT), on port 0, optionally on a fake clock,
 * with a real @aws-sdk/client-sqs client.
 */
import { randomBytes } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../src/localsqs/clock.js';
import { createLocalSqsServer, type LocalSqsServer } from '../../src/localsqs/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A clock that moves only when told; timers fire in deadline order during `advance`. */
export class FakeClock implements Clock {
  private t = 1_700_000_000_000;
  private timers: { at: number; seq: number; callback: () => void; cancelled: boolean }[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  setTimer(callback: () => void, delayMs: number): { cancel(): void } {
    const timer = { at: this.t + Math.max(0, delayMs), seq: this.seq++, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers = this.timers.filter((x) => !x.cancelled);
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.t = Math.max(this.t, due.at);
      due.callback();
    }
    this.t = end;
  }
}

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
      const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
      while ((server.stats().queues.find((q) => q.name === name)?.waiting ?? 0) < count) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    async stop() {
      for (const c of clients) c.destroy();
      await server.close();
    },
  };
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
