/**
 * One process per data dir: a LOCK file holding the owner's pid, created
 * exclusively. A lock left by a process that is gone (kill -9, power cut) is
 * taken over; one held by a live process is a clear error (exit 5, like a taken port).
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, SqsdemoError } from '../../errors.js';

export const LOCK_FILE = 'LOCK';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DirLock {
  /** The pid of a dead owner whose lock was taken over, if any. */
  readonly tookOverFrom: number | undefined;
  release(): void;
}

/** Lock files this process holds (its own pid in a lock is ours only if listed here). */
const held = new Set<string>();

export function lockDataDir(dir: string): DirLock {
  const path = join(dir, LOCK_FILE);
  if (held.has(path)) {
    throw new SqsdemoError(`data dir ${dir} is in use by process ${process.pid} (this one)`, 'E_DATA_DIR_LOCKED', ExitCode.CannotListen, 'use another --data-dir');
  }
  let tookOverFrom: number | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
    }
    let owner = NaN;
    try {
      owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      continue; // gone meanwhile: try again
    }
    // Our own pid not held here: a previous process that had the same pid (pid 1 in a container).
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new SqsdemoError(
        `data dir ${dir} is in use by process ${owner}`,
        'E_DATA_DIR_LOCKED',
        ExitCode.CannotListen,
        `stop that sqsdemo sqs first, or use another --data-dir (if no such process runs, delete ${path})`,
      );
    }
    tookOverFrom = Number.isInteger(owner) ? owner : undefined;
    try {
      unlinkSync(path);
    } catch {
      // another process took it over first: the next attempt sees its pid
    }
  }
  held.add(path);
  return {
    tookOverFrom,
    release() {
      held.delete(path);
      try {
        if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
