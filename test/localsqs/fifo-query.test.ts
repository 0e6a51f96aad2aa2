/**
 * FIFO queues and move tasks on the Query protocol: raw form-encoded requests
 * (checking the XML), and boto3 speaking Query (Debian's python3-boto3) and
 * JSON (a newer boto3), each skipped when that Python has no boto3.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../helpers/manual-clock.js';
import { rawQuery, startHarness, type Harness } from './harness.js';

const BOTO3_FIFO = fileURLToPath(new URL('./fixtures/boto3_fifo.py', import.meta.url));

const tag = (xml: string, name: string): string[] => [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]!);

/** Run the boto3 FIFO fixture with `python`; undefined when that Python has no boto3. */
function boto3(python: string, url: string): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', 'import boto3'], { timeout: 20_000 }, (missing) => {
      if (missing) return resolve(undefined);
      execFile(python, [BOTO3_FIFO, url], { timeout: 60_000, env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${python} boto3 fixture failed: ${stderr || err.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>);
      });
    });
  });
}

describe('FIFO on the Query protocol', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ clock: new ManualClock() });
  });
  after(() => h.stop());

  const call = async (form: Record<string, string>) => {
    const res = await rawQuery(h.url, { Version: '2012-11-05', ...form });
    return { status: res.status, xml: res.body };
  };

  it('creates a FIFO queue, sends with a group and returns SequenceNumber and the FIFO system attributes in XML', async () => {
    const created = await call({ Action: 'CreateQueue', QueueName: 'xml.fifo', 'Attribute.1.Name': 'FifoQueue', 'Attribute.1.Value': 'true' });
    assert.equal(created.status, 200, created.xml);
    const url = tag(created.xml, 'QueueUrl')[0]!;
    const refused = await call({ Action: 'SendMessage', QueueUrl: url, MessageBody: 'b', MessageDeduplicationId: 'd' });
    assert.equal(refused.status, 400);
    assert.deepEqual(tag(refused.xml, 'Code'), ['MissingParameter']);
    const sent = await call({ Action: 'SendMessage', QueueUrl: url, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
    assert.match(tag(sent.xml, 'SequenceNumber')[0] ?? '', /^\d{20}$/);
    const batch = await call({
      Action: 'SendMessageBatch', QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'one', 'SendMessageBatchRequestEntry.1.MessageBody': 'c',
      'SendMessageBatchRequestEntry.1.MessageGroupId': 'g', 'SendMessageBatchRequestEntry.1.MessageDeduplicationId': 'e',
      'SendMessageBatchRequestEntry.2.Id': 'two', 'SendMessageBatchRequestEntry.2.MessageBody': 'c',
    });
    assert.equal(tag(batch.xml, 'SendMessageBatchResultEntry').length, 1);
    assert.deepEqual(tag(batch.xml, 'Code'), ['MissingParameter']);
    const got = await call({ Action: 'ReceiveMessage', QueueUrl: url, MaxNumberOfMessages: '10', 'AttributeName.1': 'All', ReceiveRequestAttemptId: 'a1' });
    assert.deepEqual(tag(got.xml, 'Body'), ['b', 'c']);
    const names = tag(got.xml, 'Name');
    for (const n of ['MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber']) assert.ok(names.includes(n), n);
    const again = await call({ Action: 'ReceiveMessage', QueueUrl: url, MaxNumberOfMessages: '10', ReceiveRequestAttemptId: 'a1' });
    assert.deepEqual(tag(again.xml, 'ReceiptHandle'), tag(got.xml, 'ReceiptHandle'));
  });

  it('answers the move-task actions in XML, each task as a ListMessageMoveTasksResultEntry', async () => {
    const dlq = tag((await call({ Action: 'CreateQueue', QueueName: 'xml_dlq' })).xml, 'QueueUrl')[0]!;
    const arn = `arn:aws:sqs:us-east-1:000000000000:xml_dlq`;
    await call({ Action: 'CreateQueue', QueueName: 'xml_src', 'Attribute.1.Name': 'RedrivePolicy', 'Attribute.1.Value': JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 }) });
    assert.ok(dlq);
    const started = await call({ Action: 'StartMessageMoveTask', SourceArn: arn });
    assert.equal(started.status, 200, started.xml);
    assert.equal(tag(started.xml, 'TaskHandle').length, 1);
    const listed = await call({ Action: 'ListMessageMoveTasks', SourceArn: arn, MaxResults: '10' });
    assert.match(listed.xml, /<ListMessageMoveTasksResult><ListMessageMoveTasksResultEntry>/);
    assert.deepEqual(tag(listed.xml, 'Status'), ['RUNNING']);
    const cancelled = await call({ Action: 'CancelMessageMoveTask', TaskHandle: tag(started.xml, 'TaskHandle')[0]! });
    assert.deepEqual(tag(cancelled.xml, 'ApproximateNumberOfMessagesMoved'), ['0']);
    const missing = await call({ Action: 'CancelMessageMoveTask', TaskHandle: 'nope' });
    assert.equal(missing.status, 404);
    assert.deepEqual(tag(missing.xml, 'Code'), ['ResourceNotFoundException']);
  });

  for (const python of ['/usr/bin/python3', 'python3']) {
    it(`serves boto3 (${python}) on FIFO queues and move tasks`, async (t) => {
      // Each boto3 run uses the same queue names: its own endpoint.
      const own = await startHarness({ clock: new ManualClock() });
      try {
        const out = await boto3(python, own.url);
        if (out === undefined) return t.skip(`${python} has no boto3`);
        assert.match(String(out.protocol), /^(query|json)$/);
        assert.deepEqual(out.attributes, { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
        assert.equal(out.no_group, 'MissingParameter');
        assert.equal(out.delay, 'InvalidParameterValue');
        assert.equal(out.standard_name, 'InvalidParameterValue');
        assert.equal(out.duplicate, true);
        assert.deepEqual(out.batch_ok, ['a', 'b']);
        assert.deepEqual(out.batch_failed, [['c', 'MissingParameter']]);
        assert.deepEqual(out.bodies, ['one', 'two', 'three']);
        assert.deepEqual(out.groups, ['g', 'g', 'g']);
        assert.equal(out.sequence_increasing, true);
        assert.deepEqual(out.after_redrive, []);
        if (out.move_tasks === false) return;
        assert.equal(out.task_handle, true);
        assert.deepEqual(out.tasks, ['RUNNING']);
        assert.equal(out.second_task, 'AWS.SimpleQueueService.UnsupportedOperation');
        assert.equal(out.cancel_unknown, 'ResourceNotFoundException');
      } finally {
        await own.stop();
      }
    });
  }
});
