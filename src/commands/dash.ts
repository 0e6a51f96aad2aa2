/** `sqsdemo dash`: run the whole pipeline (endpoint, setup, serve, work, load) and draw it live. */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { addSqsOptions, sqsConfigFrom } from './sqs-options.js';
import { durationIn, floatIn, intIn, fromEnv, isCi } from '../config.js';
import { DEFAULT_TOPOLOGY } from '../sqs/topology.js';
import { MALFORMED_KINDS, type MalformedKind, parseMalformedKinds } from '../load/config.js';
import { DASH_DEFAULTS, type DashConfig } from '../dash/config.js';
import { runDash } from '../dash/run.js';
import { UsageError } from '../errors.js';
import type { Credentials } from '../localsqs/sigv4.js';
import { credentialsOption } from './credentials-option.js';

interface DashFlags {
  endpoint?: string;
  aws?: boolean;
  tty: boolean;
  groups?: number;
  duration?: number;
  rate: number;
  concurrency: number;
  bodyBytes: number;
  batchSize: number;
  malformedPerBatch: number;
  malformedKinds?: MalformedKind[];
  workMs: number;
  failRate: number;
  workConcurrency?: number;
  pollers?: number;
  retryDelay?: number;
  seed?: number;
  visibilityTimeout: number;
  maxReceiveCount: number;
  drainTimeout: number;
  summaryEvery: number;
  dataLog?: string;
  dataDir?: string;
  credentials?: Credentials[];
}

