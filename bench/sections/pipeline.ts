/**
 * 4. Pipeline: `sqsdemo dash` without a TTY (it starts the endpoint, setup,
 * serve, work and load itself), 10 ms tasks: first at the issue's target
 * (5,000 req/s offered for 15 s; quick: 8 s), then a search for the highest
 * offered rate the pipeline sustains: accepted/s at least 95% of the good
 * requests offered (1 in 24 is malformed on purpose and gets a 400) with the
 * final balance exact. Extra dash flags come from --dash-args.
 */
import { type BenchOptions, type SectionOutput } from '../lib/context.js';
import { runDash, type DashRun } from '../lib/dash-run.js';
import { fmtInt, fmtNum, progress } from '../lib/log.js';
import { row } from '../lib/report.js';

const SECTION = 'Pipeline';
const TARGET_RATE = 5_000;
const TARGET_ACCEPTED = 4_500;
/** dash's load sends one malformed request in every batch of 24. */
const GOOD_SHARE = 23 / 24;
const SUSTAINED = 0.95;
/** Rates the search steps through (dash's own +/- steps around the target). */
const LADDER = [1_000, 1_500, 2_000, 3_000, 4_000, 5_000, 6_000, 7_500, 10_000];

interface Outcome {
  readonly rate: number;
  readonly acceptedPerS: number | undefined;
  readonly exact: boolean;
  readonly sustained: boolean;
  readonly run: DashRun;
}

async function at(rate: number, seconds: number, options: BenchOptions, env?: Record<string, string>): Promise<Outcome> {
  const run = await runDash(seconds, ['--rate', String(rate), '--work-ms', '10', ...options.dashArgs], 2_000, env);
  const b = run.balance;
  const acceptedPerS = b ? b.accepted / seconds : undefined;
  const exact = b !== undefined && b.missing === 0;
  const sustained = exact && acceptedPerS !== undefined && acceptedPerS >= SUSTAINED * GOOD_SHARE * rate;
  progress(`  ${fmtInt(rate)} req/s offered: ${acceptedPerS === undefined ? 'no balance' : `${fmtInt(acceptedPerS)} accepted/s`}, balance ${exact ? 'exact' : 'NOT exact'}: ${sustained ? 'sustained' : 'not sustained'}${b ? ` (${b.line})` : ''}`);
  return { rate, acceptedPerS, exact, sustained, run };
}

function balanceText(o: Outcome): string {
  const b = o.run.balance;
  if (!b) return `could not read it (exit ${o.run.exit.code ?? o.run.exit.signal})`;
  return `${fmtInt(b.accepted)}${b.before ? ` + ${fmtInt(b.before)} before` : ''} = ${fmtInt(b.processed)} + ${fmtInt(b.deadLettered)} + ${fmtInt(b.queued)} + ${fmtInt(b.inFlight)} in flight` +
    (b.missing === 0 ? '' : ` (${b.missing > 0 ? `${b.missing} missing` : `${-b.missing} extra`})`);
}

export async function benchPipeline(options: BenchOptions, out: SectionOutput): Promise<void> {
  const seconds = options.quick ? 8 : 15;
  const target = await at(TARGET_RATE, seconds, options);
  out.rows.push(row(SECTION, `accepted/s, ${fmtInt(TARGET_RATE)} req/s offered for ${seconds} s, 10 ms tasks (1 in 24 malformed)`, {
    sqsdemo: target.acceptedPerS === undefined ? 'n/a' : `${fmtInt(target.acceptedPerS)} (${fmtInt(target.run.balance!.accepted)} accepted)`,
    value: target.acceptedPerS, target: { kind: 'at-least', min: TARGET_ACCEPTED, unit: 'accepted/s' },
  }));
  out.rows.push(row(SECTION, 'final balance: accepted = processed + dead-lettered + queued + in flight', {
    sqsdemo: balanceText(target), value: target.run.balance ? Math.abs(target.run.balance.missing) : undefined, target: { kind: 'exact' },
  }));
  out.notes.push(`Pipeline: \`sqsdemo ${target.run.args.join(' ')}\` with stdout piped, exit ${target.run.exit.code ?? target.run.exit.signal}; balance line: \`${target.run.balance?.line ?? target.run.tail}\`.`);
  if (options.quick) return;

  // The search: walk the ladder up from the target while sustained, else down until sustained.
  let best: Outcome | undefined = target.sustained ? target : undefined;
  const tried = [target];
  let i = LADDER.indexOf(TARGET_RATE);
  const dir = target.sustained ? 1 : -1;
  for (let step = 0; step < 3; step++) {
    i += dir;
    const rate = LADDER[i];
    if (rate === undefined) break;
    const o = await at(rate, seconds, options);
    tried.push(o);
    if (o.sustained && (!best || o.rate > best.rate)) best = o;
    if (dir > 0 ? !o.sustained : o.sustained) break;
  }
  out.rows.push(row(SECTION, `highest sustained offered rate (accepted/s ≥ ${SUSTAINED * 100}% of good requests offered, exact balance; ${seconds} s runs)`, {
    sqsdemo: best ? `${fmtInt(best.rate)} req/s (${fmtInt(best.acceptedPerS!)} accepted/s)` : `below ${fmtInt(Math.min(...tried.map((t) => t.rate)))} req/s`,
  }));
  // The same target run with two writer and two reader processes (node:cluster), passed to dash's roles through the environment.
  const workers = { SQSDEMO_SERVE_WORKERS: '2', SQSDEMO_WORK_WORKERS: '2' };
  const two = await at(TARGET_RATE, seconds, options, workers);
  out.rows.push(row(SECTION, `accepted/s at ${fmtInt(TARGET_RATE)} req/s with serve and work --workers 2 (vs --workers 1 above)`, {
    sqsdemo: two.acceptedPerS === undefined ? 'n/a' : `${fmtInt(two.acceptedPerS)}; balance ${two.exact ? 'exact' : 'NOT exact'}`,
    value: two.acceptedPerS, baseline: target.acceptedPerS === undefined ? 'n/a' : `${fmtInt(target.acceptedPerS)} (--workers 1)`, baselineValue: target.acceptedPerS,
  }));
  out.notes.push(`Pipeline search: ${tried.map((t) => `${fmtInt(t.rate)} req/s -> ${t.acceptedPerS === undefined ? 'n/a' : fmtNum(t.acceptedPerS, 0)} accepted/s${t.exact ? '' : ' (balance not exact)'}${t.sustained ? ' sustained' : ''}`).join('; ')}.`);
}
