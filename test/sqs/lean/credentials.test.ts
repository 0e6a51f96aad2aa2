/**
 * The lean path uses the SDK's own credential chain. Against a local endpoint
 * that verifies SigV4 (`--credentials`), reached through `--aws` and
 * AWS_ENDPOINT_URL_SQS as a user of another engine would: environment keys
 * with a session token and a profile from a shared credentials file
 * (AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE) sign the hot calls (the endpoint
 * names the key as each message's SenderId), `sqsdemo work` runs on them, and
 * wrong keys fail alike on both paths.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { resolveSqsConfig, type Env, type SqsClientKind } from '../../../src/config.js';
import { createSqsClient } from '../../../src/sqs/client.js';
import { toSqsdemoError } from '../../../src/sqs/errors.js';
import { runSqsdemo, spawnSqsdemo } from '../../helpers/cli.js';
import { startHarness, TEST_CREDENTIALS, type Harness } from '../../localsqs/harness.js';
import { errorView } from './views.js';

const ENV_KEY = { accessKeyId: 'AKIDFROMENV', secretAccessKey: 'env-secret' };
const PROFILE_KEY = { accessKeyId: 'AKIDFROMPROFILE', secretAccessKey: 'profile-secret' };
const CHAIN_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_REGION', 'AWS_ENDPOINT_URL_SQS'];

describe('the lean path on the SDK credential chain (--aws, AWS_ENDPOINT_URL_SQS, a verifying endpoint)', { timeout: 120_000 }, () => {
  let h: Harness;
  let dir: string;
  const saved = new Map<string, string | undefined>();
  before(async () => {
    h = await startHarness({ credentials: [TEST_CREDENTIALS, ENV_KEY, PROFILE_KEY] });
    dir = mkdtempSync(join(tmpdir(), 'sqsdemo-lean-creds-'));
    writeFileSync(join(dir, 'credentials'), `[default]\naws_access_key_id = AKIDUNUSED\naws_secret_access_key = unused\n\n[sqsdemo-test]\naws_access_key_id = ${PROFILE_KEY.accessKeyId}\naws_secret_access_key = ${PROFILE_KEY.secretAccessKey}\n`);
    writeFileSync(join(dir, 'config'), '[profile sqsdemo-test]\nregion = us-east-1\n');
    for (const name of CHAIN_VARIABLES) saved.set(name, process.env[name]);
  });
  after(async () => {
    for (const [name, value] of saved) if (value === undefined) delete process.env[name]; else process.env[name] = value;
    rmSync(dir, { recursive: true, force: true });
    await h.stop();
  });

  /** The SDK reads its chain from process.env: set exactly `env` (and the endpoint and files) for an in-process client. */
  function useEnvironment(env: Env): Env {
    const all: Env = { AWS_ENDPOINT_URL_SQS: h.url, AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), ...env };
    for (const name of CHAIN_VARIABLES) {
      const value = all[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    return all;
  }

  async function senderOfHotCalls(kind: SqsClientKind, env: Env): Promise<string | undefined> {
    const config = resolveSqsConfig({ aws: true, sqsClient: kind }, useEnvironment(env));
    const client = createSqsClient(config, { maxAttempts: 1 });
    try {
      const queueUrl = await h.queue();
      const sent = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '0', MessageBody: 'who signed this?' }] }));
      assert.equal(sent.Successful?.length, 1);
      const got = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['SenderId'] }));
      return got.Messages?.[0]?.Attributes?.SenderId;
    } finally {
      client.destroy();
    }
  }

  it('signs with the environment keys and their session token', async () => {
    for (const kind of ['lean', 'sdk'] as const) {
      const sender = await senderOfHotCalls(kind, { AWS_ACCESS_KEY_ID: ENV_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: ENV_KEY.secretAccessKey, AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEJr//session' });
      assert.equal(sender, ENV_KEY.accessKeyId, kind);
    }
  });

  it('signs with a profile from the shared credentials file (AWS_PROFILE)', async () => {
    for (const kind of ['lean', 'sdk'] as const) {
      assert.equal(await senderOfHotCalls(kind, { AWS_PROFILE: 'sqsdemo-test' }), PROFILE_KEY.accessKeyId, kind);
    }
  });

  it('fails alike on both paths with a wrong secret: the same error and the same exit code', async () => {
    const views: unknown[] = [];
    for (const kind of ['lean', 'sdk'] as const) {
      const config = resolveSqsConfig({ aws: true, sqsClient: kind }, useEnvironment({ AWS_ACCESS_KEY_ID: ENV_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: 'wrong' }));
      const client = createSqsClient(config, { maxAttempts: 1 });
      try {
        const queueUrl = await h.queue();
        await assert.rejects(client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '0', MessageBody: 'x' }] })), (err: unknown) => {
          const converted = toSqsdemoError(err, config);
          views.push({ ...errorView(err), exitCode: converted.exitCode, message: converted.message });
          return true;
        });
      } finally {
        client.destroy();
      }
    }
    assert.equal((views[0] as { name: string }).name, 'SignatureDoesNotMatch');
    assert.deepEqual(views[0], views[1]);
  });

  it('runs `sqsdemo work --aws` on a profile, and wrong keys end it with the same exit and message on both paths', async () => {
    const env = useEnvironment({ AWS_PROFILE: 'sqsdemo-test' });
    const setup = await runSqsdemo(['setup', '--aws', '--queue', 'lean_creds'], { env: { ...env } });
    assert.equal(setup.code, 0, setup.stderr);
    const { QueueUrl: queueUrl } = await h.client.send(new GetQueueUrlCommand({ QueueName: 'lean_creds' }));
    await h.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })) }));
    const work = spawnSqsdemo(['work', '--aws', '--queue', 'lean_creds', '--json', '--wait-seconds', '1', '--fail-rate', '0'], { env: { ...env } });
    try {
      await work.waitFor(/"type":"stats"[^\n]*"deleted":5/, 60_000);
    } finally {
      const stopped = await work.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
    }
    const results: Array<{ code: number | null; stderr: string }> = [];
    for (const kind of ['lean', 'sdk'] as const) {
      const r = await runSqsdemo(['work', '--aws', '--queue', 'lean_creds', '--sqs-client', kind], { env: { ...env, AWS_PROFILE: undefined, AWS_ACCESS_KEY_ID: ENV_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: 'wrong' } });
      results.push({ code: r.code, stderr: r.stderr.split('\n')[0] ?? '' });
    }
    assert.notEqual(results[0]!.code, 0);
    assert.deepEqual(results[0], results[1]);
  });
});
