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

/**
 * Cuts text chunks into records. Yields `RawRecord`s, or `{ bad }` for a record
 * whose quote never closes. Blank lines are skipped. Memory is one record plus one chunk.
 */
export async function* splitRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<RawRecord | { readonly bad: RawRecord & { reason: string } }> {
  let rest = '';
  let lineNo = 0;
  // The open record: quotes not balanced yet.
  let open: { line: number; parts: string[]; quotes: number; chars: number } | undefined;

  function* take(line: string, unterminated: boolean): Generator<RawRecord | { readonly bad: RawRecord & { reason: string } }> {
    lineNo += 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (open) {
      if (RECORD_START.test(line)) {
        yield { bad: { line: open.line, text: open.parts.join('\n'), reason: 'a quoted field is not closed' } };
        open = undefined;
      } else {
        open.parts.push(line);
        open.quotes += quoteCount(line);
        open.chars += line.length + 1;
        if (open.quotes % 2 === 0) {
          yield { line: open.line, text: open.parts.join('\n'), unterminated };
          open = undefined;
        } else if (open.parts.length >= MAX_RECORD_LINES || open.chars >= MAX_RECORD_CHARS) {
          yield { bad: { line: open.line, text: open.parts.join('\n'), reason: 'a quoted field is not closed' } };
          open = undefined;
        }
        return;
      }
    }
    if (line.length === 0) return;
    const quotes = quoteCount(line);
    if (quotes % 2 === 0) yield { line: lineNo, text: line, unterminated };
    else open = { line: lineNo, parts: [line], quotes, chars: line.length };
  }

  // After a line too long to be a record: drop text until its end.
  let skipping = false;
  for await (const chunk of chunks) {
    let s = rest + chunk;
    if (skipping) {
      const nl = s.indexOf('\n');
      if (nl === -1) {
        rest = '';
        continue;
      }
      s = s.slice(nl + 1);
      skipping = false;
    }
    let from = 0;
    for (let nl = s.indexOf('\n', from); nl !== -1; nl = s.indexOf('\n', from)) {
      yield* take(s.slice(from, nl), false);
      from = nl + 1;
    }
    rest = s.slice(from);
    if (rest.length > MAX_RECORD_CHARS) {
      lineNo += 1;
      yield { bad: { line: lineNo, text: rest.slice(0, 120), reason: `a line longer than ${MAX_RECORD_CHARS} characters` } };
      rest = '';
      open = undefined;
      skipping = true;
    }
  }
  if (rest.length > 0) yield* take(rest, true);
  if (open) yield { bad: { line: open.line, text: open.parts.join('\n'), reason: 'a quoted field is not closed at the end of the file' } };
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
