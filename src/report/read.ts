/**
 * Stream data logs into the accumulator: one file after the other, a chunk
 * at a time (memory does not grow with the file), bad records counted and the
 * first ones kept with file and line. A missing or unreadable file is a
 * UsageError (exit 2) before anything is read.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { parseRecord, RecordSplitter, type BadLine, type DataLogRecord, type SplitItem } from './records.js';

export interface FileSummary {
  readonly path: string;
  readonly bytes: number;
  readonly records: number;
  readonly badLines: number;
  /** Records before `sinceMs`, left out. */
  readonly skipped: number;
}

export interface ReadResult {
  readonly files: readonly FileSummary[];
  readonly badLines: number;
  /** The first bad lines (all are counted). */
  readonly badExamples: readonly BadLine[];
}

export interface Progress {
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly records: number;
  readonly file: string;
}

export interface ReadOptions {
  /** Leave out records handled before this instant (epoch ms): dash's current run in a kept log. */
  readonly sinceMs?: number;
  readonly maxBadExamples?: number;
  /** Called after each chunk. */
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export async function readDataLogs(paths: readonly string[], onRecord: (r: DataLogRecord) => void, options: ReadOptions = {}): Promise<ReadResult> {
  const sizes: number[] = [];
  for (const path of paths) {
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('not a regular file');
      sizes.push(st.size);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new UsageError(`cannot read data log ${path}: ${why}`, 'pass the file `sqsdemo work --data-log FILE` (or `dash --data-log FILE`) wrote');
    }
  }
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const files: FileSummary[] = [];
  const badExamples: BadLine[] = [];
  let badLines = 0;
  let bytesBefore = 0;
  let totalRecords = 0;
  const maxExamples = options.maxBadExamples ?? 20;

  for (const [i, path] of paths.entries()) {
    let records = 0;
    let bad = 0;
    let skipped = 0;
    let bytesRead = 0;
    const onBad = (line: number, reason: string, text: string): void => {
      bad += 1;
      badLines += 1;
      if (badExamples.length < maxExamples) badExamples.push({ file: path, line, reason, text: text.length > 120 ? `${text.slice(0, 120)}...` : text });
    };
    const onItem = (item: SplitItem): void => {
      if ('bad' in item) {
        onBad(item.bad.line, item.bad.reason, item.bad.text);
        return;
      }
      const parsed = parseRecord(item.text);
      if (typeof parsed === 'string') {
        onBad(item.line, item.unterminated ? `${parsed} (the last line has no line break: cut off while being written?)` : parsed, item.text);
      } else if (options.sinceMs !== undefined && parsed.nowMs < options.sinceMs) {
        skipped += 1;
      } else {
        records += 1;
        totalRecords += 1;
        onRecord(parsed);
      }
    };
    // One chunk (1 MiB) at a time; the records of a chunk are handled synchronously.
    const splitter = new RecordSplitter(onItem);
    try {
      for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20, ...(options.signal ? { signal: options.signal } : {}) }) as AsyncIterable<string>) {
        splitter.push(chunk);
        bytesRead += Buffer.byteLength(chunk);
        options.onProgress?.({ bytesRead: bytesBefore + bytesRead, bytesTotal, records: totalRecords, file: path });
      }
      splitter.end();
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new UsageError(`reading data log ${path} failed: ${(err as Error).message}`);
    }
    bytesBefore += sizes[i]!;
    files.push({ path, bytes: sizes[i]!, records, badLines: bad, skipped });
  }
  return { files, badLines, badExamples };
}
