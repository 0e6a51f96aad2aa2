/**
 * Human lines for `sqsdemo work` (without --json). Like the original: one
 * `Messages received/processed: R/P` line per non-empty receive, but at most
 * a few per second (at thousands of messages per second a line per receive
 * would flood the terminal; the totals still show in every summary and at
 * stop), plus a periodic summary line.
 */
import { clockTime, type HumanFormatter } from '../telemetry/sink.js';
import type { WorkEvent, WorkStatsEvent } from '../telemetry/work-events.js';

/** At most this many receive lines per second. */
const RECEIVE_LINES_PER_S = 4;

export function createWorkFormatter(where: string): HumanFormatter<WorkEvent> {
  let lastReceiveLine = -Infinity;
  return (e) => {
    switch (e.type) {
      case 'ready':
        return (
          `Reading ${'queue' in e ? e.queue : 'the queue'} at ${where}` +
          ('concurrency' in e
            ? `: ${e.pollers} pollers${e.receiveLingerMs ? ` (receive linger ${e.receiveLingerMs} ms)` : ''}, up to ${e.concurrency} tasks at once (+${e.prefetch} prefetched), visibility timeout ${e.visibilityTimeoutS} s` +
              (e.maxReceiveCount !== undefined ? `, dead-lettered after ${e.maxReceiveCount} receives` : '')
            : '') +
          '. Ctrl-C stops.'
        );
      case 'receive':
        if (e.t - lastReceiveLine < 1000 / RECEIVE_LINES_PER_S) return undefined;
        lastReceiveLine = e.t;
        return `Messages received/processed: ${e.received}/${e.processed}`;
      case 'stats':
        return formatSummary(e);
      case 'warn':
        return `warning: ${e.message}`;
      case 'error':
        return undefined; // src/cli.ts prints fatal errors on stderr
      case 'stopping':
        return `Stopping (${e.reason}): no more receives; finishing running tasks, flushing deletes, handing prefetched messages back.`;
      case 'stopped':
        return (
          `Stopped. processed ${e.processed}, failed ${e.failed}, deleted ${e.deleted ?? e.processed}` +
          `, handed back ${e.returned}` +
          (e.deleteFailed ? `, deletes failed for good ${e.deleteFailed} (SQS will redeliver them)` : '') +
          (e.orderViolations !== undefined ? `, FIFO order violations ${e.orderViolations}` : '')
        );
      default:
        return undefined;
    }
  };
}

export function formatSummary(e: WorkStatsEvent): string {
  const counts = Object.entries(e.receiveCounts).map(([k, v]) => `${k}x:${v}`).join(' ') || '-';
  return (
    `${clockTime(e.t)} Messages received/processed: ${e.received}/${e.processed}` +
    ` | ${e.throughput}/s, failed ${e.failed}, retried ${e.retried}, in flight ${e.inFlight}` +
    ` | age p50 ${fmtMs(e.ageMs.p50)} p99 ${fmtMs(e.ageMs.p99)} | receives ${counts} | SQS calls ${e.sqsCalls}` +
    (e.orderViolations !== undefined ? ` | FIFO order violations ${e.orderViolations}` : '')
  );
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
