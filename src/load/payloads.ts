/**
 * Request bodies: generated, deterministic text (seeded PRNG, no copyrighted
 * lyrics), and the batch plan that decides which request of a batch is
 * deliberately malformed and how.
 *
 * Every body is built once as a Buffer and reused for every request that sends
 * it, so the hot path allocates no payloads. Like the original's 24 lines, a
 * batch cycles through a fixed set of good lines (at most MAX_DISTINCT_BODIES).
 */
import { mulberry32, type RandomSource } from '../reader/random.js';
import type { MalformedKind } from './config.js';

/** Distinct good bodies kept in memory; larger batches cycle through them. */
export const MAX_DISTINCT_BODIES = 64;

export interface RequestSlot {
  /** 'good', or how this request is malformed. */
  readonly kind: 'good' | MalformedKind;
  /** True when the writer must answer 4xx; false when it must answer 201. */
  readonly malformed: boolean;
  /** The exact request body sent (JSON, or not quite JSON). Never mutate. */
  readonly body: Buffer;
}

export interface PayloadPlan {
  readonly batchSize: number;
  readonly malformedPerBatch: number;
  /** The slot for request number `index` (0-based, counted since start). */
  slotFor(index: number): RequestSlot;
  /** The distinct good slots (for tests and the ready line). */
  readonly goodSlots: readonly RequestSlot[];
}

export interface PayloadOptions {
  readonly batchSize: number;
  readonly malformedPerBatch: number;
  readonly malformedKinds: readonly MalformedKind[];
  readonly bodyBytes: number;
  readonly seed: number;
}

const WORDS = (
  'the a an of to in on at by for with from over under after before while queue message worker writer reader ' +
  'service request answer batch retry timeout signal harbour river morning evening window garden lantern ' +
  'paper letter ticket parcel station platform train bridge market street corner table kettle orange ' +
  'green silver quiet early late small large bright patient careful steady sends carries waits returns ' +
  'arrives leaves counts checks opens closes keeps finds brings holds moves turns reads writes listens'
).split(' ');

/** One sentence of 4 to 12 words, capitalised, with a full stop. */
function sentence(random: RandomSource): string {
  const n = 4 + Math.floor(random() * 9);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]!);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

/** ASCII text of exactly `bytes` characters (so also exactly `bytes` UTF-8 bytes). */
export function generateText(bytes: number, random: RandomSource): string {
  let text = '';
  while (text.length < bytes) text += (text === '' ? '' : ' ') + sentence(random);
  text = text.slice(0, bytes);
  // A trailing space would be trimmed by some tools; end on a visible character.
  return text.endsWith(' ') ? text.slice(0, -1) + '.' : text;
}

function malformedBody(kind: MalformedKind, sample: string): string {
  switch (kind) {
    case 'empty':
      return '{"body":""}';
    case 'json':
      return `{"body":"${sample.slice(0, 24)}`;
    case 'missing':
      return `{"message":${JSON.stringify(sample.slice(0, 24))}}`;
    case 'type':
      return '{"body":12345}';
  }
}

export function createPayloadPlan(options: PayloadOptions): PayloadPlan {
  const { batchSize, malformedPerBatch: m, malformedKinds, bodyBytes, seed } = options;
  if (m > batchSize) throw new RangeError(`malformedPerBatch (${m}) > batchSize (${batchSize})`);
  if (m > 0 && malformedKinds.length === 0) throw new RangeError('malformedKinds is empty');
  const random = mulberry32(seed);
  const goodPerBatch = batchSize - m;
  const distinct = Math.min(Math.max(goodPerBatch, 1), MAX_DISTINCT_BODIES);
  const goodSlots: RequestSlot[] = [];
  for (let i = 0; i < distinct; i++) {
    goodSlots.push(Object.freeze({ kind: 'good' as const, malformed: false, body: Buffer.from(JSON.stringify({ body: generateText(bodyBytes, random) })) }));
  }
  const sample = generateText(32, random);
  const badSlots = malformedKinds.map((kind) => Object.freeze({ kind, malformed: true, body: Buffer.from(malformedBody(kind, sample)) }));
  // Position in the batch -> index of the malformed request there, or -1. Spread evenly; the last one ends the batch.
  const malformedAt = new Int32Array(batchSize).fill(-1);
  const goodBefore = new Int32Array(batchSize);
  for (let j = 0; j < m; j++) malformedAt[Math.floor(((j + 1) * batchSize) / m) - 1] = j;
  for (let p = 0, g = 0; p < batchSize; p++) {
    goodBefore[p] = g;
    if (malformedAt[p] === -1) g++;
  }
  return {
    batchSize,
    malformedPerBatch: m,
    goodSlots,
    slotFor(index) {
      const batch = Math.floor(index / batchSize);
      const p = index - batch * batchSize;
      const j = malformedAt[p]!;
      if (j >= 0) return badSlots[(batch * m + j) % badSlots.length]!;
      return goodSlots[(batch * goodPerBatch + goodBefore[p]!) % distinct]!;
    },
  };
}
