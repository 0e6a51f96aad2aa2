/**
 * One exit-code table for every command (src/errors.ts, the README, --help).
 * Each row is driven through the real executable (bin/sqsdemo in a child
 * process), checking the code and the first line a user reads.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { closedPort } from '../load/fake-writer.js';
import { runCli } from '../../src/cli.js';
import { EXIT_CODE_TABLE, ExitCode } from '../../src/errors.js';

/** The AWS configuration a user without any has: no region, no keys, no files, no instance metadata. */
const NO_AWS: Record<string, string | undefined> = {
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_PROFILE: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_CONFIG_FILE: '/nonexistent/sqsdemo-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/sqsdemo-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

async function takenPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('exit codes: one table, every command', { timeout: 180_000 }, () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs();
  });
  after(async () => {
    await sqs?.stop();
  });
  const at = (): string[] => ['--endpoint', sqs.endpoint, '--queue', sqs.config.queueName];

  it('--help prints the whole table', async () => {
    const run = await runSqsdemo(['--help']);
    assert.equal(run.code, 0);
    for (const [code, meaning] of EXIT_CODE_TABLE) assert.ok(run.stdout.includes(`${code}  ${meaning}`), `--help lacks row ${code}\n${run.stdout}`);
  });

  it('0: setup on queues that exist as wanted', async () => {
    const run = await runSqsdemo(['setup', ...at()]);
    assert.equal(run.code, ExitCode.Ok, run.stderr);
  });

  it('1: setup finds attributes that differ from the wanted ones', async () => {
    const run = await runSqsdemo(['setup', ...at(), '--visibility-timeout', '31']);
    assert.equal(run.code, ExitCode.Failed, run.stderr);
    assert.match(run.stderr, /^sqsdemo setup: queue attributes differ/m);
  });

  describe('2: bad flags, environment or input', () => {
    it('a flag value out of range', async () => {
      const run = await runSqsdemo(['serve', '--port', 'x']);
      assert.equal(run.code, ExitCode.Usage);
      assert.match(run.stderr, /--port/);
    });

    it('an empty --region (was 70, "internal error")', async () => {
      const run = await runSqsdemo(['setup', ...at(), '--region', '']);
      assert.equal(run.code, ExitCode.Usage, run.stderr);
      assert.match(run.stderr, /^sqsdemo setup: --region "" is not a region name/m);
      assert.doesNotMatch(run.stderr, /internal error/);
    });

    it('a --queue whose derived dead-letter queue name passes 80 characters (was 1)', async () => {
      const run = await runSqsdemo(['setup', '--endpoint', sqs.endpoint, '--queue', 'q'.repeat(77)]);
      assert.equal(run.code, ExitCode.Usage, run.stderr);
      assert.match(run.stderr, /longer than SQS's 80 characters/);
      assert.match(run.stderr, /--dlq/);
    });

    it('--aws with no region anywhere (was 3)', async () => {
      const run = await runSqsdemo(['setup', '--aws'], { env: NO_AWS, timeoutMs: 30_000 });
      assert.equal(run.code, ExitCode.Usage, run.stderr);
      assert.match(run.stderr, /no AWS region configured/);
      assert.match(run.stderr, /AWS_REGION or pass --region/);
    });

    it('a bad value in an environment variable names the variable', async () => {
      const run = await runSqsdemo(['serve', ...at()], { env: { SQSDEMO_PORT: 'eighty' } });
      assert.equal(run.code, ExitCode.Usage, run.stderr);
      assert.match(run.stderr, /^sqsdemo serve: SQSDEMO_PORT="eighty" is invalid/m);
    });
  });

  it('3: work cannot reach SQS', async () => {
    const run = await runSqsdemo(['work', '--endpoint', `http://127.0.0.1:${await closedPort()}`]);
    assert.equal(run.code, ExitCode.Unavailable, run.stderr);
    assert.match(run.stderr, /^sqsdemo work: cannot reach SQS at http:\/\/127\.0\.0\.1:\d+/m);
    assert.match(run.stderr, /hint: .*sqsdemo sqs/);
  });

  it('4: work and serve on a queue that does not exist', async () => {
    for (const role of ['work', 'serve']) {
      const run = await runSqsdemo([role, '--endpoint', sqs.endpoint, '--queue', `${sqs.config.queueName}_nope`, ...(role === 'serve' ? ['--port', '0'] : [])]);
      assert.equal(run.code, ExitCode.MissingQueue, `${role}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`^sqsdemo ${role}: queue "${sqs.config.queueName}_nope" does not exist`, 'm'));
      assert.match(run.stderr, /sqsdemo setup/);
    }
  });

  it('5: sqs and serve on a port that is taken (were 3 and 2)', async () => {
    const { port, server } = await takenPort();
    try {
      const [endpoint, writer] = await Promise.all([
        runSqsdemo(['sqs', '--port', String(port)]),
        runSqsdemo(['serve', ...at(), '--port', String(port)]),
      ]);
      assert.equal(endpoint.code, ExitCode.CannotListen, endpoint.stderr);
      assert.match(endpoint.stderr, new RegExp(`^sqsdemo sqs: port ${port} on 127.0.0.1 is already in use`, 'm'));
      assert.equal(writer.code, ExitCode.CannotListen, writer.stderr);
      assert.match(writer.stderr, new RegExp(`^sqsdemo serve: cannot listen on 127.0.0.1:${port}: the port is in use`, 'm'));
    } finally {
      server.close();
    }
  });

  it('6: load cannot reach the writer (was 3); errors name the command that ran, not a word of its flags', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/message`;
    const run = await runSqsdemo(['load', '--queue', 'sqs', '--url', url, '--requests', '1']);
    assert.equal(run.code, ExitCode.WriterUnavailable, run.stderr);
    assert.match(run.stderr, /^sqsdemo load: nothing is listening at/m);
  });

  it('70: an error nobody planned for says "internal error" and asks for a report', async () => {
    // In process: a stdout that throws is the one bug a test can cause on purpose.
    let stderr = '';
    const code = await runCli(['node', 'sqsdemo', 'setup', ...at(), '--json'], {
      stdout: new Writable({ write: () => { throw new TypeError('stdout exploded'); } }),
      stderr: new Writable({ write(chunk: Buffer, _enc, done) { stderr += chunk.toString(); done(); } }),
      stdin: Readable.from([]),
      env: {},
      isTTY: false,
      signal: new AbortController().signal,
    });
    assert.equal(code, ExitCode.Internal);
    assert.match(stderr, /^sqsdemo setup: internal error: stdout exploded/m);
    assert.match(stderr, /report it/);
  });

  it('130: a second Ctrl-C stops without draining', async () => {
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: 'a long task' }));
    const proc = spawnSqsdemo(['work', ...at(), '--json', '--work-ms', '600000', '--drain-timeout', '1h', '--fail-rate', '0']);
    try {
      await proc.waitFor(/"type":"receive"/, 30_000);
      proc.child.kill('SIGINT');
      await proc.waitFor(/"type":"stopping"/, 30_000);
      proc.child.kill('SIGINT');
      const result = await proc.exited;
      assert.equal(result.code, ExitCode.Interrupted, result.stderr);
      assert.match(result.stderr, /second SIGINT, exiting without draining/);
    } finally {
      await proc.stop('SIGKILL');
    }
  });
});
