/**
 * Reading dash's final balance from its output without a TTY. dash prints
 * (src/dash/balance.ts formatBalance, plain mode):
 *
 *   balance: accepted 760 [+ 3 there before] = processed 700 + dead-lettered 5 + queued 3 + in flight 52  OK holds
 *
 * The harness recomputes the difference itself rather than trusting the verdict.
 */
import type { Balance as DashBalance } from '../../src/dash/balance.js';

/** The numbers of dash's balance line, plus the line they were read from. */
export interface Balance extends Omit<DashBalance, 'known' | 'final'> {
  /** The line it was read from. */
  readonly line: string;
}

const FIELD = {
  accepted: /\baccepted (\d+)/,
  before: /\+ (\d+) there before/,
  processed: /\bprocessed (\d+)/,
  deadLettered: /\bdead-lettered (\d+)/,
  queued: /\bqueued (\d+)/,
  inFlight: /\bin flight (\d+)/,
} as const;

/** The last `balance:` line of `text`, parsed; undefined when there is none with every number. */
export function parseBalance(text: string): Balance | undefined {
  const lines = text.split('\n').filter((l) => /^\s*balance:/.test(l));
  const line = lines[lines.length - 1];
  if (line === undefined) return undefined;
  const get = (re: RegExp): number | undefined => {
    const m = re.exec(line);
    return m ? Number(m[1]) : undefined;
  };
  const accepted = get(FIELD.accepted);
  const processed = get(FIELD.processed);
  const deadLettered = get(FIELD.deadLettered);
  const queued = get(FIELD.queued);
  const inFlight = get(FIELD.inFlight) ?? 0;
  const before = get(FIELD.before) ?? 0;
  if (accepted === undefined || processed === undefined || deadLettered === undefined || queued === undefined) return undefined;
  return { accepted, before, processed, deadLettered, queued, inFlight, missing: accepted + before - (processed + deadLettered + queued + inFlight), line: line.trim() };
}
