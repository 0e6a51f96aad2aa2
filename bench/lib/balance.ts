/**
 * Reading dash's final balance (accepted = processed + dead-lettered + still
 * queued) from its output without a TTY. Prefers a JSON event carrying the
 * counts; otherwise reads the last line of text that names them.
 */
import type { JsonEvent } from './procs.js';

export interface Balance {
  readonly accepted: number;
  readonly processed: number;
  readonly deadLettered: number;
  readonly queued: number;
  /** accepted - (processed + deadLettered + queued): 0 when exact. */
  readonly missing: number;
  readonly source: string;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function fromObject(o: Record<string, unknown>, source: string): Balance | undefined {
  const b = (typeof o.balance === 'object' && o.balance !== null ? o.balance : o) as Record<string, unknown>;
  const accepted = num(b.accepted);
  const processed = num(b.processed);
  const deadLettered = num(b.deadLettered) ?? num(b.deadlettered) ?? num(b.dlq) ?? num(b.dead);
  const queued = num(b.queued) ?? num(b.stillQueued) ?? num(b.inQueue);
  if (accepted === undefined || processed === undefined || deadLettered === undefined || queued === undefined) return undefined;
  return { accepted, processed, deadLettered, queued, missing: accepted - processed - deadLettered - queued, source };
}

const LABELS: Record<'accepted' | 'processed' | 'deadLettered' | 'queued', RegExp> = {
  accepted: /accepted\D{0,20}?([\d][\d,_]*)/i,
  processed: /processed\D{0,20}?([\d][\d,_]*)/i,
  deadLettered: /dead[- ]?letter(?:ed)?\D{0,20}?([\d][\d,_]*)/i,
  queued: /(?:still )?queued\D{0,20}?([\d][\d,_]*)/i,
};

function fromText(text: string): Balance | undefined {
  const lines = text.split('\n').reverse();
  for (const line of lines) {
    const values: Partial<Record<keyof typeof LABELS, number>> = {};
    for (const [key, re] of Object.entries(LABELS) as [keyof typeof LABELS, RegExp][]) {
      const m = re.exec(line);
      if (m) values[key] = Number(m[1]!.replace(/[,_]/g, ''));
    }
    if (values.accepted !== undefined && values.processed !== undefined && values.deadLettered !== undefined && values.queued !== undefined) {
      const { accepted, processed, deadLettered, queued } = values as Required<typeof values>;
      return { accepted, processed, deadLettered, queued, missing: accepted - processed - deadLettered - queued, source: `text: "${line.trim().slice(0, 160)}"` };
    }
  }
  return undefined;
}

export function parseBalance(events: readonly JsonEvent[], text: string): Balance | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const b = fromObject(events[i]!, `event ${String(events[i]!.type)}`);
    if (b) return b;
  }
  return fromText(text);
}
