/** `sqsdemo work`: the queue-reader (SQS -> process -> delete / retry / dead-letter). */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { addSqsOptions, sqsConfigFrom } from './sqs-options.js';
import { describeSqs, durationIn, floatIn, intIn, fromEnv, parsePort } from '../config.js';
import { UsageError } from '../errors.js';
import { createSqsClient } from '../sqs/client.js';
import { createEventSink } from '../telemetry/sink.js';
import type { WorkEvent } from '../telemetry/work-events.js';
import { serveMetrics, type MetricsServer } from '../telemetry/metrics-server.js';
import { createWorkMetrics, type WorkMetrics } from '../telemetry/work-metrics.js';
import { DEFAULT_CONCURRENCY, DEFAULT_DELETE_LINGER_MS, DEFAULT_POLLERS, DEFAULT_RECEIVE_LINGER_MS, defaultPrefetch, type ReaderConfig } from '../reader/config.js';
import { openDataLog, type DataLog } from '../reader/data-log.js';
import { createWorkFormatter } from '../reader/format.js';
import { createSimulatedProcessor } from '../reader/processor.js';
import { mulberry32 } from '../reader/random.js';
import { createReader } from '../reader/reader.js';
import { systemClock } from '../util/clock.js';
import { runClustered } from '../cluster/run-workers.js';

interface WorkFlags {
  pollers: number;
  concurrency: number;
  prefetch?: number;
  waitSeconds?: number;
  receiveLinger?: number;
  workMs: number;
  failRate: number;
  seed?: number;
  retryDelay?: number;
  drainTimeout: number;
  dataLog?: string;
  json?: boolean;
  metricsPort: number;
  workers: number;
}

