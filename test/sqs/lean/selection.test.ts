/**
 * Selecting the path: `sqsClient` defaults to lean; `--sqs-client sdk` and
 * SQSDEMO_SQS_CLIENT choose the SDK; a bad value is a usage error (exit 2);
 * dash passes the choice to its roles. With lean, only the four hot commands
 * leave the SDK's middleware stack; with sdk, every call goes through it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { parseSqsClient, resolveSqsConfig, type SqsClientKind } from '../../../src/config.js';
import { sqsArgs, type DashConfig } from '../../../src/dash/config.js';
import { createSqsClient } from '../../../src/sqs/client.js';
import { runSqsdemo } from '../../helpers/cli.js';
import { startTestSqs, type TestSqs } from '../../helpers/sqs.js';

describe('choosing the SQS client path', () => {
  it('defaults to lean and takes sdk from the flag', () => {
    assert.equal(resolveSqsConfig({}, {}).sqsClient, 'lean');
    assert.equal(resolveSqsConfig({ sqsClient: 'sdk' }, {}).sqsClient, 'sdk');
    assert.equal(resolveSqsConfig({ aws: true, sqsClient: 'sdk' }, {}).sqsClient, 'sdk');
    assert.equal(parseSqsClient(' sdk '), 'sdk');
    assert.throws(() => parseSqsClient('fast'), /Allowed: lean or sdk/);
  });

  it('refuses a bad --sqs-client or SQSDEMO_SQS_CLIENT with exit 2, naming it', async () => {
    const flag = await runSqsdemo(['setup', '--sqs-client', 'fast']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--sqs-client/);
    const env = await runSqsdemo(['setup'], { env: { SQSDEMO_SQS_CLIENT: 'fast' } });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /SQSDEMO_SQS_CLIENT/);
  });

  it("dash hands its choice to every role's command line", () => {
    for (const kind of ['lean', 'sdk'] as const) {
      const args = sqsArgs({ sqs: resolveSqsConfig({ sqsClient: kind }, {}) } as DashConfig, 'http://127.0.0.1:1');
      assert.deepEqual(args.slice(args.indexOf('--sqs-client'), args.indexOf('--sqs-client') + 2), ['--sqs-client', kind]);
    }
  });
});

describe('which calls leave the SDK middleware stack', { timeout: 60_000 }, () => {
  let sqs: TestSqs;
  before(async () => {
    sqs = await startTestSqs({ forceLocal: true });
  });
  after(() => sqs?.stop());

  async function stackSees(kind: SqsClientKind): Promise<string[]> {
    const client = createSqsClient(sqs.config, { sqsClient: kind });
    const seen: string[] = [];
    client.middlewareStack.add((next, context) => (args) => (seen.push(String(context.commandName)), next(args)), { step: 'initialize', name: 'seen' });
    try {
      await client.send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: [{ Id: '0', MessageBody: 'a' }] }));
      await client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: 'b' }));
      const got = await client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }), { abortSignal: new AbortController().signal });
      const entries = (got.Messages ?? []).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! }));
      await client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: sqs.queueUrl, Entries: entries.map((e) => ({ ...e, VisibilityTimeout: 10 })) }));
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries: entries }));
      await client.send(new GetQueueAttributesCommand({ QueueUrl: sqs.queueUrl, AttributeNames: ['All'] }));
    } finally {
      client.destroy();
    }
    return seen;
  }

  it('lean: only SendMessage and GetQueueAttributes go through the stack; sdk: all six', async () => {
    assert.deepEqual(await stackSees('lean'), ['SendMessageCommand', 'GetQueueAttributesCommand']);
    assert.deepEqual(await stackSees('sdk'), [
      'SendMessageBatchCommand', 'SendMessageCommand', 'ReceiveMessageCommand', 'ChangeMessageVisibilityBatchCommand', 'DeleteMessageBatchCommand', 'GetQueueAttributesCommand',
    ]);
  });
});
