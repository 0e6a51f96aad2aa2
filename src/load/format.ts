/**
 * Human lines for `sqsdemo load` (without --json): the ready line, the
 * original's per-batch counts in readable form (`batch 45: 201×1035  400×45
 * conn-err×0`), a periodic stats line and the final summary.
 */
import { clockTime, type HumanFormatter } from '../telemetry/sink.js';
import type { LoadEvent, OutcomeCounts } from '../telemetry/load-events.js';
import type { LoadConfig } from './config.js';
import { isStatus } from './sender.js';

/** `201×1035  400×45  conn-err×0`, with the error kinds when there are any. */
export function formatCounts(counts: OutcomeCounts): string {
  const entries = Object.entries(counts);
  const statuses = entries.filter(([k]) => isStatus(k)).sort(([a], [b]) => Number(a) - Number(b));
  const errors = entries.filter(([k]) => !isStatus(k)).sort(([a], [b]) => a.localeCompare(b));
  const errTotal = errors.reduce((sum, [, v]) => sum + v, 0);
  const parts = statuses.map(([k, v]) => `${k}×${v}`);
  parts.push(`conn-err×${errTotal}` + (errors.length > 0 ? ` (${errors.map(([k, v]) => `${k}×${v}`).join(' ')})` : ''));
  return parts.join('  ');
}

function ms(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function latency(l: { p50: number; p90: number; p99: number; max: number }): string {
  return `p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)} ms`;
}

export function describeRun(config: LoadConfig): string {
  const mode = config.rate === undefined
    ? `closed loop, ${config.concurrency} in flight`
    : `open loop at ${config.rate} req/s over up to ${config.concurrency} connections`;
  const bad = config.malformedPerBatch === 0 ? 'none malformed' : `${config.malformedPerBatch} malformed (${config.malformedKinds.join(', ')})`;
  const until = [
    config.requests !== undefined ? `${config.requests} requests` : undefined,
    config.durationMs !== undefined ? `${config.durationMs / 1000} s` : undefined,
  ].filter((s) => s !== undefined).join(' or ') || 'Ctrl-C';
  return `${mode}; batches of ${config.batchSize}, ${bad}; ${config.bodyBytes}-byte bodies; until ${until}`;
}

export function createLoadFormatter(config: LoadConfig): HumanFormatter<LoadEvent> {
  return (e) => {
    switch (e.type) {
      case 'ready':
        return `sqsdemo load: ${e.url ?? config.url}: ${describeRun(config)}`;
      case 'batch':
        return `batch ${e.batch}: ${formatCounts(e.counts)}`;
      case 'stats':
        return (
          `${clockTime(e.t)}  sent ${e.sent}  ${e.throughput.toFixed(1)} req/s  ${latency(e.latencyMs)}  unexpected ${e.unexpected}` +
          (e.rate !== undefined ? `  rate ${e.rate}/s` : '') +
          (e.backlog ? `  backlog ${e.backlog}` : '') +
          (e.paused ? '  PAUSED' : '')
        );
      case 'summary':
        return formatSummary(e);
      case 'warn':
        return `sqsdemo load: warning: ${e.message}`;
      case 'stopping':
        return `sqsdemo load: stopping (${e.reason}); waiting for the answers in flight`;
      case 'error':
        return undefined; // the CLI prints errors on stderr
    }
  };
}

export function formatSummary(e: Extract<LoadEvent, { type: 'summary' }>): string {
  const lines = [
    `summary: ${e.sent} sent in ${(e.durationMs / 1000).toFixed(1)} s (ended by ${e.endedBy ?? 'the end'}): ${formatCounts(e.counts)}`,
    `  throughput ${e.throughput.toFixed(1)} req/s   latency ${latency(e.latencyMs)}` +
      (e.unsent ? `   ${e.unsent} scheduled request${e.unsent === 1 ? '' : 's'} never left (the writer could not keep up with the rate)` : ''),
  ];
  if (e.verify) {
    const f = e.verify.found;
    lines.push(
      `  verify: accepted ${e.verify.accepted}, received ${e.verify.received}, missing ${e.verify.missing}` +
        (f ? ` (found in queue ${f.queue}, dead-letter queue ${f.dlq}, data log ${f.dataLog})` : '') +
        (e.verify.missingSample?.length ? `; e.g. ${e.verify.missingSample.slice(0, 3).join(', ')}` : ''),
    );
    const o = e.verify.order;
    if (o) {
      lines.push(
        `  order: ${o.checked} processed messages in ${o.groups} groups, order violations ${o.violations}` +
          (o.sample.length > 0 ? `; e.g. ${o.sample.slice(0, 3).join(', ')}` : ''),
      );
    }
  }
  lines.push(e.ok ? '  check: ok (every good request got 201, every malformed one a 4xx)' : `  check: FAILED: ${(e.reasons ?? []).join('; ')}`);
  return lines.join('\n');
}
