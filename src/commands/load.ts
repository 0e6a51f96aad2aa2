/** `sqsdemo load`: the load client (HTTP requests, one malformed per batch, statistics). */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { addSqsOptions, sqsConfigFrom } from './sqs-options.js';
import { durationIn, floatIn, intIn, parseUrl, fromEnv } from '../config.js';
import { UsageError } from '../errors.js';
import { LOAD_DEFAULTS, MALFORMED_HELP, MALFORMED_KINDS, type LoadConfig, type MalformedKind, parseMalformedKinds } from '../load/config.js';
import { MAX_RATE } from '../load/control.js';
import { runLoad } from '../load/run.js';

interface LoadFlags {
  url: string;
  concurrency?: number;
  rate?: number;
  duration?: number;
  requests?: number;
  batchSize: number;
  malformedPerBatch: number;
  malformedKinds: MalformedKind[];
  bodyBytes: number;
  seed: number;
  timeout: number;
  json?: boolean;
  control?: string;
  verify?: boolean;
  verifyDataLog?: string;
  verifyTimeout: number;
  groups?: number;
}

export function registerLoad(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('load')
    .summary(SUMMARIES.load)
    .description(
      'POST {"body": "<text>"} to the writer (`sqsdemo serve`) in batches of --batch-size requests, of which ' +
        '--malformed-per-batch are deliberately bad and must get a 4xx; every good one must get 201. ' +
        'Bodies are generated text (--body-bytes, repeatable with --seed), built once and reused.\n\n' +
        'Closed loop (default): --concurrency requests in flight, a new one as soon as an answer arrives. ' +
        'Open loop (--rate R): requests leave on a fixed schedule of R per second over up to --concurrency ' +
        'keep-alive connections; latency is measured from the scheduled time, so a slow writer cannot hide ' +
        'it (no coordinated omission). Runs until --requests or --duration, or Ctrl-C; the summary prints ' +
        'either way. Exit 0 when every answer was the expected one, 1 otherwise (the reason is printed), ' +
        '6 when nothing listens at --url.\n\n' +
        '--verify: after the run, look for every MessageId returned with a 201 in the main queue and the ' +
        'dead-letter queue (received with a long visibility timeout, then handed back at once) and, with ' +
        '--verify-data-log, in the worker\'s data log. Limits: a running worker deletes messages and holds ' +
        'some invisible, so with a worker give its --data-log file; each verify receive counts toward the ' +
        'queue\'s maxReceiveCount; a queue much larger than the run takes long to walk (--verify-timeout).\n\n' +
        '--control stdin reads JSON lines: {"cmd":"pause"}, {"cmd":"resume"}, {"cmd":"rate","rate":200} ' +
        '(a rate switches to the open loop); `sqsdemo dash` uses it.\n\n' +
        'Malformed kinds: ' + MALFORMED_KINDS.map((k) => `${k} = ${MALFORMED_HELP[k]}`).join('; ') + '.',
    )
    .addOption(fromEnv(new Option('--url <url>', 'the writer\'s POST endpoint').default(LOAD_DEFAULTS.url).argParser(parseUrl), 'SQSDEMO_LOAD_URL'))
    .addOption(fromEnv(new Option('--concurrency <n>', `closed loop: requests in flight (default ${LOAD_DEFAULTS.closedConcurrency}); open loop: connections (default ${LOAD_DEFAULTS.openConcurrency})`).argParser(intIn(1, 10_000)), 'SQSDEMO_LOAD_CONCURRENCY'))
    .addOption(fromEnv(new Option('--rate <r>', 'open loop: requests per second on a constant schedule (default: closed loop)').argParser(floatIn(0.01, MAX_RATE)), 'SQSDEMO_LOAD_RATE'))
    .addOption(new Option('--duration <duration>', 'stop sending after this long, e.g. 30s, 5m').argParser(durationIn(1, 7 * 24 * 3_600_000)))
    .addOption(new Option('--requests <n>', 'stop after this many requests').argParser(intIn(1, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option('--batch-size <n>', 'requests per batch (the original: 24 lines)').default(LOAD_DEFAULTS.batchSize).argParser(intIn(1, 1_000_000)))
    .addOption(new Option('--malformed-per-batch <n>', 'deliberately bad requests per batch (must get a 4xx)').default(LOAD_DEFAULTS.malformedPerBatch).argParser(intIn(0, 1_000_000)))
    .addOption(new Option('--malformed-kinds <list>', `which bad requests, in turn: ${MALFORMED_KINDS.join(',')}`).default([...LOAD_DEFAULTS.malformedKinds], 'empty').argParser(parseMalformedKinds))
    .addOption(new Option('--body-bytes <n>', 'size of each good message body, UTF-8 bytes (the writer refuses more than the queue\'s MaximumMessageSize)').default(LOAD_DEFAULTS.bodyBytes).argParser(intIn(1, 1_048_576)))
    .addOption(new Option('--groups <n>', 'FIFO: spread bodies over N message groups ("group" in each request), a sequence number per group in the body, one request in flight per group; with --verify --verify-data-log, check each group\'s order').argParser(intIn(1, 100_000)))
    .addOption(new Option('--seed <n>', 'seed of the generated text').default(LOAD_DEFAULTS.seed).argParser(intIn(0, 4_294_967_295)))
    .addOption(new Option('--timeout <duration>', 'a request without an answer after this long counts as a "timeout" error').default(LOAD_DEFAULTS.timeoutMs, '10s').argParser(durationIn(1, 600_000)))
    .option('--json', 'print one JSON event per line (ready, batch, stats every 1 s, summary) instead of human lines')
    .addOption(new Option('--control <source>', 'read pause/resume/rate commands (JSON lines) from this source').choices(['stdin']))
    .option('--verify', 'after the run, check that every accepted message reached the queue (or the worker\'s data log)')
    .addOption(new Option('--verify-data-log <file>', 'with --verify: the worker\'s --data-log CSV; ids found there count as received'))
    .addOption(new Option('--verify-timeout <duration>', 'with --verify: give up walking the queues after this long').default(LOAD_DEFAULTS.verifyTimeoutMs, '30s').argParser(durationIn(1_000, 3_600_000)));
  addSqsOptions(cmd).action(async (flags: LoadFlags) => {
    if (flags.malformedPerBatch > flags.batchSize) {
      throw new UsageError(`--malformed-per-batch (${flags.malformedPerBatch}) is larger than --batch-size (${flags.batchSize})`, 'lower --malformed-per-batch or raise --batch-size');
    }
    if (flags.verifyDataLog !== undefined && !flags.verify) throw new UsageError('--verify-data-log needs --verify');
    const sqsConfig = sqsConfigFrom(cmd.opts(), ctx.env);
    if (sqsConfig.fifo && flags.groups === undefined) {
      throw new UsageError('a FIFO queue needs a message group per request', 'add --groups N (e.g. --groups 8)');
    }
    const config: LoadConfig = Object.freeze({
      url: flags.url,
      concurrency: flags.concurrency ?? (flags.rate === undefined ? LOAD_DEFAULTS.closedConcurrency : LOAD_DEFAULTS.openConcurrency),
      rate: flags.rate,
      durationMs: flags.duration,
      requests: flags.requests,
      batchSize: flags.batchSize,
      malformedPerBatch: flags.malformedPerBatch,
      malformedKinds: Object.freeze([...flags.malformedKinds]),
      bodyBytes: flags.bodyBytes,
      ...(flags.groups !== undefined ? { groups: flags.groups } : {}),
      seed: flags.seed,
      timeoutMs: flags.timeout,
      json: flags.json === true,
      controlStdin: flags.control === 'stdin',
      verify: flags.verify
        ? Object.freeze({
            sqs: sqsConfig,
            timeoutMs: flags.verifyTimeout,
            ...(flags.groups !== undefined ? { checkOrder: true } : {}),
            ...(flags.verifyDataLog !== undefined ? { dataLog: flags.verifyDataLog } : {}),
          })
        : undefined,
    });
    await runLoad(config, ctx);
  });
}
