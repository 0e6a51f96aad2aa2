/** GET /metrics on the endpoint's port: queue depths by state, and requests by action and outcome. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { raw, rawJson, startHarness, type Harness } from './harness.js';

/** The value of one sample, e.g. sample(text, 'sqsdemo_sqs_queue_messages', { queue: 'q', state: 'visible' }). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.lastIndexOf('}'));
    const got = Object.fromEntries([...inner.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('shows each queue\'s visible, in-flight and delayed messages, and requests by action and outcome', async () => {
    const url = await h.queue();
    const name = url.slice(url.lastIndexOf('/') + 1);
    for (const body of ['a', 'b']) await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await rawJson(h.url, 'SendMessage', { QueueUrl: url });
    await rawJson(h.url, 'LaunchRocket', {});
    const r = await raw(h.url, { method: 'GET', path: '/metrics' });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.deepEqual(
      ['visible', 'in_flight', 'delayed'].map((state) => sample(r.body, 'sqsdemo_sqs_queue_messages', { queue: name, state })),
      [1, 1, 1],
    );
    assert.equal(sample(r.body, 'sqsdemo_sqs_requests_total', { action: 'SendMessage', outcome: 'ok' }), 3);
    assert.equal(sample(r.body, 'sqsdemo_sqs_requests_total', { action: 'SendMessage', outcome: 'client_error' }), 1);
    assert.equal(sample(r.body, 'sqsdemo_sqs_requests_total', { action: 'unknown', outcome: 'client_error' }), 1);
    assert.match(r.body, /^sqsdemo_sqs_held_bytes \d+$/m);
    assert.match(r.body, /^sqsdemo_sqs_connections \d+$/m);
  });
});
