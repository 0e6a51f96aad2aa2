/**
 * What the reader is told. Defaults and why:
 *
 * - concurrency 200: tasks run at once. Throughput is at most
 *   concurrency / task time: 200 slots x 100 ms = 2 000 msg/s, about 25x the
 *   original's shape (3 x 10 messages per ~120 ms cycle, and what bbc's
 *   sqs-consumer with batch 10 does). At that rate one Node process makes
 *   ~200 ReceiveMessage + ~200 DeleteMessageBatch calls/s, which a local
 *   endpoint and the SDK sustain on a 2-core box; more slots mostly add
 *   event-loop lag, and lag eats into the visibility timeout.
 * - prefetch = min(concurrency, 10 x pollers): messages received ahead of a
 *   free slot, so a finishing task is replaced without a receive round trip.
 *   A prefetched message waits about prefetch / concurrency x task time
 *   (40 / 200 x 100 ms = 20 ms) — far inside a 5 s visibility timeout. The
 *   bound that matters: messages held never exceed concurrency + prefetch,
 *   all of which start within that wait; anything held longer than half the
 *   visibility timeout gets it extended (heartbeat), so even slow tasks keep it.
 * - pollers 4: receives in flight at once. Keeping 200 slots fed at 100 ms
 *   tasks takes ~200 receives/s; 4 pollers at a few ms per local round trip
 *   have ample headroom, and while idle they cost 4 long polls per wait.
 * - wait 20 s on AWS (fewer empty receives: cheaper), 2 s elsewhere (the
 *   original's value; idle local endpoints cost nothing).
 * - receive linger 10 ms (0 with --aws): after a partly full answer a poller
 *   waits this long before its next receive, and only one poller receives
 *   until answers come back full (receive-pacing.ts). On virtual time
 *   (bench/drivers/receive-fill.ts) at 1,500 msg/s in send batches of 5 that
 *   is 0.133 receives per delivery instead of 0.242, for ~11 ms more at p99;
 *   5 ms gathers almost as much at 1,500 (0.140) but little at 500 msg/s
 *   (0.218 vs 0.177); 20 ms gathers more at 500 msg/s (0.146) but barely
 *   more at 1,500 (0.129), for twice the wait. Against AWS answers can be partly full with a backlog
 *   behind them, so there pacing is off unless asked for.
 * - delete linger 20 ms: at speed a batch of 10 fills long before; idle, a
 *   delete waits 20 ms, which nobody notices.
 */
export interface ReaderConfig {
  /** Receive loops running at once (1-64). */
  readonly pollers: number;
  /** Tasks running at once (1-10 000). */
  readonly concurrency: number;
  /** Messages received ahead of a free task slot (0-10 000). */
  readonly prefetch: number;
  /** ReceiveMessage WaitTimeSeconds (0-20). */
  readonly waitSeconds: number;
  /** After a partly full receive, wait this long (ms) before the next one; 0: no receive pacing (receive-pacing.ts). */
  readonly receiveLingerMs: number;
  /** On failure, make the message visible again after this long (ms, whole seconds used); undefined = leave it to the visibility timeout. */
  readonly retryDelayMs: number | undefined;
  /** At stop, wait this long (ms) for running tasks; then abort them and hand their messages back. */
  readonly drainTimeoutMs: number;
  /** Wait at most this long (ms) for a delete batch to fill. */
  readonly deleteLingerMs: number;
  /** Emit a stats event this often (ms). */
  readonly statsIntervalMs: number;
}

export const DEFAULT_CONCURRENCY = 200;
export const DEFAULT_POLLERS = 4;
export const DEFAULT_DELETE_LINGER_MS = 20;
/** Receive linger on non-AWS endpoints (`--aws`: 0). */
export const DEFAULT_RECEIVE_LINGER_MS = 10;

export function defaultPrefetch(concurrency: number, pollers: number): number {
  return Math.min(concurrency, 10 * pollers);
}

/** Seconds for ChangeMessageVisibility from a duration in ms (SQS takes whole seconds, 0-43 200). */
export function toVisibilitySeconds(ms: number): number {
  return Math.min(43_200, Math.max(0, Math.round(ms / 1000)));
}
