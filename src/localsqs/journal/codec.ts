/**
 * The on-disk form shared by journal segments and snapshots: a sequence of
 * frames, each `u32le length | u32le CRC-32 of the payload | payload` where the
 * payload is one record as UTF-8 JSON. A torn or corrupted frame (short header,
 * length past the end, CRC mismatch, JSON that does not parse) ends the valid
 * prefix of a file.
 *
 * Records (`t` is the kind):
 *   q   {q: QueueRecord}            queue created or changed (whole record)
 *   qd  {n}                         queue deleted
 *   m   {q, m: message}             message sent / dead-lettered into queue q (whole record)
 *   u   {id, s, d, r, f, h}         message received / visibility changed (its mutable fields)
 *   d   {id}                        message deleted
 *   p   {n}                         queue purged
 *   end {queues, messages}          last record of a complete snapshot
 * Messages are written whole with JSON.stringify(StoredMessage): fields added
 * to StoredMessage later persist with no change here.
 */
import * as zlib from 'node:zlib';
import type { StoredMessage } from '../message.js';
import type { MessageQueue } from '../queue.js';

export const FRAME_HEADER = 8;
/** Larger frames are treated as corruption (a message is at most ~1 MiB; JSON escaping grows it at most 6x). */
export const MAX_FRAME = 64 * 1_048_576;

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

/** One frame for a record already in JSON. */
export function frame(json: string): Buffer {
  const len = Buffer.byteLength(json, 'utf8');
  const buf = Buffer.allocUnsafe(FRAME_HEADER + len);
  buf.write(json, FRAME_HEADER, 'utf8');
  buf.writeUInt32LE(len, 0);
  buf.writeUInt32LE(crc32(buf.subarray(FRAME_HEADER)), 4);
  return buf;
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

// The hot path builds JSON by hand around JSON.stringify of the parts (no intermediate objects).
export const encode = {
  queue: (queue: MessageQueue): string => JSON.stringify({ t: 'q', q: queueRecord(queue) }),
  queueDeleted: (name: string): string => `{"t":"qd","n":${JSON.stringify(name)}}`,
  /** The whole message: every own field but its heap position (ignored when read back). */
  put: (queueName: string, msg: StoredMessage): string => `{"t":"m","q":${JSON.stringify(queueName)},"m":${JSON.stringify(msg)}}`,
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
 * Decode frames from `buf` (starting at `base` in the file), calling `onRecord`
 * for each valid one, until the buffer ends or a frame is bad. Returns how far
 * it got, and whether it stopped at a partial frame (`need`: read more) or a bad one.
 */
export function decodeFrames(buf: Buffer, onRecord: (record: JournalRecord) => void): { used: number; partial: boolean; problem?: string } {
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < FRAME_HEADER) return { used: off, partial: true };
    const len = buf.readUInt32LE(off);
    if (len === 0 || len > MAX_FRAME) return { used: off, partial: false, problem: `frame length ${len} is not plausible` };
    if (buf.length - off - FRAME_HEADER < len) return { used: off, partial: true };
    const payload = buf.subarray(off + FRAME_HEADER, off + FRAME_HEADER + len);
    if (crc32(payload) !== buf.readUInt32LE(off + 4)) return { used: off, partial: false, problem: 'checksum mismatch' };
    let record: JournalRecord;
    try {
      record = JSON.parse(payload.toString('utf8')) as JournalRecord;
    } catch {
      return { used: off, partial: false, problem: 'record is not JSON' };
    }
    if (record === null || typeof record !== 'object' || typeof record.t !== 'string') return { used: off, partial: false, problem: 'record has no kind' };
    onRecord(record);
    off += FRAME_HEADER + len;
  }
  return { used: off, partial: false };
}
