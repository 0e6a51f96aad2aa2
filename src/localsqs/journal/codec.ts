/**
 * The on-disk form shared by journal segments and snapshots (format 3; format 2
 * files are read too): a file
 * header `SQSJ | u8 version | 3 zero bytes`, then group frames, each
 * `u32le length | u32le CRC-32 of the payload | payload`, where the payload is
 * the records of one group write, each `u32le length | record`. A record is
 * UTF-8 JSON (it starts with '{'), or binary for the hot ones:
 *   put     0x03 | u8 state | u16 flags | f64 deadline, firstReceiveAt, sentAt | u32 receiveCount, size |
 *           strings (u32 n | n bytes): queue, id, md5OfBody, senderId, then each of PUT_OPTIONAL whose
 *           flag bit is set (attributes as JSON) | the body as-is, to the record's end
 *           (format 2's put, read only: 0x00 | u32 n | n bytes of JSON {t:'m', q, m} | the body)
 *   update  0x01 | u8 state | u8 has handle | f64 deadline | f64 firstReceiveAt | u32 receiveCount | u32 n | id (n bytes) | handle
 *   delete  0x02 | id
 * One CRC per group (not per record): a group is written by one write(), so it
 * is whole or torn as a unit. A torn or corrupted frame (short header, length
 * past the end, CRC mismatch, a record that does not parse) ends the valid
 * prefix of a file; every record of every earlier frame is kept. A file of
 * another format (no header: format 1, or another version) is refused with a
 * clear error, never misread.
 *
 * Records as recovery reads them (`t` is the kind; m, u and d are binary on disk):
 *   q   {q: QueueRecord, seq?}      queue created or changed (whole record; FIFO: its last SequenceNumber)
 *   qd  {n}                         queue deleted
 *   m   {q, m: message}             message sent / dead-lettered into queue q (whole record)
 *   u   {id, s, d, r, f, h}         message received / visibility changed (its mutable fields)
 *   d   {id}                        message deleted
 *   p   {n}                         queue purged
 *   dd  {n, k, at, id, s}           FIFO: deduplication id k of queue n remembered from at (the send's id and SequenceNumber)
 *   ra  {n, a, at, ids, h}          FIFO: receive attempt a returned messages ids with handles h
 *   mt  {task}                      a move task started or changed (whole task)
 *   end {queues, messages}          last record of a complete snapshot
 * A message is written with every field of StoredMessage but its heap position
 * (MESSAGE_FIELDS; a spec fails when StoredMessage has a field not listed), its
 * body beside the JSON.
 */
import * as zlib from 'node:zlib';
import type { StoredMessage } from '../message.js';
import type { MoveTask } from '../move-tasks.js';
import type { MessageQueue } from '../queue.js';

import { ExitCode, SqsdemoError } from '../../errors.js';

export const FORMAT_VERSION = 3;
/** Formats read: 2 (puts as JSON) and 3 (puts binary, FIFO state); files are written in FORMAT_VERSION. */
export const READS: readonly number[] = [2, 3];
/** `SQSJ`, the format version, 3 zero bytes: the first bytes of every segment and snapshot. */
export const FILE_HEADER = Buffer.from([0x53, 0x51, 0x53, 0x4a, FORMAT_VERSION, 0, 0, 0]);
/** A group frame's header: u32 length + u32 CRC-32. */
export const FRAME_HEADER = 8;
/** A record's header inside a group: u32 length. */
export const RECORD_HEADER = 4;
/** Larger frames are treated as corruption (writers start a new group past GROUP_CHARS; a message is at most ~1 MiB, JSON escaping grows it at most 6x). */
export const MAX_FRAME = 64 * 1_048_576;
/** A group takes no more records once it holds this many UTF-16 units (so its frame stays under MAX_FRAME). */
export const GROUP_CHARS = 4 * 1_048_576;

