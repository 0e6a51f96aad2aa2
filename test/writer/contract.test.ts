import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { readAsset } from '../../src/assets.js';
import { compileRequestValidator } from '../../src/writer/contract.js';
import { Ajv, type ValidateFunction } from 'ajv';
import type { SendBatchFn } from '../../src/writer/batch-types.js';
import { startTestSqs } from '../helpers/sqs.js';
import { post, postBody, startWriter, type Answer } from './helpers.js';

interface SwaggerDoc {
  paths: Record<string, { post?: { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> } }>;
  components: unknown;
}

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

  it('documents exactly the statuses the writer answers on POST /api/message, each body in its documented shape', async () => {
    const doc = parse(readAsset('swagger.yml')) as SwaggerDoc;
    const documented = doc.paths['/api/message']!.post!.responses;
    const ajv = new Ajv({ strict: false });
    ajv.addSchema({ $id: 'swagger', components: doc.components });
    const shapeOf = (status: string): ValidateFunction => {
      const schema = documented[status]?.content?.['application/json']?.schema;
      assert.ok(schema, `swagger.yml has no JSON schema for ${status}`);
      return ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"swagger#/components')) as object);
    };

    // The real writer (routes, batcher, health state) on a socket; SendMessageBatch is scripted
    // so that SQS's failures can be produced on demand.
    let sqsSays: 'ok' | 'access-denied' | 'unreachable' = 'ok';
    const send: SendBatchFn = async (entries) => {
      if (sqsSays === 'access-denied') throw Object.assign(new Error('not allowed'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
      if (sqsSays === 'unreachable') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return { successful: entries.map((e) => ({ id: e.Id, messageId: `id-${e.Id}` })), failed: [] };
    };
    const sqs = await startTestSqs({ forceLocal: true });
    const w = await startWriter(sqs.config, sqs.queueUrl, { send, maxRequestBytes: 1024, lingerMs: 0 });
    const answered = new Map<string, unknown>();
    const record = (a: Answer): void => void answered.set(String(a.status), a.json);
    try {
      record(await postBody(w.url, 'fine'));
      record(await post(w.url, '{"nobody": 1}'));
      record(await post(w.url, '{not json'));
      record(await post(w.url, JSON.stringify({ body: 'x'.repeat(2048) })));
      record(await post(w.url, JSON.stringify({ body: 'x' }), 'text/plain'));
      sqsSays = 'access-denied';
      record(await postBody(w.url, 'refused by IAM'));
      sqsSays = 'unreachable';
      record(await postBody(w.url, 'no SQS'));
    } finally {
      await w.stop();
      await sqs.stop();
    }
    assert.deepEqual([...answered.keys()].sort(), Object.keys(documented).sort(), 'statuses answered vs documented');
    for (const [status, body] of answered) {
      const valid = shapeOf(status);
      assert.ok(valid(body), `${status} ${JSON.stringify(body)}: ${ajv.errorsText(valid.errors)}`);
    }
  });
});
