/**
 * `sqsdemo report`'s core: stream the data logs into the accumulator, draw
 * the page, write it. Progress goes to stderr (about once a second, only when
 * reading takes longer than that); the caller prints the path.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { systemClock, type Clock } from '../util/clock.js';
import { VERSION } from '../version.js';
import { renderPage } from './html.js';
import { readDataLogs, type ReadResult } from './read.js';
import { ReportAccumulator, type ReportStats } from './stats.js';
import { checkTimeZone, ZonedTime } from './time-zone.js';

export interface ReportOptions {
  readonly files: readonly string[];
  readonly output: string;
  /** IANA zone for every time shown. */
  readonly timeZone: string;
  readonly maxReceiveCount: number;
  /** Leave out records handled before this instant (epoch ms). */
  readonly sinceMs?: number;
}

export interface ReportIo {
  readonly stderr?: Writable;
  readonly clock?: Pick<Clock, 'now' | 'monotonic'>;
  readonly signal?: AbortSignal;
}

export interface ReportResult {
  /** Absolute path of the written file. */
  readonly path: string;
  readonly stats: ReportStats;
  readonly read: ReadResult;
  readonly bytes: number;
}

/** Progress lines start after this long, and repeat this often (ms). */
const PROGRESS_MS = 1_000;

export async function makeReport(options: ReportOptions, io: ReportIo = {}): Promise<ReportResult> {
  if (options.files.length === 0) throw new UsageError('no data log given', 'sqsdemo report FILE... (the CSV `sqsdemo work --data-log FILE` writes)');
  const zone = new ZonedTime(checkTimeZone(options.timeZone));
  const clock = io.clock ?? systemClock;
  const acc = new ReportAccumulator({ maxReceiveCount: options.maxReceiveCount });
  const started = clock.monotonic();
  let nextProgress = started + PROGRESS_MS;
  let shown = false;
  const read = await readDataLogs(options.files, (r) => acc.add(r), {
    ...(options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    onProgress: (p) => {
      if (!io.stderr || clock.monotonic() < nextProgress) return;
      nextProgress = clock.monotonic() + PROGRESS_MS;
      shown = true;
      const share = p.bytesTotal > 0 ? Math.floor((100 * p.bytesRead) / p.bytesTotal) : 100;
      io.stderr.write(`report: ${share}% read (${mb(p.bytesRead)} of ${mb(p.bytesTotal)} MB), ${p.records.toLocaleString('en-US')} records\n`);
    },
  });
  if (shown) io.stderr!.write('report: drawing the charts\n');
  const stats = acc.finish();
  const html = renderPage({ stats, read, zone, maxReceiveCount: options.maxReceiveCount, generatedMs: clock.now(), version: VERSION });
  const path = resolve(options.output);
  try {
    await writeFile(path, html, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot write the report to ${path}: ${(err as Error).message}`, 'pass -o with a path in a writable directory');
  }
  return { path, stats, read, bytes: Buffer.byteLength(html) };
}

function mb(bytes: number): string {
  return (bytes / 1_048_576).toFixed(bytes < 10 * 1_048_576 ? 1 : 0);
}

/** One line for the user: where the report is and what went into it. */
export function describeReport(r: ReportResult): string {
  const bad = r.read.badLines > 0 ? `, ${r.read.badLines} bad lines left out (listed in the report; first: ${r.read.badExamples[0]!.file}:${r.read.badExamples[0]!.line} ${r.read.badExamples[0]!.reason})` : '';
  return `report: ${r.path} (${r.stats.records.toLocaleString('en-US')} records from ${r.read.files.length} data log${r.read.files.length === 1 ? '' : 's'}${bad})`;
}
