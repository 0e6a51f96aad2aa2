/**
 * What the README promises about configuration, each driven through the CLI:
 * SQSDEMO_ENDPOINT / SQSDEMO_QUEUE / SQSDEMO_DLQ, "flags win over environment
 * variables", --region, the default ports, `dash --aws` starting no local
 * endpoint, `work --seed` repeatability and `work --metrics-port`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { closedPort } from '../load/fake-writer.js';
import { runCli } from '../../src/cli.js';
import type { Env } from '../../src/config.js';
import { ExitCode } from '../../src/errors.js';
import { LOAD_DEFAULTS } from '../../src/load/config.js';

interface SetupReport { main: { name: string }; dlq: { name: string } }

/** `sqsdemo setup --json` in this process with exactly `env` as its environment. */
async function setupInProcess(args: string[], env: Env): Promise<{ code: number; report?: SetupReport; stderr: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable => new Writable({ write(chunk: Buffer, _e, done) { append(chunk.toString()); done(); } });
  const code = await runCli(['node', 'sqsdemo', 'setup', '--json', ...args], {
    stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stdin: Readable.from([]), env, isTTY: false, signal: new AbortController().signal,
  });
  const line = out.trim().split('\n').at(-1);
  return { code, stderr: err, ...(line ? { report: JSON.parse(line) as SetupReport } : {}) };
}

