/**
 * Recovery: the newest complete snapshot, then every journal segment after it,
 * in order, into an Image. The valid prefix ends at the first torn or corrupt
 * frame (a kill -9 or power cut mid-write); the rest is cut (the segment is
 * truncated there, later segments are set aside as *.cut) and reported, never
 * refused. A snapshot without its end record is skipped for an older one.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { FILE_HEADER, checkHeader, decodeFrames, type JournalRecord } from './codec.js';
import { segmentPath, snapshotPath, listDataDir } from './files.js';
import { applyRecord, emptyImage, type Image } from './image.js';

const CHUNK = 16 * 1_048_576;

export interface Cut {
  readonly file: string;
  /** Offset of the first byte cut (the end of the valid prefix). */
  readonly offset: number;
  readonly bytes: number;
  readonly reason: string;
}

export interface Recovery {
  readonly image: Image;
  /** The snapshot used (its number), if any. */
  readonly snapshot: number | undefined;
  readonly segments: number;
  readonly records: number;
  /** Bytes of journal replayed after the snapshot. */
  readonly journalBytes: number;
  readonly cuts: Cut[];
  /** The number for the next segment. */
  readonly nextSegment: number;
}

export interface ScanResult {
  readonly size: number;
  readonly validBytes: number;
  readonly records: number;
  readonly problem?: string;
}

/** Read a file's frames in chunks, calling onRecord for each valid one up to the first bad one. */
export function scanFile(path: string, onRecord: (r: JournalRecord) => void): ScanResult {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { size, validBytes: 0, records: 0 };
    const head = Buffer.alloc(Math.min(size, FILE_HEADER.length));
    readSync(fd, head, 0, head.length, 0);
    if (checkHeader(head, size, basename(path)) === 'torn') return { size, validBytes: 0, records: 0, problem: 'torn or damaged file header' };
    let carry: Buffer = Buffer.alloc(0);
    let fileOff = FILE_HEADER.length; // file offset of carry[0]
    let readPos = FILE_HEADER.length;
    let records = 0;
    const count = (r: JournalRecord): void => {
      records += 1;
      onRecord(r);
    };
    while (readPos < size) {
      const want = Math.max(CHUNK, carry.length * 2);
      const chunk = Buffer.allocUnsafe(Math.min(want, size - readPos));
      const n = readSync(fd, chunk, 0, chunk.length, readPos);
      if (n <= 0) break;
      readPos += n;
      const buf = carry.length === 0 ? chunk.subarray(0, n) : Buffer.concat([carry, chunk.subarray(0, n)]);
      const res = decodeFrames(buf, count);
      if (res.problem !== undefined) return { size, validBytes: fileOff + res.used, records, problem: res.problem };
      carry = buf.subarray(res.used);
      fileOff += res.used;
    }
    if (carry.length > 0) return { size, validBytes: fileOff, records, problem: 'torn record at the end' };
    return { size, validBytes: fileOff, records };
  } finally {
    closeSync(fd);
  }
}

export function recover(dir: string): Recovery {
  const listing = listDataDir(dir);
  for (const tmp of listing.temporary) unlinkSync(tmp);
  const cuts: Cut[] = [];
  let image = emptyImage();
  let snapshot: number | undefined;
  for (const k of [...listing.snapshots].reverse()) {
    const candidate = emptyImage();
    let complete = false;
    const path = snapshotPath(dir, k);
    const scan = scanFile(path, (r) => {
      if (r.t === 'end') complete = true;
      else applyRecord(candidate, r);
    });
    if (complete && scan.problem === undefined) {
      image = candidate;
      snapshot = k;
      break;
    }
    cuts.push({ file: basename(path), offset: scan.validBytes, bytes: scan.size - scan.validBytes, reason: `snapshot ${scan.problem ?? 'has no end record'}: not used` });
  }
  let records = 0;
  let journalBytes = 0;
  let segments = 0;
  let stopped = false;
  const start = snapshot ?? 0;
  for (const n of listing.segments) {
    if (n < start) continue;
    const path = segmentPath(dir, n);
    if (stopped) {
      // After a cut, later records are not a consistent continuation: set aside, not replayed.
      const size = fstatSize(path);
      renameSync(path, `${path}.cut`);
      cuts.push({ file: basename(path), offset: 0, bytes: size, reason: 'follows a cut segment (kept as .cut)' });
      continue;
    }
    const scan = scanFile(path, (r) => applyRecord(image, r));
    if (scan.size === 0 && n < listing.segments.at(-1)!) {
      unlinkSync(path); // an empty segment of a run that changed nothing
      continue;
    }
    segments += 1;
    records += scan.records;
    journalBytes += scan.validBytes;
    if (scan.problem !== undefined) {
      cuts.push({ file: basename(path), offset: scan.validBytes, bytes: scan.size - scan.validBytes, reason: scan.problem });
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, scan.validBytes);
      } finally {
        closeSync(fd);
      }
      stopped = true;
    }
  }
  const last = Math.max(start, listing.segments.at(-1) ?? 0, listing.snapshots.at(-1) ?? 0);
  return { image, snapshot, segments, records, journalBytes, cuts, nextSegment: last + 1 };
}

function fstatSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