export function registerWork(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('work')
    .summary(SUMMARIES.work)
    .description(
      'Receive messages with several long-polling pollers, run a simulated task for each in a bounded pool, ' +
        'delete the successes in batches of 10. A failed message is not deleted: SQS delivers it again after ' +
        'the visibility timeout (or --retry-delay), and after maxReceiveCount receives moves it to the ' +
        'dead-letter queue. Tasks running close to the visibility timeout get it extended.\n\n' +
        'Ctrl-C (SIGINT/SIGTERM) stops receiving, lets running tasks finish (up to --drain-timeout), flushes ' +
        'deletes and hands prefetched messages back at once; a second Ctrl-C exits without draining. ' +
        'Several `sqsdemo work` processes may read one queue.',
    );
  addSqsOptions(cmd)
    .addOption(fromEnv(new Option('--pollers <n>', 'receive loops running at once').default(DEFAULT_POLLERS).argParser(intIn(1, 64)), 'SQSDEMO_WORK_POLLERS'))
    .addOption(fromEnv(new Option('--concurrency <n>', 'tasks running at once').default(DEFAULT_CONCURRENCY).argParser(intIn(1, 10_000)), 'SQSDEMO_WORK_CONCURRENCY'))
    .addOption(new Option('--prefetch <n>', 'messages received ahead of a free task slot (default min(concurrency, 10 x pollers))').argParser(intIn(0, 10_000)))
    .addOption(fromEnv(new Option('--wait-seconds <s>', 'long-poll wait per receive (default 20 with --aws, 2 otherwise)').argParser(intIn(0, 20)), 'SQSDEMO_WORK_WAIT_SECONDS'))
    .addOption(fromEnv(new Option('--receive-linger <duration>', `after a receive that came back partly full, wait this long before the next one, and let one poller receive until answers come back full: fewer, fuller receives for at most this much more wait (0: every poller receives at once again; default ${DEFAULT_RECEIVE_LINGER_MS}ms, 0 with --aws)`).argParser(durationIn(0, 1_000)), 'SQSDEMO_WORK_RECEIVE_LINGER'))
    .addOption(fromEnv(new Option('--work-ms <ms>', 'duration of the simulated task, ms').default(100).argParser(intIn(0, 600_000)), 'SQSDEMO_WORK_MS'))
    .addOption(fromEnv(new Option('--fail-rate <p>', 'probability that a task fails (0.09: about 1 in 11, like the original)').default(0.09).argParser(floatIn(0, 1)), 'SQSDEMO_FAIL_RATE'))
    .addOption(new Option('--seed <n>', 'seed for the failure draws, for repeatable runs (default: random)').argParser(intIn(0, 4_294_967_295)))
    .addOption(new Option('--retry-delay <duration>', 'on failure, make the message visible again after this long (e.g. 0s, 2s, 1m; default: the queue visibility timeout)').argParser(durationIn(0, 43_200_000)))
    .addOption(new Option('--drain-timeout <duration>', 'at stop, wait this long for running tasks before handing their messages back').default(10_000, '10s').argParser(durationIn(0, 3_600_000)))
    .addOption(new Option('--data-log <file>', 'append one CSV line per handled message, written before its delete (so it survives kill -9): now_ms,SentTimestamp,pass|fail,ApproximateReceiveCount,SenderId,MessageId,"body"'))
    .addOption(fromEnv(new Option('--metrics-port <n>', 'serve Prometheus metrics on http://127.0.0.1:PORT/metrics (0: off)').default(0).argParser(parsePort), 'SQSDEMO_WORK_METRICS_PORT'))
    .option('--json', 'print one JSON event per line (ready, receive, stats every 1 s, stopped) instead of human lines')
    .addOption(fromEnv(new Option('--workers <n>', 'reader processes (node:cluster), each with these pollers and tasks; --json adds them up').default(1).argParser(intIn(1, 64)), 'SQSDEMO_WORK_WORKERS'))
    .action((flags: WorkFlags) => runClustered({ role: 'work', workers: flags.workers, json: flags.json === true }, ctx, async (ctx) => {
      const sqsConfig = sqsConfigFrom(cmd.opts(), ctx.env);
      const config: ReaderConfig = Object.freeze({
        pollers: flags.pollers,
        concurrency: flags.concurrency,
        prefetch: flags.prefetch ?? defaultPrefetch(flags.concurrency, flags.pollers),
        waitSeconds: flags.waitSeconds ?? (sqsConfig.aws ? 20 : 2),
        receiveLingerMs: flags.receiveLinger ?? (sqsConfig.aws ? 0 : DEFAULT_RECEIVE_LINGER_MS),
        retryDelayMs: flags.retryDelay,
        drainTimeoutMs: flags.drainTimeout,
        deleteLingerMs: DEFAULT_DELETE_LINGER_MS,
        // dash wants a live view; a person reading a terminal a calmer one.
        statsIntervalMs: flags.json ? 1_000 : 5_000,
      });
      const seed = flags.seed ?? Math.floor(Math.random() * 4_294_967_296);
      const print = createEventSink<WorkEvent>(ctx.stdout, flags.json === true, createWorkFormatter(describeSqs(sqsConfig)));
      // Metrics are fed from the same typed events the reader prints; the reader knows nothing of them.
      const { metrics, metricsServer } = flags.metricsPort > 0 ? await startWorkMetrics(flags.metricsPort) : { metrics: undefined, metricsServer: undefined };
      if (metricsServer && !flags.json) ctx.stdout.write(`work: metrics on ${metricsServer.url}\n`);
      const emit = metrics ? (event: WorkEvent): void => (metrics.observe(event), print(event)) : print;
      let dataLog: DataLog | undefined;
      try {
        dataLog = flags.dataLog !== undefined ? await openDataLog(flags.dataLog) : undefined;
      } catch (err) {
        await metricsServer?.close();
        const e = err as NodeJS.ErrnoException;
        throw new UsageError(`cannot open --data-log ${flags.dataLog}: ${e.code ?? e.message}`, 'give a file in a directory that exists and that you can write');
      }
      const client = createSqsClient(sqsConfig, {
        maxSockets: config.pollers + 32,
        requestTimeoutMs: config.waitSeconds * 1000 + 15_000,
        // Resolve the SDK's middleware once, also for receives that pass an abortSignal (src/sqs/client.ts).
        cacheMiddleware: true,
      });
      const processor = createSimulatedProcessor({ workMs: flags.workMs, failRate: flags.failRate, random: mulberry32(seed), clock: systemClock });
      const reader = createReader(config, { client, sqs: sqsConfig, processor, emit, ...(dataLog ? { dataLog } : {}) });
      const onAbort = (): void => void reader.stop((ctx.signal.reason as Error | undefined)?.message ?? 'stop requested');
      try {
        await reader.start();
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener('abort', onAbort, { once: true });
        await reader.finished;
      } catch (err) {
        await dataLog?.close().catch(() => undefined);
        throw err;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        client.destroy();
        await metricsServer?.close();
      }
    }));
}

async function startWorkMetrics(port: number): Promise<{ metrics: WorkMetrics; metricsServer: MetricsServer }> {
  const metrics = createWorkMetrics();
  return { metrics, metricsServer: await serveMetrics(metrics.registry, port) };
}
