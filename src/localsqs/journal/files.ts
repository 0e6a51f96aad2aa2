/** The files of a data dir: journal segments and snapshots, numbered so that snapshot K holds everything before segment K. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SEGMENT = /^journal-(\d{10})\.log$/;
const SNAPSHOT = /^snapshot-(\d{10})\.snap$/;

const pad = (n: number): string => String(n).padStart(10, '0');
export const segmentPath = (dir: string, n: number): string => join(dir, `journal-${pad(n)}.log`);
export const snapshotPath = (dir: string, n: number): string => join(dir, `snapshot-${pad(n)}.snap`);

export interface DirListing {
  readonly segments: number[];
  readonly snapshots: number[];
  /** Leftovers of an interrupted snapshot (*.tmp). */
  readonly temporary: string[];
}

export function listDataDir(dir: string): DirListing {
  const segments: number[] = [];
  const snapshots: number[] = [];
  const temporary: string[] = [];
  for (const name of readdirSync(dir)) {
    let m = SEGMENT.exec(name);
    if (m) segments.push(Number(m[1]));
    else if ((m = SNAPSHOT.exec(name))) snapshots.push(Number(m[1]));
    else if (name.endsWith('.tmp')) temporary.push(join(dir, name));
  }
  segments.sort((a, b) => a - b);
  snapshots.sort((a, b) => a - b);
  return { segments, snapshots, temporary };
}
