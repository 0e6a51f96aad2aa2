/**
 * `--workers N` for a role (serve, work): node:cluster runs N copies of the
 * same command line, and this process (the primary) makes them look like one
 * role to whoever reads it.
 *
 * - The writer's workers share one listening port (the primary holds it and
 *   hands connections round-robin; with --port 0 all get the same port).
 * - Events (--json): the first `ready` once every worker is ready, each
 *   worker's access/receive/warn lines as they come, one `stats` a second
 *   adding up the workers' latest (src/cluster/merge-events.ts), and at the
 *   end one final `stats` and one `stopped` over all workers. Without --json
 *   each worker's lines pass through as they are.
 * - Stopping: on this process's signal every worker is asked (over IPC, so a
 *   Ctrl-C that reached the workers too does not count twice) to drain as the
 *   role does alone; the primary returns once all have exited.
 * - A worker that exits with an error while the others run stops them all;
 *   the primary then fails with that worker's exit code.
 */
import cluster, { type Worker } from 'node:cluster';
import { createInterface } from 'node:readline';
import type { CommandContext } from '../context.js';
import { SqsdemoError, type ExitCode } from '../errors.js';
import { parseEventLine, toJsonLine, type AnyEvent } from '../telemetry/events.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { isSingleExecutable } from '../self.js';
import { mergeEvents } from './merge-events.js';
import { serveMetricsRequests } from './metrics.js';

export interface ClusterOptions {
  readonly role: 'serve' | 'work';
  readonly workers: number;
  readonly json: boolean;
  readonly statsIntervalMs?: number;
  readonly clock?: Clock;
}

const STOP = { sqsdemo: 'stop' } as const;

/** Run `runOne` here (one worker, or inside a cluster worker) or as N cluster workers. */
export async function runClustered(options: ClusterOptions, ctx: CommandContext, runOne: (ctx: CommandContext) => Promise<void>): Promise<void> {
  if (cluster.isWorker) return runAsWorker(ctx, runOne);
  if (options.workers <= 1) return runOne(ctx);
  return runPrimary(options, ctx);
}

async function runAsWorker(ctx: CommandContext, runOne: (ctx: CommandContext) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const onMessage = (m: unknown): void => {
    if ((m as { sqsdemo?: string } | null)?.sqsdemo === STOP.sqsdemo) stop.abort(new Error('the primary asked the workers to stop'));
  };
  process.on('message', onMessage);
  try {
    await runOne({ ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) });
  } finally {
    process.off('message', onMessage);
  }
}

async function runPrimary(options: ClusterOptions, ctx: CommandContext): Promise<void> {
  const clock = options.clock ?? systemClock;
  // Workers stop by themselves if this process dies without stopping them (src/cli.ts watches it).
  cluster.setupPrimary({ silent: true, ...sameCommandLine() });
  const workers: Worker[] = [];
  const ready = new Map<Worker, AnyEvent>();
  const latest = new Map<Worker, AnyEvent>();
  const stopped = new Map<Worker, AnyEvent>();
  const failures: number[] = [];
  let stopping = false;
  let readySent = false;
  let stoppingSent = false;
  let statsTimer: Timer | undefined;

  const write = (event: AnyEvent | object): void => void ctx.stdout.write(toJsonLine(event));
  const emitStats = (): void => {
    if (latest.size > 0) write(mergeEvents([...latest.values()]));
  };
  const tick = (): void => {
    emitStats();
    statsTimer = clock.setTimer(tick, options.statsIntervalMs ?? 1_000);
  };

  const stopAll = (): void => {
    stopping = true;
    for (const w of workers) if (w.isConnected()) w.send(STOP);
  };

  function onLine(worker: Worker, line: string): void {
    const event = options.json ? parseEventLine(line) : undefined;
    if (!event) {
      ctx.stdout.write(`${line}\n`);
      return;
    }
    switch (event.type) {
      case 'ready':
        ready.set(worker, event);
        if (!readySent && ready.size === options.workers) {
          readySent = true;
          write({ ...mergeEvents([...ready.values()]), workers: options.workers });
          statsTimer = clock.setTimer(tick, options.statsIntervalMs ?? 1_000);
        }
        return;
      case 'stats':
        latest.set(worker, event);
        return;
      case 'stopped':
        stopped.set(worker, event);
        return;
      case 'stopping':
        if (!stoppingSent) write(event);
        stoppingSent = true;
        return;
      default:
        write(event);
    }
  }

  const exits = Array.from({ length: options.workers }, () => {
    const worker = cluster.fork({ SQSDEMO_SUPERVISOR_PID: String(process.pid) });
    workers.push(worker);
    serveMetricsRequests(worker, () => workers);
    createInterface({ input: worker.process.stdout!, crlfDelay: Infinity }).on('line', (l) => onLine(worker, l));
    createInterface({ input: worker.process.stderr!, crlfDelay: Infinity }).on('line', (l) => void ctx.stderr.write(`${l}\n`));
    return new Promise<void>((resolve) => {
      worker.once('exit', (code, signal) => {
        if (code !== 0 || signal) {
          failures.push(code ?? 1);
          if (!stopping) stopAll(); // one worker down: stop the rest rather than run half a role
        }
        resolve();
      });
    });
  });

  const onAbort = (): void => stopAll();
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(exits);
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    statsTimer?.cancel();
  }
  if (options.json) {
    emitStats(); // the final counters, after every worker drained
    if (stopped.size > 0) write({ ...mergeEvents([...stopped.values()]), workers: stopped.size });
  }
  if (failures.length > 0) {
    const code = failures.find((c) => c !== 0) ?? 1;
    throw new SqsdemoError(`${failures.length} of ${options.workers} ${options.role} workers failed (see their lines above)`, 'E_WORKER', code as ExitCode);
  }
}

/**
 * What each worker runs: this command line. Node starts a worker as
 * `node [execArgv] <exec> <args>`; the single executable has no script and
 * puts its own path in argv[1] by itself, so there the subcommand takes the
 * script's place.
 */
function sameCommandLine(): { exec: string; args: string[] } {
  const argv = process.argv;
  return isSingleExecutable() ? { exec: argv[2]!, args: argv.slice(3) } : { exec: argv[1]!, args: argv.slice(2) };
}
