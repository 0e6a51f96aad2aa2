/**
 * The writer's event output: --json prints ServeEvent lines, otherwise human
 * lines. Access lines are buffered and written at most every `flushMs` (one
 * write per burst instead of one synchronous pipe write per request); every
 * other event is written at once, so `ready` reaches dash without delay.
 */
import type { Writable } from 'node:stream';
import { toJsonLine } from '../telemetry/events.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import type { ServeEvent } from '../telemetry/serve-events.js';
import { formatServeEvent } from './human.js';

const MAX_BUFFERED_CHARS = 64 * 1024;

export interface EventOutput {
  emit(event: ServeEvent): void;
  /** Write what is buffered now. */
  flush(): void;
}

export function createEventOutput(out: Writable, json: boolean, flushMs = 50, clock: Clock = systemClock): EventOutput {
  let buffered = '';
  let timer: Timer | undefined;
  const format = (event: ServeEvent): string | undefined => {
    if (json) return toJsonLine(event);
    const line = formatServeEvent(event);
    return line === undefined ? undefined : line + '\n';
  };
  function flush(): void {
    timer?.cancel();
    timer = undefined;
    if (buffered === '') return;
    const text = buffered;
    buffered = '';
    out.write(text);
  }
  return {
    emit(event) {
      const text = format(event);
      if (text === undefined) return;
      buffered += text;
      if (event.type !== 'access' || buffered.length >= MAX_BUFFERED_CHARS) flush();
      else timer ??= clock.setTimer(flush, flushMs);
    },
    flush,
  };
}
