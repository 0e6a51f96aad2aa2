/**
 * The reader's drain, in order, once receiving has stopped (the stop signal
 * aborted and the unstarted messages were handed back): wait for the pollers,
 * let running tasks finish (abandoning them after the drain timeout), flush
 * every delete and visibility change until none is left, stop the timers,
 * close the data log. Nothing is dropped: each message is deleted, left to
 * SQS, or handed back.
 */
import type { DataLog } from './data-log.js';
import type { Acks } from './acks.js';
import type { TaskPool } from './task-pool.js';

export interface DrainParts {
  /** Settles when every poller has ended. */
  readonly pollers: Promise<void>;
  readonly pool: TaskPool;
  readonly acks: Acks;
  readonly drainTimeoutMs: number;
  /** Timers to stop once nothing is in flight (heartbeat, stats). */
  readonly timers: ReadonlyArray<{ stop(): void }>;
  readonly dataLog?: DataLog;
  readonly warn: (message: string) => void;
}

export async function drain(p: DrainParts): Promise<void> {
  await p.pollers;
  const late = await p.pool.drain(p.drainTimeoutMs);
  if (late > 0) {
    p.warn(`${late} task(s) still running after the drain timeout (${p.drainTimeoutMs} ms); aborted them and handed their messages back`);
  }
  await p.acks.flush();
  for (const t of p.timers) t.stop();
  try {
    await p.dataLog?.close();
  } catch (err) {
    p.warn((err as Error).message);
  }
}
