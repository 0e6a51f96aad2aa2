import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPayloadPlan, generateText } from '../../src/load/payloads.js';
import { mulberry32 } from '../../src/reader/random.js';

describe('load payloads', () => {
  it('generates text of exactly the requested size, the same for the same seed', () => {
    for (const bytes of [1, 7, 100, 2048, 10_000]) {
      const a = generateText(bytes, mulberry32(3));
      assert.equal(Buffer.byteLength(a), bytes);
      assert.equal(a, generateText(bytes, mulberry32(3)));
      assert.doesNotMatch(a, /\s$/);
    }
    assert.notEqual(generateText(200, mulberry32(3)), generateText(200, mulberry32(4)));
  });

  it('puts the malformed requests of each batch at fixed places, like the original empty line', () => {
    const plan = createPayloadPlan({ batchSize: 24, malformedPerBatch: 1, malformedKinds: ['empty'], bodyBytes: 50, seed: 1 });
    const kinds = Array.from({ length: 72 }, (_, i) => plan.slotFor(i).kind);
    assert.deepEqual(kinds.map((k, i) => (k === 'good' ? -1 : i)).filter((i) => i >= 0), [23, 47, 71]);
    assert.equal(plan.goodSlots.length, 23);
    // Each good body is a JSON object whose `body` has exactly --body-bytes bytes.
    for (const slot of plan.goodSlots) assert.equal(Buffer.byteLength((JSON.parse(slot.body.toString()) as { body: string }).body), 50);
    assert.equal(plan.slotFor(23).body.toString(), '{"body":""}');
    // The same request number always gets the same bytes (buffers are reused, not rebuilt).
    assert.equal(plan.slotFor(5), plan.slotFor(29));
  });

  it('takes the malformed kinds in turn, each one bad in its own way', () => {
    const plan = createPayloadPlan({ batchSize: 10, malformedPerBatch: 2, malformedKinds: ['empty', 'json', 'missing', 'type'], bodyBytes: 20, seed: 1 });
    const bad = Array.from({ length: 40 }, (_, i) => plan.slotFor(i)).filter((s) => s.malformed);
    assert.deepEqual(bad.map((s) => s.kind), ['empty', 'json', 'missing', 'type', 'empty', 'json', 'missing', 'type']);
    const byKind = new Map(bad.map((s) => [s.kind, s.body.toString()]));
    assert.deepEqual(JSON.parse(byKind.get('empty')!), { body: '' });
    assert.throws(() => JSON.parse(byKind.get('json')!));
    assert.equal((JSON.parse(byKind.get('missing')!) as { body?: unknown }).body, undefined);
    assert.equal(typeof (JSON.parse(byKind.get('type')!) as { body?: unknown }).body, 'number');
  });

  it('sends only good requests with --malformed-per-batch 0, and only bad ones when it equals the batch size', () => {
    const none = createPayloadPlan({ batchSize: 5, malformedPerBatch: 0, malformedKinds: ['empty'], bodyBytes: 10, seed: 1 });
    assert.ok(Array.from({ length: 20 }, (_, i) => none.slotFor(i)).every((s) => !s.malformed));
    const all = createPayloadPlan({ batchSize: 3, malformedPerBatch: 3, malformedKinds: ['type'], bodyBytes: 10, seed: 1 });
    assert.ok(Array.from({ length: 9 }, (_, i) => all.slotFor(i)).every((s) => s.malformed));
  });
});
