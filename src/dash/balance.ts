/**
 * The balance that shows nothing is lost:
 *
 *   accepted (201s from serve) + already there at start
 *     = processed (deletes SQS confirmed) + dead-lettered + still queued (visible, in flight, delayed)
 *
 * "Already there" is the queues' content when dash started (an endpoint that
 * ran before, or real AWS); on a fresh local endpoint it is 0. While the
 * pipeline runs the parts come from different moments and `missing` wobbles;
 * after the pipeline stopped (serve and work drained) it must be exactly 0.
 */
import type { DashState, QueueCounts, QueueDepth } from './state.js';

export interface Balance {
  readonly accepted: number;
  /** Messages in both queues when dash started. */
  readonly before: number;
  readonly processed: number;
  readonly deadLettered: number;
  /** Main queue: visible + delayed. */
  readonly queued: number;
  /** Main queue: received and not yet deleted or made visible again. */
  readonly inFlight: number;
  /** accepted + before - (processed + deadLettered + queued + inFlight); 0 when the balance holds. */
  readonly missing: number;
  /** False until serve, work and a queue poll have all reported. */
  readonly known: boolean;
  /** True when serve's and work's numbers are final (both stopped). */
  readonly final: boolean;
}

export function total(q: QueueCounts): number {
  return q.visible + q.inFlight + q.delayed;
}

function depthTotal(d: QueueDepth | undefined): number {
  return d === undefined ? 0 : total(d.main) + total(d.dlq);
}

export function computeBalance(state: DashState): Balance {
  const accepted = state.serve?.enqueued ?? 0;
  const processed = state.work?.deleted ?? 0;
  const before = depthTotal(state.baseline);
  const q = state.queues;
  const deadLettered = q ? total(q.dlq) : 0;
  const queued = q ? q.main.visible + q.main.delayed : 0;
  const inFlight = q ? q.main.inFlight : 0;
  const missing = accepted + before - (processed + deadLettered + queued + inFlight);
  return {
    accepted, before, processed, deadLettered, queued, inFlight, missing,
    known: state.serve !== undefined && q !== undefined,
    final: state.serve?.final === true && (state.work?.final === true || state.work === undefined),
  };
}

/** One line: `accepted 760 = processed 700 + dead-lettered 5 + queued 3 + in flight 52  ✓ holds`. */
export function formatBalance(b: Balance, options: { unicode?: boolean } = {}): string {
  const ok = options.unicode === false ? 'OK' : '✓';
  const bad = options.unicode === false ? 'MISMATCH' : '✗';
  const left = b.before > 0 ? `accepted ${b.accepted} + ${b.before} there before` : `accepted ${b.accepted}`;
  const right = `processed ${b.processed} + dead-lettered ${b.deadLettered} + queued ${b.queued} + in flight ${b.inFlight}`;
  if (!b.known) return `${left} = ${right}  (waiting for numbers)`;
  if (b.missing === 0) return `${left} = ${right}  ${ok} holds`;
  const what = b.missing > 0 ? `${b.missing} missing` : `${-b.missing} extra`;
  return b.final ? `${left} ≠ ${right}  ${bad} ${what}` : `${left} ~ ${right}  (${what} in transit)`;
}
