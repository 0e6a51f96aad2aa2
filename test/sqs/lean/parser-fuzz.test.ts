/**
 * The lean path's response parsers against hostile 2xx bodies (truncated JSON,
 * wrong types, huge numbers, deep nesting, random text): each either returns an
 * output or throws a typed error (SyntaxError from JSON, ResponseShapeError
 * for a container of the wrong type), never anything else; a parsed output's
 * containers are what the roles expect (lists are lists, maps are objects).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  parseChangeMessageVisibilityBatch, parseDeleteMessageBatch, parseReceiveMessage, parseSendMessageBatch, ResponseShapeError,
} from '../../../src/sqs/lean/shapes.js';

const PARSERS = { parseSendMessageBatch, parseReceiveMessage, parseDeleteMessageBatch, parseChangeMessageVisibilityBatch };

const GOOD = [
  '{"Successful":[{"Id":"0","MessageId":"m","MD5OfMessageBody":"x"}],"Failed":[{"Id":"1","SenderFault":true,"Code":"C","Message":"M"}]}',
  '{"Messages":[{"MessageId":"m","ReceiptHandle":"r","MD5OfBody":"x","Body":"b","Attributes":{"SentTimestamp":"1"},"MessageAttributes":{"k":{"DataType":"Binary","BinaryValue":"AQID","StringListValues":[],"BinaryListValues":["AA=="]}}}]}',
];

/** Values of any JSON type, with members named as SQS names them so the parsers reach deep. */
const member = fc.constantFrom('Successful', 'Failed', 'Messages', 'Id', 'Body', 'Attributes', 'MessageAttributes', 'BinaryValue', 'StringListValues', 'BinaryListValues', 'SenderFault', 'x');
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double(), fc.constant(1e308), fc.bigInt().map(String), fc.string(), tie('list'), tie('object')),
  list: fc.array(tie('any'), { maxLength: 4 }),
  object: fc.dictionary(member, tie('any'), { maxKeys: 5 }),
})).any;

const body = fc.oneof(
  value.map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom(...GOOD).chain((g) => fc.nat({ max: g.length }).map((n) => g.slice(0, n))),
  fc.string({ maxLength: 200 }),
  fc.nat({ max: 5_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.constantFrom('{"Messages":[{"Body":1e999}]}', '{"Successful":[{"Id":123456789012345678901234567890}]}', '"str"', '[1,2]', ''),
);

function containersOk(out: Record<string, unknown>): void {
  for (const key of ['Successful', 'Failed', 'Messages']) if (out[key] !== undefined) assert.ok(Array.isArray(out[key]), `${key} is a list`);
  for (const m of (out.Messages as Array<Record<string, unknown>> | undefined) ?? []) {
    assert.ok(typeof m === 'object' && m !== null && !Array.isArray(m));
    if (m.Attributes !== undefined) assert.ok(typeof m.Attributes === 'object' && !Array.isArray(m.Attributes));
    if (m.MessageAttributes !== undefined) assert.ok(typeof m.MessageAttributes === 'object' && !Array.isArray(m.MessageAttributes));
  }
}

describe('lean response parsers against hostile bodies', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    it(`${name}: an output with the expected containers, or a SyntaxError / ResponseShapeError (fast-check)`, () => {
      fc.assert(
        fc.property(body, (text) => {
          let out: unknown;
          try {
            out = parse(text);
          } catch (err) {
            assert.ok(err instanceof SyntaxError || err instanceof ResponseShapeError, `unexpected ${(err as Error).name}: ${(err as Error).message}`);
            return;
          }
          containersOk(out as Record<string, unknown>);
        }),
        { numRuns: 1_000 },
      );
    });
  }

  it('keeps the good bodies whole', () => {
    assert.equal(parseSendMessageBatch(GOOD[0]!).Failed?.[0]?.SenderFault, true);
    const m = parseReceiveMessage(GOOD[1]!).Messages![0]!;
    assert.deepEqual([...m.MessageAttributes!.k!.BinaryValue!], [1, 2, 3]);
    assert.equal(m.Attributes!.SentTimestamp, '1');
  });
});
