/**
 * 4. Pipeline: `sqsdemo dash` without a TTY (it starts the endpoint, setup,
 * serve, work and load itself) for 30 s (quick: 10 s), then its final
 * balance: accepted/s, processed/s and whether accepted = processed +
 * dead-lettered + still queued holds exactly. Extra dash flags (e.g. a load
 * rate) come from the harness's --dash-args.
 */
import { hasCommand } from '../lib/available.js';
import { parseBalance } from '../lib/balance.js';
import { type BenchOptions, type SectionOutput } from '../lib/context.js';
import { fmtInt, fmtNum, progress } from '../lib/log.js';
import { spawnSqsdemo } from '../lib/procs.js';
import { row } from '../lib/report.js';

const SECTION = 'Pipeline';
/** Requests/s offered by dash's load: about what serve + work sustain together on 2 busy cores. */
const DEFAULT_RATE = 1_000;

export async function benchPipeline(options: BenchOptions, out: SectionOutput): Promise<void> {
  const seconds = options.quick ? 10 : 30;
  if (!hasCommand('dash')) {
    out.rows.push(row(SECTION, `dash without a TTY, ${seconds} s: accepted/s, processed/s, balance`, { sqsdemo: 'not available yet (dash not registered)', target: { kind: 'exact' } }));
    return;
  }
  // A high open-loop rate unless --dash-args says otherwise (dash's default is a calm 200/s).
  const rate = options.dashArgs.includes('--rate') ? [] : ['--rate', String(DEFAULT_RATE)];
  const args = ['dash', '--duration', `${seconds}s`, ...rate, ...options.dashArgs];
  progress(`pipeline: sqsdemo ${args.join(' ')} (no TTY)`);
  const child = spawnSqsdemo(args, { name: 'sqsdemo dash' });
  const t0 = Date.now();
  let lastLog = t0;
  const ticker = setInterval(() => {
    if (Date.now() - lastLog < 5_000) return;
    lastLog = Date.now();
    const lastLine = child.text.trim().split('\n').pop() ?? '';
    progress(`  dash: ${((Date.now() - t0) / 1000).toFixed(0)} s${lastLine ? `: ${lastLine.slice(0, 140)}` : ''}`);
  }, 1_000);
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    // dash stops itself after --duration and drains; give it room, then stop it.
    const deadline = setTimeout(() => void child.stop(15_000, 'SIGINT'), (seconds + 60) * 1_000);
    exit = await child.exited;
    clearTimeout(deadline);
  } finally {
    clearInterval(ticker);
    await child.stop(5_000);
  }
  const balance = parseBalance(child.text);
  if (!balance) {
    out.rows.push(row(SECTION, 'dash final balance', { sqsdemo: `could not read it (exit ${exit.code ?? exit.signal})`, target: { kind: 'exact' } }));
    out.notes.push(`Pipeline: dash's output had no final balance that the harness could read; its last lines: ${child.tail(600).replace(/\s+/g, ' ')}`);
    return;
  }
  progress(`  dash: ${balance.line}`);
  const rateIndex = args.indexOf('--rate');
  const offered = rateIndex >= 0 ? args[rateIndex + 1] : undefined;
  out.rows.push(row(SECTION, `accepted/s over ${seconds} s (load -> serve -> queue${offered ? `; ${offered} req/s offered, 1 in 24 malformed` : ''})`, { sqsdemo: `${fmtNum(balance.accepted / seconds, 0)} (${fmtInt(balance.accepted)} accepted)` }));
  out.rows.push(row(SECTION, `processed/s over ${seconds} s (queue -> work; deletes confirmed, drain included)`, { sqsdemo: `${fmtNum(balance.processed / seconds, 0)} (${fmtInt(balance.processed)} processed)` }));
  out.rows.push(row(SECTION, 'final balance: accepted = processed + dead-lettered + queued + in flight', {
    sqsdemo: `${fmtInt(balance.accepted)}${balance.before ? ` + ${fmtInt(balance.before)} before` : ''} = ${fmtInt(balance.processed)} + ${fmtInt(balance.deadLettered)} + ${fmtInt(balance.queued)} + ${fmtInt(balance.inFlight)} in flight` + (balance.missing === 0 ? '' : ` (${balance.missing > 0 ? `${balance.missing} missing` : `${-balance.missing} extra`})`),
    value: Math.abs(balance.missing), target: { kind: 'exact' },
  }));
  out.notes.push(`Pipeline: \`sqsdemo ${args.join(' ')}\` with stdout piped (no TTY), exit ${exit.code ?? exit.signal}; balance line: \`${balance.line}\`.`);
}
