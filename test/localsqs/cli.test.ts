/** `sqsdemo sqs` as a user runs it: the real executable in a child process. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';

function client(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
}

// Each case is its own process: two side by side (more starve each other on a loaded 2-core machine).
const STARTUP_MS = 60_000;

describe('sqsdemo sqs', { concurrency: 2 }, () => {
  it('starts on port 0, prints its URL, serves SQS and exits 0 on SIGTERM saying how many messages it dropped', async () => {
    const proc = spawnSqsdemo(['sqs', '--port', '0'], { timeoutMs: 2 * STARTUP_MS });
    const [, url = ''] = await proc.waitFor(/listening on (http:\/\/\S+)/, STARTUP_MS);
    // Loopback only by default, and the port actually taken (not the 0 asked for).
    const where = new URL(url);
    assert.equal(where.hostname, '127.0.0.1');
    assert.ok(Number(where.port) > 0, `a real port in ${url}`);
    const c = client(url);
    const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: 'cli_q' }));
    await c.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    await c.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two' }));
    c.destroy();
    const result = await proc.stop('SIGTERM');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /dropped 2 messages/);
  });

  it('prints a ready event with the url and stats events with --json', async () => {
    const proc = spawnSqsdemo(['sqs', '--port', '0', '--json'], { timeoutMs: 2 * STARTUP_MS });
    const [, url] = await proc.waitFor(/"type":"ready".*"url":"(http:[^"]+)"/, STARTUP_MS);
    await proc.waitFor(/"type":"stats"/, STARTUP_MS);
    const result = await proc.stop('SIGINT');
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { role: string; type: string; url?: string; requests?: number });
    assert.ok(events.every((e) => e.role === 'sqs'));
    assert.equal(events[0]?.url, url);
    assert.deepEqual(events.slice(-2).map((e) => e.type), ['stopping', 'stopped']);
    assert.equal(typeof events.find((e) => e.type === 'stats')?.requests, 'number');
  });

  it('says which port is taken and what to do, exit 5 (src/errors.ts: cannot listen)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runSqsdemo(['sqs', '--port', String(port)]);
      assert.equal(result.code, 5);
      assert.match(result.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(result.stderr, /--port/);
      assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
    } finally {
      blocker.close();
    }
  });

  it('verifies SigV4 with SQSDEMO_CREDENTIALS, allows --cors-origin, and caps queues with --max-queues', async () => {
    const proc = spawnSqsdemo(['sqs', '--port', '0', '--cors-origin', 'http://localhost:3000', '--max-queues', '1'], { env: { SQSDEMO_CREDENTIALS: 'AKIDCLI:cli-secret' }, timeoutMs: 2 * STARTUP_MS });
    const [, url = ''] = await proc.waitFor(/listening on (http:\/\/\S+)/, STARTUP_MS);
    const good = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret' }, maxAttempts: 1 });
    const bad = new SQSClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDCLI', secretAccessKey: 'wrong' }, maxAttempts: 1 });
    try {
      await good.send(new CreateQueueCommand({ QueueName: 'cli_auth' }));
      await assert.rejects(bad.send(new CreateQueueCommand({ QueueName: 'cli_auth' })), { name: 'SignatureDoesNotMatch' });
      await assert.rejects(good.send(new CreateQueueCommand({ QueueName: 'cli_second' })), { name: 'OverLimit' });
      const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    } finally {
      good.destroy();
      bad.destroy();
    }
    const result = await proc.stop('SIGTERM');
    assert.equal(result.code, 0, result.stderr);
  });

  it('rejects malformed --credentials and --cors-origin with exit 2', async () => {
    for (const args of [['--credentials', 'no-colon'], ['--cors-origin', 'localhost:3000/path']]) {
      const result = await runSqsdemo(['sqs', '--port', '0', ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(args[0]!));
    }
  });

  it('rejects a bad port with exit 2', async () => {
    const result = await runSqsdemo(['sqs', '--port', '70000']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--port/);
  });

  it('explains in --help that messages live in memory only', async () => {
    const result = await runSqsdemo(['sqs', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /memory/);
    assert.match(result.stdout, /--port/);
  });
});
