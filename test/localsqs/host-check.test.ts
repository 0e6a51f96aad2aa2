/**
 * DNS rebinding (the Host header): on a loopback address the endpoint serves
 * requests for localhost or an IP address, and names allowed with
 * --allow-host; a request for any other name (a page whose name was pointed at
 * 127.0.0.1) is refused with 403 AccessDenied in its protocol's shape and runs
 * nothing. Listening on another address, there is no check. The "rebound"
 * name is simulated with the real SDK whose sockets resolve it to 127.0.0.1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createLocalSqsServer } from '../../src/localsqs/server.js';
import { createHostCheck, hostName, isLoopbackAddress } from '../../src/localsqs/host-check.js';
import { raw, rawJson, rawQuery, rejection, startHarness, TEST_CREDENTIALS, type Harness } from './harness.js';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';

/** Every name resolves to 127.0.0.1: what DNS rebinding makes a browser do. */
const toLoopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/** The real SDK addressing the endpoint as http://NAME:PORT, its sockets connecting to 127.0.0.1. */
function sdkAs(name: string, port: string): SQSClient {
  return new SQSClient({
    endpoint: `http://${name}:${port}`,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: toLoopback }) }),
  });
}

describe('the Host header on a loopback address (DNS rebinding)', () => {
  let h: Harness;
  let port: string;
  const clients: SQSClient[] = [];
  before(async () => {
    h = await startHarness({ allowedHosts: ['sqs.test', '.dev.test'] });
    port = new URL(h.url).port;
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await h.stop();
  });
  const as = (name: string): SQSClient => {
    const c = sdkAs(name, port);
    clients.push(c);
    return c;
  };
  const exists = (name: string): boolean => h.server.stats().queues.some((q) => q.name === name);

  it('refuses the SDK addressing it by a foreign name: 403 AccessDenied, the action not run, counted as refused', async () => {
    const before = h.server.stats().refused;
    const err = await rejection(as('rebound.example').send(new CreateQueueCommand({ QueueName: 'host_rebound' })));
    assert.equal(err.$metadata?.httpStatusCode, 403);
    assert.equal(err.name, 'AccessDenied');
    assert.match(err.message, /Host rebound\.example:\d+ is not allowed.*--allow-host/);
    assert.equal(exists('host_rebound'), false);
    assert.equal(h.server.stats().refused, before + 1);
  });

  it('answers in the request\'s protocol: Query XML and JSON', async () => {
    const host = { host: `evil.example:${port}` };
    const q = await rawQuery(h.url, { Action: 'CreateQueue', QueueName: 'host_query' }, host);
    assert.equal(q.status, 403);
    assert.match(q.body, /<Code>AccessDenied<\/Code>/);
    const j = await rawJson(h.url, 'CreateQueue', { QueueName: 'host_json' }, host);
    assert.equal(j.status, 403);
    assert.equal(JSON.parse(j.body).__type, 'com.amazon.coral.service#AccessDeniedException');
    const metrics = await raw(h.url, { method: 'GET', path: '/metrics', headers: host });
    assert.equal(metrics.status, 403, 'the queue names in /metrics are not shown to a rebound page either');
    assert.equal(exists('host_query') || exists('host_json'), false);
  });

  it('serves localhost, IP addresses and the names allowed with --allow-host (.dev.test: and its subdomains)', async () => {
    for (const name of ['localhost', '127.0.0.1', 'sqs.test', 'SQS.TEST', 'dev.test', 'a.b.dev.test']) {
      const out = await as(name).send(new ListQueuesCommand({}));
      assert.equal(out.$metadata.httpStatusCode, 200, name);
    }
    for (const host of [`[::1]:${port}`, 'localhost', `127.0.0.2:${port}`, `10.1.2.3:${port}`]) {
      assert.equal((await rawQuery(h.url, { Action: 'ListQueues' }, { host })).status, 200, host);
    }
    for (const host of [`evildev.test:${port}`, `sqs.test.evil.example:${port}`, `localhost.evil.example:${port}`, 'localhost:x', '[::1']) {
      assert.equal((await rawQuery(h.url, { Action: 'ListQueues' }, { host })).status, 403, host);
    }
  });

  it('reads the host name out of a Host header: port and IPv6 brackets off, malformed is undefined', () => {
    assert.equal(hostName('Example.Test:9324'), 'example.test');
    assert.equal(hostName('[::1]:9324'), '::1');
    assert.equal(hostName('[::1]'), '::1');
    assert.equal(hostName('a:b'), undefined);
    assert.equal(hostName('[::1]x'), undefined);
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '[::1]']) assert.equal(isLoopbackAddress(a), true, a);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1']) assert.equal(isLoopbackAddress(a), false, a);
    assert.equal(createHostCheck('0.0.0.0', []), undefined);
  });
});

describe('the Host header on every interface', () => {
  it('is not checked: remote clients reach the endpoint by names of their own', async () => {
    const server = createLocalSqsServer();
    const url = await server.listen(0, '0.0.0.0');
    try {
      const r = await rawQuery(url, { Action: 'ListQueues' }, { host: 'sqs.lan.example:9324' });
      assert.equal(r.status, 200);
    } finally {
      await server.close();
    }
  });
});

describe('sqsdemo sqs --allow-host', () => {
  it('serves an allowed name (flag or SQSDEMO_ALLOW_HOSTS) and refuses others; a bad name is exit 2', { timeout: 120_000 }, async () => {
    const proc = spawnSqsdemo(['sqs', '--port', '0', '--allow-host', 'flag.test'], { env: { SQSDEMO_ALLOW_HOSTS: 'ignored.test' }, timeoutMs: 90_000 });
    try {
      const url = (await proc.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]!;
      const status = async (host: string) => (await rawQuery(url, { Action: 'ListQueues' }, { host })).status;
      assert.equal(await status('flag.test'), 200);
      assert.equal(await status('ignored.test'), 403, 'the flag wins over the environment');
      assert.equal(await status('other.test'), 403);
    } finally {
      await proc.stop();
    }
    const fromEnv = spawnSqsdemo(['sqs', '--port', '0'], { env: { SQSDEMO_ALLOW_HOSTS: 'one.test, .two.test' }, timeoutMs: 90_000 });
    try {
      const url = (await fromEnv.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]!;
      for (const host of ['one.test', 'x.two.test']) assert.equal((await rawQuery(url, { Action: 'ListQueues' }, { host })).status, 200, host);
    } finally {
      await fromEnv.stop();
    }
    const bad = await runSqsdemo(['sqs', '--port', '0', '--allow-host', 'http://x.test/']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--allow-host/);
  });
});
