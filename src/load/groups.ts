/**
 * `load --groups N`: every good body goes to one of N message groups with a
 * sequence number per group, `{"body":"[<group>#<seq>] <text>","group":"<group>"}`,
 * and a group has at most one request in flight, so the writer accepts a
 * group's messages in sequence order (the order a FIFO queue then keeps).
 * Malformed requests stay as they are (no group). Group names carry a tag of
 * the run, so several runs into one queue never mix their sequences.
 */
import type { PayloadPlan, RequestSlot } from './payloads.js';

/** The part of a body --verify reads back: `[group#seq] `. */
const PREFIX = /^\[([!-~]{1,128})#(\d{1,15})\] /;

/** A request of a group: its slot names the group it holds until answered. */
export interface GroupedSlot extends RequestSlot {
  readonly group?: string;
}

export interface GroupedPlan extends PayloadPlan {
  /** True when a group is free (no request in flight), so a good request can leave now. */
  ready(): boolean;
  /** The request of `slot` was answered (any outcome): its group is free again. */
  done(slot: RequestSlot): void;
}

/** Wrap `plan`: good slots get a group (round robin over free groups) and a per-group sequence number. */
export function groupedPlan(plan: PayloadPlan, groups: number, runTag: string): GroupedPlan {
  const names = Array.from({ length: groups }, (_, i) => `${runTag}-g${i}`);
  const nextSeq = new Array<number>(groups).fill(0);
  const busy = new Set<number>();
  let cursor = 0;
  const texts = new Map<RequestSlot, string>();
  const textOf = (slot: RequestSlot): string => {
    let text = texts.get(slot);
    if (text === undefined) {
      text = (JSON.parse(slot.body.toString('utf8')) as { body: string }).body;
      texts.set(slot, text);
    }
    return text;
  };
  return {
    batchSize: plan.batchSize,
    malformedPerBatch: plan.malformedPerBatch,
    goodSlots: plan.goodSlots,
    ready: () => busy.size < groups,
    slotFor(index): GroupedSlot {
      const base = plan.slotFor(index);
      if (base.malformed || busy.size >= groups) return base;
      while (busy.has(cursor)) cursor = (cursor + 1) % groups;
      const g = cursor;
      cursor = (cursor + 1) % groups;
      busy.add(g);
      const group = names[g]!;
      const body = `[${group}#${nextSeq[g]!++}] ${textOf(base)}`;
      return { kind: 'good', malformed: false, group, body: Buffer.from(JSON.stringify({ body, group })) };
    },
    done(slot) {
      const group = (slot as GroupedSlot).group;
      if (group !== undefined) busy.delete(names.indexOf(group));
    },
  };
}

/** The group and sequence number of a body written by a grouped plan, or undefined. */
export function parseGroupedBody(body: string): { group: string; seq: number } | undefined {
  const m = PREFIX.exec(body);
  return m === null ? undefined : { group: m[1]!, seq: Number(m[2]) };
}

/**
 * Per-group order in processing order: a passed message whose sequence number is
 * lower than one already passed in its group is a violation (a repeat of the same
 * number is a redelivery, not a violation).
 */
export function countOrderViolations(passedBodies: Iterable<string>): { groups: number; checked: number; violations: number; sample: string[] } {
  const highest = new Map<string, number>();
  let checked = 0;
  let violations = 0;
  const sample: string[] = [];
  for (const body of passedBodies) {
    const parsed = parseGroupedBody(body);
    if (parsed === undefined) continue;
    checked++;
    const last = highest.get(parsed.group);
    if (last !== undefined && parsed.seq < last) {
      violations++;
      if (sample.length < 10) sample.push(`${parsed.group}#${parsed.seq} after #${last}`);
    } else highest.set(parsed.group, parsed.seq);
  }
  return { groups: highest.size, checked, violations, sample };
}
