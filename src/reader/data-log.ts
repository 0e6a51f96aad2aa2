/**
 * `--data-log FILE`: one CSV line per handled message, the original's columns:
 *   now_ms,SentTimestamp,pass|fail,ApproximateReceiveCount,SenderId,MessageId,"body"
 * The body is always quoted, with `"` doubled (RFC 4180), so commas and line
 * breaks in it stay inside the field. Lines are buffered and written in chunks
 * (appending, so several readers may share one file); `close()` flushes.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { ReaderMessage } from './message.js';

export interface DataLog {
  record(nowMs: number, message: ReaderMessage, pass: boolean): void;
  close(): Promise<void>;
}

/** Write when this many bytes are buffered, or after FLUSH_MS. */
const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 500;

export function csvLine(nowMs: number, m: ReaderMessage, pass: boolean): string {
  return `${nowMs},${m.sentTimestamp},${pass ? 'pass' : 'fail'},${m.receiveCount},${csvField(m.senderId)},${csvField(m.messageId)},"${m.body.replace(/"/g, '""')}"\n`;
}

/** Quote a field only when it needs it (ids normally do not). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export async function openDataLog(path: string): Promise<DataLog> {
  let file: FileHandle;
  try {
    file = await open(path, 'a');
  } catch (err) {
    throw new UsageError(`cannot open --data-log ${path}: ${(err as Error).message}`, 'pass a path in a writable directory');
  }
  let chunks: string[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let writeError: Error | undefined;

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (chunks.length === 0) return;
    const text = chunks.join('');
    chunks = [];
    bytes = 0;
    // Writes are chained so lines stay in order.
    writing = writing.then(() => file.appendFile(text, 'utf8')).catch((err: Error) => {
      writeError ??= err;
    });
  };

  return {
    record(nowMs, message, pass) {
      const line = csvLine(nowMs, message, pass);
      chunks.push(line);
      bytes += line.length;
      if (bytes >= FLUSH_BYTES) flush();
      else if (timer === undefined) timer = setTimeout(flush, FLUSH_MS);
    },
    async close() {
      flush();
      await writing;
      await file.close();
      if (writeError) throw new UsageError(`writing --data-log ${path} failed: ${writeError.message}`);
    },
  };
}
