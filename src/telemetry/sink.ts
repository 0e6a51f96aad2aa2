/**
 * Where a role's events go: `--json` prints each as one JSON line (for `dash`
 * and jq); otherwise the role's own formatter turns the events it cares about
 * into human lines and returns undefined for the rest.
 */
import type { Writable } from 'node:stream';
import { toJsonLine, type EventSink } from './events.js';

export type HumanFormatter<E> = (event: E) => string | undefined;

export function createEventSink<E extends object>(out: Writable, json: boolean, human: HumanFormatter<E>): EventSink<E> {
  if (json) return (event) => void out.write(toJsonLine(event));
  return (event) => {
    const line = human(event);
    if (line !== undefined) out.write(line.endsWith('\n') ? line : line + '\n');
  };
}

/** Local wall-clock time as HH:MM:SS for human log lines. */
export function clockTime(t: number): string {
  return new Date(t).toTimeString().slice(0, 8);
}