const crc32: (data: Uint8Array) => number = typeof (zlib as { crc32?: unknown }).crc32 === 'function'
  ? (data) => (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(data)
  : tableCrc32;

/** CRC-32 (IEEE) for Node versions without zlib.crc32 (before 20.15). */
let table: Int32Array | undefined;
function tableCrc32(data: Uint8Array): number {
  if (table === undefined) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
export { tableCrc32 as crc32Fallback };
export { crc32 };

/**
 * `buf.write(str, at, 'utf8')` without Buffer.prototype.write's argument
 * handling (a profile of the endpoint under load found it costing more than the
 * encoding itself): the utf8Write that write() calls, where Node has it (20, 22
 * and 24 do), else write().
 */
type Utf8Write = (this: Buffer, str: string, at: number) => number;
const nativeUtf8Write = (Buffer.prototype as unknown as { utf8Write?: Utf8Write }).utf8Write;
const writeUtf8: (out: Buffer, str: string, at: number) => number = typeof nativeUtf8Write === 'function'
  ? (out, str, at) => nativeUtf8Write.call(out, str, at)
  : (out, str, at) => out.write(str, at, 'utf8');

const KIND_JSON = 0;
const KIND_PUT = 1;
const KIND_UPDATE = 2;
const KIND_DELETE = 3;
/** A put whose message was deleted later in the same group: not written (see RecordBuffer.remove). */
const KIND_PUT_DROPPED = 4;
/** First byte of a binary record (JSON records start with '{'). */
const TAG_PUT_JSON = 0; // format 2's put (read, never written)
const TAG_UPDATE = 1;
const TAG_DELETE = 2;
const TAG_PUT = 3;
/** A put's fixed part: tag, state, u16 flags, deadline, firstReceiveAt, sentAt (f64), receiveCount, size (u32). */
const PUT_FIXED = 36;
/** A put's strings: 4 always there, then the optional ones in this order (bit i of its flags: PUT_OPTIONAL[i] is present). */
const PUT_OPTIONAL = ['handle', 'deadLetterSourceArn', 'groupId', 'dedupId', 'sequenceNumber', 'attributes', 'md5OfAttributes', 'systemAttributes', 'md5OfSystemAttributes'] as const;
/** The most bytes a record's own header takes past RECORD_HEADER (a put's: its fixed part and a u32 length per string). */
const MAX_RECORD_EXTRA = PUT_FIXED + 4 * (4 + PUT_OPTIONAL.length);

/** Little-endian u32 into `out` at `at`, without Buffer's argument checks (the value is a valid u32). */
function u32(out: Buffer, at: number, value: number): void {
  out[at] = value;
  out[at + 1] = value >>> 8;
  out[at + 2] = value >>> 16;
  out[at + 3] = value >>> 24;
}

/** A string as u32 byte length | UTF-8 at `at`; returns where it ends. */
function putStr(out: Buffer, at: number, value: string): number {
  const n = writeUtf8(out, value, at + 4);
  u32(out, at, n);
  return at + 4 + n;
}

/**
 * Records waiting for a group write, kept compact (no JSON for updates and
 * deletes, no copy of a body) and encoded straight into the write buffer. The
 * values of an update are taken when it is appended, not when it is written.
 */
export class RecordBuffer {
  private readonly kinds: number[] = [];
  /** JSON (json, put) or the message id (update, delete). */
  private readonly strs: string[] = [];
  /** A put's body, an update's receipt handle. */
  private readonly extras: (string | undefined)[] = [];
  /** An update's or put's state, deadline, receiveCount, firstReceiveAt (as they were when appended). */
  private readonly nums: number[] = [];
  /** A put's message (its fields that never change are read when it is written). */
  private readonly msgs: StoredMessage[] = [];
  /** A put's fields that may change, as they were when appended: handle, deadLetterSourceArn, sequenceNumber; and its attributes as JSON. */
  private readonly putStrs: (string | undefined)[] = [];
  /** Where each message put in this group has its put record (kinds index). */
  private readonly putAt = new Map<StoredMessage, number>();
  /** UTF-16 units of every string held. */
  chars = 0;

  get length(): number {
    return this.kinds.length;
  }

  json(json: string): void {
    this.add(KIND_JSON, json, undefined);
  }

  put(queueName: string, msg: StoredMessage): void {
    const attrs = msg.attributes === undefined ? undefined : JSON.stringify(msg.attributes);
    const sys = msg.systemAttributes === undefined ? undefined : JSON.stringify(msg.systemAttributes);
    this.add(KIND_PUT, queueName, msg.body);
    // Not a FIFO message's: its put carries a SequenceNumber the queue's numbering must not go below.
    if (msg.sequenceNumber === undefined) this.putAt.set(msg, this.kinds.length - 1);
    this.msgs.push(msg);
    this.nums.push(msg.state, msg.deadline, msg.receiveCount, msg.firstReceiveAt);
    const { handle, deadLetterSourceArn, sequenceNumber } = msg;
    this.putStrs.push(handle, deadLetterSourceArn, sequenceNumber, attrs, sys);
    this.chars += msg.id.length + msg.md5OfBody.length + msg.senderId.length + (handle?.length ?? 0) + (deadLetterSourceArn?.length ?? 0) +
      (msg.groupId?.length ?? 0) + (msg.dedupId?.length ?? 0) + (sequenceNumber?.length ?? 0) + (attrs?.length ?? 0) + (msg.md5OfAttributes?.length ?? 0) +
      (sys?.length ?? 0) + (msg.md5OfSystemAttributes?.length ?? 0);
  }

  update(msg: StoredMessage): void {
    this.add(KIND_UPDATE, msg.id, msg.handle);
    this.nums.push(msg.state, msg.deadline, msg.receiveCount, msg.firstReceiveAt);
  }

  /**
   * A delete. When the message was put in this same group, its put is not written: a group is
   * written whole or not at all, and the delete (still written: the message may be held elsewhere
   * from an earlier group, e.g. before it was dead-lettered) leaves the same state either way. A
   * message sent and deleted within one group write (10 ms with --fsync never) costs a few bytes,
   * not its body. (FIFO messages' puts are always written: their SequenceNumber keeps numbering up.)
   */
  remove(msg: StoredMessage): void {
    const at = this.putAt.get(msg);
    if (at !== undefined) {
      this.kinds[at] = KIND_PUT_DROPPED;
      this.chars -= this.strs[at]!.length + this.extras[at]!.length;
      this.putAt.delete(msg);
    }
    this.add(KIND_DELETE, msg.id, undefined);
  }

  /** Bytes writeTo may take (a UTF-16 code unit is at most 3 bytes of UTF-8; a frame header per GROUP_CHARS). */
  room(): number {
    return (Math.floor(this.chars / GROUP_CHARS) + 1) * FRAME_HEADER + this.kinds.length * (RECORD_HEADER + MAX_RECORD_EXTRA) + this.chars * 3;
  }

  /** Write every record into `out` at `at` (room: room()) as group frames, a new frame once one holds GROUP_CHARS; returns the bytes written. */
  writeTo(out: Buffer, at: number): number {
    const { kinds, strs, extras, nums, msgs, putStrs } = this;
    let frame = at;
    let pos = frame + FRAME_HEADER;
    let chars = 0;
    let n = 0;
    let m = 0;
    for (let i = 0; i < kinds.length; i++) {
      const str = strs[i]!;
      const extra = extras[i];
      const start = pos + RECORD_HEADER;
      let end: number;
      switch (kinds[i]) {
        case KIND_JSON:
          end = start + writeUtf8(out, str, start);
          break;
        case KIND_PUT_DROPPED:
          m += 1;
          n += 4;
          continue;
        case KIND_PUT: {
          const msg = msgs[m]!;
          const p = m * 5;
          m += 1;
          out[start] = TAG_PUT;
          out[start + 1] = nums[n]!;
          out.writeDoubleLE(nums[n + 1]!, start + 4);
          out.writeDoubleLE(nums[n + 3]!, start + 12);
          out.writeDoubleLE(msg.sentAt, start + 20);
          u32(out, start + 28, nums[n + 2]!);
          u32(out, start + 32, msg.size);
          n += 4;
          let q = putStr(out, start + PUT_FIXED, str);
          q = putStr(out, q, msg.id);
          q = putStr(out, q, msg.md5OfBody);
          q = putStr(out, q, msg.senderId);
          // The optional strings in PUT_OPTIONAL's order, each present when its flag bit is set (no array per put).
          let flags = 0;
          let v: string | undefined;
          if ((v = putStrs[p]) !== undefined) { flags |= 1; q = putStr(out, q, v); }
          if ((v = putStrs[p + 1]) !== undefined) { flags |= 2; q = putStr(out, q, v); }
          if ((v = msg.groupId) !== undefined) { flags |= 4; q = putStr(out, q, v); }
          if ((v = msg.dedupId) !== undefined) { flags |= 8; q = putStr(out, q, v); }
          if ((v = putStrs[p + 2]) !== undefined) { flags |= 16; q = putStr(out, q, v); }
          if ((v = putStrs[p + 3]) !== undefined) { flags |= 32; q = putStr(out, q, v); }
          if ((v = msg.md5OfAttributes) !== undefined) { flags |= 64; q = putStr(out, q, v); }
          if ((v = putStrs[p + 4]) !== undefined) { flags |= 128; q = putStr(out, q, v); }
          if ((v = msg.md5OfSystemAttributes) !== undefined) { flags |= 256; q = putStr(out, q, v); }
          out[start + 2] = flags;
          out[start + 3] = flags >>> 8;
          end = q + writeUtf8(out, extra!, q);
          break;
        }
        case KIND_UPDATE: {
          out[start] = TAG_UPDATE;
          out[start + 1] = nums[n]!;
          out[start + 2] = extra === undefined ? 0 : 1;
          out.writeDoubleLE(nums[n + 1]!, start + 3);
          out.writeDoubleLE(nums[n + 3]!, start + 11);
          u32(out, start + 19, nums[n + 2]!);
          n += 4;
          const idLen = writeUtf8(out, str, start + 27);
          u32(out, start + 23, idLen);
          end = start + 27 + idLen + (extra === undefined ? 0 : writeUtf8(out, extra, start + 27 + idLen));
          break;
        }
        default:
          out[start] = TAG_DELETE;
          end = start + 1 + writeUtf8(out, str, start + 1);
      }
      u32(out, pos, end - start);
      pos = end;
      chars += str.length + (extra === undefined ? 0 : extra.length);
      if (chars >= GROUP_CHARS && i + 1 < kinds.length) {
        closeFrame(out, frame, pos);
        frame = pos;
        pos = frame + FRAME_HEADER;
        chars = 0;
      }
    }
    if (pos === frame + FRAME_HEADER) return frame - at;
    closeFrame(out, frame, pos);
    return pos - at;
  }

  /** The records as group frames in a buffer of their own. */
  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.room());
    return buf.subarray(0, this.writeTo(buf, 0));
  }

  private add(kind: number, str: string, extra: string | undefined): void {
    this.kinds.push(kind);
    this.strs.push(str);
    this.extras.push(extra);
    this.chars += str.length + (extra === undefined ? 0 : extra.length);
  }
}