async function hold(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined)); // someone else holds it: just as taken
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('configuration the README promises', { timeout: 120_000 }, () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs({ forceLocal: true });
  });
  after(async () => {
    await sqs?.stop();
  });

  it('takes the endpoint and queue names from SQSDEMO_ENDPOINT, SQSDEMO_QUEUE and SQSDEMO_DLQ', async () => {
    const run = await setupInProcess([], { SQSDEMO_ENDPOINT: sqs.endpoint, SQSDEMO_QUEUE: 'env_main', SQSDEMO_DLQ: 'env_dead' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.report?.main.name, 'env_main');
    assert.equal(run.report?.dlq.name, 'env_dead');
  });

  it('lets flags win over the environment', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const run = await setupInProcess(['--endpoint', sqs.endpoint, '--queue', 'flag_main'], { SQSDEMO_ENDPOINT: dead, SQSDEMO_QUEUE: 'env_main', SQSDEMO_DLQ: 'env_dead' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.report?.main.name, 'flag_main');
    assert.equal(run.report?.dlq.name, 'env_dead');
    // And the other way round: the environment's endpoint is used when no flag names one.
    const viaEnv = await setupInProcess([], { SQSDEMO_ENDPOINT: dead });
    assert.equal(viaEnv.code, ExitCode.Unavailable, viaEnv.stderr);
    assert.match(viaEnv.stderr, new RegExp(`cannot reach SQS at ${dead}`));
  });

  it('reads the environment it is given, not the process environment (one config layer)', async () => {
    process.env.SQSDEMO_QUEUE = 'from_process_env';
    try {
      const run = await setupInProcess(['--endpoint', sqs.endpoint], {});
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.report?.main.name, 'q1_standard');
    } finally {
      delete process.env.SQSDEMO_QUEUE;
    }
  });

  it('signs requests for --region (over AWS_REGION)', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end('{"__type":"com.amazonaws.sqs#InvalidAddress","message":"test"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await setupInProcess(['--endpoint', endpoint, '--region', 'eu-west-2'], { AWS_REGION: 'ap-south-1' });
      await setupInProcess(['--endpoint', endpoint], { AWS_REGION: 'ap-south-1' });
    } finally {
      server.close();
    }
    const scopes = seen.map((h) => /Credential=[^/]+\/\d+\/([a-z0-9-]+)\/sqs\/aws4_request/.exec(String(h.authorization))?.[1]);
    assert.ok(scopes.includes('eu-west-2'), `scopes: ${scopes.join(', ')}`);
    assert.ok(scopes.includes('ap-south-1'), `scopes: ${scopes.join(', ')}`);
    assert.ok(scopes.indexOf('eu-west-2') < scopes.indexOf('ap-south-1'));
  });

  it("listens on the default ports: the endpoint on 9324, the writer on 5000 (load's default URL)", async () => {
    assert.equal(LOAD_DEFAULTS.url, 'http://127.0.0.1:5000/api/message');
    // Hold the ports (or find them held): the roles must fail on exactly these ports.
    const held = await Promise.all([hold(9324), hold(5000)]);
    try {
      const [endpoint, writer] = await Promise.all([
        runSqsdemo(['sqs']),
        runSqsdemo(['serve', '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName]),
      ]);
      assert.equal(endpoint.code, ExitCode.CannotListen, endpoint.stderr);
      assert.match(endpoint.stderr, /port 9324 on 127\.0\.0\.1 is already in use/);
      assert.equal(writer.code, ExitCode.CannotListen, writer.stderr);
      assert.match(writer.stderr, /cannot listen on 127\.0\.0\.1:5000/);
    } finally {
      for (const s of held) s?.close();
    }
  });

  it('dash --aws starts no local endpoint: the roles use the SDK chain (here AWS_ENDPOINT_URL_SQS)', async () => {
    const queue = `aws_${sqs.config.queueName}`;
    const dash = spawnSqsdemo(['dash', '--aws', '--region', 'eu-west-1', '--no-tty', '--duration', '3s', '--queue', queue, '--rate', '50'], {
      env: { AWS_ENDPOINT_URL_SQS: sqs.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: '/nonexistent/sqsdemo-test/config', AWS_EC2_METADATA_DISABLED: 'true' },
      timeoutMs: 90_000,
    });
    try {
      await dash.waitFor(/pipeline running/, 60_000);
      // dash's children, by role: no `sqs` among them.
      const pid = dash.child.pid!;
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      const roles = children.map((c) => readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').find((a) => ['sqs', 'serve', 'work', 'load'].includes(a))).sort();
      assert.deepEqual(roles, ['load', 'serve', 'work']);
      const result = await dash.exited;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /balance: accepted [1-9]\d* = .* OK holds/);
    } finally {
      await dash.stop('SIGKILL');
    }
  });

  it('work --seed makes the failure draws repeatable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqsdemo-seed-'));
    try {
      const outcomes = async (seed: number, name: string): Promise<string[]> => {
        const t = await startTestSqs({ forceLocal: true });
        try {
          await t.client.send(new SendMessageBatchCommand({ QueueUrl: t.queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })) }));
          const log = join(dir, name);
          const work = spawnSqsdemo(['work', '--endpoint', t.endpoint, '--queue', t.config.queueName, '--dlq', t.config.dlqName,
            '--json', '--seed', String(seed), '--fail-rate', '0.5', '--work-ms', '0', '--concurrency', '1', '--pollers', '1', '--data-log', log]);
          try {
            await work.waitFor(/"type":"stats"[^\n]*"received":(1\d|[2-9]\d)/, 30_000);
          } finally {
            await work.stop('SIGTERM');
          }
          return readFileSync(log, 'utf8').trim().split('\n').slice(0, 10).map((line) => line.split(',')[2]!);
        } finally {
          await t.stop();
        }
      };
      const first = await outcomes(7, 'a.csv');
      const again = await outcomes(7, 'b.csv');
      const other = await outcomes(8, 'c.csv');
      assert.equal(first.length, 10);
      assert.deepEqual(again, first, 'the same seed draws the same pass/fail sequence');
      assert.notDeepEqual(other, first, 'another seed draws another sequence');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('work --metrics-port serves Prometheus metrics fed by its events; a taken port exits 5', async () => {
    await sqs.client.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })) }));
    const port = await closedPort();
    const work = spawnSqsdemo(['work', '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--json', '--fail-rate', '0', '--work-ms', '0', '--metrics-port', String(port)]);
    try {
      await work.waitFor(/"type":"stats"[^\n]*"deleted":5/, 30_000);
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.match(text, /^sqsdemo_work_processed_total 5$/m);
      assert.match(text, /^sqsdemo_work_deleted_total 5$/m);
      assert.match(text, /^sqsdemo_work_ready 1$/m);
      assert.match(text, /^process_cpu_seconds_total /m);
      const taken = await runSqsdemo(['work', '--endpoint', sqs.endpoint, '--queue', sqs.config.queueName, '--metrics-port', String(port)]);
      assert.equal(taken.code, ExitCode.CannotListen, taken.stderr);
      assert.match(taken.stderr, new RegExp(`^sqsdemo work: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`, 'm'));
    } finally {
      const stopped = await work.stop('SIGTERM');
      assert.equal(stopped.code, 0, stopped.stderr);
    }
  });
});
