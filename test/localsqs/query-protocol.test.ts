/** The Query protocol with raw form-encoded requests (as older boto3 / AWS CLI send them), checking the XML. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startHarness, type Harness } from './harness.js';

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** Text of every <tag>…</tag> (non-nested) in document order, unescaped. */
function all(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#xD;/g, '\r').replace(/&amp;/g, '&'),
  );
}
const one = (xml: string, tag: string): string | undefined => all(xml, tag)[0];

describe('Query protocol (form-encoded, XML)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  async function call(params: Record<string, string>, path = '/'): Promise<{ status: number; xml: string; type: string | null }> {
    const res = await fetch(h.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDQUERY/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc' },
      body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
    });
    return { status: res.status, xml: await res.text(), type: res.headers.get('content-type') };
  }

  async function createQueue(name: string, attrs: Record<string, string> = {}): Promise<string> {
    const params: Record<string, string> = { Action: 'CreateQueue', QueueName: name };
    Object.entries(attrs).forEach(([k, v], i) => {
      params[`Attribute.${i + 1}.Name`] = k;
      params[`Attribute.${i + 1}.Value`] = v;
    });
    const { status, xml } = await call(params);
    assert.equal(status, 200, xml);
    return one(xml, 'QueueUrl')!;
  }

  it('creates a queue with attributes and answers CreateQueueResponse XML', async () => {
    const { status, xml, type } = await call({ Action: 'CreateQueue', QueueName: 'xq1', 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '45' });
    assert.equal(status, 200);
    assert.match(type ?? '', /xml/);
    assert.match(xml, /^<\?xml version="1.0"\?><CreateQueueResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><CreateQueueResult><QueueUrl>/);
    assert.equal(one(xml, 'QueueUrl'), `${h.url}/000000000000/xq1`);
    assert.match(one(xml, 'RequestId') ?? '', /^[0-9a-f-]{36}$/);
    const attrs = await call({ Action: 'GetQueueAttributes', QueueUrl: `${h.url}/000000000000/xq1`, 'AttributeName.1': 'All' });
    const names = all(attrs.xml, 'Name');
    const values = all(attrs.xml, 'Value');
    assert.equal(values[names.indexOf('VisibilityTimeout')], '45');
    assert.ok(names.includes('QueueArn'));
    assert.ok(names.includes('ApproximateNumberOfMessages'));
  });

  it('sends with message attributes and receives them back with system attributes, XML-escaped', async () => {
    const url = await createQueue('xq2');
    const body = 'a < b && c > "d" \'e\'\r\n';
    const sent = await call({
      Action: 'SendMessage', QueueUrl: url, MessageBody: body,
      'MessageAttribute.1.Name': 'trace', 'MessageAttribute.1.Value.DataType': 'String', 'MessageAttribute.1.Value.StringValue': 'abc',
      'MessageAttribute.2.Name': 'n', 'MessageAttribute.2.Value.DataType': 'Number.int', 'MessageAttribute.2.Value.StringValue': '42',
      'MessageAttribute.3.Name': 'bin', 'MessageAttribute.3.Value.DataType': 'Binary', 'MessageAttribute.3.Value.BinaryValue': 'AAEC/w==',
    });
    assert.equal(sent.status, 200, sent.xml);
    assert.equal(one(sent.xml, 'MD5OfMessageBody'), md5(body));
    assert.equal(one(sent.xml, 'MD5OfMessageAttributes'), 'af4a3579077c5384c5cb45133b751863');
    const got = await call({ Action: 'ReceiveMessage', QueueUrl: url, 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All', MaxNumberOfMessages: '10' });
    assert.equal(got.status, 200, got.xml);
    assert.equal(all(got.xml, 'Message').length, 1);
    assert.equal(one(got.xml, 'Body'), body);
    assert.equal(one(got.xml, 'MD5OfBody'), md5(body));
    assert.equal(one(got.xml, 'MD5OfMessageAttributes'), 'af4a3579077c5384c5cb45133b751863');
    assert.match(got.xml, /<Attribute><Name>SenderId<\/Name><Value>AKIDQUERY<\/Value><\/Attribute>/);
    assert.match(got.xml, /<Attribute><Name>ApproximateReceiveCount<\/Name><Value>1<\/Value><\/Attribute>/);
    assert.match(got.xml, /<MessageAttribute><Name>bin<\/Name><Value><DataType>Binary<\/DataType><BinaryValue>AAEC\/w==<\/BinaryValue><\/Value><\/MessageAttribute>/);
    assert.match(got.xml, /<MessageAttribute><Name>n<\/Name><Value><DataType>Number.int<\/DataType><StringValue>42<\/StringValue><\/Value><\/MessageAttribute>/);
    // Delete, with the queue named by the request path instead of a QueueUrl parameter.
    const del = await call({ Action: 'DeleteMessage', ReceiptHandle: one(got.xml, 'ReceiptHandle')! }, '/000000000000/xq2');
    assert.equal(del.status, 200, del.xml);
    assert.match(del.xml, /<DeleteMessageResponse[^>]*><ResponseMetadata><RequestId>/);
  });

  it('answers an empty ReceiveMessageResult when there is nothing', async () => {
    const url = await createQueue('xq3');
    const got = await call({ Action: 'ReceiveMessage', QueueUrl: url });
    assert.match(got.xml, /<ReceiveMessageResult><\/ReceiveMessageResult>/);
  });

  it('sends a batch and lists successes and per-entry failures', async () => {
    const url = await createQueue('xq4');
    const { status, xml } = await call({
      Action: 'SendMessageBatch', QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'good', 'SendMessageBatchRequestEntry.1.MessageBody': 'hello',
      'SendMessageBatchRequestEntry.2.Id': 'bad', 'SendMessageBatchRequestEntry.2.MessageBody': 'x', 'SendMessageBatchRequestEntry.2.DelaySeconds': '999',
      'SendMessageBatchRequestEntry.3.Id': 'attrs', 'SendMessageBatchRequestEntry.3.MessageBody': 'y',
      'SendMessageBatchRequestEntry.3.MessageAttribute.1.Name': 'k', 'SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.StringValue': 'v',
    });
    assert.equal(status, 200, xml);
    const ok = all(xml, 'SendMessageBatchResultEntry');
    assert.equal(ok.length, 2);
    assert.equal(one(ok[0]!, 'Id'), 'good');
    assert.equal(one(ok[0]!, 'MD5OfMessageBody'), md5('hello'));
    assert.ok(one(ok[1]!, 'MD5OfMessageAttributes'));
    const failed = all(xml, 'BatchResultErrorEntry');
    assert.equal(failed.length, 1);
    assert.equal(one(failed[0]!, 'Id'), 'bad');
    assert.equal(one(failed[0]!, 'Code'), 'InvalidParameterValue');
    assert.equal(one(failed[0]!, 'SenderFault'), 'true');
    const got = await call({ Action: 'ReceiveMessage', QueueUrl: url, MaxNumberOfMessages: '10' });
    const handles = all(got.xml, 'ReceiptHandle');
    assert.equal(handles.length, 2);
    const del = await call({
      Action: 'DeleteMessageBatch', QueueUrl: url,
      'DeleteMessageBatchRequestEntry.1.Id': 'a', 'DeleteMessageBatchRequestEntry.1.ReceiptHandle': handles[0]!,
      'DeleteMessageBatchRequestEntry.2.Id': 'b', 'DeleteMessageBatchRequestEntry.2.ReceiptHandle': handles[1]!,
    });
    assert.deepEqual(all(del.xml, 'DeleteMessageBatchResultEntry').map((e) => one(e, 'Id')), ['a', 'b']);
  });

  it('lists queues as repeated QueueUrl elements, and tags as Tag elements', async () => {
    await createQueue('xlist_a');
    await createQueue('xlist_b');
    const { xml } = await call({ Action: 'ListQueues', QueueNamePrefix: 'xlist_' });
    assert.deepEqual(all(xml, 'QueueUrl'), [`${h.url}/000000000000/xlist_a`, `${h.url}/000000000000/xlist_b`]);
    const url = `${h.url}/000000000000/xlist_a`;
    await call({ Action: 'TagQueue', QueueUrl: url, 'Tag.1.Key': 'env', 'Tag.1.Value': 'dev' });
    const tags = await call({ Action: 'ListQueueTags', QueueUrl: url });
    assert.match(tags.xml, /<Tag><Key>env<\/Key><Value>dev<\/Value><\/Tag>/);
  });

  it('accepts GET with the parameters in the query string', async () => {
    await createQueue('xget');
    const res = await fetch(`${h.url}/?Action=GetQueueUrl&QueueName=xget`);
    const xml = await res.text();
    assert.equal(res.status, 200, xml);
    assert.equal(one(xml, 'QueueUrl'), `${h.url}/000000000000/xget`);
  });

  it('answers errors as XML ErrorResponse with the Query code, type and status', async () => {
    const missing = await call({ Action: 'GetQueueUrl', QueueName: 'nope' });
    assert.equal(missing.status, 400);
    assert.match(missing.xml, /^<\?xml version="1.0"\?><ErrorResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><Error><Type>Sender<\/Type>/);
    assert.equal(one(missing.xml, 'Code'), 'AWS.SimpleQueueService.NonExistentQueue');
    assert.equal(one(missing.xml, 'Message'), 'The specified queue does not exist.');
    assert.match(one(missing.xml, 'RequestId') ?? '', /^[0-9a-f-]{36}$/);
    const url = await createQueue('xerr');
    const empty = await call({ Action: 'SendMessageBatch', QueueUrl: url });
    assert.equal(one(empty.xml, 'Code'), 'AWS.SimpleQueueService.EmptyBatchRequest');
    const handle = await call({ Action: 'DeleteMessage', QueueUrl: url, ReceiptHandle: 'junk' });
    assert.equal(handle.status, 404);
    assert.equal(one(handle.xml, 'Code'), 'ReceiptHandleIsInvalid');
    const exists = await call({ Action: 'CreateQueue', QueueName: 'xerr', 'Attribute.1.Name': 'DelaySeconds', 'Attribute.1.Value': '5' });
    assert.equal(one(exists.xml, 'Code'), 'QueueAlreadyExists');
  });

  it('answers an unknown or missing Action with a 400 ErrorResponse', async () => {
    const unknown = await call({ Action: 'LaunchRocket' });
    assert.equal(unknown.status, 400);
    assert.equal(one(unknown.xml, 'Code'), 'InvalidAction');
    const none = await call({});
    assert.equal(none.status, 400);
    assert.equal(one(none.xml, 'Code'), 'MissingParameter');
  });
});
