/**
 * Optional SigV4 verification (issue 12, "beyond the peers"): with
 * credentials, the real @aws-sdk/client-sqs and boto3 are served when they sign
 * with the right key and refused with AWS's errors otherwise; presigned URLs
 * verify; dates are checked on the endpoint's (manual) clock.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListQueuesCommand, SQSClient, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/localsqs/sigv4.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { raw, rawJson, rejection, startHarness, TEST_CREDENTIALS, type Harness } from './harness.js';

const BOTO3_CLIENT = fileURLToPath(new URL('./fixtures/boto3_client.py', import.meta.url));

function sdk(url: string, credentials: { accessKeyId: string; secretAccessKey: string }): SQSClient {
  return new SQSClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
}

/** A presigned Query GET for `params`, signed at the time `signingDate`. */
async function presign(url: string, params: Record<string, string>, credentials: { accessKeyId: string; secretAccessKey: string }, signingDate: Date, expiresIn = 300): Promise<string> {
  const { hostname, port } = new URL(url);
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'sqs', sha256: NodeSha256 });
  const signed = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname, port: Number(port), path: '/', query: params, headers: { host: `${hostname}:${port}` } },
    { signingDate, expiresIn },
  );
  const query = Object.entries(signed.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `/?${query}`;
}

interface BotoResult { protocol: string; body?: string; n?: string; sender?: string; error?: string; status?: number; presigned: string }