function closeFrame(out: Buffer, frame: number, end: number): void {
  out.writeUInt32LE(end - frame - FRAME_HEADER, frame);
  out.writeUInt32LE(crc32(out.subarray(frame + FRAME_HEADER, end)), frame + 4);
}

/** A binary put (TAG_PUT) from buf[start, end), as the record recovery reads; undefined when its parts do not fit. */
function decodePut(buf: Buffer, start: number, end: number): JournalRecord | undefined {
  if (end - start < PUT_FIXED) return undefined;
  let q = start + PUT_FIXED;
  const next = (): string | undefined => {
    if (end - q < 4) return undefined;
    const n = buf.readUInt32LE(q);
    if (n > end - q - 4) return undefined;
    q += 4 + n;
    return buf.toString('utf8', q - n, q);
  };
  const queue = next(), id = next(), md5OfBody = next(), senderId = next();
  if (queue === undefined || id === undefined || md5OfBody === undefined || senderId === undefined) return undefined;
  const m: Record<string, unknown> = {
    id, state: buf[start + 1], deadline: buf.readDoubleLE(start + 4), receiveCount: buf.readUInt32LE(start + 28), firstReceiveAt: buf.readDoubleLE(start + 12),
    md5OfBody, sentAt: buf.readDoubleLE(start + 20), senderId, size: buf.readUInt32LE(start + 32),
  };
  const flags = buf.readUInt16LE(start + 2);
  if (flags >>> PUT_OPTIONAL.length !== 0) return undefined;
  for (let i = 0; i < PUT_OPTIONAL.length; i++) {
    if ((flags & (1 << i)) === 0) continue;
    const value = next();
    if (value === undefined) return undefined;
    const key = PUT_OPTIONAL[i]!;
    m[key] = key === 'attributes' || key === 'systemAttributes' ? JSON.parse(value) as unknown : value;
  }
  m.body = buf.toString('utf8', q, end);
  return { t: 'm', q: queue, m };
}

