/**
 * `--control stdin`: LoadControl commands, one JSON object per line (from
 * `dash`): {"cmd":"pause"}, {"cmd":"resume"}, {"cmd":"rate","rate":200}.
 * A bad line is reported (warn) and skipped; the end of stdin changes nothing.
 */
import { createInterface } from 'node:readline';
import type { LoadControl } from '../telemetry/load-events.js';

/** Highest --rate / rate command accepted, requests/s. */
export const MAX_RATE = 1_000_000;

/** The command on `line`, or a message saying why it is not one. */
export function parseControl(line: string): LoadControl | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: `control line is not JSON: ${line.slice(0, 80)}` };
  }
  const cmd = (value as { cmd?: unknown } | null)?.cmd;
  if (cmd === 'pause' || cmd === 'resume') return { cmd };
  if (cmd === 'rate') {
    const rate = (value as { rate?: unknown }).rate;
    if (typeof rate === 'number' && Number.isFinite(rate) && rate > 0 && rate <= MAX_RATE) return { cmd, rate };
    return { error: `control "rate" needs a number of requests/s above 0 and at most ${MAX_RATE}` };
  }
  return { error: `unknown control command: ${line.slice(0, 80)} (known: pause, resume, rate)` };
}

export interface ControlTarget {
  pause(): void;
  resume(): void;
  setRate(rate: number): void;
}

/** Read commands from `input` until `close()` is called. */
export function readControl(input: NodeJS.ReadableStream, target: ControlTarget, onError: (message: string) => void): { close(): void } {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    const c = parseControl(line);
    if ('error' in c) return onError(c.error);
    if (c.cmd === 'pause') target.pause();
    else if (c.cmd === 'resume') target.resume();
    else target.setRate(c.rate);
  });
  return {
    close() {
      rl.close();
      // Let the process exit although stdin is still open (a terminal, or dash's pipe).
      (input as NodeJS.ReadableStream & { unref?: () => void }).unref?.();
      input.pause();
    },
  };
}
