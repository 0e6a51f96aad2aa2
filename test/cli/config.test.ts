import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSqsConfig, parseDuration, durationIn, intIn, parseUrl, parseQueueName, DEFAULT_LOCAL_ENDPOINT } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';

describe('resolveSqsConfig', () => {
  it("defaults to the local endpoint and the original's queue names", () => {
    const c = resolveSqsConfig({}, {});
    assert.equal(c.endpoint, DEFAULT_LOCAL_ENDPOINT);
    assert.equal(c.aws, false);
    assert.equal(c.region, 'us-east-1');
    assert.equal(c.queueName, 'q1_standard');
    assert.equal(c.dlqName, 'q1_standard_dlq');
    assert.equal(c.fifo, false);
    assert.ok(Object.isFrozen(c));
  });

  it('names FIFO queues with --fifo or a .fifo queue name, the dead-letter queue FIFO as well', () => {
    const byFlag = resolveSqsConfig({ fifo: true }, {});
    assert.deepEqual([byFlag.queueName, byFlag.dlqName, byFlag.fifo], ['q1_fifo.fifo', 'q1_fifo_dlq.fifo', true]);
    const suffixed = resolveSqsConfig({ fifo: true, queue: 'orders' }, {});
    assert.deepEqual([suffixed.queueName, suffixed.dlqName], ['orders.fifo', 'orders_dlq.fifo']);
    const byName = resolveSqsConfig({ queue: 'orders.fifo' }, {});
    assert.deepEqual([byName.queueName, byName.dlqName, byName.fifo], ['orders.fifo', 'orders_dlq.fifo', true]);
    assert.throws(() => resolveSqsConfig({ queue: 'orders.fifo', dlq: 'plain' }, {}), (e: unknown) => e instanceof UsageError && /must both be FIFO/.test(e.message));
    assert.throws(() => resolveSqsConfig({ queue: 'plain', dlq: 'dead.fifo' }, {}), UsageError);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_SQS, and a flag over it', () => {
    assert.equal(resolveSqsConfig({}, { AWS_ENDPOINT_URL_SQS: 'http://elasticmq:9324' }).endpoint, 'http://elasticmq:9324');
    assert.equal(resolveSqsConfig({ endpoint: 'http://a:1' }, { AWS_ENDPOINT_URL_SQS: 'http://b:2' }).endpoint, 'http://a:1');
  });

  it('rejects a malformed AWS_ENDPOINT_URL_SQS with a UsageError naming it', () => {
    assert.throws(() => resolveSqsConfig({}, { AWS_ENDPOINT_URL_SQS: 'not a url' }), (err: unknown) => err instanceof UsageError && /AWS_ENDPOINT_URL_SQS/.test(err.message));
  });

  it('leaves endpoint and region to the SDK chain with --aws', () => {
    const c = resolveSqsConfig({ aws: true }, { AWS_PROFILE: 'dev' });
    assert.equal(c.endpoint, undefined);
    assert.equal(c.region, undefined);
    assert.equal(c.profile, 'dev');
    assert.equal(resolveSqsConfig({ aws: true }, { AWS_REGION: 'eu-west-1' }).region, 'eu-west-1');
  });

  it('derives the dead-letter queue name from the queue name', () => {
    assert.equal(resolveSqsConfig({ queue: 'orders' }, {}).dlqName, 'orders_dlq');
    assert.throws(() => resolveSqsConfig({ queue: 'x', dlq: 'x' }, {}), UsageError);
  });
});

describe('flag parsers', () => {
  it('parses durations in ms, s, m and h; a bare number is seconds', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('3'), 3000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.throws(() => parseDuration('soon'), /duration such as/);
  });

  it('bounds durations and names the range in readable units', () => {
    const p = durationIn(100, 3_600_000);
    assert.equal(p('250ms'), 250);
    assert.equal(p('1h'), 3_600_000);
    assert.throws(() => p('50ms'), /from 100ms to 1h/);
    assert.throws(() => p('61m'), /from 100ms to 1h/);
  });

  it('accepts whole numbers in range only', () => {
    const p = intIn(1, 10);
    assert.equal(p('10'), 10);
    for (const bad of ['0', '11', '1.5', '', 'x']) assert.throws(() => p(bad), /from 1 to 10/);
  });

  it('accepts http(s) URLs and valid queue names only', () => {
    assert.equal(parseUrl('http://127.0.0.1:9324/'), 'http://127.0.0.1:9324');
    assert.throws(() => parseUrl('ftp://x'), /http/);
    assert.equal(parseQueueName('q1_standard'), 'q1_standard');
    assert.throws(() => parseQueueName('bad name'), /1 to 80/);
    assert.equal(parseQueueName('orders.fifo'), 'orders.fifo');
    assert.throws(() => parseQueueName('orders.txt'), /1 to 80/);
    assert.throws(() => parseQueueName(`${'x'.repeat(76)}.fifo`), /1 to 80/);
  });
});
