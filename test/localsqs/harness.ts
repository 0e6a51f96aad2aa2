/**
 * The local endpoint for its own conformance tests: always the project's
 * server (never SQSDEMO_TEST_ENDPOINT), on port 0, optionally on a fake clock,
 * with a real @aws-sdk/client-sqs client. Time-driven tests pass a ManualClock
 * (test/helpers/manual-clock.ts); every wait here is bounded.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLocalSqsServer, type LocalSqsServer, type LocalSqsServerOptions } from '../../src/localsqs/server.js';

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

/** The access key and secret every harness client signs with. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } as const;

export async function startHarness(options: LocalSqsServerOptions = {}): Promise<Harness> {
  const server = createLocalSqsServer(options);
  const url = await server.listen(0, '127.0.0.1');
  const clients: SQSClient[] = [];
  const newClient = (): SQSClient => {
    const c = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
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

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * One HTTP request on its own connection (no agent), as a browser, curl or an
 * attacker might send it: any method, any headers, any bytes. Bounded: fails
 * after `timeoutMs`.
 */
export function raw(
  baseUrl: string,
  init: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const { method = 'POST', path = '/', body, timeoutMs = 10_000 } = init;
  // Node sends a DELETE's or OPTIONS' body unframed unless told its length.
  const headers = body === undefined ? (init.headers ?? {}) : { 'content-length': String(Buffer.byteLength(body)), ...init.headers };
  return new Promise((resolve, reject) => {
    const req = request(baseUrl + path, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A JSON 1.0 request to `action` with a raw body (a string is sent as is). */
export function rawJson(baseUrl: string, action: string, body: string | Buffer | object, headers: Record<string, string> = {}): Promise<RawResponse> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return raw(baseUrl, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}`, ...headers }, body: payload });
}

/** A Query-protocol POST with a raw form body (a record is form-encoded). */
export function rawQuery(baseUrl: string, form: string | Record<string, string>, headers: Record<string, string> = {}, path = '/'): Promise<RawResponse> {
  const payload = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return raw(baseUrl, { path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: payload });
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
