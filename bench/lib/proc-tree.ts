/**
 * The processes a supervisor started (Linux /proc): dash's roles, with the
 * role each one runs, so the harness can read each role's CPU time without
 * the role's cooperation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from './cpu.js';

export interface ChildProc {
  readonly pid: number;
  /** The sqsdemo subcommand it runs (`serve`, `work`, ...), or its command line when it is not a role. */
  readonly role: string;
}

const ROLES = new Set(['sqs', 'setup', 'serve', 'work', 'load', 'dash']);

/** Direct children of `parent`, with the sqsdemo role each runs. Empty where /proc is missing. */
export function childrenOf(parent: number): ChildProc[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ChildProc[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      out.push({ pid: Number(name), role: argv.find((a) => ROLES.has(a)) ?? argv.join(' ').trim() });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU seconds so far of `pid` and of each of its direct children, by role (children of one role summed). */
export function cpuByRole(pid: number, selfName: string): Map<string, number> {
  const out = new Map<string, number>();
  const own = cpuSeconds(pid);
  if (own !== undefined) out.set(selfName, own);
  for (const c of childrenOf(pid)) {
    const s = cpuSeconds(c.pid);
    if (s === undefined) continue;
    // A role run with --workers N: its workers are its children; count them with it.
    let total = s;
    for (const w of childrenOf(c.pid)) total += cpuSeconds(w.pid) ?? 0;
    out.set(c.role, (out.get(c.role) ?? 0) + total);
  }
  return out;
}

/** Like cpuMeter (cpu.ts), for a process and its direct children (a role run with --workers N). */
export function treeCpuMeter(pid: number | undefined): () => number | undefined {
  const total = (): number | undefined => {
    if (pid === undefined) return undefined;
    const own = cpuSeconds(pid);
    return own === undefined ? undefined : childrenOf(pid).reduce((sum, c) => sum + (cpuSeconds(c.pid) ?? 0), own);
  };
  const start = total();
  const t0 = performance.now();
  return () => {
    const end = total();
    const wall = (performance.now() - t0) / 1000;
    return start === undefined || end === undefined || wall <= 0 ? undefined : (end - start) / wall;
  };
}
