/**
 * The on-disk form shared by journal segments and snapshots (format 2): a file
 * header `SQSJ | u8 version | 3 zero bytes`, then group frames, each
 * `u32le length | u32le CRC-32 of the payload | payload`, where the payload is
 * the records of one group write, each `u32le length | record`. A record is
 * UTF-8 JSON, or (a message put) `0x00 | u32le n | n bytes of JSON | the body`:
 * the body as-is, not escaped into JSON a second time.
 * One CRC per group (not per record): a group is written by one write(), so it
 * is whole or torn as a unit. A torn or corrupted frame (short header, length
 * past the end, CRC mismatch, a record that does not parse) ends the valid
 * prefix of a file; every record of every earlier frame is kept. A file of
 * another format (no header: format 1, or another version) is refused with a
 * clear error, never misread.
 *
 * Records (`t` is the kind):
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
/** A put record's extra header: 0x00 | u32 length of its JSON. */
export const PUT_HEADER = 5;
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

/** Bytes a group of these records may take (a UTF-16 code unit is at most 3 bytes of UTF-8). */
export function groupRoom(records: number, chars: number): number {
  return FRAME_HEADER + records * (RECORD_HEADER + PUT_HEADER) + chars * 3;
}

/**
 * Write one group frame into `out` at `at` (room: groupRoom of the records'
 * and bodies' lengths); returns its length. `records[i]` is a record's JSON,
 * `bodies[i]` the body of a put (undefined for other records).
 */
export function writeGroup(out: Buffer, at: number, records: readonly string[], bodies: readonly (string | undefined)[], from = 0, to = records.length): number {
  let pos = at + FRAME_HEADER;
  for (let i = from; i < to; i++) {
    const json = records[i]!;
    const body = bodies[i];
    let len: number;
    if (body === undefined) len = out.write(json, pos + RECORD_HEADER, 'utf8');
    else {
      out[pos + RECORD_HEADER] = 0;
      const n = out.write(json, pos + RECORD_HEADER + PUT_HEADER, 'utf8');
      out.writeUInt32LE(n, pos + RECORD_HEADER + 1);
      len = PUT_HEADER + n + out.write(body, pos + RECORD_HEADER + PUT_HEADER + n, 'utf8');
    }
    out.writeUInt32LE(len, pos);
    pos += RECORD_HEADER + len;
  }
  out.writeUInt32LE(pos - at - FRAME_HEADER, at);
  out.writeUInt32LE(crc32(out.subarray(at + FRAME_HEADER, pos)), at + 4);
  return pos - at;
}

/** One group frame of these records (and bodies, as for writeGroup). */
export function group(records: readonly string[], bodies: readonly (string | undefined)[]): Buffer {
  let chars = 0;
  for (let i = 0; i < records.length; i++) chars += records[i]!.length + (bodies[i]?.length ?? 0);
  const buf = Buffer.allocUnsafe(groupRoom(records.length, chars));
  return buf.subarray(0, writeGroup(buf, 0, records, bodies));
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
  update: (msg: StoredMessage): string =>
    `{"t":"u","id":${JSON.stringify(msg.id)},"s":${msg.state},"d":${msg.deadline},"r":${msg.receiveCount},"f":${msg.firstReceiveAt}${msg.handle === undefined ? '' : `,"h":${JSON.stringify(msg.handle)}`}}`,
  remove: (msg: StoredMessage): string => `{"t":"d","id":${JSON.stringify(msg.id)}}`,
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
        if (buf[start] !== 0) record = JSON.parse(buf.toString('utf8', start, start + rlen)) as JournalRecord;
        else {
          const n = rlen >= PUT_HEADER ? buf.readUInt32LE(start + 1) : -1;
          if (n < 0 || n > rlen - PUT_HEADER) return { used: off, partial: false, problem: 'put record length does not fit its record' };
          const json = start + PUT_HEADER;
          record = parseRecord(buf.toString('utf8', json, json + n), buf.toString('utf8', json + n, start + rlen));
        }
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
