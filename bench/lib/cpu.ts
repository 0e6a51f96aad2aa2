/** CPU use of child processes, from /proc (Linux): who was the limit in a window. */
import { readFileSync } from 'node:fs';

/** CPU seconds (user + system) a process has used so far; undefined where /proc is missing. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s on Linux)
  } catch {
    return undefined;
  }
}

/** Start measuring; the returned function gives the share of one core used since (0.5 = half a core). */
export function cpuMeter(pid: number | undefined): () => number | undefined {
  const start = cpuSeconds(pid);
  const t0 = performance.now();
  return () => {
    const end = cpuSeconds(pid);
    const wall = (performance.now() - t0) / 1000;
    return start === undefined || end === undefined || wall <= 0 ? undefined : (end - start) / wall;
  };
}

export function pctText(share: number | undefined): string {
  return share === undefined ? 'n/a' : `${Math.round(share * 100)}%`;
}
