/** Small text formatters shared by the panes (pure; widths in terminal columns). */
import type { Balance } from './balance.js';
import type { OutcomeCounts } from '../telemetry/load-events.js';

/** Milliseconds, rounded for reading: 0.4ms, 12ms, 1.2s. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return `${ms.toFixed(1)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A count in at most ~5 columns: 999, 12.3k, 4.5M. */
export function fmtCount(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function fmtRate(perSecond: number): string {
  return `${fmtCount(perSecond)}/s`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` values as bars scaled to the largest of them (blank when all are 0). */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const tail = values.slice(-width);
  const max = Math.max(0, ...tail);
  const bars = tail.map((v) => (max <= 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.round((v / max) * (BARS.length - 1)))]!));
  return ' '.repeat(width - tail.length) + bars.join('');
}

/** Outcome counts, status codes high to low, connection errors summed: `201:768 400:33 err:0`. */
export function fmtCountsShort(counts: OutcomeCounts): string {
  let errors = 0;
  const codes: [string, number][] = [];
  for (const [k, v] of Object.entries(counts)) {
    if (/^\d+$/.test(k)) codes.push([k, v]);
    else errors += v;
  }
  codes.sort((a, b) => Number(a[0]) - Number(b[0]));
  return [...codes.map(([k, v]) => `${k}:${v}`), `err:${errors}`].join(' ');
}

/** The balance in few columns: `768 in = 702 done + 66 DLQ + 0 queued + 0 in flight`. */
export function fmtBalanceShort(b: Balance): string {
  const left = b.before > 0 ? `${b.accepted} in + ${b.before} before` : `${b.accepted} in`;
  const eq = !b.known || b.missing === 0 ? '=' : b.final ? '≠' : '≈';
  return `${left} ${eq} ${b.processed} done + ${b.deadLettered} DLQ + ${b.queued} queued + ${b.inFlight} in flight`;
}
