/**
 * `sqsdemo dash`'s core: start the pipeline, show it (Ink on a terminal, plain
 * summaries otherwise), stop it in order on q / Ctrl-C / --duration, print the
 * final balance. Exits 0 without a terminal only when the balance holds
 * exactly and no role crashed.
 */
import { rm } from 'node:fs/promises';
import type { CommandContext } from '../commands/context.js';
import { CheckFailedError } from '../errors.js';
import { sleep } from '../util/abort.js';
import { computeBalance } from './balance.js';
import type { DashConfig } from './config.js';
import { formatFinal, formatSummary } from './plain.js';
import { CHILD_NAMES } from './state.js';
import { createDashStore, type DashStore } from './store.js';
import { createSupervisor, type Supervisor } from './supervisor.js';

export async function runDash(config: DashConfig, ctx: CommandContext): Promise<void> {
  const store = createDashStore({ publishMs: config.tty ? 100 : 0 });
  const supervisor = createSupervisor(config, store, ctx.env);
  try {
    if (config.tty) {
      const { runTty } = await import('./tty.js');
      await runTty(config, ctx, store, supervisor);
    } else {
      await runPlain(config, ctx, store, supervisor);
    }
  } finally {
    // A data log dash chose itself (no --data-log) goes with the run.
    if (config.dataLog !== undefined && !config.keepDataLog) await rm(config.dataLog, { force: true }).catch(() => undefined);
  }
  ctx.stdout.write(formatFinal(store.getState()));
  if (config.dataLog !== undefined && config.keepDataLog) ctx.stdout.write(`data log: ${config.dataLog} (draw it: sqsdemo report ${config.dataLog})\n`);
  verdict(store, config.tty);
}

async function runPlain(config: DashConfig, ctx: CommandContext, store: DashStore, supervisor: Supervisor): Promise<void> {
  const started = Date.now();
  const timer = setInterval(() => ctx.stdout.write(formatSummary(store.getState(), Date.now() - started) + '\n'), config.summaryEveryMs);
  try {
    await supervisor.start();
    ctx.stdout.write(`dash: pipeline running${config.durationMs !== undefined ? ` for ${config.durationMs / 1000}s` : ''}; stopping in order on Ctrl-C\n`);
    await sleep(config.durationMs ?? 2 ** 31 - 1, ctx.signal);
    ctx.stdout.write('dash: stopping load, serve, work (draining), then the endpoint\n');
  } finally {
    await supervisor.stop();
    clearInterval(timer);
  }
  ctx.stdout.write(formatSummary(store.getState(), Date.now() - started) + '\n');
}

/** Throw (exit 1) when the balance does not hold or a role crashed. */
function verdict(store: DashStore, tty: boolean): void {
  const state = store.getState();
  const crashed = CHILD_NAMES.filter((n) => state.children[n].status === 'crashed');
  const b = computeBalance(state);
  if (crashed.length > 0) throw new CheckFailedError(`${crashed.join(', ')} crashed (see the lines above)`, 'run the role alone with the same flags to see its full output');
  if (!b.known || b.missing !== 0) {
    // On a terminal the user quit by hand; say so, but an unknown balance is not a failure there.
    if (tty && !b.known) return;
    throw new CheckFailedError(
      b.known ? `the balance does not hold: ${b.missing > 0 ? `${b.missing} accepted messages are missing` : `${-b.missing} more messages than accepted`}` : 'the balance is unknown (serve or the queue never reported)',
      'see the balance line above; a role stopped without draining loses what it held',
    );
  }
}
