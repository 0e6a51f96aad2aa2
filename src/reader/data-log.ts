/**
 * `--data-log FILE`: one CSV line per handled message, the original's columns:
 *   now_ms,SentTimestamp,pass|fail,ApproximateReceiveCount,SenderId,MessageId,"body"
 * The body is always quoted, with `"` doubled (RFC 4180), so commas and line
 * breaks in it stay inside the field. The file is opened for appending, so
 * several readers may share one.
 *
 * Write-ahead: the log is the record of processing, so a message's line must
 * reach the OS before its delete goes to SQS (after that, a `kill -9` cannot
 * lose it; a power cut still can: no fsync, that would cost a disk flush per
 * batch). `record()` keeps the line in memory; `flush()` hands everything kept
 * to the OS in one write syscall, and the reader calls it before each
 * DeleteMessageBatch: one write per delete batch, not per message. Lines with
 * no delete behind them (failures) are flushed by the next delete batch, after
 * at most `lingerMs`, or at `close()`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import type { ReaderMessage } from './message.js';

export interface DataLog {
  /** Keep the line for a handled message (in memory until the next flush). */
  record(nowMs: number, message: ReaderMessage, pass: boolean): void;
  /** Hand every kept line to the OS now (a completed write syscall); throws DataLogError when it cannot. */
  flush(): void;
  /** Flush and close the file. */
  close(): Promise<void>;
}

/** Writing the data log failed: the reader must not delete messages whose lines are not written. */
export class DataLogError extends UsageError {
  constructor(path: string, cause: Error) {
    super(`writing --data-log ${path} failed: ${cause.message}`, 'free disk space or pass a path on a writable disk');
  }
}

/** Where flushed text goes: synchronously to the OS (a write syscall), or throw. */
export type WriteText = (text: string) => void;

export interface DataLogOptions {
  /** Flush lines nobody flushed (failures with no delete behind them) after this long, ms. */
  readonly lingerMs?: number;
  readonly clock?: Clock;
}

const DEFAULT_LINGER_MS = 500;

export function csvLine(nowMs: number, m: ReaderMessage, pass: boolean): string {
  return `${nowMs},${m.sentTimestamp},${pass ? 'pass' : 'fail'},${m.receiveCount},${csvField(m.senderId)},${csvField(m.messageId)},"${m.body.replace(/"/g, '""')}"\n`;
}

/** Quote a field only when it needs it (ids normally do not). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A data log over any synchronous writer (the file's, or a test's). */
export function createDataLog(write: WriteText, options: DataLogOptions & { readonly onClose?: () => void; readonly path?: string } = {}): DataLog {
  const clock = options.clock ?? systemClock;
  const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
  let kept: string[] = [];
  let timer: Timer | undefined;
  let closed = false;

  const flush = (): void => {
    timer?.cancel();
    timer = undefined;
    if (kept.length === 0) return;
    const text = kept.join('');
    try {
      write(text);
    } catch (err) {
      throw new DataLogError(options.path ?? 'data log', err as Error);
    }
    kept = [];
  };

  return {
    record(nowMs, message, pass) {
      if (closed) return;
      kept.push(csvLine(nowMs, message, pass));
      timer ??= clock.setTimer(() => {
        timer = undefined;
        try {
          flush();
        } catch {
          // Kept for the next flush, whose caller (a delete, or close) sees the error.
        }
      }, lingerMs);
    },
    flush,
    async close() {
      if (closed) return;
      try {
        flush();
      } finally {
        closed = true;
        timer?.cancel();
        options.onClose?.();
      }
    },
  };
}

/** Write all of `text` to `fd` (a write syscall may take only part of it). */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
}

export async function openDataLog(path: string, options: DataLogOptions = {}): Promise<DataLog> {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (err) {
    throw new UsageError(`cannot open --data-log ${path}: ${(err as Error).message}`, 'pass a path in a writable directory');
  }
  return createDataLog((text) => writeAll(fd, text), { ...options, path, onClose: () => closeSync(fd) });
}