/** A record as recovery reads it: its JSON, and for a put its body. */
export function parseRecord(json: string, body?: string): JournalRecord {
  const record = JSON.parse(json) as JournalRecord;
  if (body !== undefined) {
    if (record?.t !== 'm' || typeof record.m !== 'object' || record.m === null) throw new SyntaxError('a body outside a put record');
    record.m.body = body;
  }
  return record;
}

/**
 * Check a file's first bytes (`head`, at most FILE_HEADER of them; `size` the file's).
 * 'ok': a format-2 header; 'torn': a header cut short or damaged (nothing valid in the file).
 * Throws for a file of another format: refused, never misread.
 */
export function checkHeader(head: Buffer, size: number, file: string): 'ok' | 'torn' {
  const same = (len: number): boolean => head.subarray(0, 4).equals(FILE_HEADER.subarray(0, Math.min(4, len))) &&
    (len <= 4 || READS.includes(head[4]!)) && (len <= 5 || head.subarray(5, len).equals(FILE_HEADER.subarray(5, len)));
  if (head.length >= FILE_HEADER.length && same(FILE_HEADER.length)) return 'ok';
  if (head.length < FILE_HEADER.length && same(head.length)) return 'torn';
  const hint = 'start with an empty --data-dir (or move this one aside); this sqsdemo cannot read files of another journal format';
  if (head.length >= 5 && head.subarray(0, 4).equals(FILE_HEADER.subarray(0, 4)) && !READS.includes(head[4]!)) {
    throw new SqsdemoError(`${file} is journal format ${head[4]}; this sqsdemo reads formats ${READS.join(' and ')}`, 'E_DATA_DIR', ExitCode.Usage, hint);
  }
  // Format 1 had no header: it began with a frame u32 length | u32 CRC | '{'.
  if (head.length >= FRAME_HEADER && size > FRAME_HEADER && head.readUInt32LE(0) > 0 && head.readUInt32LE(0) <= size - FRAME_HEADER) {
    throw new SqsdemoError(`${file} is not journal format ${FORMAT_VERSION} (written by an earlier sqsdemo, format 1?)`, 'E_DATA_DIR', ExitCode.Usage, hint);
  }
  return 'torn';
}

