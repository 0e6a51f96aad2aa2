/**
 * Response statistics of one load run: counts by outcome (status code or
 * connection error kind), by request kind, what was unexpected, latencies
 * (HDR, ms) and, for --verify, the MessageIds of the 201s.
 *
 * The expectation: a good request gets 201; a malformed one gets a 4xx.
 * Anything else (5xx, a connection error, a 201 for a malformed body) is unexpected.
 */
import { LatencyHistogram } from '../telemetry/histogram.js';
import type { OutcomeCounts } from '../telemetry/load-events.js';
import type { RequestSlot } from './payloads.js';
import { isStatus } from './sender.js';

export function isExpected(slot: RequestSlot, outcome: string): boolean {
  if (!slot.malformed) return outcome === '201';
  return outcome.length === 3 && outcome.charCodeAt(0) === 52; // "4xx"
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export function toCounts(map: ReadonlyMap<string, number>): OutcomeCounts {
  return Object.fromEntries(map);
}

export class LoadStats {
  sent = 0;
  answered = 0;
  unexpected = 0;
  readonly counts = new Map<string, number>();
  /** Request kind ('good', 'empty', 'json', ...) -> outcome -> count. */
  readonly byKind = new Map<string, Map<string, number>>();
  /** Since the start of the run (the stats events and the summary both report totals). */
  readonly latency = new LatencyHistogram();
  /** MessageIds of the 201s, when collected (--verify). */
  readonly ids: string[] = [];

  constructor(private readonly collectIds: boolean) {}

  recordSent(): void {
    this.sent++;
  }

  /** One answer (or connection error) for a request of `slot`, `latencyMs` after its scheduled time. */
  recordOutcome(slot: RequestSlot, outcome: string, latencyMs: number, id: string | undefined): void {
    this.answered++;
    bump(this.counts, outcome);
    let kind = this.byKind.get(slot.kind);
    if (kind === undefined) this.byKind.set(slot.kind, (kind = new Map()));
    bump(kind, outcome);
    if (!isExpected(slot, outcome)) this.unexpected++;
    this.latency.record(latencyMs);
    if (this.collectIds && id !== undefined && !slot.malformed) this.ids.push(id);
  }

  /** Answers that were connection errors, by kind. */
  connectionErrors(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [k, v] of this.counts) if (!isStatus(k)) out.set(k, v);
    return out;
  }

  /** Human reasons for every unexpected answer, e.g. "12 good requests got 503×10 ECONNRESET×2". */
  unexpectedReasons(): string[] {
    const reasons: string[] = [];
    for (const [kind, outcomes] of this.byKind) {
      const bad = [...outcomes].filter(([outcome]) => !isExpected(kind === 'good' ? GOOD : MALFORMED, outcome));
      if (bad.length === 0) continue;
      const n = bad.reduce((sum, [, v]) => sum + v, 0);
      const want = kind === 'good' ? '201' : 'a 4xx';
      const what = kind === 'good' ? 'good' : `malformed (${kind})`;
      reasons.push(`${n} ${what} request${n === 1 ? '' : 's'} did not get ${want}: ${bad.map(([o, v]) => `${o}×${v}`).join(' ')}`);
    }
    return reasons;
  }
}

const GOOD = { kind: 'good', malformed: false, body: Buffer.alloc(0) } as const satisfies RequestSlot;
const MALFORMED = { kind: 'empty', malformed: true, body: Buffer.alloc(0) } as const satisfies RequestSlot;
