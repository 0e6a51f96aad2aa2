/**
 * The lean path's SigV4 signer is byte-equal to the SDK's (@smithy/signature-v4
 * as the SDK's AwsSdkSigV4Signer calls it), for any body, host, port, path,
 * session token and date; and the local endpoint's verifier (which computes the
 * expected signature with @smithy/signature-v4) accepts the lean path's calls
 * and refuses a wrong secret with SignatureDoesNotMatch, as it does the SDK's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../src/localsqs/sigv4.js';
import { SigV4Signer } from '../../../src/sqs/lean/sigv4.js';
import { createSqsClient } from '../../../src/sqs/client.js';
import { resolveSqsConfig, type SqsClientKind } from '../../../src/config.js';
import { startHarness, TEST_CREDENTIALS, type Harness } from '../../localsqs/harness.js';

const token = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[A-Za-z0-9+/=]+$/.test(s));
const segment = fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:@ -]{0,12}$/);
const path = fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join('/')}`).chain((p) => fc.constantFrom(p, p.endsWith('/') ? p : `${p}/`));

describe('lean SigV4 signer', () => {
  it('signs byte for byte as @smithy/signature-v4 does (fast-check)', async () => {
    const lean = new SigV4Signer();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          body: fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.uint8Array({ maxLength: 200 })),
          host: fc.oneof(fc.domain(), fc.ipV4(), fc.constant('[::1]')),
          port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
          path,
          accessKeyId: token,
          secretAccessKey: token,
          sessionToken: fc.option(token, { nil: undefined }),
          region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1'),
          date: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
          target: fc.constantFrom('AmazonSQS.SendMessageBatch', 'AmazonSQS.ReceiveMessage'),
          extra: fc.constantFrom('', ' spaced  value ', 'tab\tvalue', 'a\nb'),
        }),
        async (c) => {
          const hostHeader = c.port === undefined ? c.host : `${c.host}:${c.port}`;
          const headers = (): Record<string, string> => ({
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': c.target,
            'x-amzn-query-mode': 'true',
            'content-length': String(Buffer.byteLength(typeof c.body === 'string' ? c.body : Buffer.from(c.body))),
            'x-amz-user-agent': `aws-sdk-js/3 ${c.extra}`,
            'user-agent': 'aws-sdk-js/3 ua/2.1',
            host: hostHeader,
            'amz-sdk-invocation-id': '5a488db6-7d1b-46e0-85ea-3623d04bda0e',
            'amz-sdk-request': 'attempt=1; max=3',
          });
          const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken !== undefined ? { sessionToken: c.sessionToken } : {}) };
          const sdk = new SignatureV4({ credentials, region: c.region, service: 'sqs', sha256: NodeSha256 });
          const request = new HttpRequest({ method: 'POST', protocol: 'https:', hostname: c.host, ...(c.port !== undefined ? { port: c.port } : {}), path: c.path, headers: headers(), body: c.body });
          const expected = (await sdk.sign(request, { signingDate: new Date(c.date), signingRegion: c.region, signingService: 'sqs' })) as HttpRequest;
          const actual = lean.sign({ method: 'POST', path: c.path, headers: headers(), body: c.body, credentials, region: c.region, service: 'sqs', date: c.date });
          assert.deepEqual(actual, expected.headers);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('lean SigV4 against a verifying endpoint (sqsdemo sqs --credentials)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ credentials: [TEST_CREDENTIALS] });
  });
  after(() => h.stop());

  function client(kind: SqsClientKind, secretAccessKey: string, sessionToken?: string): SQSClient {
    const config = resolveSqsConfig({ endpoint: h.url, sqsClient: kind }, { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}) });
    return createSqsClient(config, { maxAttempts: 1 });
  }

  it('accepts the lean path signing with the right key, with and without a session token', async () => {
    const queueUrl = await h.queue();
    for (const sessionToken of [undefined, 'FQoGZXIvYXdzEJr//////////session+token=']) {
      const c = client('lean', TEST_CREDENTIALS.secretAccessKey, sessionToken);
      try {
        const sent = await c.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '0', MessageBody: `signed ${sessionToken ?? ''}` }] }));
        assert.equal(sent.Successful?.length, 1);
        const got = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
        assert.equal(got.Messages?.length, 1);
      } finally {
        c.destroy();
      }
    }
  });

  it('gets SignatureDoesNotMatch for a wrong secret, the same error as the SDK path', async () => {
    const queueUrl = await h.queue();
    const seen: Array<Record<string, unknown>> = [];
    for (const kind of ['lean', 'sdk'] as const) {
      const c = client(kind, 'not-the-secret');
      try {
        await assert.rejects(c.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '0', MessageBody: 'x' }] })), (err: Error & Record<string, unknown>) => {
          const $metadata = err.$metadata as { httpStatusCode: number; attempts: number };
          seen.push({ class: err.constructor.name, name: err.name, fault: err.$fault, status: $metadata.httpStatusCode, attempts: $metadata.attempts, code: err.Code });
          return true;
        });
      } finally {
        c.destroy();
      }
    }
    assert.equal(seen[0]!.name, 'SignatureDoesNotMatch');
    assert.deepEqual(seen[0], seen[1]);
  });
});
