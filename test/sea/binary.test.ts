import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { resolveSqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { VERSION } from '../../src/version.js';
import type { SqsdemoProcess } from '../helpers/cli.js';
import { buildBinary, NOISE, waitForEvent, type BuiltBinary } from './binary.js';

/** Every role the executable has: a binary missing one fails, it is not skipped. */
const COMMANDS = ['sqs', 'setup', 'serve', 'work', 'load', 'dash', 'redrive', 'report'] as const;

describe('the single executable (npm run build)', { timeout: 120_000 }, () => {
  let bin: BuiltBinary;
  const running: SqsdemoProcess[] = [];

  before(async () => {
    bin = await buildBinary();
  });

  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    bin?.remove();
  });

  it('prints --help listing exactly the eight commands (six roles, redrive and report), and nothing on stderr', async () => {
    const result = await bin.run(['--help']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: sqsdemo /);
    assert.deepEqual([...bin.commands].sort(), [...COMMANDS].sort(), `commands listed: ${[...bin.commands].join(', ')}`);
    assert.equal(result.stderr, '');
  });

  it('prints --version, and nothing on stderr', async () => {
    const result = await bin.run(['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), VERSION);
    assert.equal(result.stderr, '');
  });

  it('runs every role (its --help) from the bundle', async () => {
    for (const command of COMMANDS) {
      const result = await bin.run([command, '--help']);
      assert.equal(result.code, 0, `${command} --help: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`^Usage: sqsdemo ${command} `), command);
      assert.equal(result.stderr, '', command);
    }
  });

  it('reports bad flags with exit 2 as bin/sqsdemo does', async () => {
    const result = await bin.run(['setup', '--endpoint', 'not a url']);
    assert.equal(result.code, 2);
    assert.doesNotMatch(result.stderr, NOISE);
  });

  it('writes its bundle to the cache once and starts from there', async () => {
    await bin.run(['--version']);
    const cached = readdirSync(bin.cacheDir);
    assert.equal(cached.length, 1, cached.join(', '));
    assert.match(cached[0]!, /^sqsdemo-[0-9a-f]{20}$/);
    assert.ok(readdirSync(join(bin.cacheDir, cached[0]!)).includes('sqsdemo.mjs'), 'the split bundle, entry and chunks');
  });

  it('starts even when no cache directory can be written', async () => {
    const result = await bin.run(['--version'], { SQSDEMO_CACHE_DIR: `${bin.path}/not-a-dir` });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), VERSION);
    assert.equal(result.stderr, '');
  });

  it('runs sqs, setup and serve: a POST is answered 201 and the message is in the queue', async () => {
    const sqs = bin.spawn(['sqs', '--port', '0', '--json']);
    running.push(sqs);
    const endpoint = String((await waitForEvent(sqs, 'ready')).url);

    const setup = await bin.run(['setup', '--endpoint', endpoint, '--queue', 'sea_e2e', '--json']);
    assert.equal(setup.code, 0, setup.stderr);
    assert.doesNotMatch(setup.stderr, NOISE);
    const queueUrl = (JSON.parse(setup.stdout.trim().split('\n').at(-1)!) as { main: { url: string } }).main.url;

    const serve = bin.spawn(['serve', '--endpoint', endpoint, '--queue', 'sea_e2e', '--port', '0', '--json']);
    running.push(serve);
    const writer = String((await waitForEvent(serve, 'ready')).url);

    const response = await fetch(`${writer}/api/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'hello from the binary' }),
    });
    assert.equal(response.status, 201, await response.text());

    const config = resolveSqsConfig({ endpoint, queue: 'sea_e2e' }, {});
    const client = createSqsClient(config);
    try {
      const received = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }));
      assert.equal(received.Messages?.[0]?.Body, 'hello from the binary');
      await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle! }));
    } finally {
      client.destroy();
    }

    const served = await serve.stop('SIGTERM');
    assert.equal(served.code, 0, served.stderr);
    assert.doesNotMatch(served.stderr, NOISE);
    const stopped = await sqs.stop('SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.doesNotMatch(stopped.stderr, NOISE);
  });

  it('runs serve --workers 2 from the binary: its workers start from the binary too', async () => {
    const sqs = bin.spawn(['sqs', '--port', '0', '--json']);
    running.push(sqs);
    const endpoint = String((await waitForEvent(sqs, 'ready')).url);
    const setup = await bin.run(['setup', '--endpoint', endpoint, '--queue', 'sea_workers', '--json']);
    assert.equal(setup.code, 0, setup.stderr);
    const serve = bin.spawn(['serve', '--endpoint', endpoint, '--queue', 'sea_workers', '--port', '0', '--json', '--workers', '2']);
    running.push(serve);
    const ready = await waitForEvent(serve, 'ready');
    assert.equal(ready.workers, 2);
    const response = await fetch(`${String(ready.url)}/api/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'from a worker' }) });
    assert.equal(response.status, 201, await response.text());
    const served = await serve.stop('SIGTERM');
    assert.equal(served.code, 0, served.stderr);
    assert.doesNotMatch(served.stderr, NOISE);
    assert.match(served.stdout, /"type":"stopped"[^\n]*"enqueued":1\b[^\n]*"workers":2/);
    await sqs.stop('SIGTERM');
  });

  it('runs dash without a TTY for a few seconds and exits 0', async () => {
    // The PATH has no node (see binary.ts): dash starts its roles from the binary itself.
    const result = await bin.run(['dash', '--duration', '3s']);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, NOISE);
  });
});