export interface QueueRecord {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly lastModifiedAt: number;
  /** QueueSettings with Maps as {$map: entries}: new settings persist with no change here. */
  readonly settings: unknown;
  readonly tags: [string, string][];
}

/** A move task as recorded (undefined fields left out). */
export type MoveTaskRecord = Omit<MoveTask, 'status' | 'moved' | 'failureReason' | 'destinationArn' | 'rate'> & {
  readonly status: MoveTask['status'];
  readonly moved: number;
  readonly failureReason?: string;
  readonly destinationArn?: string;
  readonly rate?: number;
};

export function moveTaskRecord(task: MoveTask): MoveTaskRecord {
  return JSON.parse(JSON.stringify(task)) as MoveTaskRecord;
}

export type JournalRecord =
  | { readonly t: 'q'; readonly q: QueueRecord; readonly seq?: number }
  | { readonly t: 'qd'; readonly n: string }
  | { readonly t: 'm'; readonly q: string; readonly m: Record<string, unknown> }
  | { readonly t: 'u'; readonly id: string; readonly s: number; readonly d: number; readonly r: number; readonly f: number; readonly h?: string }
  | { readonly t: 'd'; readonly id: string }
  | { readonly t: 'p'; readonly n: string }
  | { readonly t: 'dd'; readonly n: string; readonly k: string; readonly at: number; readonly id: string; readonly s: string }
  | { readonly t: 'ra'; readonly n: string; readonly a: string; readonly at: number; readonly ids: string[]; readonly h: string[] }
  | { readonly t: 'mt'; readonly task: MoveTaskRecord }
  | { readonly t: 'end'; readonly queues: number; readonly messages: number };

