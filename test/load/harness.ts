/** In-process runs of the load client: a CommandContext whose stdout collects JSON events. */
import { PassThrough, Writable } from 'node:stream';
import type { CommandContext } from '../../src/context.js';
import { LOAD_DEFAULTS, type LoadConfig } from '../../src/load/config.js';
import type { LoadEvent } from '../../src/telemetry/load-events.js';

export interface Capture {
  readonly ctx: CommandContext;
  readonly controller: AbortController;
  readonly stdin: PassThrough;
  readonly events: LoadEvent[];
  /** Resolves with the first event (already seen or future) that matches; rejects after `timeoutMs` (default 20 s). */
  next(match: (e: LoadEvent) => boolean, timeoutMs?: number): Promise<LoadEvent>;
}

export function capture(): Capture {
  const events: LoadEvent[] = [];
  const waiters: Array<{ match: (e: LoadEvent) => boolean; resolve: (e: LoadEvent) => void }> = [];
  /** Waits are bounded: a missing event fails the test instead of hanging it. */
  const DEFAULT_WAIT_MS = 20_000;
  let buffer = '';
  const stdout = new Writable({
    write(chunk: Buffer, _enc, callback) {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line) as LoadEvent;
        events.push(event);
        for (const w of [...waiters]) {
          if (w.match(event)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(event);
          }
        }
      }
      callback();
    },
  });
  const controller = new AbortController();
  const stdin = new PassThrough();
  const ctx: CommandContext = { signal: controller.signal, stdout, stderr: new PassThrough(), stdin, env: {}, isTTY: false };
  return {
    ctx, controller, stdin, events,
    next(match, timeoutMs = DEFAULT_WAIT_MS) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (e: LoadEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching load event within ${timeoutMs} ms (${match.toString()}); seen: ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}

export function loadConfig(url: string, overrides: Partial<LoadConfig> = {}): LoadConfig {
  return {
    url,
    concurrency: 4,
    rate: undefined,
    durationMs: undefined,
    requests: undefined,
    batchSize: LOAD_DEFAULTS.batchSize,
    malformedPerBatch: LOAD_DEFAULTS.malformedPerBatch,
    malformedKinds: LOAD_DEFAULTS.malformedKinds,
    bodyBytes: 60,
    seed: 7,
    timeoutMs: 10_000,
    json: true,
    controlStdin: false,
    verify: undefined,
    ...overrides,
  };
}
