/**
 * Visibility heartbeat: a message held longer than half the queue's
 * visibility timeout (slow task, or a long wait for a slot) gets its
 * visibility extended to a full timeout again, so no other reader receives
 * it while this one still works on it. Ticks every quarter timeout
 * (100 ms - 5 s) on the injected clock, so an extension always lands before
 * the message expires.
 */
import { every, type Clock } from '../util/clock.js';
import type { Held } from './flow.js';

export interface HeartbeatOptions {
  readonly held: () => Iterable<Held>;
  /** The queue's visibility timeout, ms (> 0). */
  readonly visibilityMs: number;
  readonly clock: Clock;
  /** Extend one message's visibility by `visibilityMs` from now; resolve true when SQS confirmed. */
  readonly extend: (held: Held) => Promise<boolean>;
}

export function heartbeatTickMs(visibilityMs: number): number {
  return Math.min(5_000, Math.max(100, Math.floor(visibilityMs / 4)));
}

export function startHeartbeat(options: HeartbeatOptions): { stop(): void } {
  const { visibilityMs, clock } = options;
  const timer = every(clock, heartbeatTickMs(visibilityMs), () => {
    const now = clock.now();
    for (const h of options.held()) {
      if (h.extending || h.visibleUntil - now > visibilityMs / 2) continue;
      h.extending = true;
      void options.extend(h).then((ok) => {
        h.extending = false;
        if (ok) h.visibleUntil = now + visibilityMs;
      });
    }
  });
  return { stop: () => timer.cancel() };
}
