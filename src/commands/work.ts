/** `sqsdemo work`: the queue-reader (SQS -> process -> delete / retry / dead-letter). */
import { Option, type Command } from 'commander';
import type { CommandContext } from './context.js';
import { addSqsOptions, sqsConfigFrom } from './sqs-options.js';
import { describeSqs, durationIn, floatIn, intIn } from '../config.js';
import { createSqsClient } from '../sqs/client.js';
import { createEventSink } from '../telemetry/sink.js';
import type { WorkEvent } from '../telemetry/work-events.js';
import { DEFAULT_CONCURRENCY, DEFAULT_DELETE_LINGER_MS, DEFAULT_POLLERS, defaultPrefetch, type ReaderConfig } from '../reader/config.js';
import { openDataLog, type DataLog } from '../reader/data-log.js';
import { createWorkFormatter } from '../reader/format.js';
import { createSimulatedProcessor } from '../reader/processor.js';
import { mulberry32 } from '../reader/random.js';
import { createReader } from '../reader/reader.js';
import { systemClock } from '../util/clock.js';

interface WorkFlags {
  pollers: number;
  concurrency: number;
  prefetch?: number;
  waitSeconds?: number;
  workMs: number;
  failRate: number;
  seed?: number;
  retryDelay?: number;
  drainTimeout: number;
  dataLog?: string;
  json?: boolean;
}

export function registerWork(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('work')
    .summary('the queue-reader: receive, process, delete (retries and dead-letters failures)')
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
    .addOption(new Option('--pollers <n>', 'receive loops running at once').default(DEFAULT_POLLERS).env('SQSDEMO_WORK_POLLERS').argParser(intIn(1, 64)))
    .addOption(new Option('--concurrency <n>', 'tasks running at once').default(DEFAULT_CONCURRENCY).env('SQSDEMO_WORK_CONCURRENCY').argParser(intIn(1, 10_000)))
    .addOption(new Option('--prefetch <n>', 'messages received ahead of a free task slot (default min(concurrency, 10 x pollers))').argParser(intIn(0, 10_000)))
    .addOption(new Option('--wait-seconds <s>', 'long-poll wait per receive (default 20 with --aws, 2 otherwise)').env('SQSDEMO_WORK_WAIT_SECONDS').argParser(intIn(0, 20)))
    .addOption(new Option('--work-ms <ms>', 'duration of the simulated task, ms').default(100).env('SQSDEMO_WORK_MS').argParser(intIn(0, 600_000)))
    .addOption(new Option('--fail-rate <p>', 'probability that a task fails (0.09: about 1 in 11, like the original)').default(0.09).env('SQSDEMO_FAIL_RATE').argParser(floatIn(0, 1)))
    .addOption(new Option('--seed <n>', 'seed for the failure draws, for repeatable runs (default: random)').argParser(intIn(0, 4_294_967_295)))
    .addOption(new Option('--retry-delay <duration>', 'on failure, make the message visible again after this long (e.g. 0s, 2s, 1m; default: the queue visibility timeout)').argParser(durationIn(0, 43_200_000)))
    .addOption(new Option('--drain-timeout <duration>', 'at stop, wait this long for running tasks before handing their messages back').default(10_000, '10s').argParser(durationIn(0, 3_600_000)))
    .addOption(new Option('--data-log <file>', 'append one CSV line per handled message, written before its delete (so it survives kill -9): now_ms,SentTimestamp,pass|fail,ApproximateReceiveCount,SenderId,MessageId,"body"'))
    .option('--json', 'print one JSON event per line (ready, receive, stats every 1 s, stopped) instead of human lines')
    .action(async (flags: WorkFlags) => {
      const sqsConfig = sqsConfigFrom(cmd.opts(), ctx.env);
      const config: ReaderConfig = Object.freeze({
        pollers: flags.pollers,
        concurrency: flags.concurrency,
        prefetch: flags.prefetch ?? defaultPrefetch(flags.concurrency, flags.pollers),
        waitSeconds: flags.waitSeconds ?? (sqsConfig.aws ? 20 : 2),
        retryDelayMs: flags.retryDelay,
        drainTimeoutMs: flags.drainTimeout,
        deleteLingerMs: DEFAULT_DELETE_LINGER_MS,
        // dash wants a live view; a person reading a terminal a calmer one.
        statsIntervalMs: flags.json ? 1_000 : 5_000,
      });
      const seed = flags.seed ?? Math.floor(Math.random() * 4_294_967_296);
      const emit = createEventSink<WorkEvent>(ctx.stdout, flags.json === true, createWorkFormatter(describeSqs(sqsConfig)));
      const dataLog: DataLog | undefined = flags.dataLog !== undefined ? await openDataLog(flags.dataLog) : undefined;
      const client = createSqsClient(sqsConfig, {
        maxSockets: config.pollers + 32,
        requestTimeoutMs: config.waitSeconds * 1000 + 15_000,
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
      }
    });
}