/** Run the boto3 fixture with `python`, one result per secret; undefined when that Python has no boto3. */
function boto3(python: string, url: string, key: string, secrets: readonly string[]): Promise<BotoResult[] | undefined> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', 'import boto3'], { timeout: 20_000 }, (missing) => {
      if (missing) return resolve(undefined);
      execFile(python, [BOTO3_CLIENT, url, key, ...secrets], { timeout: 60_000, env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${python} boto3 fixture failed: ${stderr || err.message}`));
        resolve(stdout.trim().split('\n').map((line) => JSON.parse(line) as BotoResult));
      });
    });
  });
}

describe('SigV4 verification (--credentials)', () => {
  let h: Harness;
  const clock = new ManualClock(Date.now());
  before(async () => {
    h = await startHarness({ clock, credentials: [TEST_CREDENTIALS, { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret' }] });
  });
  after(() => h.stop());

  it('serves the SDK signing with a configured key, and names that key as SenderId', async () => {
    const url = await h.queue();
    const second = sdk(h.url, { accessKeyId: 'AKIDSECOND', secretAccessKey: 'second-secret' });
    await second.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'signed', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }));
    const got = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['SenderId'] }));
    assert.equal(got.Messages?.[0]?.Attributes?.SenderId, 'AKIDSECOND');
    second.destroy();
  });

  it('refuses a wrong secret (SignatureDoesNotMatch) and an unknown key (InvalidClientTokenId), 403', async () => {
    const wrong = sdk(h.url, { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    const err = await rejection(wrong.send(new ListQueuesCommand({})));
    assert.equal(err.name, 'SignatureDoesNotMatch');
    assert.equal(err.$metadata?.httpStatusCode, 403);
    const unknown = sdk(h.url, { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'secret' });
    const who = await rejection(unknown.send(new ListQueuesCommand({})));
    assert.equal(who.name, 'InvalidClientTokenId');
    assert.equal(who.$metadata?.httpStatusCode, 403);
    wrong.destroy();
    unknown.destroy();
  });

  it('refuses an unsigned request (MissingAuthenticationToken) and a malformed Authorization header (IncompleteSignature)', async () => {
    const none = await rawJson(h.url, 'ListQueues', {});
    assert.equal(none.status, 403);
    assert.equal(JSON.parse(none.body).__type, 'com.amazon.coral.service#MissingAuthenticationToken');
    for (const authorization of ['AWS4-HMAC-SHA256 Credential=AKIDTEST/20240101/us-east-1/sqs/aws4_request', 'AWS4-HMAC-SHA256 garbage', 'Basic dXNlcjpwYXNz']) {
      const r = await rawJson(h.url, 'ListQueues', {}, { authorization, 'x-amz-date': '20240101T000000Z' });
      assert.equal(r.status, 400, authorization);
      assert.equal(JSON.parse(r.body).__type, 'com.amazon.coral.service#IncompleteSignature', authorization);
    }
  });

  it('refuses a body changed after signing', async () => {
    const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service: 'sqs', sha256: NodeSha256 });
    const { hostname, port } = new URL(h.url);
    const headers = { host: `${hostname}:${port}`, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' };
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname, port: Number(port), path: '/', headers, body: '{}' }, { signingDate: new Date(clock.now()) });
    const ok = await rawJson(h.url, 'ListQueues', '{}', signed.headers as Record<string, string>);
    assert.equal(ok.status, 200, ok.body);
    const tampered = await rawJson(h.url, 'ListQueues', '{"QueueNamePrefix":"x"}', signed.headers as Record<string, string>);
    assert.equal(tampered.status, 403);
    assert.equal(JSON.parse(tampered.body).__type, 'com.amazon.coral.service#SignatureDoesNotMatch');
  });

  it('refuses a request signed more than 15 minutes away from the endpoint\'s clock, as AWS does', async () => {
    const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service: 'sqs', sha256: NodeSha256 });
    const { hostname, port } = new URL(h.url);
    for (const offset of [-16 * 60_000, 16 * 60_000]) {
      const headers = { host: `${hostname}:${port}`, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' };
      const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname, port: Number(port), path: '/', headers, body: '{}' }, { signingDate: new Date(clock.now() + offset) });
      const r = await rawJson(h.url, 'ListQueues', '{}', signed.headers as Record<string, string>);
      assert.equal(r.status, 403);
      const body = JSON.parse(r.body) as { __type: string; message: string };
      assert.equal(body.__type, 'com.amazon.coral.service#SignatureDoesNotMatch');
      assert.match(body.message, offset < 0 ? /^Signature expired: / : /^Signature not yet current: /);
    }
  });

  it('serves a presigned Query URL until it expires (RequestExpired), and refuses one altered', async () => {
    const path = await presign(h.url, { Action: 'ListQueues', Version: '2012-11-05' }, TEST_CREDENTIALS, new Date(clock.now()), 60);
    const ok = await raw(h.url, { method: 'GET', path });
    assert.equal(ok.status, 200, ok.body);
    const altered = await raw(h.url, { method: 'GET', path: path.replace('Action=ListQueues', 'Action=ListQueues&QueueNamePrefix=x') });
    assert.equal(altered.status, 403);
    assert.match(altered.body, /<Code>SignatureDoesNotMatch<\/Code>/);
    await clock.advance(61_000);
    const late = await raw(h.url, { method: 'GET', path });
    assert.equal(late.status, 400);
    assert.match(late.body, /<Code>RequestExpired<\/Code>/);
  });

  for (const python of ['/usr/bin/python3', 'python3']) {
    it(`serves boto3 (${python}) signing with the right key, presigned URLs included, and refuses a wrong one`, async (t) => {
      const results = await boto3(python, h.url, TEST_CREDENTIALS.accessKeyId, [TEST_CREDENTIALS.secretAccessKey, 'wrong']);
      if (results === undefined) return t.skip(`${python} has no boto3 (Debian: apt-get install python3-boto3)`);
      const [good, bad] = results as [BotoResult, BotoResult];
      if (python === '/usr/bin/python3') assert.equal(good.protocol, 'query', 'Debian\'s boto3 speaks the Query protocol');
      assert.equal(good.error, undefined, JSON.stringify(good));
      assert.deepEqual([good.body, good.n, good.sender], ['from boto3', '42', TEST_CREDENTIALS.accessKeyId]);
      if (good.protocol === 'query') {
        // botocore signs a Query presigned URL with the operation's method, POST (a JSON-protocol one also signs a
        // content-type header): sent as signed, with an empty body, it verifies.
        const presigned = new URL(good.presigned);
        const listed = await raw(h.url, { method: 'POST', path: presigned.pathname + presigned.search });
        assert.equal(listed.status, 200, listed.body);
      }
      assert.deepEqual([bad.error, bad.status], ['SignatureDoesNotMatch', 403]);
    });
  }
});

describe('without --credentials', () => {
  it('accepts any signature, or none, as before', async () => {
    const h = await startHarness();
    try {
      const anyone = sdk(h.url, { accessKeyId: 'whoever', secretAccessKey: 'whatever' });
      assert.equal((await anyone.send(new ListQueuesCommand({}))).$metadata.httpStatusCode, 200);
      anyone.destroy();
      assert.equal((await rawJson(h.url, 'ListQueues', {})).status, 200);
    } finally {
      await h.stop();
    }
  });
});