/** Maps (settings.other, tags) as {$map: [[k, v]]}; everything else as JSON has it. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [k, toPlain(v)]) };
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlain(v);
    return out;
  }
  return value;
}

export function fromPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromPlain);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (Array.isArray(obj.$map)) return new Map((obj.$map as [string, unknown][]).map(([k, v]) => [k, fromPlain(v)]));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = fromPlain(v);
    return out;
  }
  return value;
}

export function queueRecord(queue: MessageQueue): QueueRecord {
  return {
    name: queue.name,
    arn: queue.arn,
    createdAt: queue.createdAt,
    lastModifiedAt: queue.lastModifiedAt,
    settings: toPlain(queue.settings),
    tags: [...queue.tags],
  };
}

/** Every field a put record holds (all of StoredMessage's but heapIndex, and the body, written beside the JSON). */
export const MESSAGE_FIELDS = [
  'id', 'body', 'state', 'deadline', 'receiveCount', 'firstReceiveAt', 'md5OfBody', 'sentAt', 'senderId', 'size',
  'handle', 'deadLetterSourceArn', 'groupId', 'dedupId', 'sequenceNumber', 'attributes', 'md5OfAttributes', 'systemAttributes', 'md5OfSystemAttributes',
] as const;

// The hot path builds JSON by hand around JSON.stringify of the parts (no intermediate objects).
export const encode = {
  /** A FIFO queue's record carries its last SequenceNumber (`seq`): numbers never go back, even after its messages are gone. */
  queue: (queue: MessageQueue): string => JSON.stringify(queue.fifo ? { t: 'q', q: queueRecord(queue), seq: queue.lastSequence } : { t: 'q', q: queueRecord(queue) }),
  queueDeleted: (name: string): string => `{"t":"qd","n":${JSON.stringify(name)}}`,
  purge: (name: string): string => `{"t":"p","n":${JSON.stringify(name)}}`,
  dedup: (name: string, key: string, at: number, id: string, sequenceNumber: string): string =>
    `{"t":"dd","n":${JSON.stringify(name)},"k":${JSON.stringify(key)},"at":${at},"id":${JSON.stringify(id)},"s":${JSON.stringify(sequenceNumber)}}`,
  attempt: (name: string, attemptId: string, at: number, ids: readonly string[], handles: readonly string[]): string =>
    JSON.stringify({ t: 'ra', n: name, a: attemptId, at, ids, h: handles }),
  moveTask: (task: MoveTask): string => JSON.stringify({ t: 'mt', task: moveTaskRecord(task) }),
  end: (queues: number, messages: number): string => `{"t":"end","queues":${queues},"messages":${messages}}`,
};

