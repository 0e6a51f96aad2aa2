/**
 * The load generator: decides when each request is sent.
 *
 * Closed loop (rate undefined): keep `concurrency` requests in flight; a new one
 * leaves as soon as an answer comes back. Latency is measured from the send.
 *
 * Open loop (rate R): request k is due at origin + k * 1000/R ms, whatever the
 * server does. At most `concurrency` are on the wire; a due request that cannot
 * leave yet waits in a backlog, and its latency is still measured from its
 * scheduled time, so a slow server cannot hide behind the client waiting for
 * it (coordinated omission). A rate change or a resume restarts the schedule
 * from now (the backlog is dropped, not sent in a burst).
 *
 * Stopping (limit, deadline or stop()) ends sending; `finished` resolves when
 * every request sent has its answer (or its timeout).
 */
import type { Clock, Timer } from '../util/clock.js';
import type { PayloadPlan, RequestSlot } from './payloads.js';

/** A plan that may hold requests back (load --groups: one request in flight per group). */
interface GatedPlan extends PayloadPlan {
  ready?(): boolean;
  done?(slot: RequestSlot): void;
}
import type { Sender } from './sender.js';
import type { LoadStats } from './stats.js';

export interface GeneratorOptions {
  readonly concurrency: number;
  /** Requests/s (open loop); undefined = closed loop. */
  readonly rate: number | undefined;
  readonly durationMs: number | undefined;
  readonly requests: number | undefined;
}

export interface GeneratorDeps {
  readonly plan: GatedPlan;
  readonly sender: Sender;
  /** The schedule and latencies are on its monotonic() time. */
  readonly clock: Clock;
  readonly stats: LoadStats;
  /** Called after each answer has been recorded. */
  readonly onAnswer?: () => void;
}

export interface LoadGenerator {
  start(): void;
  /** Resolves once sending has ended and every request sent was answered. */
  readonly finished: Promise<void>;
  /** Stop sending; in-flight requests still get their answers. Idempotent. */
  stop(): void;
  pause(): void;
  resume(): void;
  /** Switch to (or retune) the open loop at `rate` requests/s, from now. */
  setRate(rate: number): void;
  readonly paused: boolean;
  readonly rate: number | undefined;
  readonly inFlight: number;
  /** Requests due by the schedule but not sent yet (open loop; 0 in closed loop). */
  backlog(): number;
  /** Open loop: requests that were due but never sent when sending ended (the client fell behind). */
  readonly unsentAtEnd: number;
  /** Why sending ended: 'requests', 'duration', 'stopped', or undefined while running. */
  readonly endReason: 'requests' | 'duration' | 'stopped' | undefined;
}

export function createLoadGenerator(options: GeneratorOptions, deps: GeneratorDeps): LoadGenerator {
  const { plan, sender, clock, stats } = deps;
  const { concurrency, requests } = options;
  let rate = options.rate;
  let issued = 0;
  let inFlight = 0;
  let paused = false;
  let started = false;
  let endReason: LoadGenerator['endReason'];
  let unsentAtEnd = 0;
  let deadline = Infinity;
  // Open-loop schedule: request k (since the origin) is due at origin + k * intervalMs.
  let origin = 0;
  let k = 0;
  let tick: Timer | undefined;
  let deadlineTimer: Timer | undefined;
  let pumping = false;
  let again = false;
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));

  const intervalMs = (): number => 1000 / rate!;
  const due = (): number => origin + k * intervalMs();

  function endSending(reason: NonNullable<LoadGenerator['endReason']>): void {
    if (endReason !== undefined) return;
    unsentAtEnd = backlog();
    endReason = reason;
    tick?.cancel();
    tick = undefined;
    deadlineTimer?.cancel();
    deadlineTimer = undefined;
    maybeFinish();
  }

  function maybeFinish(): void {
    if (endReason !== undefined && inFlight === 0) resolveFinished();
  }

  function issue(scheduledAt: number): void {
    const slot = plan.slotFor(issued++);
    inFlight++;
    stats.recordSent();
    sender.send(slot, (outcome, id) => {
      inFlight--;
      plan.done?.(slot);
      stats.recordOutcome(slot, outcome, clock.monotonic() - scheduledAt, id);
      deps.onAnswer?.();
      if (endReason !== undefined) maybeFinish();
      else pump();
    });
    if (requests !== undefined && issued >= requests) endSending('requests');
  }

  function pump(): void {
    if (pumping) {
      again = true; // an answer arrived synchronously while sending: loop once more
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        pumpOnce();
      } while (again);
    } finally {
      pumping = false;
    }
  }

  function pumpOnce(): void {
    if (!started || paused || endReason !== undefined) return;
    if (rate === undefined) {
      while (inFlight < concurrency && endReason === undefined && (plan.ready?.() ?? true)) issue(clock.monotonic());
      return;
    }
    const now = clock.monotonic();
    while (inFlight < concurrency && endReason === undefined) {
      const at = due();
      if (at >= deadline) return endSending('duration');
      if (at > now) break;
      if (plan.ready?.() === false) break; // every group has a request in flight: it waits in the backlog
      k++;
      issue(at);
    }
    if (endReason === undefined && tick === undefined) {
      const at = due();
      if (at > now) {
        tick = clock.setTimer(() => {
          tick = undefined;
          pump();
        }, at - now);
      }
    }
  }

  function backlog(): number {
    if (rate === undefined || paused || endReason !== undefined || !started) return 0;
    const now = clock.monotonic();
    // How many schedule slots since the origin are due: up to now, or before the deadline once it has passed.
    const dueCount = now < deadline ? Math.floor((now - origin) / intervalMs()) + 1 : Math.ceil((deadline - origin) / intervalMs());
    const left = requests === undefined ? Infinity : requests - issued;
    return Math.max(0, Math.min(dueCount - k, left));
  }

  function restartSchedule(): void {
    tick?.cancel();
    tick = undefined;
    origin = clock.monotonic();
    k = 0;
  }

  return {
    start() {
      if (started) return;
      started = true;
      const now = clock.monotonic();
      origin = now;
      if (options.durationMs !== undefined) {
        deadline = now + options.durationMs;
        deadlineTimer = clock.setTimer(() => endSending('duration'), options.durationMs);
      }
      pump();
    },
    finished,
    stop() {
      endSending('stopped');
    },
    pause() {
      if (paused) return;
      paused = true;
      tick?.cancel();
      tick = undefined;
    },
    resume() {
      if (!paused) return;
      paused = false;
      restartSchedule();
      pump();
    },
    setRate(r) {
      rate = r;
      restartSchedule();
      pump();
    },
    get paused() {
      return paused;
    },
    get rate() {
      return rate;
    },
    get inFlight() {
      return inFlight;
    },
    backlog,
    get unsentAtEnd() {
      return unsentAtEnd;
    },
    get endReason() {
      return endReason;
    },
  };
}
