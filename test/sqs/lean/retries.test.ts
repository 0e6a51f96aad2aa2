/**
 * Retries: against a local HTTP server that answers from a script (500, 503,
 * throttling, a Retry-After hint, a reset socket, a 400, moto's HTML 500),
 * the lean path retries exactly as the SDK path does: the same attempts for
 * the same maxAttempts, the same `$metadata.attempts`, the same error in the
 * end; client errors are not retried; an abort cancels both alike.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../../src/sqs/client.js';
import { resolveSqsConfig, type SqsClientKind } from '../../../src/config.js';
import { errorView, stable } from './views.js';

type Step = { status: number; body: string; headers?: Record<string, string> } | 'reset' | 'hang' | 'answer-then-close';

const OK_BODY = '{"Successful":[{"Id":"0"}],"Failed":[]}';
const OK: Step = { status: 200, body: OK_BODY };
const json = (status: number, type: string, queryError?: string, headers: Record<string, string> = {}): Step => ({
  status,
  body: JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: `${type} from the script` }),
  headers: { 'content-type': 'application/x-amz-json-1.0', ...(queryError ? { 'x-amzn-query-error': queryError } : {}), ...headers },
});

/** A server answering each request with the next step of its script (then OK). */
class ScriptedSqs {
  private server!: Server;
  private script: Step[] = [];
  private readonly hung: ServerResponse[] = [];
  requests = 0;
  connections = 0;
  /** Resolves when a socket the server closed after answering ('answer-then-close') is gone. */
  closed: Promise<void> = Promise.resolve();
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        this.requests++;
        const step = this.script.shift() ?? OK;
        if (step === 'reset') return req.socket.destroy();
        if (step === 'hang') return void this.hung.push(res);
        if (step === 'answer-then-close') {
          // A keep-alive answer (no Connection: close), then the server drops the idle socket, as one does at its keep-alive timeout.
          this.closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
          res.writeHead(200, { 'x-amzn-requestid': `req-${this.requests}`, 'content-type': 'application/x-amz-json-1.0' });
          return void res.end(OK_BODY, () => req.socket.destroy());
        }
        res.writeHead(step.status, { 'x-amzn-requestid': `req-${this.requests}`, ...(step.headers ?? { 'content-type': 'application/x-amz-json-1.0' }) });
        res.end(step.body);
      });
    });
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  play(script: Step[]): void {
    this.script = [...script];
    this.requests = 0;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('lean path retries as the SDK does', { timeout: 120_000 }, () => {
  const server = new ScriptedSqs();
  before(() => server.start());
  after(() => server.stop());

  async function run(kind: SqsClientKind, script: Step[], maxAttempts: number, requestTimeoutMs = 30_000): Promise<{ requests: number; outcome: unknown }> {
    server.play(script);
    const client = createSqsClient(resolveSqsConfig({ endpoint: server.url, sqsClient: kind }, {}), { maxAttempts, connectionTimeoutMs: 5_000, requestTimeoutMs });
    try {
      const out = await client.send(new DeleteMessageBatchCommand({ QueueUrl: `${server.url}/000000000000/q`, Entries: [{ Id: '0', ReceiptHandle: 'h' }] }));
      return { requests: server.requests, outcome: { output: stable({ ...out, $metadata: { ...out.$metadata, totalRetryDelay: typeof out.$metadata.totalRetryDelay } }) } };
    } catch (err) {
      return { requests: server.requests, outcome: { error: { ...errorView(err), totalRetryDelay: typeof (err as { $metadata?: { totalRetryDelay?: number } }).$metadata?.totalRetryDelay } } };
    } finally {
      client.destroy();
    }
  }

  const cases: Array<[string, Step[], number, number]> = [
    // name, script, maxAttempts, requests expected
    ['a 500 then success', [json(500, 'InternalError', 'InternalError;Receiver')], 3, 2],
    ['503 on every attempt', [json(503, 'ServiceUnavailable'), json(503, 'ServiceUnavailable'), json(503, 'ServiceUnavailable')], 3, 3],
    ['throttling with a Retry-After hint, then success', [json(400, 'ThrottlingException', 'ThrottlingException;Sender', { 'x-amz-retry-after': '20' })], 3, 2],
    ['RequestThrottled (403) twice, then success', [json(403, 'RequestThrottled', 'RequestThrottled;Sender'), json(403, 'RequestThrottled', 'RequestThrottled;Sender')], 3, 3],
    ['a reset socket, then success', ['reset'], 3, 2],
    ['reset sockets on every attempt', ['reset', 'reset', 'reset'], 3, 3],
    ["moto's HTML 500 on every attempt", [{ status: 500, body: '<!doctype html><title>500 Internal Server Error</title>', headers: { 'content-type': 'text/html' } }, { status: 500, body: '<html></html>', headers: { 'content-type': 'text/html' } }, { status: 500, body: '<html></html>', headers: { 'content-type': 'text/html' } }], 3, 3],
    ['a 400 client error is not retried', [json(400, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue;Sender')], 3, 1],
    ['an unknown 400 is not retried', [json(400, 'SomethingNew')], 3, 1],
    ['maxAttempts 1: a 503 is not retried', [json(503, 'ServiceUnavailable')], 1, 1],
    ['maxAttempts 1: a reset is not retried', ['reset'], 1, 1],
  ];
  for (const [name, script, maxAttempts, requests] of cases) {
    it(name, async () => {
      const lean = await run('lean', script, maxAttempts);
      const sdk = await run('sdk', script, maxAttempts);
      assert.deepEqual(lean, sdk);
      assert.equal(lean.requests, requests);
    });
  }

  it('a keep-alive socket the server closed after answering is not reused: the next call opens a new one, no retry, on both paths', async () => {
    const results: unknown[] = [];
    for (const kind of ['lean', 'sdk'] as const) {
      server.play(['answer-then-close']);
      const connectionsBefore = server.connections;
      const client = createSqsClient(resolveSqsConfig({ endpoint: server.url, sqsClient: kind }, {}), { maxAttempts: 3 });
      const call = () => client.send(new DeleteMessageBatchCommand({ QueueUrl: `${server.url}/000000000000/q`, Entries: [{ Id: '0', ReceiptHandle: 'h' }] }));
      try {
        const first = await call();
        await server.closed;
        // The FIN is in the client's socket by now; a turn of its event loop reads it.
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        const second = await call();
        results.push({ attempts: [first.$metadata.attempts, second.$metadata.attempts], requests: server.requests, connections: server.connections - connectionsBefore });
      } finally {
        client.destroy();
      }
    }
    assert.deepEqual(results[0], { attempts: [1, 1], requests: 2, connections: 2 });
    assert.deepEqual(results[0], results[1]);
  });

  it('a request timeout is a TimeoutError (ETIMEDOUT), retried as a transient error on both paths', async () => {
    const lean = await run('lean', ['hang', 'hang'], 2, 300);
    const sdk = await run('sdk', ['hang', 'hang'], 2, 300);
    assert.deepEqual(lean, sdk);
    assert.equal(lean.requests, 2);
    assert.equal((lean.outcome as { error: { name: string } }).error.name, 'TimeoutError');
  });

  it('a refused connection gives the same network error on both paths (ECONNREFUSED, classified network)', async () => {
    const views: unknown[] = [];
    const closed = new ScriptedSqs();
    await closed.start();
    const url = closed.url;
    await closed.stop();
    for (const kind of ['lean', 'sdk'] as const) {
      const client = createSqsClient(resolveSqsConfig({ endpoint: url, sqsClient: kind }, {}), { maxAttempts: 2 });
      try {
        await assert.rejects(client.send(new DeleteMessageBatchCommand({ QueueUrl: `${url}/000000000000/q`, Entries: [{ Id: '0', ReceiptHandle: 'h' }] })), (err: unknown) => {
          views.push({ ...errorView(err), totalRetryDelay: undefined });
          return true;
        });
      } finally {
        client.destroy();
      }
    }
    assert.equal((views[0] as { nodeCode: string }).nodeCode, 'ECONNREFUSED');
    assert.equal((views[0] as { class_: string }).class_, 'network');
    assert.deepEqual(views[0], views[1]);
  });

  it("a clock-skew error moves the client's clock offset and is retried, on both paths alike", async () => {
    const serverTime = new Date(Date.now() + 3_600_000).toUTCString();
    const skewed = json(403, 'RequestTimeTooSkewed', 'RequestTimeTooSkewed;Sender', { date: serverTime });
    const results: unknown[] = [];
    for (const kind of ['lean', 'sdk'] as const) {
      server.play([skewed]);
      const client = createSqsClient(resolveSqsConfig({ endpoint: server.url, sqsClient: kind }, {}), { maxAttempts: 3 });
      try {
        const out = await client.send(new DeleteMessageBatchCommand({ QueueUrl: `${server.url}/000000000000/q`, Entries: [{ Id: '0', ReceiptHandle: 'h' }] }));
        const offset = (client.config as unknown as { systemClockOffset: number }).systemClockOffset;
        // The OK answer carries Node's own Date header, which moves the offset back near 0 (the SDK's success handler).
        results.push({ attempts: out.$metadata.attempts, requests: server.requests, offsetBackNearZero: Math.abs(offset) < 5_000 });
      } finally {
        client.destroy();
      }
    }
    assert.deepEqual(results[0], { attempts: 2, requests: 2, offsetBackNearZero: true });
    assert.deepEqual(results[0], results[1]);
  });

  it('a wrong MD5 in an answer fails both paths with the SDK\'s checksum error', async () => {
    const sendAnswer: Step = { status: 200, body: JSON.stringify({ Successful: [{ Id: '0', MessageId: 'm-1', MD5OfMessageBody: '00000000000000000000000000000000' }] }) };
    const receiveAnswer: Step = { status: 200, body: JSON.stringify({ Messages: [{ MessageId: 'm-2', ReceiptHandle: 'r', Body: 'hello', MD5OfBody: 'ffffffffffffffffffffffffffffffff' }] }) };
    for (const [answer, call] of [
      [sendAnswer, (c: ReturnType<typeof createSqsClient>) => c.send(new SendMessageBatchCommand({ QueueUrl: `${server.url}/000000000000/q`, Entries: [{ Id: '0', MessageBody: 'hello' }] }))],
      [receiveAnswer, (c: ReturnType<typeof createSqsClient>) => c.send(new ReceiveMessageCommand({ QueueUrl: `${server.url}/000000000000/q` }))],
    ] as const) {
      const views: unknown[] = [];
      for (const kind of ['lean', 'sdk'] as const) {
        server.play([answer]);
        const client = createSqsClient(resolveSqsConfig({ endpoint: server.url, sqsClient: kind }, {}), { maxAttempts: 3 });
        try {
          await assert.rejects(call(client), (err: unknown) => (views.push({ ...errorView(err), requests: server.requests }), true));
        } finally {
          client.destroy();
        }
      }
      assert.match((views[0] as { message: string }).message, /^Invalid MD5 checksum on messages: m-\d$/);
      assert.deepEqual(views[0], views[1]);
    }
  });

  it('an abort cancels a call in flight on both paths with the same AbortError', async () => {
    const views: unknown[] = [];
    for (const kind of ['lean', 'sdk'] as const) {
      server.play(['hang']);
      const client = createSqsClient(resolveSqsConfig({ endpoint: server.url, sqsClient: kind }, {}), { maxAttempts: 3 });
      try {
        const controller = new AbortController();
        const call = client.send(new ReceiveMessageCommand({ QueueUrl: `${server.url}/000000000000/q`, WaitTimeSeconds: 20 }), { abortSignal: controller.signal });
        for (let i = 0; i < 500 && server.requests === 0; i++) await new Promise((r) => setImmediate(r));
        assert.equal(server.requests, 1);
        controller.abort();
        await assert.rejects(call, (err: unknown) => (views.push({ ...errorView(err), requests: server.requests }), true));
      } finally {
        client.destroy();
      }
    }
    assert.equal((views[0] as { name: string }).name, 'AbortError');
    assert.deepEqual(views[0], views[1]);
  });
});
