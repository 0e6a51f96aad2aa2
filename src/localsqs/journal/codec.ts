/**
 * The on-disk form shared by journal segments and snapshots (format 2): a file
 * header `SQSJ | u8 version | 3 zero bytes`, then group frames, each
 * `u32le length | u32le CRC-32 of the payload | payload`, where the payload is
 * the records of one group write, each `u32le length | record`. A record is
 * UTF-8 JSON (it starts with '{'), or binary for the hot ones:
 *   put     0x00 | u32 n | n bytes of JSON {t:'m', q, m} | the body as-is (not escaped into JSON)
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
 *   q   {q: QueueRecord}            queue created or changed (whole record)
 *   qd  {n}                         queue deleted
 *   m   {q, m: message}             message sent / dead-lettered into queue q (whole record)
 *   u   {id, s, d, r, f, h}         message received / visibility changed (its mutable fields)
 *   d   {id}                        message deleted
 *   p   {n}                         queue purged
 *   end {queues, messages}          last record of a complete snapshot
 * A message is written with every field of StoredMessage but its heap position
 * (MESSAGE_FIELDS; a spec fails when StoredMessage has a field not listed), its
 * body beside the JSON.
 */
import * as zlib from 'node:zlib';
import type { StoredMessage } from '../message.js';
import type { MessageQueue } from '../queue.js';

import { ExitCode, SqsdemoError } from '../../errors.js';

export const FORMAT_VERSION = 2;
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
/** First byte of a binary record (JSON records start with '{'). */
const TAG_PUT = 0;
const TAG_UPDATE = 1;
const TAG_DELETE = 2;
/** The most bytes a record's own header takes past RECORD_HEADER (an update's: tag, state, has-handle, 2 x f64, 2 x u32). */
const MAX_RECORD_EXTRA = 27;

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
  /** An update's state, deadline, receiveCount, firstReceiveAt. */
  private readonly nums: number[] = [];
  /** UTF-16 units of every string held. */
  chars = 0;

  get length(): number {
    return this.kinds.length;
  }

  json(json: string): void {
    this.add(KIND_JSON, json, undefined);
  }

  put(queueName: string, msg: StoredMessage): void {
    this.add(KIND_PUT, encode.put(queueName, msg), msg.body);
  }

  update(msg: StoredMessage): void {
    this.add(KIND_UPDATE, msg.id, msg.handle);
    this.nums.push(msg.state, msg.deadline, msg.receiveCount, msg.firstReceiveAt);
  }

  remove(msg: StoredMessage): void {
    this.add(KIND_DELETE, msg.id, undefined);
  }

  /** Bytes writeTo may take (a UTF-16 code unit is at most 3 bytes of UTF-8; a frame header per GROUP_CHARS). */
  room(): number {
    return (Math.floor(this.chars / GROUP_CHARS) + 1) * FRAME_HEADER + this.kinds.length * (RECORD_HEADER + MAX_RECORD_EXTRA) + this.chars * 3;
  }

  /** Write every record into `out` at `at` (room: room()) as group frames, a new frame once one holds GROUP_CHARS; returns the bytes written. */
  writeTo(out: Buffer, at: number): number {
    const { kinds, strs, extras, nums } = this;
    let frame = at;
    let pos = frame + FRAME_HEADER;
    let chars = 0;
    let n = 0;
    for (let i = 0; i < kinds.length; i++) {
      const str = strs[i]!;
      const extra = extras[i];
      const start = pos + RECORD_HEADER;
      let end: number;
      switch (kinds[i]) {
        case KIND_JSON:
          end = start + writeUtf8(out, str, start);
          break;
        case KIND_PUT: {
          out[start] = TAG_PUT;
          const len = writeUtf8(out, str, start + 5);
          out.writeUInt32LE(len, start + 1);
          end = start + 5 + len + writeUtf8(out, extra!, start + 5 + len);
          break;
        }
        case KIND_UPDATE: {
          out[start] = TAG_UPDATE;
          out[start + 1] = nums[n]!;
          out[start + 2] = extra === undefined ? 0 : 1;
          out.writeDoubleLE(nums[n + 1]!, start + 3);
          out.writeDoubleLE(nums[n + 3]!, start + 11);
          out.writeUInt32LE(nums[n + 2]!, start + 19);
          n += 4;
          const idLen = writeUtf8(out, str, start + 27);
          out.writeUInt32LE(idLen, start + 23);
          end = start + 27 + idLen + (extra === undefined ? 0 : writeUtf8(out, extra, start + 27 + idLen));
          break;
        }
        default:
          out[start] = TAG_DELETE;
          end = start + 1 + writeUtf8(out, str, start + 1);
      }
      out.writeUInt32LE(end - start, pos);
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
  if (head.length >= FILE_HEADER.length && head.subarray(0, FILE_HEADER.length).equals(FILE_HEADER)) return 'ok';
  if (head.length < FILE_HEADER.length && head.equals(FILE_HEADER.subarray(0, head.length))) return 'torn';
  const hint = 'start with an empty --data-dir (or move this one aside); this sqsdemo cannot read files of another journal format';
  if (head.length >= 5 && head.subarray(0, 4).equals(FILE_HEADER.subarray(0, 4)) && head[4] !== FORMAT_VERSION) {
    throw new SqsdemoError(`${file} is journal format ${head[4]}; this sqsdemo reads format ${FORMAT_VERSION}`, 'E_DATA_DIR', ExitCode.Usage, hint);
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

export type JournalRecord =
  | { readonly t: 'q'; readonly q: QueueRecord }
  | { readonly t: 'qd'; readonly n: string }
  | { readonly t: 'm'; readonly q: string; readonly m: Record<string, unknown> }
  | { readonly t: 'u'; readonly id: string; readonly s: number; readonly d: number; readonly r: number; readonly f: number; readonly h?: string }
  | { readonly t: 'd'; readonly id: string }
  | { readonly t: 'p'; readonly n: string }
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

const opt = (key: string, value: unknown): string => (value === undefined ? '' : `,"${key}":${JSON.stringify(value)}`);

// The hot path builds JSON by hand around JSON.stringify of the parts (no intermediate objects).
export const encode = {
  queue: (queue: MessageQueue): string => JSON.stringify({ t: 'q', q: queueRecord(queue) }),
  queueDeleted: (name: string): string => `{"t":"qd","n":${JSON.stringify(name)}}`,
  /** A message put, but its body (written beside it): every field of MESSAGE_FIELDS. */
  put: (queueName: string, msg: StoredMessage): string =>
    `{"t":"m","q":${JSON.stringify(queueName)},"m":{"id":${JSON.stringify(msg.id)},"state":${msg.state},"deadline":${msg.deadline},"receiveCount":${msg.receiveCount},"firstReceiveAt":${msg.firstReceiveAt},"md5OfBody":${JSON.stringify(msg.md5OfBody)},"sentAt":${msg.sentAt},"senderId":${JSON.stringify(msg.senderId)},"size":${msg.size}${
      opt('handle', msg.handle)}${opt('deadLetterSourceArn', msg.deadLetterSourceArn)}${opt('groupId', msg.groupId)}${opt('dedupId', msg.dedupId)}${opt('sequenceNumber', msg.sequenceNumber)}${
      opt('attributes', msg.attributes)}${opt('md5OfAttributes', msg.md5OfAttributes)}${opt('systemAttributes', msg.systemAttributes)}${opt('md5OfSystemAttributes', msg.md5OfSystemAttributes)}}}`,
  purge: (name: string): string => `{"t":"p","n":${JSON.stringify(name)}}`,
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
