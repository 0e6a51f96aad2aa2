/**
 * The `r` key: draw the report of the current run from work's data log
 * (`sqsdemo report`, records since dash started) into the working directory.
 * The report code is imported on the first press, not at dash's start.
 */
import { join } from 'node:path';
import type { DashConfig } from './config.js';

export interface RunReportOptions {
  /** Where the report goes (default: the working directory). */
  readonly dir?: string;
  /** When this run started (epoch ms): earlier lines of a kept log are left out. */
  readonly sinceMs: number;
  /** Now (epoch ms), for the file name. */
  readonly nowMs: number;
  readonly timeZone?: string;
}

/** Resolves to the written report's absolute path. */
export async function writeRunReport(config: Pick<DashConfig, 'dataLog' | 'maxReceiveCount'>, options: RunReportOptions): Promise<string> {
  if (config.dataLog === undefined) throw new Error('this dash run has no data log');
  const { makeReport } = await import('../report/run.js');
  const zone = options.timeZone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const stamp = new Date(options.nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const result = await makeReport({
    files: [config.dataLog],
    output: join(options.dir ?? process.cwd(), `sqsdemo-report-${stamp}.html`),
    timeZone: zone,
    maxReceiveCount: config.maxReceiveCount,
    sinceMs: options.sinceMs,
  });
  return result.path;
}
