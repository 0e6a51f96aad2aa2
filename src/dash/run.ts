/**
 * `sqsdemo dash`'s core: start the pipeline, show it (Ink on a terminal, plain
 * summaries otherwise), stop it in order on q / Ctrl-C / --duration, print the
 * final balance. Exits 0 without a terminal only when the balance holds
 * exactly and no role crashed.
 */
import { rm } from 'node:fs/promises';
import type { CommandContext } from '../context.js';
import { CheckFailedError, ExitCode, isTableCode, SqsdemoError } from '../errors.js';
import { sleep } from '../util/abort.js';
import { computeBalance } from './balance.js';
import type { DashConfig } from './config.js';
import { formatFinal, formatSummary } from './plain.js';
import { CHILD_NAMES } from './state.js';
import type { DashState } from './state.js';
import { createDashStore, type DashStore } from './store.js';
import { initialState } from './state.js';
import { createSupervisor, type Supervisor } from './supervisor.js';

export async function runDash(config: DashConfig, ctx: CommandContext): Promise<void> {
  const store = createDashStore({ publishMs: config.tty ? 100 : 0, initial: { ...initialState(), fifo: config.sqs.fifo } });
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
  dashVerdict(store.getState(), config.tty);
}

async function runPlain(config: DashConfig, ctx: CommandContext, store: DashStore, supervisor: Supervisor): Promise<void> {
  const started = Date.now();
  const timer = setInterval(() => ctx.stdout.write(formatSummary(store.getState(), Date.now() - started) + '\n'), config.summaryEveryMs);
  try {
    await supervisor.start();
    const endpoint = store.getState().children.sqs.url;
    if (endpoint !== undefined) ctx.stdout.write(`dash: local endpoint ${endpoint}${config.endpointCredentials ? ' (verifying SigV4: --credentials)' : ''}\n`);
    ctx.stdout.write(`dash: pipeline running${config.durationMs !== undefined ? ` for ${config.durationMs / 1000}s` : ''}; stopping in order on Ctrl-C\n`);
    await sleep(config.durationMs ?? 2 ** 31 - 1, ctx.signal);
    ctx.stdout.write('dash: stopping load, serve, work (draining), then the endpoint\n');
  } finally {
    await supervisor.stop();
    clearInterval(timer);
  }
  ctx.stdout.write(formatSummary(store.getState(), Date.now() - started) + '\n');
}

/**
 * Throw when a role crashed (with that role's exit code when it is one of the
 * table's, e.g. 4 for a missing queue; 1 otherwise) or the balance does not hold (1).
 */
export function dashVerdict(state: DashState, tty: boolean): void {
  const crashed = CHILD_NAMES.filter((n) => state.children[n].status === 'crashed');
  const b = computeBalance(state);
  if (crashed.length > 0) {
    // A role that failed for a reason in the exit-code table (SQS unreachable, queue missing, a
    // taken port...) makes dash exit with that code; a crash without one (a signal, a bug) is 1.
    const code = crashed.map((n) => state.children[n].exitCode ?? null).find((c) => isTableCode(c) && c !== ExitCode.Ok && c !== ExitCode.Internal);
    const message = `${crashed.map((n) => `${n} (${state.children[n].signal ?? `exit ${state.children[n].exitCode ?? '?'}`})`).join(', ')} crashed (see the lines above)`;
    const hint = 'run the role alone with the same flags to see its full output';
    throw code !== undefined && code !== null ? new SqsdemoError(message, 'E_ROLE_FAILED', code, hint) : new CheckFailedError(message, hint);
  }
  const violations = state.work?.orderViolations ?? 0;
  if (violations > 0) {
    throw new CheckFailedError(`FIFO order violations: work processed ${violations} messages after a later message of their group`, 'a bug in the reader or the SQS engine: see work\'s data log');
  }
  if (!b.known || b.missing !== 0) {
    // On a terminal the user quit by hand; say so, but an unknown balance is not a failure there.
    if (tty && !b.known) return;
    throw new CheckFailedError(
      b.known ? `the balance does not hold: ${b.missing > 0 ? `${b.missing} accepted messages are missing` : `${-b.missing} more messages than accepted`}` : 'the balance is unknown (serve or the queue never reported)',
      'see the balance line above; a role stopped without draining loses what it held',
    );
  }
}