export interface FrameScan {
  /** Bytes of whole, valid frames from the start of the file. */
  readonly validBytes: number;
  /** Why the scan stopped before the end, if it did. */
  readonly problem?: string;
}

/**
 * Decode group frames from `buf` (after the file header), calling `onRecord`
 * for each record of each valid frame, until the buffer ends or a frame is bad
 * (a bad frame applies none of its records). Returns how far it got, and whether
 * it stopped at a partial frame (read more) or a bad one.
 */
export function decodeFrames(buf: Buffer, onRecord: (record: JournalRecord) => void): { used: number; partial: boolean; problem?: string } {
  let off = 0;
  const records: JournalRecord[] = [];
  while (off < buf.length) {
    if (buf.length - off < FRAME_HEADER) return { used: off, partial: true };
    const len = buf.readUInt32LE(off);
    if (len === 0 || len > MAX_FRAME) return { used: off, partial: false, problem: `frame length ${len} is not plausible` };
    if (buf.length - off - FRAME_HEADER < len) return { used: off, partial: true };
    const end = off + FRAME_HEADER + len;
    if (crc32(buf.subarray(off + FRAME_HEADER, end)) !== buf.readUInt32LE(off + 4)) return { used: off, partial: false, problem: 'checksum mismatch' };
    records.length = 0;
    for (let pos = off + FRAME_HEADER; pos < end;) {
      const rlen = end - pos >= RECORD_HEADER ? buf.readUInt32LE(pos) : -1;
      if (rlen <= 0 || rlen > end - pos - RECORD_HEADER) return { used: off, partial: false, problem: 'record length does not fit its frame' };
      const start = pos + RECORD_HEADER;
      let record: JournalRecord;
      try {
        const tag = buf[start];
        if (tag === TAG_PUT) {
          const put = decodePut(buf, start, start + rlen);
          if (put === undefined) return { used: off, partial: false, problem: 'put record does not fit its record' };
          record = put;
        } else if (tag === TAG_PUT_JSON) {
          const n = rlen >= 5 ? buf.readUInt32LE(start + 1) : -1;
          if (n < 0 || n > rlen - 5) return { used: off, partial: false, problem: 'put record length does not fit its record' };
          record = parseRecord(buf.toString('utf8', start + 5, start + 5 + n), buf.toString('utf8', start + 5 + n, start + rlen));
        } else if (tag === TAG_UPDATE) {
          const n = rlen >= 27 ? buf.readUInt32LE(start + 23) : -1;
          if (n < 0 || n > rlen - 27 || buf[start + 2]! > 1) return { used: off, partial: false, problem: 'update record does not fit its record' };
          const id = buf.toString('utf8', start + 27, start + 27 + n);
          const s = buf[start + 1]!, d = buf.readDoubleLE(start + 3), f = buf.readDoubleLE(start + 11), r = buf.readUInt32LE(start + 19);
          record = buf[start + 2] === 1 ? { t: 'u', id, s, d, r, f, h: buf.toString('utf8', start + 27 + n, start + rlen) } : { t: 'u', id, s, d, r, f };
        } else if (tag === TAG_DELETE) record = { t: 'd', id: buf.toString('utf8', start + 1, start + rlen) };
        else record = JSON.parse(buf.toString('utf8', start, start + rlen)) as JournalRecord;
      } catch {
        return { used: off, partial: false, problem: 'record is not JSON' };
      }
      if (record === null || typeof record !== 'object' || typeof record.t !== 'string') return { used: off, partial: false, problem: 'record has no kind' };
      records.push(record);
      pos += RECORD_HEADER + rlen;
    }
    for (const record of records) onRecord(record);
    off = end;
  }
  return { used: off, partial: false };
}
