/**
 * The data dir on disk: a journal cut at any byte offset or corrupted
 * anywhere recovers the records before the damage (never a refusal, never a
 * crash) and reports what it cut; group commit shares one write and one fsync
 * among the records appended meanwhile; snapshots compact the journal; one
 * process per directory.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SqsdemoError } from '../../../src/errors.js';
import { FILE_HEADER, FRAME_HEADER, RECORD_HEADER, crc32, type JournalRecord } from '../../../src/localsqs/journal/codec.js';
import { openDataDir, type DataDir } from '../../../src/localsqs/journal/data-dir.js';
import { segmentPath } from '../../../src/localsqs/journal/files.js';
import { applyRecord, captureImage, emptyImage } from '../../../src/localsqs/journal/image.js';
import { scanFile } from '../../../src/localsqs/journal/recover.js';
import { JournalWriter, type FsyncMode } from '../../../src/localsqs/journal/writer.js';
import { DEFAULT_LIMITS } from '../../../src/localsqs/limits.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { call, normalize, urlOf } from './model.js';

const SEED = Number(process.env.SQSDEMO_JOURNAL_SEED ?? 20261130);
const root = mkdtempSync(join(tmpdir(), 'sqsdemo-journal-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = (): string => join(root, `d${dirs++}`);

function open(dir: string, clock = new ManualClock(), fsync: FsyncMode = 'batch', compactBytes?: number): Promise<DataDir> {
  return openDataDir({ dir, fsync, clock, limits: DEFAULT_LIMITS, ...(compactBytes !== undefined ? { compactBytes } : {}) });
}

/** A data dir with two queues and a FIFO queue, messages sent, received, changed and deleted; returns its one segment's path. */
async function populated(dir: string, clock: ManualClock): Promise<string> {
  const dd = await open(dir, clock);
  const { store } = dd;
  await call(store, 'CreateQueue', { QueueName: 'a', Attributes: { VisibilityTimeout: '30' }, tags: { t: '1' } });
  await call(store, 'CreateQueue', { QueueName: 'b' });
  for (let i = 0; i < 6; i++) await call(store, 'SendMessage', { QueueUrl: urlOf(i % 2 ? 'a' : 'b'), MessageBody: `message ${i} é`, DelaySeconds: i === 5 ? 60 : 0 });
  const got = (await call(store, 'ReceiveMessage', { QueueUrl: urlOf('a'), MaxNumberOfMessages: 2 })) as { Messages: { ReceiptHandle: string }[] };
  await call(store, 'DeleteMessage', { QueueUrl: urlOf('a'), ReceiptHandle: got.Messages[0]!.ReceiptHandle });
  await call(store, 'ChangeMessageVisibility', { QueueUrl: urlOf('a'), ReceiptHandle: got.Messages[1]!.ReceiptHandle, VisibilityTimeout: 100 });
  await call(store, 'TagQueue', { QueueUrl: urlOf('b'), Tags: { u: '2' } });
  // FIFO: groups, a duplicate, a receive attempt, a delete.
  const f = urlOf('f.fifo');
  await call(store, 'CreateQueue', { QueueName: 'f.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '30' } });
  for (const [group, dedup] of [['g1', 'x'], ['g2', 'y'], ['g1', 'z'], ['g1', 'x']] as const) {
    await call(store, 'SendMessage', { QueueUrl: f, MessageBody: `${group} ${dedup}`, MessageGroupId: group, MessageDeduplicationId: dedup });
  }
  const fifo = (await call(store, 'ReceiveMessage', { QueueUrl: f, MaxNumberOfMessages: 1, ReceiveRequestAttemptId: 'r1' })) as { Messages: { ReceiptHandle: string }[] };
  await call(store, 'ReceiveMessage', { QueueUrl: f, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'r2' });
  await call(store, 'DeleteMessage', { QueueUrl: f, ReceiptHandle: fifo.Messages[0]!.ReceiptHandle });
  await dd.close();
  const seg = readdirSync(dir).filter((f) => f.startsWith('journal-'));
  assert.equal(seg.length, 1);
  return join(dir, seg[0]!);
}

/**
 * Every record of a file, the offset where the header and each group frame end,
 * and how many records the file holds up to each of those ends.
 */
function frames(path: string): { records: JournalRecord[]; ends: number[]; counts: number[] } {
  const records: JournalRecord[] = [];
  const ends: number[] = [FILE_HEADER.length];
  const counts: number[] = [0];
  let at = FILE_HEADER.length;
  let count = 0;
  const buf = readFileSync(path);
  while (at < buf.length) {
    const end = at + FRAME_HEADER + buf.readUInt32LE(at);
    for (let pos = at + FRAME_HEADER; pos < end; pos += RECORD_HEADER + buf.readUInt32LE(pos)) count += 1;
    at = end;
    ends.push(at);
    counts.push(count);
  }
  scanFile(path, (r) => records.push(r));
  assert.equal(count, records.length);
  return { records, ends, counts };
}

function stateOf(records: readonly JournalRecord[], now: number) {
  const image = emptyImage();
  for (const r of records) applyRecord(image, r);
  return normalize(image, now);
}

describe('data dir recovery', () => {
  it('a journal cut at any byte offset recovers exactly the whole records before the cut and reports the rest as cut', async () => {
    const clock = new ManualClock();
    const source = newDir();
    const segment = await populated(source, clock);
    const { records, ends, counts } = frames(segment);
    assert.ok(records.length >= 24, `${records.length} records`);
    assert.ok(['dd', 'ra'].every((t) => records.some((r) => r.t === t)), 'FIFO records among them');
    const size = statSync(segment).size;
    // Every frame boundary and its neighbours, plus random offsets (seeded).
    const offsets = new Set<number>([0, size]);
    for (const e of ends) for (const d of [-1, 0, 1]) if (e + d >= 0 && e + d <= size) offsets.add(e + d);
    for (const o of fc.sample(fc.integer({ min: 0, max: size }), { seed: SEED, numRuns: 40 })) offsets.add(o);
    for (const offset of offsets) {
      const dir = newDir();
      const path = segmentPath(dir, 1);
      (await import('node:fs')).mkdirSync(dir);
      copyFileSync(segment, path);
      truncateSync(path, offset);
      const whole = ends.filter((e) => e <= offset).length;
      const dd = await open(dir, clock);
      try {
        assert.deepEqual(normalize(captureImage(dd.store), clock.now()), stateOf(records.slice(0, whole === 0 ? 0 : counts[whole - 1]), clock.now()), `cut at ${offset}`);
        const kept = whole === 0 ? 0 : ends[whole - 1]!;
        if (kept === offset) assert.deepEqual(dd.recovery.cuts, [], `nothing cut at ${offset}`);
        else assert.deepEqual(dd.recovery.cuts.map((c) => [c.offset, c.bytes]), [[kept, offset - kept]], `cut at ${offset}`);
      } finally {
        await dd.close();
      }
      // The torn tail was cut off the file: the next start finds nothing to cut.
      assert.equal(statSync(path).size, whole === 0 ? 0 : ends[whole - 1]!);
    }
  });

  it('a corrupted byte anywhere ends the valid prefix at its record; later segments are set aside, not replayed', async () => {
    const clock = new ManualClock();
    const source = newDir();
    const segment = await populated(source, clock);
    const { records, ends, counts } = frames(segment);
    const size = statSync(segment).size;
    // Past the file header (a damaged header is its own spec below).
    for (const at of fc.sample(fc.integer({ min: FILE_HEADER.length, max: size - 1 }), { seed: SEED, numRuns: 30 })) {
      const dir = newDir();
      (await import('node:fs')).mkdirSync(dir);
      const bytes = readFileSync(segment);
      bytes[at] = bytes[at]! ^ 0x5a;
      writeFileSync(segmentPath(dir, 1), bytes);
      // A later segment with a valid record: after a cut it must not be applied.
      copyFileSync(segment, segmentPath(dir, 2));
      const damaged = ends.findIndex((e) => e > at);
      const dd = await open(dir, clock);
      try {
        assert.deepEqual(normalize(captureImage(dd.store), clock.now()), stateOf(records.slice(0, counts[damaged - 1]), clock.now()), `byte ${at} flipped`);
        const cuts = dd.recovery.cuts;
        assert.equal(cuts[0]?.offset, ends[damaged - 1], `byte ${at}`);
        assert.match(cuts[0]!.reason, /checksum|length|JSON|torn|kind/);
        assert.equal(cuts[1]?.file, 'journal-0000000002.log');
        assert.ok(existsSync(`${segmentPath(dir, 2)}.cut`));
      } finally {
        await dd.close();
      }
    }
  });

  it('reads a data dir written in format 2 (puts as JSON beside their body), and goes on in format 3', async () => {
    const clock = new ManualClock();
    const dir = newDir();
    (await import('node:fs')).mkdirSync(dir);
    const queue = { name: 'old', arn: 'arn:aws:sqs:us-east-1:000000000000:old', createdAt: 1, lastModifiedAt: 1, settings: { visibilityTimeout: 30, messageRetentionPeriod: 345_600 }, tags: [] };
    const put = (id: string, body: string): Buffer => {
      const json = Buffer.from(JSON.stringify({ t: 'm', q: 'old', m: { id, state: 1, deadline: 0, receiveCount: 0, firstReceiveAt: 0, md5OfBody: 'md5', sentAt: clock.now(), senderId: 'AIDOLD', size: 100 } }));
      const head = Buffer.alloc(5);
      head[0] = 0x00; // format 2's put tag
      head.writeUInt32LE(json.length, 1);
      return Buffer.concat([head, json, Buffer.from(body)]);
    };
    const records = [Buffer.from(JSON.stringify({ t: 'q', q: queue })), put('m1', 'kept "as is" é'), put('m2', 'deleted'), Buffer.concat([Buffer.from([0x02]), Buffer.from('m2')])];
    const payload = Buffer.concat(records.flatMap((r) => {
      const len = Buffer.alloc(RECORD_HEADER);
      len.writeUInt32LE(r.length);
      return [len, r];
    }));
    const frame = Buffer.alloc(FRAME_HEADER);
    frame.writeUInt32LE(payload.length, 0);
    frame.writeUInt32LE(crc32(payload), 4);
    const v2 = Buffer.from(FILE_HEADER);
    v2[4] = 2;
    writeFileSync(segmentPath(dir, 1), Buffer.concat([v2, frame, payload]));
    const dd = await open(dir, clock);
    try {
      assert.deepEqual(dd.recovery.cuts, []);
      const got = (await call(dd.store, 'ReceiveMessage', { QueueUrl: urlOf('old'), MaxNumberOfMessages: 10 })) as { Messages: { MessageId: string; Body: string }[] };
      assert.deepEqual(got.Messages.map((m) => [m.MessageId, m.Body]), [['m1', 'kept "as is" é']]);
    } finally {
      await dd.close();
    }
    assert.equal(readFileSync(segmentPath(dir, 2))[4], 3, 'the new segment is format 3');
  });

  it('a file of another journal format is refused with a clear error and left as it is; a damaged header is cut like a torn tail', async () => {
    const clock = new ManualClock();
    const segment = await populated(newDir(), clock);
    const v2 = readFileSync(segment);
    // Format 1 (no header): u32 length | u32 CRC-32 | JSON, one frame per record.
    const json = Buffer.from('{"t":"qd","n":"a"}');
    const v1 = Buffer.alloc(FRAME_HEADER + json.length);
    v1.writeUInt32LE(json.length, 0);
    v1.writeUInt32LE(crc32(json), 4);
    json.copy(v1, FRAME_HEADER);
    const v4 = Buffer.from(v2);
    v4[4] = 4;
    for (const [bytes, format] of [[v1, /format 1/], [v4, /journal format 4; this sqsdemo reads formats 2 and 3/]] as const) {
      const dir = newDir();
      (await import('node:fs')).mkdirSync(dir);
      writeFileSync(segmentPath(dir, 1), bytes);
      await assert.rejects(open(dir, clock), (err: unknown) => err instanceof SqsdemoError && err.code === 'E_DATA_DIR' && err.exitCode === 2 && format.test(err.message) && err.message.includes('journal-0000000001.log'));
      assert.deepEqual(readFileSync(segmentPath(dir, 1)), bytes, 'not cut, not changed');
      assert.equal(existsSync(join(dir, 'LOCK')), false, 'the lock is released');
    }
    // A flipped bit in the magic or the reserved bytes (not the version): nothing in the file is trusted, it is cut.
    for (const at of [0, 3, 5, 7]) {
      const dir = newDir();
      (await import('node:fs')).mkdirSync(dir);
      const bytes = Buffer.from(v2);
      bytes[at] = bytes[at]! ^ 0x5a;
      writeFileSync(segmentPath(dir, 1), bytes);
      const dd = await open(dir, clock);
      try {
        assert.deepEqual(dd.recovery.cuts.map((c) => [c.offset, c.bytes]), [[0, bytes.length]], `byte ${at}`);
        assert.match(dd.recovery.cuts[0]!.reason, /header/);
        assert.equal(dd.store.list().length, 0);
      } finally {
        await dd.close();
      }
    }
  });

  it('group commit: records appended while a write is under way share the next write, and with always its one fsync', async () => {
    const dir = newDir();
    (await import('node:fs')).mkdirSync(dir);
    const writer = new JournalWriter(join(dir, 'j.log'), { fsync: 'always', clock: new ManualClock() });
    try {
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        writer.append(`{"t":"d","id":"m${i}"}`);
        waits.push(writer.durable()!);
      }
      await Promise.all(waits);
      assert.equal(writer.writes, 1);
      assert.equal(writer.syncs, 1);
      assert.equal(writer.durable(), undefined, 'nothing left to wait for');
      // 50 more while that write is in flight: one more write for all of them.
      writer.append('{"t":"d","id":"x"}');
      const first = writer.durable()!;
      await new Promise((r) => setImmediate(r)); // the write has started
      const more: Promise<void>[] = [];
      for (let i = 0; i < 50; i++) {
        writer.append(`{"t":"d","id":"y${i}"}`);
        more.push(writer.durable()!);
      }
      await Promise.all([first, ...more]);
      assert.ok(writer.writes <= 3, `${writer.writes} writes`);
      assert.equal(writer.syncs, writer.writes);
    } finally {
      await writer.close();
    }
    let n = 0;
    const scan = scanFile(join(dir, 'j.log'), () => n++);
    assert.equal(n, 151);
    assert.equal(scan.problem, undefined);
  });

  it('with batch, durable() waits for the write, and an fsync follows on the clock within batchSyncMs', async () => {
    const dir = newDir();
    (await import('node:fs')).mkdirSync(dir);
    const clock = new ManualClock();
    const writer = new JournalWriter(join(dir, 'j.log'), { fsync: 'batch', clock, batchSyncMs: 200 });
    try {
      writer.append('{"t":"d","id":"a"}');
      await writer.durable();
      assert.equal(writer.writes, 1);
      assert.equal(writer.syncs, 0, 'not fsynced before the answer');
      let n = 0;
      scanFile(join(dir, 'j.log'), () => n++);
      assert.equal(n, 1, 'written to the OS before the answer');
      await clock.advance(200);
      for (let i = 0; i < 2_000 && writer.syncs === 0; i++) await new Promise((r) => setTimeout(r, 5)); // the fsync's own I/O: at most 10 s
      assert.equal(writer.syncs, 1);
    } finally {
      await writer.close();
    }
  });

  it('with never, durable() has nothing to wait for; close still writes and fsyncs everything', async () => {
    const dir = newDir();
    (await import('node:fs')).mkdirSync(dir);
    const writer = new JournalWriter(join(dir, 'j.log'), { fsync: 'never', clock: new ManualClock() });
    writer.append('{"t":"d","id":"a"}');
    assert.equal(writer.durable(), undefined);
    await writer.close();
    let n = 0;
    scanFile(join(dir, 'j.log'), () => n++);
    assert.equal(n, 1);
  });

  it('a snapshot compacts the journal: old segments are deleted and a restart from snapshot + journal holds the same', async () => {
    const clock = new ManualClock();
    const dir = newDir();
    const dd = await open(dir, clock, 'batch', 4_096);
    const { store } = dd;
    await call(store, 'CreateQueue', { QueueName: 'big' });
    const handles: string[] = [];
    for (let i = 0; i < 200; i++) {
      await call(store, 'SendMessageBatch', { QueueUrl: urlOf('big'), Entries: Array.from({ length: 5 }, (_, j) => ({ Id: `e${j}`, MessageBody: `${i}-${j} ${'x'.repeat(100)}` })) });
      const got = (await call(store, 'ReceiveMessage', { QueueUrl: urlOf('big'), MaxNumberOfMessages: 3, VisibilityTimeout: 50 })) as { Messages?: { ReceiptHandle: string }[] };
      for (const m of got.Messages ?? []) handles.push(m.ReceiptHandle);
      if (i % 3 === 0) await call(store, 'DeleteMessage', { QueueUrl: urlOf('big'), ReceiptHandle: handles.shift()! });
      await dd.store.journal!.durable(); // let the writer (and the compaction it starts) run
      await new Promise((r) => setImmediate(r));
    }
    // The journal passed 4 KiB many times over: a snapshot started by itself (its I/O may still run; at most 10 s).
    for (let i = 0; i < 2_000 && dd.snapshots === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(dd.snapshots >= 1, 'compaction started by itself');
    await dd.snapshot(); // the one running, if any
    await dd.snapshot(); // one of the final state
    const before = normalize(captureImage(store), clock.now());
    await dd.close();
    const files = readdirSync(dir);
    assert.equal(files.filter((f) => f.startsWith('snapshot-')).length, 1, files.join(' '));
    assert.ok(files.filter((f) => f.startsWith('journal-')).length <= 2, files.join(' '));
    const again = await open(dir, clock);
    try {
      assert.ok(again.recovery.snapshot !== undefined);
      assert.deepEqual(normalize(captureImage(again.store), clock.now()), before);
      // A handle given out before the restart still deletes its message.
      const count = again.store.messageCount();
      await call(again.store, 'DeleteMessage', { QueueUrl: urlOf('big'), ReceiptHandle: handles.at(-1)! });
      assert.equal(again.store.messageCount(), count - 1);
    } finally {
      await again.close();
    }
  });

  it('timers continue from the recorded times: a delay and a visibility timeout end when recorded, not counted again from the restart', async () => {
    const clock = new ManualClock();
    const dir = newDir();
    const dd = await open(dir, clock);
    await call(dd.store, 'CreateQueue', { QueueName: 't' });
    await call(dd.store, 'SendMessage', { QueueUrl: urlOf('t'), MessageBody: 'delayed', DelaySeconds: 60 });
    await call(dd.store, 'SendMessage', { QueueUrl: urlOf('t'), MessageBody: 'received' });
    await call(dd.store, 'ReceiveMessage', { QueueUrl: urlOf('t'), VisibilityTimeout: 100 });
    await dd.close();
    await clock.advance(50_000); // down for 50 s
    const again = await open(dir, clock);
    try {
      const queue = again.store.get('t')!;
      assert.deepEqual([queue.visibleCount, queue.delayedCount, queue.inFlightCount], [0, 1, 1]);
      await clock.advance(10_000); // 60 s after the send
      assert.deepEqual([queue.visibleCount, queue.delayedCount, queue.inFlightCount], [1, 0, 1]);
      await clock.advance(40_000); // 100 s after the receive
      assert.deepEqual([queue.visibleCount, queue.delayedCount, queue.inFlightCount], [2, 0, 0]);
      const got = (await call(again.store, 'ReceiveMessage', { QueueUrl: urlOf('t'), MaxNumberOfMessages: 10, AttributeNames: ['ApproximateReceiveCount'] })) as { Messages: { Body: string; Attributes: Record<string, string> }[] };
      assert.deepEqual(got.Messages.map((m) => [m.Body, m.Attributes.ApproximateReceiveCount]).sort(), [['delayed', '1'], ['received', '2']]);
    } finally {
      await again.close();
    }
  });

  for (const snapshot of [false, true]) it(`a FIFO queue survives a restart${snapshot ? ' from a snapshot' : ''}: group order and locks, deduplication ids, SequenceNumbers that never go back, receive attempts`, async () => {
    const clock = new ManualClock();
    const dir = newDir();
    const dd = await open(dir, clock);
    const url = urlOf('orders.fifo');
    const send = (store: DataDir['store'], group: string, dedup: string, body: string) =>
      call(store, 'SendMessage', { QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }) as Promise<{ MessageId: string; SequenceNumber: string }>;
    await call(dd.store, 'CreateQueue', { QueueName: 'orders.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '30' } });
    const first = await send(dd.store, 'a', 'd1', 'a1');
    await send(dd.store, 'a', 'd3', 'a2');
    await send(dd.store, 'a', 'd4', 'a3');
    const b1 = await send(dd.store, 'b', 'd2', 'b1'); // the highest number so far, then deleted
    // Group a's head is received under an attempt id (group a is locked while it is in flight).
    const got = (await call(dd.store, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 1, ReceiveRequestAttemptId: 'try-1' })) as { Messages: { Body: string; ReceiptHandle: string }[] };
    assert.deepEqual(got.Messages.map((m) => m.Body), ['a1']);
    // b1 is received and deleted: its deduplication id outlives it.
    const b = (await call(dd.store, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 })) as { Messages: { Body: string; ReceiptHandle: string }[] };
    assert.deepEqual(b.Messages.map((m) => m.Body), ['b1']);
    await call(dd.store, 'DeleteMessage', { QueueUrl: url, ReceiptHandle: b.Messages[0]!.ReceiptHandle });
    if (snapshot) await dd.snapshot(); // the restart reads the snapshot: b1 is in no record of it
    await dd.close();
    await clock.advance(10_000);

    const again = await open(dir, clock);
    try {
      const queue = again.store.get('orders.fifo')!;
      assert.equal(queue.fifo, true);
      assert.deepEqual([queue.visibleCount, queue.inFlightCount], [2, 1]);
      // The retried receive (same attempt id) gets a1 again, with the same handle; group a stays locked.
      const retried = (await call(again.store, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'try-1' })) as { Messages: { Body: string; ReceiptHandle: string }[] };
      assert.deepEqual(retried.Messages.map((m) => [m.Body, m.ReceiptHandle]), [['a1', got.Messages[0]!.ReceiptHandle]]);
      assert.deepEqual(await call(again.store, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 }), {}, 'group a is locked, b is empty');
      // Duplicates within 5 minutes answer as the originals did, also for a deleted message.
      const dup = await send(again.store, 'a', 'd1', 'a1 again');
      assert.deepEqual([dup.MessageId, dup.SequenceNumber], [first.MessageId, first.SequenceNumber]);
      assert.equal((await send(again.store, 'b', 'd2', 'b1 again')).MessageId, b1.MessageId, 'b1 was deleted, its id is remembered');
      assert.equal(queue.size, 3, 'no duplicate was added');
      // A new send numbers after every number issued before the restart (b1's, though b1 is gone).
      const next = await send(again.store, 'b', 'd5', 'b2');
      assert.ok(BigInt(next.SequenceNumber) > BigInt(b1.SequenceNumber), `${next.SequenceNumber} > ${b1.SequenceNumber}`);
      // Group a in order once a1 is deleted.
      await call(again.store, 'DeleteMessage', { QueueUrl: url, ReceiptHandle: got.Messages[0]!.ReceiptHandle });
      const rest = (await call(again.store, 'ReceiveMessage', { QueueUrl: url, MaxNumberOfMessages: 10 })) as { Messages: { Body: string }[] };
      const bodies = rest.Messages.map((m) => m.Body);
      assert.deepEqual(bodies.filter((body) => body.startsWith('a')), ['a2', 'a3']);
      assert.deepEqual([...bodies].sort(), ['a2', 'a3', 'b2']);
      // Five minutes after the sends, their ids may be used again.
      await clock.advance(300_000);
      assert.notEqual((await send(again.store, 'a', 'd1', 'new a1')).MessageId, first.MessageId);
    } finally {
      await again.close();
    }
  });

  it('move tasks survive a restart: a running task continues where it was and its progress is kept; finished ones are still listed', async () => {
    const clock = new ManualClock();
    const dir = newDir();
    const dd = await open(dir, clock);
    await call(dd.store, 'CreateQueue', { QueueName: 'dlq' });
    await call(dd.store, 'CreateQueue', { QueueName: 'main', Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dd.store.arnOf('dlq'), maxReceiveCount: 1 }) } });
    await call(dd.store, 'CreateQueue', { QueueName: 'other' });
    for (let i = 0; i < 5; i++) await call(dd.store, 'SendMessage', { QueueUrl: urlOf('dlq'), MessageBody: `m${i}` });
    const list = async (store: DataDir['store']) =>
      ((await call(store, 'ListMessageMoveTasks', { SourceArn: store.arnOf('dlq'), MaxResults: 10 })) as { Results: Record<string, unknown>[] }).Results
        .map((t) => [t.Status, t.ApproximateNumberOfMessagesMoved, t.ApproximateNumberOfMessagesToMove]);
    await call(dd.store, 'StartMessageMoveTask', { SourceArn: dd.store.arnOf('dlq'), DestinationArn: dd.store.arnOf('other'), MaxNumberOfMessagesPerSecond: 1 });
    await call(dd.store, 'CancelMessageMoveTask', { TaskHandle: (await call(dd.store, 'ListMessageMoveTasks', { SourceArn: dd.store.arnOf('dlq') }) as { Results: { TaskHandle: string }[] }).Results[0]!.TaskHandle });
    await call(dd.store, 'StartMessageMoveTask', { SourceArn: dd.store.arnOf('dlq'), DestinationArn: dd.store.arnOf('other'), MaxNumberOfMessagesPerSecond: 2 });
    await clock.advance(1_500); // two ticks: 4 moved
    assert.deepEqual(await list(dd.store), [['RUNNING', 4, 5], ['CANCELLED', 0, 5]]);
    await dd.close();
    await clock.advance(60_000);
    const again = await open(dir, clock);
    try {
      assert.deepEqual(await list(again.store), [['RUNNING', 4, 5], ['CANCELLED', 0, 5]]);
      await clock.advance(0);
      assert.deepEqual(await list(again.store), [['COMPLETED', 5, 5], ['CANCELLED', 0, 5]]);
      assert.deepEqual([again.store.get('dlq')!.size, again.store.get('other')!.size], [0, 5]);
    } finally {
      await again.close();
    }
  });

  it('a message dropped by its retention period stays gone after a restart, even when the period was raised since', async () => {
    const clock = new ManualClock();
    const dir = newDir();
    const dd = await open(dir, clock);
    await call(dd.store, 'CreateQueue', { QueueName: 'r', Attributes: { MessageRetentionPeriod: '60' } });
    await call(dd.store, 'SendMessage', { QueueUrl: urlOf('r'), MessageBody: 'expires' });
    await call(dd.store, 'SendMessage', { QueueUrl: urlOf('r'), MessageBody: 'in flight, expires', DelaySeconds: 0 });
    await call(dd.store, 'ReceiveMessage', { QueueUrl: urlOf('r'), MaxNumberOfMessages: 1, VisibilityTimeout: 600 });
    await clock.advance(61_000);
    await call(dd.store, 'GetQueueAttributes', { QueueUrl: urlOf('r'), AttributeNames: ['All'] }); // counts sweep the expired head
    await clock.advance(600_000); // the in-flight one comes back expired: dropped
    assert.equal(dd.store.get('r')!.size, 0);
    await call(dd.store, 'SetQueueAttributes', { QueueUrl: urlOf('r'), Attributes: { MessageRetentionPeriod: '86400' } });
    await dd.close();
    const again = await open(dir, clock);
    try {
      assert.equal(again.store.get('r')!.size, 0, 'the drops were recorded');
    } finally {
      await again.close();
    }
  });

  it('one process per data dir: a live owner is a clear error (exit 5, like a taken port); a dead owner\'s lock is taken over', async () => {
    const dir = newDir();
    const first = await open(dir);
    await assert.rejects(open(dir), (err: unknown) => err instanceof SqsdemoError && err.code === 'E_DATA_DIR_LOCKED' && err.exitCode === 5 && err.message.includes(String(process.pid)));
    await first.close();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'LOCK'), `${dead}\n`);
    const second = await open(dir);
    try {
      assert.equal(second.tookOverFrom, dead);
      assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    } finally {
      await second.close();
    }
    assert.equal(existsSync(join(dir, 'LOCK')), false, 'released at close');
  });
});
