/**
 * What happens to a message once its task ended. Passed: its data-log line is
 * kept, then it is deleted (the delete batch writes the line first). Failed:
 * its line is kept and the message is left to SQS, which delivers it again
 * after the visibility timeout (or after `retryDelayMs`, by changing its
 * visibility) and dead-letters it after maxReceiveCount receives. Abandoned at
 * the drain timeout, or never started at stop: handed back, visible at once.
 */
import type { Clock } from '../util/clock.js';
import type { Acks } from './acks.js';
import { toVisibilitySeconds } from './config.js';
import type { DataLog } from './data-log.js';
import type { Held } from './flow.js';
import type { ReaderMessage } from './message.js';
import type { RecentIds } from './recent-ids.js';
import type { ReaderStats } from './stats.js';
import type { TaskOutcome } from './task-pool.js';

export interface OutcomesOptions {
  readonly stats: ReaderStats;
  readonly acks: Acks;
  readonly clock: Clock;
  readonly dataLog?: DataLog;
  /** Message ids already deleted (to count each message once). */
  readonly deletedIds: RecentIds;
  /** On failure, make the message visible again after this long (ms); undefined = the visibility timeout. */
  readonly retryDelayMs: number | undefined;
}

export class Outcomes {
  constructor(private readonly o: OutcomesOptions) {}

  /** Settle a finished task's message; resolves once SQS answered (or gave up). */
  async taskDone(h: Held, outcome: TaskOutcome): Promise<void> {
    const { stats, acks, dataLog, clock } = this.o;
    const m = h.message;
    if (outcome === 'abandoned') return this.handBack([m]); // not a failure: nobody finished it
    const now = clock.now();
    const ok = outcome === 'pass';
    stats.onHandled(ok, m.receiveCount, m.sentTimestamp > 0 ? now - m.sentTimestamp : 0);
    dataLog?.record(now, m, ok);
    if (ok && m.groupId !== undefined && m.sequenceNumber !== undefined) stats.onGroupPassed(m.groupId, m.sequenceNumber);
    if (ok) {
      const answer = await acks.delete(m);
      if (!answer.ok) stats.deleteFailed += 1;
      else if (this.o.deletedIds.add(m.messageId)) stats.deleted += 1;
      else stats.duplicates += 1;
    } else if (this.o.retryDelayMs !== undefined) {
      await acks.changeVisibility(m, toVisibilitySeconds(this.o.retryDelayMs));
    }
  }

  /** Make messages visible again at once (never started, or abandoned). */
  handBack(messages: readonly ReaderMessage[]): void {
    for (const m of messages) {
      this.o.stats.returned += 1;
      void this.o.acks.changeVisibility(m, 0);
    }
  }
}
