/**
 * `sqsdemo sqs --data-dir`: a store that survives kill -9. Opening locks the
 * directory, recovers the last snapshot plus the journal after it, restores the
 * queues and messages (timers continue from the recorded times), and records
 * every later change in a new journal segment. When a segment grows past
 * `compactBytes` (or the last snapshot's size, whichever is larger), a new
 * snapshot is written in the background and the segments and snapshot it
 * replaces are deleted, so the directory stays about the size of the state.
 */
import { mkdirSync, unlinkSync } from 'node:fs';
import { ExitCode, SqsdemoError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import type { EndpointLimits } from '../limits.js';
import { QueueStore } from '../store.js';
import { listDataDir, segmentPath, snapshotPath } from './files.js';
import { restoreStore } from './image.js';
import { lockDataDir, type DirLock } from './lock.js';
import { recover, type Recovery } from './recover.js';
import { collect, syncDir, writeSnapshot, type Collected } from './snapshot.js';
import { JournalWriter, type FsyncMode } from './writer.js';

export const DEFAULT_COMPACT_BYTES = 64 * 1_048_576;

export interface DataDirOptions {
  readonly dir: string;
  readonly fsync: FsyncMode;
  readonly clock: Clock;
  readonly limits: EndpointLimits;
  readonly region?: string;
  /** Journal bytes after which a snapshot is written (default 64 MiB; at least the last snapshot's size). */
  readonly compactBytes?: number;
  /** Something went wrong in the background (a snapshot failed); the endpoint keeps serving. */
  readonly onWarn?: (message: string) => void;
  /** A write to the journal failed: requests that changed something now fail. */
  readonly onError?: (err: Error) => void;
}

export interface DataDir {
  readonly store: QueueStore;
  readonly recovery: Recovery;
  /** The pid whose stale lock was taken over, if any. */
  readonly tookOverFrom: number | undefined;
  /** Write a snapshot now (also what compaction does); resolves when it is on disk. */
  snapshot(): Promise<void>;
  /** Snapshots written since open. */
  readonly snapshots: number;
  /** Write and fsync the journal, stop a running snapshot, release the lock. */
  close(): Promise<void>;
}

export async function openDataDir(options: DataDirOptions): Promise<DataDir> {
  const { dir } = options;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new SqsdemoError(`cannot use data dir ${dir}: ${(err as Error).message}`, 'E_DATA_DIR', ExitCode.Usage, 'give --data-dir a directory this user can create and write', { cause: err });
  }
  let lock: DirLock;
  try {
    lock = lockDataDir(dir);
  } catch (err) {
    if (err instanceof SqsdemoError) throw err;
    throw new SqsdemoError(`cannot lock data dir ${dir}: ${(err as Error).message}`, 'E_DATA_DIR', ExitCode.Usage, 'give --data-dir a directory this user can write', { cause: err });
  }
  try {
    return await open(options, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function open(options: DataDirOptions, lock: DirLock): Promise<DataDir> {
  const { dir } = options;
  const recovery = recover(dir);
  let segment = recovery.nextSegment;
  const minCompact = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
  let threshold = Math.max(minCompact, 0);
  let running: Promise<void> | undefined;
  let closing = false;
  let snapshots = 0;

  const writer = new JournalWriter(segmentPath(dir, segment), {
    fsync: options.fsync,
    clock: options.clock,
    onWritten: (bytes) => {
      if (bytes >= threshold && running === undefined && !closing) void snapshot();
    },
    onError: (err) => options.onError?.(err),
  });
  syncDir(dir);
  const store = new QueueStore({ clock: options.clock, limits: options.limits, journal: writer, ...(options.region ? { region: options.region } : {}) });
  restoreStore(store, recovery.image);

  function snapshot(): Promise<void> {
    if (running !== undefined) return running;
    running = (async () => {
      const k = segment + 1;
      let collected: Collected | undefined;
      try {
        await writer.rotate(segmentPath(dir, k), () => {
          segment = k;
          collected = collect(store);
        });
        syncDir(dir);
        const result = await writeSnapshot(dir, k, collected!, () => closing);
        if (result === undefined) return;
        snapshots += 1;
        threshold = Math.max(minCompact, result.bytes);
        // Everything before segment k is in the snapshot now.
        const listing = listDataDir(dir);
        for (const n of listing.segments) if (n < k) unlinkSync(segmentPath(dir, n));
        for (const n of listing.snapshots) if (n < k) unlinkSync(snapshotPath(dir, n));
        syncDir(dir);
      } catch (err) {
        threshold *= 2; // try again later, not on every write
        options.onWarn?.(`snapshot ${k} failed (the journal keeps every change): ${(err as Error).message}`);
      }
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  // A long journal replayed at start: compact it now so the next start is quick.
  if (recovery.journalBytes >= threshold) void snapshot();

  return {
    store,
    recovery,
    tookOverFrom: lock.tookOverFrom,
    snapshot,
    get snapshots() {
      return snapshots;
    },
    async close() {
      closing = true;
      try {
        await running;
        await writer.close();
      } finally {
        lock.release();
      }
    },
  };
}
