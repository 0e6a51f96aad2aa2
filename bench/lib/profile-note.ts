/** Turn a finished child's CPU profiles into one note line. */
import { relative } from 'node:path';
import { describeHot, profilesIn, topSelfTime } from './cpuprofile.js';
import { progress } from './log.js';
import { ROOT } from './procs.js';

/**
 * `dir` holds one profile per thread; the busiest one in the window is the
 * main thread's. `window`: epoch ms of the measurement and the child's spawn
 * time, so only the measured stretch counts (a profile starts with its process).
 */
export function profileNote(label: string, dir: string | undefined, window?: { spawnedAt: number; from: number; to: number }): string | undefined {
  if (dir === undefined) return undefined;
  const range = window ? { fromMs: window.from - window.spawnedAt, toMs: window.to - window.spawnedAt } : undefined;
  const candidates = profilesIn(dir).map((path) => ({ path, ...topSelfTime(path, 5, range) }));
  const best = candidates.sort((a, b) => b.busyMs - a.busyMs)[0];
  if (!best) {
    progress(`  no CPU profile in ${dir} (the child did not exit cleanly?)`);
    return `CPU profile of ${label}: not written (the process did not exit cleanly).`;
  }
  const line = `CPU profile of ${label} (top 5 self time${range ? ` in the measured window, ${best.busyMs.toFixed(0)} ms busy` : ''}; ${relative(ROOT, best.path)}): ${describeHot(best.top)}`;
  progress(`  ${line}`);
  return line;
}
