/**
 * Snapshot + replay equivalence (fast-check, seeded): random queue and message
 * operations through the real action handlers on virtual time; a snapshot is
 * collected at one random moment and serialized at a later one (as the
 * background snapshot does, while changes go on). Replaying the journal written
 * since the collection over that snapshot gives what the live store holds, and
 * so does replaying the whole journal from nothing; a store restored from it
 * holds the same again. Records are grouped as the writer groups them, several
 * operations to a group. Two FIFO queues (one dead-lettering into the other) take
 * part: sends with group and deduplication ids (duplicates among them), receives
 * with ReceiveRequestAttemptIds, and move tasks out of both dead-letter queues.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyRecord, captureImage, emptyImage, restoreStore } from '../../../src/localsqs/journal/image.js';
import { collect, snapshotRecords, type Collected } from '../../../src/localsqs/journal/snapshot.js';
import { FRAME_HEADER, MESSAGE_FIELDS, RecordBuffer, decodeFrames, type JournalRecord } from '../../../src/localsqs/journal/codec.js';
import { StoredMessage } from '../../../src/localsqs/message.js';
import { QueueStore } from '../../../src/localsqs/store.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { RecordingJournal, call, normalize, throughBytes, urlOf } from './model.js';

const SEED = Number(process.env.SQSDEMO_JOURNAL_SEED ?? 20261130);
const RUNS = Number(process.env.SQSDEMO_JOURNAL_RUNS ?? 60);
const QUEUES = ['q0', 'q1', 'q2'];
const FIFOS = ['f0.fifo', 'f1.fifo'];

type Op =
  | { k: 'create'; q: number; vt: number; redrive: number }
  | { k: 'delq' | 'purge'; q: number }
  | { k: 'attrs'; q: number; vt: number; retention: number }
  | { k: 'tag' | 'untag'; q: number; key: number }
  | { k: 'send'; q: number; n: number; delay: number }
  | { k: 'recv'; q: number; max: number; vt: number }
  | { k: 'del'; pick: number }
  | { k: 'cv'; pick: number; vt: number }
  | { k: 'tick'; ms: number }
  | { k: 'fsend'; q: number; group: number; dedup: number; n: number }
  | { k: 'frecv'; q: number; max: number; vt: number; attempt: number }
  | { k: 'fpurge'; q: number }
  | { k: 'move'; fifo: boolean; rate: number; named: boolean }
  | { k: 'collect' }
  | { k: 'write' }
  | { k: 'serialize' };

const q = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('create' as const), q, vt: fc.integer({ min: 0, max: 40 }), redrive: fc.integer({ min: 0, max: 3 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constantFrom('delq' as const, 'purge' as const), q }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('attrs' as const), q, vt: fc.integer({ min: 0, max: 40 }), retention: fc.integer({ min: 60, max: 200 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constantFrom('tag' as const, 'untag' as const), q, key: fc.integer({ min: 0, max: 3 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('send' as const), q, n: fc.integer({ min: 1, max: 4 }), delay: fc.constantFrom(0, 0, 0, 5, 30) }), weight: 12 },
  { arbitrary: fc.record({ k: fc.constant('recv' as const), q, max: fc.integer({ min: 1, max: 10 }), vt: fc.constantFrom(0, 5, 20, 40) }), weight: 10 },
  { arbitrary: fc.record({ k: fc.constant('del' as const), pick: fc.nat() }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('cv' as const), pick: fc.nat(), vt: fc.constantFrom(0, 10, 50) }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 45_000 }) }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 100_000, max: 320_000 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('fsend' as const), q: fc.integer({ min: 0, max: 1 }), group: fc.integer({ min: 0, max: 2 }), dedup: fc.integer({ min: 0, max: 30 }), n: fc.integer({ min: 1, max: 3 }) }), weight: 8 },
  { arbitrary: fc.record({ k: fc.constant('frecv' as const), q: fc.integer({ min: 0, max: 1 }), max: fc.integer({ min: 1, max: 10 }), vt: fc.constantFrom(0, 5, 20, 40), attempt: fc.integer({ min: 0, max: 3 }) }), weight: 7 },
  { arbitrary: fc.record({ k: fc.constant('fpurge' as const), q: fc.integer({ min: 0, max: 1 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('move' as const), fifo: fc.boolean(), rate: fc.integer({ min: 1, max: 3 }), named: fc.boolean() }), weight: 2 },
  { arbitrary: fc.constant({ k: 'collect' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'write' as const }), weight: 6 },
  { arbitrary: fc.constant({ k: 'serialize' as const }), weight: 1 },
);

function replay(records: readonly JournalRecord[], image = emptyImage()) {
  for (const r of records) applyRecord(image, r);
  return image;
}

describe(`journal replay (seed ${SEED}, ${RUNS} runs)`, () => {
  it('replaying the journal over a snapshot taken during the run gives the live store, and so does a store restored from it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 80 }), async (ops) => {
        const clock = new ManualClock();
        const journal = new RecordingJournal();
        const store = new QueueStore({ clock, journal });
        const handles: [string, string][] = [];
        let collected: { at: number; c: Collected } | undefined;
        let snapshot: JournalRecord[] | undefined;
        const serialize = (): void => {
          if (collected === undefined || snapshot !== undefined) return;
          const c = collected.c;
          snapshot = throughBytes((b) => {
            for (const _ of snapshotRecords(c, { messages: 0 }, () => b));
          });
        };
        try {
          // Three queues to start with; q1 dead-letters into q0 after two receives.
          const create = (o: { q: number; vt: number; redrive: number }) => {
            const Attributes: Record<string, string> = { VisibilityTimeout: String(o.vt) };
            if (o.redrive < 3 && o.redrive !== o.q) Attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: store.arnOf(QUEUES[o.redrive]!), maxReceiveCount: 2 });
            return call(store, 'CreateQueue', { QueueName: QUEUES[o.q], Attributes, tags: { team: 'a' } });
          };
          await create({ q: 0, vt: 0, redrive: 3 });
          await create({ q: 1, vt: 10, redrive: 0 });
          await create({ q: 2, vt: 30, redrive: 3 });
          // f1.fifo dead-letters into f0.fifo after two receives.
          await call(store, 'CreateQueue', { QueueName: FIFOS[0], Attributes: { FifoQueue: 'true', VisibilityTimeout: '10' } });
          await call(store, 'CreateQueue', { QueueName: FIFOS[1], Attributes: { FifoQueue: 'true', VisibilityTimeout: '10', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: store.arnOf(FIFOS[0]!), maxReceiveCount: 2 }) } });
          for (const o of ops) {
            switch (o.k) {
              case 'create': await create(o); break;
              case 'delq': await call(store, 'DeleteQueue', { QueueUrl: urlOf(QUEUES[o.q]!) }); break;
              case 'purge': await call(store, 'PurgeQueue', { QueueUrl: urlOf(QUEUES[o.q]!) }); break;
              case 'attrs': await call(store, 'SetQueueAttributes', { QueueUrl: urlOf(QUEUES[o.q]!), Attributes: { VisibilityTimeout: String(o.vt), MessageRetentionPeriod: String(o.retention) } }); break;
              case 'tag': await call(store, 'TagQueue', { QueueUrl: urlOf(QUEUES[o.q]!), Tags: { [`k${o.key}`]: 'v' } }); break;
              case 'untag': await call(store, 'UntagQueue', { QueueUrl: urlOf(QUEUES[o.q]!), TagKeys: [`k${o.key}`] }); break;
              case 'send':
                await call(store, 'SendMessageBatch', {
                  QueueUrl: urlOf(QUEUES[o.q]!),
                  Entries: Array.from({ length: o.n }, (_, i) => ({ Id: `e${i}`, MessageBody: `body ${i} ✓`, DelaySeconds: o.delay, MessageAttributes: { a: { DataType: 'String', StringValue: 'x' } } })),
                });
                break;
              case 'recv': {
                const out = await call(store, 'ReceiveMessage', { QueueUrl: urlOf(QUEUES[o.q]!), MaxNumberOfMessages: o.max, VisibilityTimeout: o.vt, WaitTimeSeconds: 0 });
                for (const m of (out?.Messages ?? []) as { ReceiptHandle: string }[]) handles.push([QUEUES[o.q]!, m.ReceiptHandle]);
                break;
              }
              case 'del': case 'cv': {
                if (handles.length === 0) break;
                const [name, handle] = handles[o.pick % handles.length]!;
                if (o.k === 'del') await call(store, 'DeleteMessage', { QueueUrl: urlOf(name), ReceiptHandle: handle });
                else await call(store, 'ChangeMessageVisibility', { QueueUrl: urlOf(name), ReceiptHandle: handle, VisibilityTimeout: o.vt });
                break;
              }
              case 'tick': await clock.advance(o.ms); break;
              case 'fsend':
                await call(store, 'SendMessageBatch', {
                  QueueUrl: urlOf(FIFOS[o.q]!),
                  Entries: Array.from({ length: o.n }, (_, i) => ({ Id: `e${i}`, MessageBody: `fifo ${i} ✓`, MessageGroupId: `g${o.group}`, MessageDeduplicationId: `d${o.dedup + i}` })),
                });
                break;
              case 'frecv': {
                const out = await call(store, 'ReceiveMessage', {
                  QueueUrl: urlOf(FIFOS[o.q]!), MaxNumberOfMessages: o.max, VisibilityTimeout: o.vt, WaitTimeSeconds: 0, ...(o.attempt > 0 ? { ReceiveRequestAttemptId: `a${o.attempt}` } : {}),
                });
                for (const m of (out?.Messages ?? []) as { ReceiptHandle: string }[]) handles.push([FIFOS[o.q]!, m.ReceiptHandle]);
                break;
              }
              case 'fpurge': await call(store, 'PurgeQueue', { QueueUrl: urlOf(FIFOS[o.q]!) }); break;
              case 'move':
                // To each message's source (only dead-lettered ones have one) or to a named queue of the same kind.
                await call(store, 'StartMessageMoveTask', {
                  SourceArn: store.arnOf(o.fifo ? FIFOS[0]! : QUEUES[0]!), MaxNumberOfMessagesPerSecond: o.rate, ...(o.named ? { DestinationArn: store.arnOf(o.fifo ? FIFOS[1]! : QUEUES[2]!) } : {}),
                });
                break;
              // The records since the last write go out as one group (a message put and deleted in it costs no put).
              case 'write': journal.flush(); break;
              case 'collect': if (collected === undefined) collected = { at: journal.records.length, c: collect(store) }; break;
              case 'serialize': serialize(); break;
            }
          }
          serialize();
          const live = normalize(captureImage(store), clock.now());
          assert.deepEqual(normalize(replay(journal.records), clock.now()), live, 'whole journal from nothing');
          if (collected !== undefined) {
            const image = replay(journal.records.slice(collected.at), replay(snapshot!.filter((r) => r.t !== 'end')));
            assert.deepEqual(normalize(image, clock.now()), live, 'journal since the snapshot, over the snapshot');
          }
          const restored = new QueueStore({ clock });
          try {
            restoreStore(restored, replay(journal.records));
            assert.deepEqual(normalize(captureImage(restored), clock.now()), live, 'a store restored from the journal');
          } finally {
            restored.close();
          }
        } finally {
          store.close();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
  it('a put record holds every field of a message (a field added to StoredMessage and not to MESSAGE_FIELDS fails here), its body as-is', () => {
    const msg = new StoredMessage('id-1', 'body "quoted" \\ é \u0000 ☃', 'md5', { a: { DataType: 'String', StringValue: 'v' } }, 'md5a', { AWSTraceHeader: { DataType: 'String', StringValue: 't' } }, 'md5s', 1_000, 'AIDTEST', 77);
    Object.assign(msg, { state: 2, deadline: 5, receiveCount: 3, firstReceiveAt: 4, handle: 'h', deadLetterSourceArn: 'arn', groupId: 'g', dedupId: 'd', sequenceNumber: '9', heapIndex: 7 });
    const every = Object.keys(msg).filter((k) => k !== 'heapIndex');
    assert.deepEqual([...every].sort(), [...MESSAGE_FIELDS].sort(), 'MESSAGE_FIELDS lists every field of StoredMessage');
    for (const k of every) assert.notEqual((msg as unknown as Record<string, unknown>)[k], undefined, `${k} is set in this spec`);
    const { heapIndex: _, ...expected } = JSON.parse(JSON.stringify(msg)) as Record<string, unknown>;
    // Through the bytes recovery reads: a group frame decoded by scanFile's decoder.
    assert.deepEqual(throughBytes((b) => b.put('q', msg)), [{ t: 'm', q: 'q', m: expected }]);
  });
  it('a message put and deleted in one group costs its delete, not its put; one put earlier (then moved) is still deleted on replay', () => {
    const body = 'x'.repeat(10_000);
    const msg = (id: string): StoredMessage => new StoredMessage(id, body, 'md5', undefined, undefined, undefined, undefined, 1, 'AIDTEST', body.length);
    const moved = msg('moved');
    const brief = msg('brief');
    const kept = msg('kept');
    // Group 1: `moved` is put into a. Group 2: it is dead-lettered into b and deleted there; `brief` is sent and
    // deleted; `kept` is sent.
    const first = throughBytes((b) => b.put('a', moved));
    let bytes = 0;
    const second = throughBytes((b) => {
      b.put('b', moved);
      b.update(moved);
      b.put('b', brief);
      b.remove(moved);
      b.put('b', kept);
      b.remove(brief);
      bytes = b.toBuffer().length;
    });
    assert.ok(bytes < body.length + 500, `${bytes} bytes: one body (kept's), not three`);
    assert.deepEqual(second.map((r) => (r.t === 'm' ? `m:${String(r.m.id)}` : r.t === 'u' || r.t === 'd' ? `${r.t}:${r.id}` : r.t)), ['u:moved', 'd:moved', 'm:kept', 'd:brief']);
    const image = replay(second, replay([{ t: 'q', q: { name: 'a', arn: 'arn:a', createdAt: 0, lastModifiedAt: 0, settings: {}, tags: [] } }, { t: 'q', q: { name: 'b', arn: 'arn:b', createdAt: 0, lastModifiedAt: 0, settings: {}, tags: [] } }, ...first]));
    assert.deepEqual([...image.queues].map(([name, q]) => [name, [...q.messages.keys()]]), [['a', []], ['b', ['kept']]]);
    // A FIFO message's put stays: its SequenceNumber keeps the queue's numbering up.
    const fifo = msg('fifo');
    fifo.sequenceNumber = '10000000000000000007';
    assert.deepEqual(throughBytes((b) => {
      b.put('f.fifo', fifo);
      b.remove(fifo);
    }).map((r) => r.t), ['m', 'd']);
  });
  it('records past GROUP_CHARS go out as several frames, each with its own CRC, and all of them decode in order', () => {
    const big = 'b'.repeat(1_048_576);
    const msgs = Array.from({ length: 9 }, (_, i) => new StoredMessage(`m${i}`, big, 'md5', undefined, undefined, undefined, undefined, i, 'AIDTEST', big.length));
    const b = new RecordBuffer();
    for (const m of msgs) {
      b.put('q', m);
      b.update(m);
    }
    const buf = b.toBuffer();
    let frames = 0;
    for (let at = 0; at < buf.length; at += FRAME_HEADER + buf.readUInt32LE(at)) frames += 1;
    assert.ok(frames >= 2, `${frames} frames`);
    const read: JournalRecord[] = [];
    assert.deepEqual(decodeFrames(buf, (r) => read.push(r)), { used: buf.length, partial: false });
    assert.deepEqual(read.map((r) => (r.t === 'm' ? `m:${String(r.m.id)}:${(r.m.body as string).length}` : r.t === 'u' ? `u:${r.id}` : r.t)), msgs.flatMap((m) => [`m:${m.id}:${big.length}`, `u:${m.id}`]));
  });
});