export function registerDash(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('dash')
    .summary(SUMMARIES.dash)
    .description(
      'Start the local SQS endpoint (unless --endpoint or --aws says where SQS is), create the queues, ' +
        'then `serve`, `work` and `load` as child processes, and draw them in three panes as the ' +
        "original's tmux did: the HTTP log, the reader's stats, the client's stats. Above them: queue depth, " +
        'throughput, latency and the balance: accepted = processed + dead-lettered + still queued.\n\n' +
        'Keys: q quit (stops load, serve, work, then the endpoint, and prints the final balance), ' +
        'p pause/resume the load, + / - change its rate, r write the report of this run (`sqsdemo report` of ' +
        "work's data log; a temp file unless --data-log keeps it), ? help.\n\n" +
        'Without a terminal (a pipe, CI, --no-tty) it draws nothing: it runs for --duration (default 10s), ' +
        'prints a summary line every few seconds, drains, and exits 0 only when the balance holds exactly.',
    );
  addSqsOptions(cmd)
    .option('--no-tty', 'do not draw: plain summary lines (the default when stdout is not a terminal)')
    .addOption(new Option('--duration <duration>', 'stop after this long, e.g. 30s, 5m (default: until q on a terminal, 10s otherwise)').argParser(durationIn(100, 7 * 24 * 3_600_000)))
    .addOption(fromEnv(new Option('--rate <r>', 'load: requests per second (open loop)').default(DASH_DEFAULTS.rate).argParser(floatIn(0.01, 1_000_000)), 'SQSDEMO_LOAD_RATE'))
    .addOption(new Option('--concurrency <n>', 'load: connections to the writer').default(DASH_DEFAULTS.concurrency).argParser(intIn(1, 10_000)))
    .addOption(new Option('--body-bytes <n>', 'load: size of each good message body, UTF-8 bytes').default(DASH_DEFAULTS.bodyBytes).argParser(intIn(1, 1_048_576)))
    .addOption(new Option('--batch-size <n>', 'load: requests per batch (the original: 24 lines)').default(DASH_DEFAULTS.batchSize).argParser(intIn(1, 1_000_000)))
    .addOption(new Option('--malformed-per-batch <n>', 'load: deliberately bad requests per batch').default(DASH_DEFAULTS.malformedPerBatch).argParser(intIn(0, 1_000_000)))
    .addOption(new Option('--malformed-kinds <list>', `load: which bad requests, in turn: ${MALFORMED_KINDS.join(',')} (default: empty)`).argParser(parseMalformedKinds))
    .addOption(fromEnv(new Option('--work-ms <ms>', 'work: duration of the simulated task, ms').default(DASH_DEFAULTS.workMs).argParser(intIn(0, 3_600_000)), 'SQSDEMO_WORK_MS'))
    .addOption(fromEnv(new Option('--fail-rate <p>', 'work: probability that a task fails (0.09: about 1 in 11, like the original)').default(DASH_DEFAULTS.failRate).argParser(floatIn(0, 1)), 'SQSDEMO_FAIL_RATE'))
    .addOption(new Option('--work-concurrency <n>', 'work: tasks running at once (default: work\'s own)').argParser(intIn(1, 100_000)))
    .addOption(new Option('--pollers <n>', 'work: receive loops (default: work\'s own)').argParser(intIn(1, 1_000)))
    .addOption(new Option('--retry-delay <duration>', 'work: make a failed message visible again after this long (default: the visibility timeout)').argParser(durationIn(0, 43_200_000)))
    .addOption(new Option('--seed <n>', 'seed for the failure draws and the generated text').argParser(intIn(0, 4_294_967_295)))
    .addOption(new Option('--groups <n>', `load with --fifo: message groups the bodies are spread over (default ${DASH_DEFAULTS.groups})`).argParser(intIn(1, 100_000)))
    .addOption(new Option('--visibility-timeout <s>', 'setup: VisibilityTimeout of the main queue when dash creates it, seconds').default(DEFAULT_TOPOLOGY.visibilityTimeout).argParser(intIn(0, 43_200)))
    .addOption(new Option('--max-receive-count <n>', 'setup: receives before a message is dead-lettered, when dash creates the queue').default(DEFAULT_TOPOLOGY.maxReceiveCount).argParser(intIn(1, 1000)))
    .addOption(new Option('--drain-timeout <duration>', 'at stop: wait at most this long for work to empty the queue').default(DASH_DEFAULTS.drainMs, '5s').argParser(durationIn(0, 600_000)))
    .addOption(new Option('--data-log <file>', "keep work's data log (CSV, one line per handled message) in this file, for `sqsdemo report` (default: a temp file, removed at the end)"))
    .addOption(credentialsOption('the local endpoint dash starts verifies SigV4 with this key (`sqsdemo sqs --credentials`; KEY:SECRET, several comma-separated), and the roles sign with it (the first)'))
    .addOption(fromEnv(new Option('--data-dir <dir>', 'the local endpoint dash starts keeps its queues and messages in this directory (`sqsdemo sqs --data-dir`; default: in memory)'), 'SQSDEMO_DATA_DIR'))
    .addOption(new Option('--summary-every <duration>', 'without a terminal: a summary line this often').default(DASH_DEFAULTS.summaryEveryMs, '2s').argParser(durationIn(100, 3_600_000)))
    .action(async (flags: DashFlags) => {
      const located = sqsConfigFrom(cmd.opts(), ctx.env);
      const credentials = endpointCredentials(flags.credentials, cmd.getOptionValueSource('credentials') === 'env', located.endpointIsDefault);
      // dash's own client (setup, queue depth, the d and r keys) signs as the roles do.
      const first = credentials?.[0];
      const sqs = first ? Object.freeze({ ...located, credentials: Object.freeze({ accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey }) }) : located;
      // Ink draws only the last frame under CI (is-in-ci), so a CI terminal gets plain lines.
      const tty = ctx.isTTY && flags.tty && !isCi(ctx.env);
      const config: DashConfig = Object.freeze({
        sqs,
        startLocal: sqs.endpointIsDefault,
        tty,
        durationMs: flags.duration ?? (tty ? undefined : DASH_DEFAULTS.plainDurationMs),
        summaryEveryMs: flags.summaryEvery,
        drainMs: flags.drainTimeout,
        rate: flags.rate,
        concurrency: flags.concurrency,
        bodyBytes: flags.bodyBytes,
        batchSize: flags.batchSize,
        malformedPerBatch: flags.malformedPerBatch,
        malformedKinds: flags.malformedKinds,
        workMs: flags.workMs,
        failRate: flags.failRate,
        workConcurrency: flags.workConcurrency,
        pollers: flags.pollers,
        retryDelayMs: flags.retryDelay,
        seed: flags.seed,
        visibilityTimeout: flags.visibilityTimeout,
        maxReceiveCount: flags.maxReceiveCount,
        ...(flags.groups !== undefined ? { groups: flags.groups } : {}),
        dataLog: flags.dataLog !== undefined ? resolve(flags.dataLog) : join(tmpdir(), `sqsdemo-dash-${process.pid}-${Date.now()}.csv`),
        keepDataLog: flags.dataLog !== undefined,
        ...(flags.dataDir !== undefined && flags.dataDir !== '' ? { sqsDataDir: resolve(flags.dataDir) } : {}),
        ...(credentials ? { endpointCredentials: credentials } : {}),
      });
      await runDash(config, ctx);
    });
}

/**
 * --credentials is for the endpoint dash starts. With --endpoint or --aws (or their variables) dash
 * starts none: the flag is then a mistake, while SQSDEMO_CREDENTIALS, which may be set for a
 * `sqsdemo sqs` of the same shell, is left alone (give the roles that endpoint's keys with
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
 */
function endpointCredentials(credentials: Credentials[] | undefined, fromEnvironment: boolean, startsEndpoint: boolean): Credentials[] | undefined {
  if (credentials === undefined || startsEndpoint) return credentials;
  if (fromEnvironment) return undefined;
  throw new UsageError(
    '--credentials sets the keys of the endpoint dash starts, and with --endpoint, --aws, SQSDEMO_ENDPOINT or AWS_ENDPOINT_URL_SQS dash starts none',
    'leave --credentials out and give the roles that endpoint\'s keys with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the AWS chain with --aws)',
  );
}
