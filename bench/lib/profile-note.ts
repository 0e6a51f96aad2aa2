/** Turn a finished child's CPU profile into one note line. */
import { existsSync } from 'node:fs';
import { describeHot, topSelfTime } from './cpuprofile.js';
import { progress } from './log.js';

export function profileNote(label: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  if (!existsSync(path)) {
    progress(`  no CPU profile at ${path} (the child did not exit cleanly?)`);
    return `CPU profile of ${label}: not written (the process did not exit cleanly).`;
  }
  const line = `CPU profile of ${label} (top self time; ${path}): ${describeHot(topSelfTime(path))}`;
  progress(`  ${line}`);
  return line;
}
