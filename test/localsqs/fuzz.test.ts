/**
 * Random and adversarial requests to every action in both protocols (issue
 * 12's "done when"). For each request: never a 5xx; an error is AWS-shaped in
 * the request's protocol; the request held the event loop (its handler's CPU
 * time, measured in-process so a loaded machine cannot skew it) for less than
 * 100 ms, so the next one is answered within that; the next normal request is
 * served. At the end the endpoint's memory is within its caps.
 *
 * Seeded: SQSDEMO_FUZZ_SEED=<n> replays a run, SQSDEMO_FUZZ_RUNS=<n> runs more;
 * a failure prints its seed and the shrunk request.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACTIONS } from '../../src/localsqs/actions/index.js';
import type { RequestRecord } from '../../src/localsqs/server.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { raw, startHarness, type Harness, type RawResponse } from './harness.js';

const SEED = Number(process.env.SQSDEMO_FUZZ_SEED ?? 1_212_012);
const RUNS = Number(process.env.SQSDEMO_FUZZ_RUNS ?? 600);
const MAX_HANDLER_MS = 100;
const LIMITS = { maxQueues: 40, maxTagsPerQueue: 50, maxHeldBytes: 16 * 1_048_576, maxRequestBytes: 1_048_576 } as const;
const cpuMs = (): number => process.cpuUsage().user / 1000;

const ACTION_NAMES = [...ACTIONS.keys()];
const ENTRY_NAMES = ['SendMessageBatchRequestEntry', 'DeleteMessageBatchRequestEntry', 'ChangeMessageVisibilityBatchRequestEntry'];
const PROTO_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
const FIELDS = [
  'QueueUrl', 'QueueName', 'MessageBody', 'DelaySeconds', 'MessageAttributes', 'MessageSystemAttributes', 'Attributes', 'AttributeNames',
  'MessageAttributeNames', 'MessageSystemAttributeNames', 'MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds', 'ReceiptHandle',
  'Entries', 'Tags', 'tags', 'TagKeys', 'MaxResults', 'NextToken', 'QueueNamePrefix', 'Id',
];
/** The fields each action reads, where a bad value reaches its validation. */
const ACTION_FIELDS = new Map<string, readonly string[]>([
  ['CreateQueue', ['QueueName', 'Attributes', 'tags']],
  ['GetQueueUrl', ['QueueName']],
  ['ListQueues', ['MaxResults', 'NextToken', 'QueueNamePrefix']],
  ['ListDeadLetterSourceQueues', ['MaxResults', 'NextToken']],
  ['GetQueueAttributes', ['AttributeNames']],
  ['SetQueueAttributes', ['Attributes']],
  ['SendMessage', ['MessageBody', 'DelaySeconds', 'MessageAttributes', 'MessageSystemAttributes']],
  ['SendMessageBatch', ['Entries']],
  ['ReceiveMessage', ['MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds', 'AttributeNames', 'MessageAttributeNames', 'MessageSystemAttributeNames']],
  ['DeleteMessage', ['ReceiptHandle']],
  ['ChangeMessageVisibility', ['ReceiptHandle', 'VisibilityTimeout']],
  ['TagQueue', ['Tags']],
  ['UntagQueue', ['TagKeys']],
]);
const ATTRIBUTE_NAMES = ['DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout', 'RedrivePolicy', 'Policy', 'All', 'QueueArn', 'FifoQueue', 'SqsManagedSseEnabled'];

