/**
 * The reader's data log, one record per handled message (src/reader/data-log.ts):
 *   now_ms,SentTimestamp,pass|fail,ApproximateReceiveCount,SenderId,MessageId,"body"
 * `splitRecords` cuts a stream of text into records (a quoted body may hold line
 * breaks), `parseRecord` checks one record's fields. A bad record becomes a
 * `BadLine` with the line it starts on; nothing here throws on bad input.
 */
import { csvParseRows } from 'd3-dsv';

export interface DataLogRecord {
  /** When the reader handled it (epoch ms, the reader's clock). */
  readonly nowMs: number;
  /** SQS's SentTimestamp (epoch ms, SQS's clock). */
  readonly sentMs: number;
  readonly pass: boolean;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  readonly senderId: string;
  readonly messageId: string;
  readonly body: string;
}

export interface BadLine {
  readonly file: string;
  /** 1-based line the record starts on. */
  readonly line: number;
  readonly reason: string;
  /** The start of the offending text (at most 120 characters). */
  readonly text: string;
}

/** One record's text and the line it starts on. */
export interface RawRecord {
  readonly line: number;
  readonly text: string;
  /** The record ended without a line break (the file's last line, maybe still being written). */
  readonly unterminated?: boolean;
}

/** A record whose quotes are still open after this many lines or characters is given up. */
const MAX_RECORD_LINES = 1_000;
const MAX_RECORD_CHARS = 1_048_576;
/** What a new record looks like; a line like this ends an open (unclosed-quote) record. */
const RECORD_START = /^\d+,-?\d+,(pass|fail),/;
/** Later than this is not a timestamp (year 2286): it would also break the time scale. */
const MAX_EPOCH_MS = 1e13;

function quoteCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n;
}

export type SplitItem = RawRecord | { readonly bad: RawRecord & { reason: string } };

/**
 * Cuts text chunks into records: `push` each chunk, then `end`; every record
 * (or `{ bad }` for one whose quote never closes, or a line too long to be a
 * record) goes to `emit`, synchronously. Blank lines are skipped. Memory is
 * one record plus one chunk.
 */
export class RecordSplitter {
  private rest = '';
  private lineNo = 0;
  /** The open record: its quotes are not balanced yet. */
  private open: { line: number; parts: string[]; quotes: number; chars: number } | undefined;
  /** After a line too long to be a record: drop text until its end. */
  private skipping = false;

  constructor(private readonly emit: (item: SplitItem) => void) {}

  push(chunk: string): void {
    let s = this.rest + chunk;
    if (this.skipping) {
      const nl = s.indexOf('\n');
      if (nl === -1) {
        this.rest = '';
        return;
      }
      s = s.slice(nl + 1);
      this.skipping = false;
    }
    let from = 0;
    for (let nl = s.indexOf('\n', from); nl !== -1; nl = s.indexOf('\n', from)) {
      this.take(s.slice(from, nl), false);
      from = nl + 1;
    }
    this.rest = s.slice(from);
    if (this.rest.length > MAX_RECORD_CHARS) {
      this.lineNo += 1;
      this.emit({ bad: { line: this.lineNo, text: this.rest.slice(0, 120), reason: `a line longer than ${MAX_RECORD_CHARS} characters` } });
      this.rest = '';
      this.open = undefined;
      this.skipping = true;
    }
  }

  end(): void {
    if (this.rest.length > 0) this.take(this.rest, true);
    this.rest = '';
    const open = this.open;
    if (open) this.emit({ bad: { line: open.line, text: open.parts.join('\n'), reason: 'a quoted field is not closed at the end of the file' } });
    this.open = undefined;
  }

  private take(line: string, unterminated: boolean): void {
    this.lineNo += 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const open = this.open;
    if (open) {
      if (RECORD_START.test(line)) {
        this.emit({ bad: { line: open.line, text: open.parts.join('\n'), reason: 'a quoted field is not closed' } });
        this.open = undefined;
      } else {
        open.parts.push(line);
        open.quotes += quoteCount(line);
        open.chars += line.length + 1;
        if (open.quotes % 2 === 0) {
          this.emit({ line: open.line, text: open.parts.join('\n'), unterminated });
          this.open = undefined;
        } else if (open.parts.length >= MAX_RECORD_LINES || open.chars >= MAX_RECORD_CHARS) {
          this.emit({ bad: { line: open.line, text: open.parts.join('\n'), reason: 'a quoted field is not closed' } });
          this.open = undefined;
        }
        return;
      }
    }
    if (line.length === 0) return;
    const quotes = quoteCount(line);
    if (quotes % 2 === 0) this.emit({ line: this.lineNo, text: line, unterminated });
    else this.open = { line: this.lineNo, parts: [line], quotes, chars: line.length };
  }
}

/** The splitter over a stream of chunks, as an async iterable (tests, small inputs). */
export async function* splitRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<SplitItem> {
  let pending: SplitItem[] = [];
  const splitter = new RecordSplitter((item) => pending.push(item));
  for await (const chunk of chunks) {
    splitter.push(chunk);
    yield* pending;
    pending = [];
  }
  splitter.end();
  yield* pending;
}

/** Check one record's fields; a reason string when it is not a data-log line. */
export function parseRecord(text: string): DataLogRecord | string {
  const rows = csvParseRows(text);
  if (rows.length !== 1) return `expected one CSV record, found ${rows.length}`;
  const f = rows[0]!;
  if (f.length !== 7) return `expected 7 fields (now_ms,SentTimestamp,pass|fail,ApproximateReceiveCount,SenderId,MessageId,"body"), found ${f.length}`;
  const nowMs = epochMs(f[0]!);
  if (nowMs === undefined) return `now_ms is not a time in epoch milliseconds: ${short(f[0]!)}`;
  const sentMs = epochMs(f[1]!);
  if (sentMs === undefined) return `SentTimestamp is not a time in epoch milliseconds: ${short(f[1]!)}`;
  if (sentMs === 0) return 'SentTimestamp is 0: SQS did not return it, so the age is unknown';
  const result = f[2];
  if (result !== 'pass' && result !== 'fail') return `the result is neither pass nor fail: ${short(result!)}`;
  const receiveCount = /^\d{1,6}$/.test(f[3]!) ? Number(f[3]) : -1;
  if (receiveCount === 0) return 'ApproximateReceiveCount is 0: SQS did not return it';
  if (receiveCount < 1) return `ApproximateReceiveCount is not a whole number >= 1: ${short(f[3]!)}`;
  if (f[5]!.length === 0) return 'MessageId is empty';
  return { nowMs, sentMs, pass: result === 'pass', receiveCount, senderId: f[4]!, messageId: f[5]!, body: f[6]! };
}

function epochMs(s: string): number | undefined {
  if (!/^\d{1,14}$/.test(s)) return undefined;
  const n = Number(s);
  return n < MAX_EPOCH_MS ? n : undefined;
}

function short(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);
}
