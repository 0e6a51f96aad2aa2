/**
 * dash --credentials KEY:SECRET (or SQSDEMO_CREDENTIALS): the endpoint dash
 * starts verifies SigV4 with that key, and every role signs with it, whatever
 * AWS_* keys dash inherited. Driven through the real executable: the pipeline
 * runs, the balance holds, and the endpoint refused exactly the one request
 * this test signs with a wrong secret, none of the pipeline's. Always on the
 * local endpoint (with SQSDEMO_TEST_ENDPOINT too: the flag is for the endpoint
 * dash starts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { runSqsdemo, spawnSqsdemo } from '../helpers/cli.js';
import { closedPort } from '../load/fake-writer.js';
import { parseBalance } from './dash-helpers.js';

const KEY = 'AKIDDASH';
const SECRET = 'dash-secret';
/** Keys the roles must not use once --credentials is given. */
const INHERITED = { AWS_ACCESS_KEY_ID: 'AKIDINHERITED', AWS_SECRET_ACCESS_KEY: 'inherited', AWS_SESSION_TOKEN: 'inherited-token', SQSDEMO_CREDENTIALS: undefined };

describe('sqsdemo dash --credentials', () => {
  it('starts the endpoint verifying SigV4 and gives the roles its key: the pipeline runs, the balance holds, nothing of the pipeline refused', { timeout: 150_000 }, async () => {
    const queue = `cred_${randomBytes(4).toString('hex')}`;
    const dash = spawnSqsdemo(
      ['dash', '--no-tty', '--credentials', `${KEY}:${SECRET}`, '--queue', queue, '--duration', '10m', '--rate', '50', '--work-ms', '5', '--fail-rate', '0', '--summary-every', '500ms'],
      { env: INHERITED, timeoutMs: 140_000 },
    );
    let client: SQSClient | undefined;
    try {
      const endpoint = (await dash.waitFor(/local endpoint (http:\/\/\S+) \(verifying SigV4: --credentials\)/, 90_000))[1]!;
      await dash.waitFor(/pipeline running/, 60_000);
      // Verification is on: the right key with a wrong secret is refused (the one refusal expected below).
      client = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: KEY, secretAccessKey: 'wrong' }, maxAttempts: 1 });
      const refused = await client.send(new ListQueuesCommand({})).then(() => undefined, (err: Error & { $metadata?: { httpStatusCode?: number } }) => err);
      assert.equal(refused?.$metadata?.httpStatusCode, 403);
      assert.equal(refused?.name, 'SignatureDoesNotMatch');
      // Messages went all the way through before the stop.
      await dash.waitFor(/work processed ([2-9]\d|\d{3,}) /, 90_000);
      const r = await dash.stop('SIGTERM');
      assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.doesNotMatch(r.stdout, /crashed/);
      const b = parseBalance(r.stdout);
      assert.ok(b?.holds, r.stdout);
      assert.ok(b.accepted > 0 && b.processed > 0, r.stdout);
      const sqs = /^sqs: (\d+) requests, (\d+) refused/m.exec(r.stdout);
      assert.ok(sqs, `no sqs line in:\n${r.stdout}`);
      assert.ok(Number(sqs[1]) > b.accepted / 10, 'the pipeline went through this endpoint');
      assert.equal(Number(sqs[2]), 1, `only this test's request was refused:\n${r.stdout}`);
    } finally {
      client?.destroy();
      await dash.stop('SIGKILL');
    }
  });

  it('refuses --credentials where dash starts no endpoint (--endpoint, --aws) and a malformed key, naming the flag or variable (exit 2)', { timeout: 120_000 }, async () => {
    const port = await closedPort();
    const cases: Array<{ args: string[]; env?: Record<string, string | undefined>; stderr: RegExp }> = [
      { args: ['--credentials', 'AKID:s', '--endpoint', `http://127.0.0.1:${port}`], stderr: /--credentials sets the keys of the endpoint dash starts[\s\S]*hint: .*AWS_ACCESS_KEY_ID/ },
      { args: ['--credentials', 'AKID:s', '--aws', '--region', 'eu-west-1'], stderr: /--credentials sets the keys of the endpoint dash starts/ },
      { args: ['--credentials', 'no-colon'], stderr: /--credentials.*ACCESS_KEY:SECRET/ },
      { args: [], env: { SQSDEMO_CREDENTIALS: 'no-colon' }, stderr: /SQSDEMO_CREDENTIALS="no-colon" is invalid/ },
    ];
    for (const c of cases) {
      const r = await runSqsdemo(['dash', '--no-tty', '--duration', '1s', ...c.args], { env: { SQSDEMO_CREDENTIALS: undefined, ...c.env } });
      assert.equal(r.code, 2, `${c.args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, c.stderr);
    }
    // SQSDEMO_CREDENTIALS may be meant for a `sqsdemo sqs` of the same shell: with --endpoint it is left alone.
    const other = await runSqsdemo(['dash', '--no-tty', '--duration', '1s', '--endpoint', `http://127.0.0.1:${port}`], { env: { SQSDEMO_CREDENTIALS: 'AKID:s' } });
    assert.equal(other.code, 3, other.stderr);
  });
});
