/**
 * Dash on a terminal: draw the App on the alternate screen while the pipeline
 * runs; on q / Ctrl-C / SIGTERM / --duration stop the roles in order with the
 * screen still live (their statuses change as they drain), then leave the
 * alternate screen so the final balance lands in the normal terminal.
 */
import { relative } from 'node:path';
import { render } from 'ink';
import type { CommandContext } from '../context.js';
import { aborted, sleep } from '../util/abort.js';
import { App } from './App.js';
import type { DashConfig } from './config.js';
import { createRedriveKey } from './redrive-key.js';
import { writeRunReport } from './report-key.js';
import { systemClock } from '../util/clock.js';
import type { DashStore } from './store.js';
import type { Supervisor } from './supervisor.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?1049l';

export async function runTty(config: DashConfig, ctx: CommandContext, store: DashStore, supervisor: Supervisor): Promise<void> {
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  const startedMs = Date.now();
  const reports: string[] = [];
  // The `r` key: the path (or the trouble) shows in the footer, and again after the screen closes.
  const writeReport = (): void => {
    const say = (message: string): void => store.dispatch({ kind: 'event', event: { role: 'work', type: 'warn', t: Date.now(), message } });
    say('writing the report...');
    writeRunReport(config, { sinceMs: startedMs, nowMs: Date.now() }).then(
      (path) => {
        reports.push(path);
        // The footer is one line: a path under the working directory is shown relative to it.
        const shown = relative(process.cwd(), path);
        say(`report written: ${shown.startsWith('..') ? path : shown}`);
      },
      (err: unknown) => say(`report failed: ${(err as Error).message}`),
    );
  };
  // The `d` key: progress and outcome in the footer; quitting cancels it before the roles stop.
  const redriveKey = createRedriveKey({ sqs: () => supervisor.sqs(), show: (line) => store.dispatch({ kind: 'redrive', line }), clock: systemClock });
  ctx.stdout.write(ENTER_ALT);
  const controls = {
    quit,
    togglePause: () => supervisor.togglePause(),
    changeRate: (d: 1 | -1) => supervisor.changeRate(d),
    redrive: () => void redriveKey.press(),
    ...(config.dataLog !== undefined ? { writeReport } : {}),
  };
  const app = render(<App store={store} controls={controls} />, {
    stdout: ctx.stdout as NodeJS.WriteStream,
    stdin: ctx.stdin as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 10,
  });
  const stopTimer = new AbortController();
  let startError: unknown;
  try {
    const started = supervisor.start().catch((err: unknown) => {
      startError = err;
      quit();
    });
    const ends: Promise<unknown>[] = [quitting, aborted(ctx.signal)];
    if (config.durationMs !== undefined) ends.push(started.then(() => sleep(config.durationMs!, stopTimer.signal)));
    await Promise.race(ends);
  } finally {
    stopTimer.abort();
    await redriveKey.stop();
    await supervisor.stop();
    store.flush();
    await new Promise((r) => setTimeout(r, 150)); // let the last frame show the stopped roles
    app.unmount();
    await app.waitUntilExit().catch(() => undefined);
    ctx.stdout.write(LEAVE_ALT);
    for (const path of reports) ctx.stdout.write(`report: ${path}\n`);
  }
  if (startError !== undefined) throw startError;
}
