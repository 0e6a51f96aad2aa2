import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListDeadLetterSourceQueuesCommand,
  ListQueueTagsCommand, ListQueuesCommand, PurgeQueueCommand, QueueDoesNotExist, QueueNameExists, ReceiveMessageCommand,
  SendMessageCommand, SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand, InvalidAttributeName, InvalidAttributeValue,
} from '@aws-sdk/client-sqs';
import { rejection, startHarness, type Harness } from './harness.js';

describe('queues through the SDK', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('creates a queue whose URL is on the endpoint and ends in the account and name', async () => {
    const out = await h.client.send(new CreateQueueCommand({ QueueName: 'orders' }));
    assert.equal(out.QueueUrl, `${h.url}/000000000000/orders`);
    const got = await h.client.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
    assert.equal(got.QueueUrl, out.QueueUrl);
  });

  it('is idempotent for equal attributes and refuses different ones with QueueNameExists', async () => {
    const a = await h.client.send(new CreateQueueCommand({ QueueName: 'idem', Attributes: { VisibilityTimeout: '7' } }));
    const b = await h.client.send(new CreateQueueCommand({ QueueName: 'idem', Attributes: { VisibilityTimeout: '7' } }));
    assert.equal(a.QueueUrl, b.QueueUrl);
    const err = await rejection(h.client.send(new CreateQueueCommand({ QueueName: 'idem', Attributes: { VisibilityTimeout: '8' } })));
    assert.ok(err instanceof QueueNameExists, err.name);
    assert.match(err.message, /VisibilityTimeout/);
  });

  it('raises QueueDoesNotExist for an unknown queue name or URL', async () => {
    assert.ok((await rejection(h.client.send(new GetQueueUrlCommand({ QueueName: 'nope' })))) instanceof QueueDoesNotExist);
    const err = await rejection(h.client.send(new SendMessageCommand({ QueueUrl: `${h.url}/000000000000/nope`, MessageBody: 'x' })));
    assert.ok(err instanceof QueueDoesNotExist);
    assert.equal(err.message, 'The specified queue does not exist.');
    assert.equal(err.$metadata?.httpStatusCode, 400);
  });

  it('lists queues by prefix, and pages with MaxResults and NextToken', async () => {
    for (const n of ['pg_a', 'pg_b', 'pg_c', 'pg_d', 'pg_e']) await h.client.send(new CreateQueueCommand({ QueueName: n }));
    const all = await h.client.send(new ListQueuesCommand({ QueueNamePrefix: 'pg_' }));
    assert.deepEqual(all.QueueUrls?.map((u) => u.split('/').pop()), ['pg_a', 'pg_b', 'pg_c', 'pg_d', 'pg_e']);
    assert.equal(all.NextToken, undefined);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await h.client.send(new ListQueuesCommand({ QueueNamePrefix: 'pg_', MaxResults: 2, ...(token ? { NextToken: token } : {}) }));
      seen.push(...(page.QueueUrls ?? []).map((u) => u.split('/').pop()!));
      token = page.NextToken;
      pages += 1;
    } while (token);
    assert.deepEqual(seen, ['pg_a', 'pg_b', 'pg_c', 'pg_d', 'pg_e']);
    assert.equal(pages, 3);
    const none = await h.client.send(new ListQueuesCommand({ QueueNamePrefix: 'zzz' }));
    assert.equal(none.QueueUrls, undefined);
  });

  it('deletes a queue: afterwards it is missing', async () => {
    const url = await h.queue();
    await h.client.send(new DeleteQueueCommand({ QueueUrl: url }));
    assert.ok((await rejection(h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))) instanceof QueueDoesNotExist);
    assert.ok((await rejection(h.client.send(new DeleteQueueCommand({ QueueUrl: url })))) instanceof QueueDoesNotExist);
  });

  it('returns every attribute with All, with the defaults AWS uses', async () => {
    const url = await h.queue();
    const { Attributes: a } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.ok(a);
    assert.equal(a.VisibilityTimeout, '30');
    assert.equal(a.DelaySeconds, '0');
    assert.equal(a.MaximumMessageSize, '1048576');
    assert.equal(a.MessageRetentionPeriod, '345600');
    assert.equal(a.ReceiveMessageWaitTimeSeconds, '0');
    assert.equal(a.ApproximateNumberOfMessages, '0');
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, '0');
    assert.equal(a.ApproximateNumberOfMessagesDelayed, '0');
    assert.equal(a.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${url.split('/').pop()}`);
    assert.match(a.CreatedTimestamp!, /^\d{10}$/);
    assert.match(a.LastModifiedTimestamp!, /^\d{10}$/);
  });

  it('returns only the attributes named, and none without names', async () => {
    const url = await h.queue({ VisibilityTimeout: '12' });
    const one = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'ApproximateNumberOfMessages'] }));
    assert.deepEqual(one.Attributes, { VisibilityTimeout: '12', ApproximateNumberOfMessages: '0' });
    const none = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url }));
    assert.equal(none.Attributes, undefined);
    const err = await rejection(h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Bogus' as 'All'] })));
    assert.ok(err instanceof InvalidAttributeName, err.name);
  });

  it('counts visible, in-flight and delayed messages', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b' }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'c', DelaySeconds: 600 }));
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }));
    const { Attributes: a } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(a?.ApproximateNumberOfMessages, '1');
    assert.equal(a?.ApproximateNumberOfMessagesNotVisible, '1');
    assert.equal(a?.ApproximateNumberOfMessagesDelayed, '1');
  });

  it('sets attributes, validating names and ranges', async () => {
    const url = await h.queue();
    await h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '99', DelaySeconds: '3', ReceiveMessageWaitTimeSeconds: '2', Policy: '{}' } }));
    const { Attributes: a } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(a?.VisibilityTimeout, '99');
    assert.equal(a?.DelaySeconds, '3');
    assert.equal(a?.ReceiveMessageWaitTimeSeconds, '2');
    assert.equal(a?.Policy, '{}');
    for (const [name, value] of [['VisibilityTimeout', '43201'], ['DelaySeconds', '901'], ['MaximumMessageSize', '1023'], ['MessageRetentionPeriod', '59'], ['ReceiveMessageWaitTimeSeconds', '21'], ['VisibilityTimeout', 'abc']] as const) {
      const err = await rejection(h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { [name]: value } })));
      assert.ok(err instanceof InvalidAttributeValue, `${name}=${value}: ${err.name}`);
    }
    const unknown = await rejection(h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Nope: '1' } as Record<string, string> })));
    assert.ok(unknown instanceof InvalidAttributeName);
    const readOnly = await rejection(h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { QueueArn: 'x' } })));
    assert.ok(readOnly instanceof InvalidAttributeName);
  });

  it('accepts a RedrivePolicy naming an existing queue, rejects a missing target or a bad count', async () => {
    const dlq = await h.queue();
    const { Attributes: d } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
    const url = await h.queue();
    await h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: d!.QueueArn, maxReceiveCount: '3' }) } }));
    const { Attributes: a } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }));
    assert.deepEqual(JSON.parse(a!.RedrivePolicy!), { deadLetterTargetArn: d!.QueueArn, maxReceiveCount: 3 });
    const missing = await rejection(h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:ghost', maxReceiveCount: 3 }) } })));
    assert.equal(missing.name, 'InvalidParameterValue');
    assert.match(missing.message, /does not exist/);
    const badCount = await rejection(h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: d!.QueueArn, maxReceiveCount: 0 }) } })));
    assert.equal(badCount.name, 'InvalidParameterValue');
    const notJson = await rejection(h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: '{oops' } })));
    assert.equal(notJson.name, 'InvalidParameterValue');
    // An empty policy removes it.
    await h.client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: '' } }));
    const { Attributes: b } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(b?.RedrivePolicy, undefined);
  });

  it('lists the source queues of a dead-letter queue', async () => {
    const dlq = await h.queue(undefined, 'dlq');
    const arn = (await h.client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const redrive = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 });
    const a = await h.queue({ RedrivePolicy: redrive }, 'src');
    const b = await h.queue({ RedrivePolicy: redrive }, 'src');
    await h.queue();
    const out = await h.client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    assert.deepEqual(out.queueUrls?.slice().sort(), [a, b].sort());
  });

  it('purges every message', async () => {
    const url = await h.queue();
    for (let i = 0; i < 5; i++) await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 2 }));
    await h.client.send(new PurgeQueueCommand({ QueueUrl: url }));
    const { Attributes: a } = await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(a?.ApproximateNumberOfMessages, '0');
    assert.equal(a?.ApproximateNumberOfMessagesNotVisible, '0');
    const r = await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(r.Messages, undefined);
  });

  it('tags, lists and untags a queue; CreateQueue takes tags too', async () => {
    const name = `tagged_${Date.now()}`;
    const { QueueUrl: url } = await h.client.send(new CreateQueueCommand({ QueueName: name, tags: { team: 'a' } }));
    await h.client.send(new TagQueueCommand({ QueueUrl: url, Tags: { env: 'test', tier: '1' } }));
    assert.deepEqual((await h.client.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: 'a', env: 'test', tier: '1' });
    await h.client.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['team', 'tier'] }));
    assert.deepEqual((await h.client.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { env: 'test' });
    await h.client.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['env'] }));
    assert.equal((await h.client.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, undefined);
  });

  it('rejects bad queue names, and a .fifo name without FifoQueue=true, with InvalidParameterValue', async () => {
    for (const name of ['has space', 'x'.repeat(81), 'dot.name', 'q.fifo']) {
      const err = await rejection(h.client.send(new CreateQueueCommand({ QueueName: name })));
      assert.equal(err.name, 'InvalidParameterValue', name);
    }
  });
});
