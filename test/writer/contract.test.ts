import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { readAsset } from '../../src/assets.js';
import { compileRequestValidator } from '../../src/writer/contract.js';
import { BucketHistogram, PrometheusText } from '../../src/telemetry/prometheus.js';

describe('the request contract from swagger.yml', () => {
  const validate = compileRequestValidator();

  it('accepts an object with a non-empty string body', () => {
    assert.equal(validate({ body: 'x' }), undefined);
  });

  it('names the problem of a bad request', () => {
    assert.equal(validate({})?.message, 'body parameter is missing or empty');
    assert.equal(validate({ body: '' })?.message, 'body parameter is missing or empty');
    assert.equal(validate({ body: 1 })?.message, 'body parameter must be a string');
    assert.equal(validate('text')?.code, 'invalid_request');
  });

  it('follows the schema in the file, not a copy: a stricter swagger.yml makes a stricter writer', () => {
    const doc = parse(readAsset('swagger.yml')) as { components: { schemas: { MessageRequest: { properties: { body: { maxLength?: number } } } } } };
    doc.components.schemas.MessageRequest.properties.body.maxLength = 3;
    const strict = compileRequestValidator(JSON.stringify(doc));
    assert.equal(strict({ body: 'abc' }), undefined);
    assert.deepEqual(strict({ body: 'abcd' }), { code: 'invalid_body', message: 'request does not match the schema: /body must NOT have more than 3 characters' });
  });

  it('documents every status the writer answers on POST /api/message', () => {
    const doc = parse(readAsset('swagger.yml')) as { paths: Record<string, { post?: { responses: Record<string, unknown> } }> };
    assert.deepEqual(Object.keys(doc.paths['/api/message']!.post!.responses).sort(), ['201', '400', '413', '415', '500', '503']);
  });
});

describe('Prometheus text', () => {
  it('writes counters with labels and cumulative histogram buckets', () => {
    const h = new BucketHistogram([1, 5]);
    for (const v of [0.5, 2, 7]) h.observe(v);
    const text = new PrometheusText().counter('x_total', 'Things.', [[{ status: '201' }, 3], [{ path: 'a"b' }, 1]]).histogram('lat', 'Latency.', h).text();
    assert.equal(
      text,
      [
        '# HELP x_total Things.', '# TYPE x_total counter', 'x_total{status="201"} 3', 'x_total{path="a\\"b"} 1',
        '# HELP lat Latency.', '# TYPE lat histogram', 'lat_bucket{le="1"} 1', 'lat_bucket{le="5"} 2', 'lat_bucket{le="+Inf"} 3', 'lat_sum 9.5', 'lat_count 3',
      ].join('\n') + '\n',
    );
  });
});
