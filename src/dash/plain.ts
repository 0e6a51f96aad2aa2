/**
 * Without a terminal (CI, pipes, --no-tty) dash draws nothing: it prints one
 * plain summary line every few seconds and, at the end, the children's
 * outcome and the balance.
 */
import { computeBalance, formatBalance, type Balance } from './balance.js';
import { fmtMs } from './format.js';
import { CHILD_NAMES, formatCounts, type DashState } from './state.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** e.g. `dash 4.0s | load 200/s sent 800 {'ConnErr': 0, 400: 33, 201: 767} | serve enqueued 767 p99 4ms | work processed 700 failed 60 | queue 3 visible, 52 in flight, 0 dead-lettered`. */
export function formatSummary(state: DashState, elapsedMs: number): string {
  const parts = [`dash ${seconds(elapsedMs)}`];
  const l = state.load;
  parts.push(l ? `load ${Math.round(l.throughput)}/s sent ${l.sent} ${formatCounts(l.counts)}${l.paused ? ' (paused)' : ''}` : 'load -');
  const s = state.serve;
  parts.push(s ? `serve enqueued ${s.enqueued} p99 ${fmtMs(s.latencyMs.p99)}` : 'serve -');
  const w = state.work;
  parts.push(w ? `work processed ${w.processed} failed ${w.failed} retried ${w.retried}` : 'work -');
  if (state.fifo) parts.push(`FIFO order violations ${w?.orderViolations ?? 0}`);
  const q = state.queues;
  parts.push(q ? `queue ${q.main.visible} visible, ${q.main.inFlight} in flight, ${q.dlq.visible + q.dlq.inFlight} dead-lettered` : 'queue -');
  const crashed = CHILD_NAMES.filter((n) => state.children[n].status === 'crashed');
  if (crashed.length > 0) parts.push(`CRASHED: ${crashed.join(', ')}`);
  return parts.join(' | ');
}

/** The final report: one line per child that did not end well, then the balance. */
export function formatFinal(state: DashState, balance: Balance = computeBalance(state)): string {
  const lines: string[] = [];
  for (const name of CHILD_NAMES) {
    const c = state.children[name];
    if (c.status !== 'crashed') continue;
    const how = c.signal ? `signal ${c.signal}` : `exit ${c.exitCode ?? '?'}`;
    lines.push(`${name} crashed (${how})${c.errorLines.length ? ':' : ''}`);
    for (const l of c.errorLines.slice(-5)) lines.push(`  ${l}`);
  }
  const w = state.work;
  const l = state.load;
  if (l) lines.push(`load: sent ${l.sent} ${formatCounts(l.counts)}, p50 ${fmtMs(l.latencyMs.p50)} p99 ${fmtMs(l.latencyMs.p99)}${l.unexpected ? `, ${l.unexpected} unexpected answers` : ''}`);
  if (w) lines.push(`work: processed ${w.processed}, failed ${w.failed} (retried by SQS), received ${w.received}`);
  if (state.fifo) lines.push(`FIFO: order violations ${w?.orderViolations ?? 0}`);
  const e = state.endpoint;
  if (e) lines.push(`sqs: ${e.requests} requests, ${e.refused} refused (a bad signature, a web page, a foreign Host)`);
  lines.push(`balance: ${formatBalance(balance, { unicode: false })}`);
  return lines.join('\n') + '\n';
}
