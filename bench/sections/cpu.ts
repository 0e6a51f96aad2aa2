/**
 * 5. CPU per message: the whole pipeline under `sqsdemo dash --no-tty` at a
 * fixed offered rate the machine sustains (1,500 req/s, 10 ms tasks), each
 * role's CPU time (user + system, from /proc) over the steady stretch of the
 * run divided by the messages serve accepted in it. CPU time is far less
 * sensitive than throughput to other work sharing the cores.
 */
import { shimRunsBundle } from '../lib/available.js';
import { type BenchOptions, type SectionOutput } from '../lib/context.js';
import { runDash, type Snapshot } from '../lib/dash-run.js';
import { fmtInt, progress } from '../lib/log.js';
import { row } from '../lib/report.js';
import { callsPerMessage } from '../lib/sqs-calls.js';

const SECTION = 'CPU per message';
const RATE = 1_500;
const ROLES = ['sqs', 'serve', 'work', 'load'] as const;
const TARGET_TOTAL_US = 400;

export async function benchCpu(options: BenchOptions, out: SectionOutput): Promise<void> {
  const seconds = options.quick ? 8 : 20;
  // Through tsx every role costs ~25% more CPU (its loader, keepNames wrappers): say which one ran.
  const how = shimRunsBundle() ? 'roles run from dist/js (npm run build)' : 'roles run from source through tsx (no fresh dist/js)';
  progress(`  ${how}`);
  const run = await runDash(seconds, ['--rate', String(RATE), '--work-ms', '10', ...options.dashArgs]);
  const first: Snapshot | undefined = run.steady[0];
  const last: Snapshot | undefined = run.steady[run.steady.length - 1];
  const accepted = first && last ? last.enqueued - first.enqueued : 0;
  if (!first || !last || accepted <= 0) {
    out.notes.push(`CPU per message: no steady stretch to measure (exit ${run.exit.code ?? run.exit.signal}); dash's last lines: ${run.tail}`);
    out.rows.push(row(SECTION, `total CPU µs per accepted message at ${RATE} req/s`, { sqsdemo: 'n/a', target: { kind: 'at-most', max: TARGET_TOTAL_US, unit: 'µs' } }));
    return;
  }
  const us = (role: string): number | undefined => {
    const a = first.cpu.get(role);
    const b = last.cpu.get(role);
    return a === undefined || b === undefined ? undefined : ((b - a) * 1e6) / accepted;
  };
  const parts = ROLES.map((r) => [r, us(r)] as const);
  const total = parts.reduce((sum, [, v]) => sum + (v ?? 0), 0);
  const dash = us('dash');
  const detail = parts.map(([r, v]) => `${r} ${v === undefined ? 'n/a' : fmtInt(v)}`).join(' + ');
  progress(`  CPU µs per accepted message: ${detail} = ${fmtInt(total)} (dash ${dash === undefined ? 'n/a' : fmtInt(dash)}), over ${fmtInt(accepted)} messages in ${(last.at - first.at).toFixed(0)} s`);
  for (const [r, v] of parts) {
    out.rows.push(row(SECTION, `${r}: CPU µs per accepted message (${RATE} req/s, 10 ms tasks; ${shimRunsBundle() ? 'dist/js' : 'from source'})`, { sqsdemo: v === undefined ? 'n/a' : fmtInt(v) }));
  }
  out.rows.push(row(SECTION, `total (sqs + serve + work + load) CPU µs per accepted message`, {
    sqsdemo: `${fmtInt(total)} (${detail})`, value: total, target: { kind: 'at-most', max: TARGET_TOTAL_US, unit: 'µs' },
  }));
  out.rows.push(row(SECTION, 'dash (beside it): CPU µs per accepted message', { sqsdemo: dash === undefined ? 'n/a' : fmtInt(dash) }));
  // Every SQS call costs the client, the endpoint and two syscalls: how many the roles made per message.
  const [callsBefore, callsAfter] = await Promise.all([first.calls, last.calls]);
  if (callsBefore && callsAfter) {
    const per = callsPerMessage(callsBefore, callsAfter, accepted);
    const sum = [...per.values()].reduce((a, b) => a + b, 0);
    const list = [...per].sort((a, b) => b[1] - a[1]).map(([action, v]) => `${action} ${v.toFixed(3)}`).join(', ');
    progress(`  SQS calls per accepted message: ${sum.toFixed(3)} (${list})`);
    out.rows.push(row(SECTION, 'SQS calls per accepted message (local endpoint /metrics, same stretch)', { sqsdemo: `${sum.toFixed(3)} (${list})` }));
  }
  out.notes.push(`CPU per message (${how}): \`sqsdemo ${run.args.join(' ')}\`; CPU time (user + system, /proc) of each role between dash's summary lines at ${first.at.toFixed(0)} s and ${last.at.toFixed(0)} s (${fmtInt(accepted)} messages accepted in between); balance: \`${run.balance?.line ?? 'not read'}\`.`);
}
