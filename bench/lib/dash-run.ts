/**
 * One `sqsdemo dash --no-tty` run as the benchmark sees it: its final balance
 * and, on every plain summary line, a CPU snapshot of dash and each role it
 * started (read from /proc, so no role has to cooperate).
 */
import { parseBalance, type Balance } from './balance.js';
import { progress } from './log.js';
import { spawnSqsdemo } from './procs.js';
import { childrenOf, cpuByRole } from './proc-tree.js';
import { listeningPorts } from './listen-port.js';
import { fetchCallCounts, type CallCounts } from './sqs-calls.js';

export interface Snapshot {
  /** dash's elapsed seconds on the summary line. */
  readonly at: number;
  /** serve's accepted count on that line. */
  readonly enqueued: number;
  /** CPU seconds so far, by role (and `dash`). */
  readonly cpu: ReadonlyMap<string, number>;
  /** The local endpoint's SQS requests by action at about that time (undefined: no local endpoint, or it did not answer). */
  readonly calls: Promise<CallCounts | undefined>;
}

export interface DashRun {
  readonly args: readonly string[];
  readonly exit: { code: number | null; signal: NodeJS.Signals | null };
  readonly balance: Balance | undefined;
  readonly snapshots: readonly Snapshot[];
  /** Snapshots taken while the load ran (after start-up, before the stop). */
  readonly steady: readonly Snapshot[];
  readonly tail: string;
}

const SUMMARY = /^dash ([\d.]+)s \|.*\| serve enqueued (\d+)/;

/** Run dash without a TTY for `seconds` with `extra` flags; a summary line every `summaryMs`. */
export async function runDash(seconds: number, extra: readonly string[], summaryMs = 1_000, env?: Record<string, string>): Promise<DashRun> {
  const args = ['dash', '--no-tty', '--duration', `${seconds}s`, '--summary-every', `${summaryMs}ms`, ...extra];
  progress(`  ${env ? `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} ` : ''}sqsdemo ${args.join(' ')}`);
  const child = spawnSqsdemo(args, { name: 'sqsdemo dash', ...(env ? { env } : {}) });
  const snapshots: Snapshot[] = [];
  let stoppingAt: number | undefined;
  let seen = 0;
  let lastLog = Date.now();
  const poll = setInterval(() => {
    const lines = child.text.split('\n');
    if (stoppingAt === undefined && lines.some((l) => l.startsWith('dash: stopping'))) stoppingAt = snapshots.length;
    const summaries = lines.map((l) => SUMMARY.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    const newest = summaries[summaries.length - 1];
    if (!newest) return;
    const at = Number(newest[1]);
    if (at === seen || child.child.pid === undefined) return;
    seen = at;
    snapshots.push({ at, enqueued: Number(newest[2]), cpu: cpuByRole(child.child.pid, 'dash'), calls: endpointCalls(child.child.pid) });
    if (Date.now() - lastLog >= 5_000) {
      lastLog = Date.now();
      progress(`    ${newest[0].slice(0, 140)}`);
    }
  }, 50);
  let exit: DashRun['exit'];
  try {
    const deadline = setTimeout(() => void child.stop(15_000, 'SIGINT'), (seconds + 90) * 1_000);
    exit = await child.exited;
    clearTimeout(deadline);
  } finally {
    clearInterval(poll);
    await child.stop(5_000);
  }
  // Steady state: skip the first two lines (load starting), stop before the stop began.
  const end = stoppingAt ?? snapshots.length;
  const steady = snapshots.slice(Math.min(2, Math.max(0, end - 2)), end);
  return { args, exit, balance: parseBalance(child.text), snapshots, steady, tail: child.tail(600).replace(/\s+/g, ' ') };
}

/** The requests counted so far by the endpoint dash started (its `sqs` child), from its /metrics. */
function endpointCalls(dashPid: number): Promise<CallCounts | undefined> {
  const sqs = childrenOf(dashPid).find((c) => c.role === 'sqs');
  const port = sqs ? listeningPorts(sqs.pid)[0] : undefined;
  return port === undefined ? Promise.resolve(undefined) : fetchCallCounts(port);
}
