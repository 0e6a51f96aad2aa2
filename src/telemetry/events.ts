/**
 * The event stream every long-running role prints with `--json`: one JSON
 * object per line on stdout. `dash` reads these from its children; a user can
 * read them with jq. Each role's events live in its own file; this one holds
 * what they share and the union `dash` parses.
 *
 * Every event has `role`, `type` and `t` (Unix epoch milliseconds when emitted).
 * Fields are plain JSON (numbers, strings, arrays, string-keyed objects).
 */
import type { ServeEvent } from './serve-events.js';
import type { WorkEvent } from './work-events.js';
import type { LoadEvent } from './load-events.js';
import type { SqsEvent } from './sqs-events.js';

export type Role = 'sqs' | 'setup' | 'serve' | 'work' | 'load' | 'dash';

export interface EventBase<R extends Role, T extends string> {
  readonly role: R;
  readonly type: T;
  /** Epoch milliseconds. */
  readonly t: number;
}

/** A role is ready (e.g. listening). `url` where it serves HTTP. */
export interface ReadyEvent<R extends Role> extends EventBase<R, 'ready'> {
  readonly url?: string;
}

/** Something went wrong but the role keeps going (retrying, backing off...). */
export interface WarnEvent<R extends Role> extends EventBase<R, 'warn'> {
  readonly message: string;
  readonly code?: string;
}

/** Fatal: the role is about to exit non-zero. */
export interface ErrorEvent<R extends Role> extends EventBase<R, 'error'> {
  readonly message: string;
  readonly code?: string;
  readonly hint?: string;
}

/** Shutdown started (signal received); `stopped` follows when the role has drained. */
export interface StoppingEvent<R extends Role> extends EventBase<R, 'stopping'> {
  readonly reason: string;
}

export type CommonEvent<R extends Role> = ReadyEvent<R> | WarnEvent<R> | ErrorEvent<R> | StoppingEvent<R>;

export type AnyEvent = ServeEvent | WorkEvent | LoadEvent | SqsEvent;

/** A sink for events: the human printer, the JSON-lines printer, or a test's array. */
export type EventSink<E> = (event: E) => void;

/** Serialise one event as a JSON line (what `--json` prints). */
export function toJsonLine(event: object): string {
  return JSON.stringify(event) + '\n';
}

/** Parse one line of a child's stdout; undefined when it is not an event (e.g. stray output). */
export function parseEventLine(line: string): AnyEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(trimmed) as Partial<AnyEvent>;
    if (typeof value.role !== 'string' || typeof value.type !== 'string' || typeof value.t !== 'number') return undefined;
    return value as AnyEvent;
  } catch {
    return undefined;
  }
}