describe(`fuzz: random and adversarial requests (seed ${SEED}, ${RUNS} runs per protocol)`, () => {
  let h: Harness;
  let queueUrl: string;
  const clock = new ManualClock();
  const records: RequestRecord[] = [];
  let heapBefore = 0;
  before(async () => {
    h = await startHarness({ clock, limits: LIMITS, corsOrigins: ['http://localhost:8080'], onRequest: (r) => records.push(r), measureMs: cpuMs });
    queueUrl = await h.queue(undefined, 'fuzz');
    heapBefore = process.memoryUsage().heapUsed;
  });
  after(() => h.stop());

  // Values: what a careless or hostile client might put anywhere.
  const handleLike = fc.constantFrom('00000000-0000-4000-8000-000000000000#1', 'junk', '');
  const scalar = (): fc.Arbitrary<unknown> =>
    fc.oneof(
      fc.constantFrom(
        '', 'All', '.*', 'a.*', '0', '1', '20', '-1', '900', '43201', '1e3', '1.5', 'true', 'String', 'Number', 'Binary', 'String.x', 'Number.int', 'AQID',
        'x'.repeat(300), `${'9'.repeat(20_000)}x`, `${'1'.repeat(39)}`, '\uD800', '\u0000', 'é\u{10FFFF}', '{"deadLetterTargetArn":1}', '['.repeat(5_000),
        'arn:aws:sqs:us-east-1:000000000000:fuzz', 'http://x', '/', 'AWSTraceHeader', ...PROTO_NAMES,
      ),
      fc.constant(queueUrl),
      handleLike,
      // Objects where strings or numbers belong, some that cannot even be converted to one (weighted: they found bugs).
      fc.constantFrom({ toString: null, valueOf: null }, { toString: null, valueOf: null }, { constructor: 1 }, [1, 2], { DataType: 'String', StringValue: 'v' }),
      fc.constant({ toString: null, valueOf: null }),
      fc.constant({ toString: null, valueOf: null }),
      fc.integer({ min: -10, max: 50_000 }),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
  const key = (): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...PROTO_NAMES, ...ATTRIBUTE_NAMES, 'a', 'aws.x', '.a', 'a..b', ''), fc.string({ maxLength: 12 }));
  const obj = (value: fc.Arbitrary<unknown>, k = key()) => fc.array(fc.tuple(k, value), { maxLength: 5 }).map((pairs) => Object.fromEntries(pairs));
  const value = fc.letrec<{ v: unknown; arr: unknown[]; obj: Record<string, unknown> }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, scalar(), tie('arr'), tie('obj')),
    arr: fc.array(tie('v'), { maxLength: 4 }),
    obj: obj(tie('v')),
  })).v;
  const attributeValue = fc.record(
    { DataType: fc.oneof(fc.constantFrom('String', 'Number', 'Binary', 'Number.x', 'Integer', ''), value), StringValue: value, BinaryValue: value },
    { requiredKeys: [] },
  );
  const attributeMap = obj(fc.oneof(attributeValue, value), fc.oneof(key(), fc.constantFrom('a', 'b.c', 'n')));
  const entry = obj(fc.oneof(value, attributeMap), fc.constantFrom('Id', 'MessageBody', 'ReceiptHandle', 'VisibilityTimeout', 'DelaySeconds', 'MessageAttributes', ...PROTO_NAMES));
  const fieldValue = fc.oneof(value, attributeMap, fc.array(entry, { maxLength: 12 }), obj(scalar(), fc.constantFrom(...ATTRIBUTE_NAMES, ...PROTO_NAMES)));
  const randomInput = fc
    .tuple(fc.array(fc.tuple(fc.constantFrom(...FIELDS, ...PROTO_NAMES), fieldValue), { maxLength: 7 }), fc.boolean())
    .map(([pairs, withQueue]) => Object.fromEntries(withQueue ? [['QueueUrl', queueUrl], ...pairs] : pairs));
  // A request every action would accept, with one to three fields (top level or in an entry) replaced.
  const validInput = (): Record<string, unknown> => ({
    QueueUrl: queueUrl, QueueName: 'fuzz_made', MessageBody: 'm', ReceiptHandle: '00000000-0000-4000-8000-000000000000#1', VisibilityTimeout: 1,
    Entries: [{ Id: 'a', MessageBody: 'm', ReceiptHandle: 'h', VisibilityTimeout: 1 }], Tags: { k: 'v' }, TagKeys: ['k'], Attributes: { DelaySeconds: '0' },
    AttributeNames: ['All'], MessageAttributeNames: ['All'], MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } }, MaxNumberOfMessages: 10,
  });
  const mutatedInput = (fields: readonly string[]) => fc
    .array(fc.tuple(fc.constantFrom(...fields, ...PROTO_NAMES), fc.oneof({ weight: 2, arbitrary: scalar() }, { weight: 1, arbitrary: fieldValue }), fc.boolean()), { minLength: 1, maxLength: 3 })
    .map((changes) => {
      const input = validInput();
      for (const [field, v, inEntry] of changes) {
        const entry = Array.isArray(input.Entries) ? (input.Entries[0] as unknown) : undefined;
        const target = inEntry && typeof entry === 'object' && entry !== null ? entry : input;
        Object.defineProperty(target, field, { value: v, enumerable: true, configurable: true, writable: true });
      }
      return input;
    });
  const jsonInput = (action: string) => fc.oneof({ weight: 1, arbitrary: randomInput }, { weight: 3, arbitrary: mutatedInput(ACTION_FIELDS.get(action) ?? FIELDS) });

  // Bodies that are not what they claim: garbage, deep, invalid UTF-8.
  const badBody = fc.oneof(
    fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.integer({ min: 1, max: 100_000 }).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
    fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
  );
  const headers = fc.record(
    {
      origin: fc.constantFrom('https://evil.example', 'http://localhost:8080', 'null'),
      'sec-fetch-site': fc.constantFrom('cross-site', 'same-origin', 'none'),
      authorization: fc.constantFrom('AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00', 'garbage'),
    },
    { requiredKeys: [] },
  );
  const method = fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS');

  const jsonRequest = fc.oneof(fc.constantFrom(...ACTION_NAMES), fc.constantFrom('LaunchRocket', '', ...PROTO_NAMES)).chain((action) =>
    fc.record({
      method,
      action: fc.constant(action),
      body: fc.oneof({ weight: 5, arbitrary: jsonInput(action).map((i) => Buffer.from(JSON.stringify(i))) }, { weight: 1, arbitrary: badBody }),
      headers,
    }),
  );

  // Query: the flattened names SQS uses, nested and numbered wrongly on purpose.
  const queryKey = fc.oneof(
    fc.constantFrom(
      'QueueUrl', 'QueueName', 'MessageBody', 'DelaySeconds', 'MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds', 'ReceiptHandle', 'MaxResults',
      'NextToken', 'QueueNamePrefix', 'Attribute.1.Name', 'Attribute.1.Value', 'Attribute.2.Name', 'Attribute.2.Value', 'AttributeName.1', 'AttributeName.2',
      'MessageAttributeName.1', 'MessageSystemAttributeName.1', 'TagKey.1', 'Tag.1.Key', 'Tag.1.Value', 'MessageAttribute.1.Name',
      'MessageAttribute.1.Value.DataType', 'MessageAttribute.1.Value.StringValue', 'MessageAttribute.1.Value.BinaryValue', 'MessageAttribute.1',
      'MessageAttribute.x.Name', 'MessageSystemAttribute.1.Name', 'MessageSystemAttribute.1.Value.DataType', 'MessageSystemAttribute.1.Value.StringValue',
      'Attribute.1.Name.x', 'MessageAttribute.1.Value', 'Tag.99999999999999999999.Key', ...PROTO_NAMES, '__proto__.x', 'constructor.1',
      'DelaySeconds.x', 'MaxNumberOfMessages.a', 'VisibilityTimeout.1', 'WaitTimeSeconds.x.y', 'QueueUrl.x', 'MessageBody.1', 'Attribute.1.Value.x',
    ),
    fc.tuple(fc.constantFrom(...ENTRY_NAMES), fc.constantFrom('1', '2', '10', '11', '0', 'x'), fc.constantFrom('Id', 'MessageBody', 'ReceiptHandle', 'VisibilityTimeout', 'DelaySeconds', 'MessageAttribute.1.Name', 'MessageAttribute.1.Value.DataType', 'MessageAttribute.1.Value.StringValue', '__proto__'))
      .map((parts) => parts.join('.')),
    fc.integer({ min: 1, max: 3_000 }).map((n) => `${'a.'.repeat(n)}b`),
    fc.string({ maxLength: 12 }),
  );
  const queryValue = scalar().map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  const queryRequest = fc.record({
    method,
    action: fc.oneof(fc.constantFrom(...ACTION_NAMES), fc.constantFrom('LaunchRocket', '', 'List Queues', ...PROTO_NAMES)),
    params: fc.tuple(fc.array(fc.tuple(queryKey, queryValue), { maxLength: 12 }), fc.boolean()).map(([p, withQueue]) => (withQueue ? [['QueueUrl', queueUrl] as [string, string], ...p] : p)),
    raw: fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('%', '%FF', 'a=%G1', '&&&=&=', 'Action=ListQueues&%ED%A0%80=1')), { freq: 4 }),
    inUrl: fc.boolean(),
    headers,
  });

  /** Send, advancing the manual clock so long polls and delays end; bounded. */
  async function send(init: Parameters<typeof raw>[1]): Promise<RawResponse> {
    let done = false;
    const pending = raw(h.url, init).finally(() => (done = true));
    for (let i = 0; i < 100 && !done; i++) await clock.advance(1_000);
    return pending;
  }

  function checkShape(json: boolean, method: string, r: RawResponse): void {
    assert.ok(r.status < 500, `status ${r.status}: ${r.body.slice(0, 300)}`);
    if (method === 'HEAD' || r.status === 204) return;
    if (r.status >= 400) {
      if (json) {
        const body = JSON.parse(r.body) as { __type?: unknown; message?: unknown };
        assert.match(String(body.__type), /^com\.amazon(aws)?(\.coral\.service|\.sqs)#[A-Za-z]+$/, r.body);
        assert.equal(typeof body.message, 'string', r.body);
        assert.match(String(r.headers['x-amzn-query-error']), /^[A-Za-z.]+;(Sender|Receiver)$/);
      } else {
        assert.match(r.body, /^<\?xml version="1\.0"\?><ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>[A-Za-z.]+<\/Code><Message>[^<]*<\/Message><Detail\/><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/, r.body.slice(0, 400));
      }
    } else if (json) JSON.parse(r.body);
    else assert.match(r.body, /^<\?xml version="1\.0"\?><[A-Za-z]+Response /);
  }

  /** The handler of the request just answered held the loop < 100 ms, and a normal request is served next. */
  async function checkNext(before: number): Promise<void> {
    for (const r of records.slice(before)) assert.ok(r.handlerMs < MAX_HANDLER_MS, `${r.action || 'a refused request'} held the event loop ${r.handlerMs.toFixed(1)} ms`);
    const next = await raw(h.url, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' });
    assert.equal(next.status, 200, next.body);
    assert.ok(records.at(-1)!.handlerMs < MAX_HANDLER_MS);
  }

  const params = { seed: SEED, numRuns: RUNS, endOnFailure: true };
  const withSeed = async (run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      (err as Error).message = `replay with SQSDEMO_FUZZ_SEED=${SEED}\n${(err as Error).message}`;
      throw err;
    }
  };

  it('JSON 1.0: every answer is below 500, AWS-shaped, quick, and the next request is served', async () => {
    await withSeed(() =>
      fc.assert(
        fc.asyncProperty(jsonRequest, async (req) => {
          const before = records.length;
          const r = await send({ method: req.method, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${req.action}`, ...req.headers }, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body });
          checkShape(true, req.method, r);
          await checkNext(before);
        }),
        params,
      ),
    );
  });

  it('Query: every answer is below 500, AWS-shaped, quick, and the next request is served', async () => {
    await withSeed(() =>
      fc.assert(
        fc.asyncProperty(queryRequest, async (req) => {
          const before = records.length;
          const form = req.raw ?? new URLSearchParams([['Action', req.action], ...req.params]).toString();
          const get = req.method === 'GET' || req.method === 'HEAD' || req.inUrl;
          const r = await send({
            method: req.method,
            path: get ? `/?${form}` : '/',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...req.headers },
            body: get ? undefined : form,
          });
          checkShape(false, req.method, r);
          await checkNext(before);
        }),
        { ...params, seed: SEED + 1 },
      ),
    );
  });

  it('keeps memory within its caps after the fuzzing', () => {
    const stats = h.server.stats();
    assert.ok(stats.queues.length <= LIMITS.maxQueues, `${stats.queues.length} queues`);
    assert.ok(stats.heldBytes <= LIMITS.maxHeldBytes, `${stats.heldBytes} bytes held`);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(grown < 256 * 1_048_576, `heap grew ${Math.round(grown / 1_048_576)} MiB`);
  });
});
