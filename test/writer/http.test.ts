import { connect } from 'node:net';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { SQS_CLIENT_KINDS } from '../../src/config.js';
import { INVALID_CHARACTERS_MESSAGE } from '../../src/writer/message-checks.js';
import { post, postBody, receiveAll, startWriter, until, type RunningWriter } from './helpers.js';

const MAX_REQUEST_BYTES = 64 * 1024;

// The main spec runs on both SQS client paths (src/sqs/lean and the plain SDK).
for (const sqsClient of SQS_CLIENT_KINDS) describe(`sqsdemo serve: POST /api/message against SQS (--sqs-client ${sqsClient})`, () => {
  let sqs: TestSqs;
  let w: RunningWriter;

  before(async () => {
    sqs = await startTestSqs();
    w = await startWriter({ ...sqs.config, sqsClient }, sqs.queueUrl, { maxRequestBytes: MAX_REQUEST_BYTES });
  });
  after(async () => {
    await w?.stop();
    await sqs?.stop();
  });

  const tooLong = 'x'.repeat(2049);
  const tooLongUtf8 = 'é'.repeat(1025); // 1025 characters, 2050 UTF-8 bytes
  const badInputs: ReadonlyArray<{ name: string; raw: string; type?: string; status: number; code: string; message: string }> = [
    { name: 'no body property', raw: '{}', status: 400, code: 'body_missing', message: 'body parameter is missing or empty' },
    { name: 'an empty body', raw: '{"body":""}', status: 400, code: 'body_missing', message: 'body parameter is missing or empty' },
    { name: 'a number as body', raw: '{"body":42}', status: 400, code: 'body_not_string', message: 'body parameter must be a string' },
    { name: 'null as body', raw: '{"body":null}', status: 400, code: 'body_not_string', message: 'body parameter must be a string' },
    { name: 'a JSON array', raw: '["body"]', status: 400, code: 'invalid_request', message: 'request must be a JSON object with a string property "body"' },
    { name: 'JSON null', raw: 'null', status: 400, code: 'invalid_request', message: 'request must be a JSON object with a string property "body"' },
    { name: 'malformed JSON', raw: '{"body": "abc"', status: 400, code: 'invalid_json', message: 'request body is not valid JSON' },
    { name: 'an empty request', raw: '', status: 400, code: 'invalid_json', message: 'request body is not valid JSON' },
    { name: 'a NUL character', raw: JSON.stringify({ body: 'a\u0000b' }), status: 400, code: 'invalid_characters', message: INVALID_CHARACTERS_MESSAGE },
    { name: 'a lone surrogate', raw: '{"body":"a\\ud800b"}', status: 400, code: 'invalid_characters', message: INVALID_CHARACTERS_MESSAGE },
    { name: 'U+FFFF', raw: JSON.stringify({ body: 'a\uffffb' }), status: 400, code: 'invalid_characters', message: INVALID_CHARACTERS_MESSAGE },
    { name: 'a body over the queue limit', raw: JSON.stringify({ body: tooLong }), status: 400, code: 'body_too_large', message: 'body is 2049 bytes; the queue accepts at most 2048 bytes (its MaximumMessageSize)' },
    { name: 'a body over the limit in UTF-8 bytes', raw: JSON.stringify({ body: tooLongUtf8 }), status: 400, code: 'body_too_large', message: 'body is 2050 bytes; the queue accepts at most 2048 bytes (its MaximumMessageSize)' },
    { name: 'a text/plain request', raw: '{"body":"x"}', type: 'text/plain', status: 415, code: 'unsupported_media_type', message: 'Content-Type must be application/json' },
    { name: 'a form request', raw: 'body=x', type: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type', message: 'Content-Type must be application/json' },
    { name: 'a request over the server limit', raw: JSON.stringify({ body: 'y'.repeat(MAX_REQUEST_BYTES) }), status: 413, code: 'request_too_large', message: `request is larger than ${MAX_REQUEST_BYTES} bytes` },
  ];

  for (const c of badInputs) {
    it(`answers ${c.status} "${c.message}" for ${c.name}`, async () => {
      const answer = await post(w.url, c.raw, c.type);
      assert.equal(answer.status, c.status);
      assert.deepEqual(answer.json, { status: 'Error', message: c.message, code: c.code });
    });
  }

  it('enqueues good bodies: every 201 id is received from the queue with the same body', async () => {
    const bodies = ['hello', 'line with "quotes" and \\ backslash', 'ünïcödé ✓ 🚀', '\t tab\nnewline\r', 'z'.repeat(2048), 'é'.repeat(1024)];
    const answers = await Promise.all(bodies.map((b) => postBody(w.url, b)));
    const sent = new Map<string, string>();
    answers.forEach((a, i) => {
      assert.equal(a.status, 201, JSON.stringify(a.json));
      assert.equal(a.json.status, 'Ok');
      assert.equal(a.json.message, 'Message enqueued');
      assert.equal(typeof a.json.id, 'string');
      sent.set(a.json.id as string, bodies[i]!);
    });
    const received = await receiveAll(sqs.client, sqs.queueUrl, new Set(sent.keys()));
    for (const [id, body] of sent) assert.equal(received.get(id), body, `message ${id}`);
  });

  it('accepts application/json with a charset and ignores extra properties', async () => {
    const answer = await post(w.url, JSON.stringify({ body: 'with charset', other: 1 }), 'application/json; charset=utf-8');
    assert.equal(answer.status, 201);
  });

  it('answers 413 for an oversized chunked body before the client has finished sending it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${w.url}/api/message`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      const chunk = Buffer.alloc(16 * 1024, 'a');
      req.write('{"body":"');
      // Keep writing without ever ending the request: the answer must come anyway.
      const pump = (): void => {
        if (req.destroyed) return;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      pump();
    });
    assert.equal(status, 413);
  });

  it('answers 404 and 405 as JSON', async () => {
    const missing = await fetch(`${w.url}/api/nothing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { status: 'Error', message: 'no such path', code: 'not_found' });
    const wrong = await fetch(`${w.url}/api/message`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.deepEqual(await wrong.json(), { status: 'Error', message: 'method not allowed for this path', code: 'method_not_allowed' });
  });

  it('forgets a request whose client leaves in the middle of its body, and keeps serving', async () => {
    const { port } = new URL(w.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /api/message HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"body":"cut');
    await until(() => w.writer.app.inFlight() === 1, 'the request to arrive');
    socket.destroy();
    await until(() => w.writer.app.inFlight() === 0, 'the abandoned request to be forgotten');
    assert.equal((await postBody(w.url, 'after an abandoned one')).status, 201);
  });

  it('accepts POST /api/message with a query string too (the route, not the exact URL, decides)', async () => {
    const res = await fetch(`${w.url}/api/message?source=test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"body":"with a query"}' });
    assert.equal(res.status, 201);
    const id = ((await res.json()) as { id: string }).id;
    const received = await receiveAll(sqs.client, sqs.queueUrl, new Set([id]));
    assert.equal(received.get(id), 'with a query');
  });

  it('serves a small HTML page on GET /, as the original did', async () => {
    const res = await fetch(`${w.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /sqsdemo queue-writer/);
  });

  it('says 200 on /healthz while SQS answers', async () => {
    const res = await fetch(`${w.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok', sqs: 'answering' });
  });

  it('serves Prometheus metrics: responses by status, latency histogram, SQS calls, batch sizes, process and event loop', async () => {
    // Its own 201 and 400: this test does not lean on what earlier tests sent.
    assert.equal((await postBody(w.url, 'for metrics')).status, 201);
    assert.equal((await post(w.url, '{"nobody": 1}')).status, 400);
    const res = await fetch(`${w.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^sqsdemo_serve_responses_total\{status="201"\} \d+$/m);
    assert.match(text, /^sqsdemo_serve_responses_total\{status="400"\} \d+$/m);
    assert.match(text, /^# TYPE sqsdemo_serve_enqueue_seconds histogram$/m);
    assert.match(text, /^sqsdemo_serve_enqueue_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m);
    assert.match(text, /^sqsdemo_serve_sqs_calls_total\{action="SendMessageBatch",outcome="ok"\} [1-9]\d*$/m);
    assert.match(text, /^sqsdemo_serve_batch_entries_count [1-9]\d*$/m);
    assert.match(text, /^sqsdemo_serve_max_message_bytes 2048$/m);
    assert.match(text, /^sqsdemo_serve_in_flight 0$/m, 'the scrape itself is not counted as in flight');
    assert.match(text, /^sqsdemo_serve_sqs_healthy 1$/m);
    // prom-client's own process and Node.js metrics come with every registry.
    assert.match(text, /^process_cpu_seconds_total \d/m);
    assert.match(text, /^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
  });
});

describe('sqsdemo serve: batching against SQS', () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });

  it('sends N concurrent requests in at most ceil(N/10) + 2 SendMessageBatch calls', async () => {
    const n = 95;
    const w = await startWriter(sqs.config, sqs.queueUrl, { maxInflightBatches: 1 });
    // The first batch is held until every request has arrived: the others must wait in full batches.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    w.holdSends(async () => {
      if (held) return;
      held = true;
      await gate;
    });
    try {
      const answers = Promise.all(Array.from({ length: n }, (_, i) => postBody(w.url, `concurrent ${i}`)));
      await until(() => w.writer.batcher.outstanding === n, 'every request to reach the batcher');
      release();
      const done = await answers;
      assert.deepEqual(done.map((a) => a.status), Array(n).fill(201));
      assert.ok(w.sendCalls() <= Math.ceil(n / 10) + 2, `${w.sendCalls()} SendMessageBatch calls for ${n} messages`);
      const ids = new Set(done.map((a) => a.json.id as string));
      assert.equal(ids.size, n);
      const received = await receiveAll(sqs.client, sqs.queueUrl, ids);
      for (const a of done) assert.match(received.get(a.json.id as string) ?? '', /^concurrent \d+$/);
    } finally {
      release();
      await w.stop();
    }
  });

  // Adaptive batching (the default): a message at a low rate does not wait for the linger. With a
  // fixed 10-minute linger these requests would still be waiting when the test's own timeout fails it.
  it('answers lone requests without waiting for the linger by default', { timeout: 30_000 }, async () => {
    const w = await startWriter(sqs.config, sqs.queueUrl, { lingerMs: 600_000 });
    try {
      const first = await postBody(w.url, 'alone 1');
      const second = await postBody(w.url, 'alone 2');
      assert.deepEqual([first.status, second.status], [201, 201]);
      assert.equal(w.sendCalls(), 2, 'one call each: nothing to wait for');
      const received = await receiveAll(sqs.client, sqs.queueUrl, new Set([first.json.id as string, second.json.id as string]));
      assert.deepEqual([...received.values()].sort(), ['alone 1', 'alone 2']);
    } finally {
      await w.stop();
    }
  });
});
