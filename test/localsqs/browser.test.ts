/**
 * Methods and browsers (issue 12, classes 4 and 5): only POST and (Query) GET
 * run actions; a web page cannot purge or delete queues with a form POST or an
 * image GET; an origin allowed with --cors-origin gets CORS answers; SDKs,
 * which send no Origin, keep working.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { raw, rawJson, rawQuery, startHarness, type Harness } from './harness.js';

const TOOL = 'http://localhost:8080';

describe('methods and browser requests', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ corsOrigins: [TOOL] });
  });
  after(() => h.stop());

  const exists = (name: string): boolean => h.server.stats().queues.some((q) => q.name === name);
  const visible = async (url: string): Promise<string | undefined> =>
    (await h.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages;

  it('answers HEAD, PUT, DELETE, TRACE and PATCH with 405 and runs nothing', async () => {
    for (const method of ['HEAD', 'PUT', 'DELETE', 'TRACE', 'PATCH']) {
      const name = `m_${method.toLowerCase()}`;
      const r = await raw(h.url, { method, path: `/?Action=CreateQueue&QueueName=${name}` });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, POST, OPTIONS');
      if (method !== 'HEAD') assert.match(r.body, /<Code>MethodNotAllowed<\/Code>/);
      assert.equal(exists(name), false, `${method} created a queue`);
    }
  });

  it('answers a GET with X-Amz-Target (JSON needs POST) with 405 in JSON', async () => {
    const r = await raw(h.url, { method: 'GET', headers: { 'x-amz-target': 'AmazonSQS.CreateQueue' }, path: '/?QueueName=m_get' });
    assert.equal(r.status, 405);
    assert.equal(JSON.parse(r.body).__type, 'com.amazon.coral.service#MethodNotAllowed');
  });

  it('answers OPTIONS without running the action it names', async () => {
    const r = await raw(h.url, { method: 'OPTIONS', path: '/?Action=CreateQueue&QueueName=m_options' });
    assert.equal(r.status, 204);
    assert.equal(r.headers.allow, 'GET, POST, OPTIONS');
    assert.equal(exists('m_options'), false);
  });

  it('refuses a cross-site form POST (a page trying to purge a queue): 403, messages kept', async () => {
    const url = await h.queue();
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'keep me' }));
    const r = await rawQuery(h.url, { Action: 'PurgeQueue', QueueUrl: url }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>AccessDenied<\/Code>/);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal(await visible(url), '1');
  });

  it('refuses an image GET from a page (no Origin, Sec-Fetch-Site cross-site or same-origin): the queue stays', async () => {
    const url = await h.queue();
    const name = url.slice(url.lastIndexOf('/') + 1);
    for (const site of ['cross-site', 'same-site', 'same-origin']) {
      const r = await raw(h.url, { method: 'GET', path: `/?Action=DeleteQueue&QueueUrl=${encodeURIComponent(url)}`, headers: { 'sec-fetch-site': site, 'sec-fetch-dest': 'image' } });
      assert.equal(r.status, 403, site);
      assert.equal(exists(name), true, `${site} deleted the queue`);
    }
  });

  it('refuses a JSON request from a page whose Origin is not allowed, even the endpoint\'s own (DNS rebinding)', async () => {
    for (const origin of ['https://evil.example', h.url, 'null']) {
      const r = await rawJson(h.url, 'ListQueues', {}, { origin });
      assert.equal(r.status, 403, origin);
      assert.equal(JSON.parse(r.body).__type, 'com.amazon.coral.service#AccessDeniedException');
    }
  });

  it('serves a typed-in URL (Sec-Fetch-Site: none) and clients that send no browser headers', async () => {
    const r = await raw(h.url, { method: 'GET', path: '/?Action=ListQueues', headers: { 'sec-fetch-site': 'none' } });
    assert.equal(r.status, 200);
    const curl = await rawQuery(h.url, { Action: 'ListQueues' });
    assert.equal(curl.status, 200);
  });

  it('answers an allowed origin with CORS headers, and its preflight deliberately', async () => {
    const r = await rawJson(h.url, 'ListQueues', {}, { origin: TOOL, 'sec-fetch-site': 'cross-site' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['access-control-allow-origin'], TOOL);
    assert.match(String(r.headers['access-control-expose-headers']), /x-amzn-requestid/);
    const err = await rawJson(h.url, 'GetQueueUrl', { QueueName: 'nope' }, { origin: TOOL });
    assert.equal(err.status, 400);
    assert.equal(err.headers['access-control-allow-origin'], TOOL, 'errors are readable by the tool too');
    const preflight = await raw(h.url, {
      method: 'OPTIONS',
      headers: { origin: TOOL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-amz-target, authorization, x-amz-date' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], TOOL);
    assert.equal(preflight.headers['access-control-allow-methods'], 'POST, GET');
    assert.equal(preflight.headers['access-control-allow-headers'], 'content-type, x-amz-target, authorization, x-amz-date');
    const other = await raw(h.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(other.status, 403);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });
});
