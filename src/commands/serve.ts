/** `sqsdemo serve`: the queue-writer (HTTP POST /api/message -> SQS). */
import { Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { addSqsOptions, sqsConfigFrom } from './sqs-options.js';
import { durationIn, intIn, parseHost, parsePort, fromEnv } from '../config.js';
import { runClustered } from '../cluster/run-workers.js';
import { runServe } from '../writer/run.js';
import { WRITER_DEFAULTS, type BatchingMode } from '../writer/writer.js';

interface ServeFlags {
  host: string;
  port: number;
  lingerMs: number;
  batching: BatchingMode;
  maxInflightBatches: number;
  requestTimeout: number;
  drainTimeout: number;
  maxRequestBytes: number;
  json?: boolean;
  accessLog: boolean;
  accessLogMax: number;
  workers: number;
}

export function registerServe(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('serve')
    .summary(SUMMARIES.serve)
    .description(
      'Accept {"body": "<text>"} on POST /api/message and enqueue it to SQS. A 201 (with SQS\'s ' +
        'MessageId) means SQS has the message. Concurrent requests share SendMessageBatch calls ' +
        '(up to 10 messages each). Also serves GET /, /healthz and /metrics (Prometheus).\n\n' +
        'If SQS is unreachable at start the writer starts anyway and answers 503 until SQS is back; ' +
        'a missing queue is an error (exit 4: run `sqsdemo setup`). Ctrl-C or SIGTERM drains: every ' +
        'accepted request is answered before it exits.',
    );
  addSqsOptions(cmd)
    .addOption(fromEnv(new Option('--host <address>', 'address to listen on (0.0.0.0 for every interface)').default('127.0.0.1').argParser(parseHost), 'SQSDEMO_HOST'))
    .addOption(fromEnv(new Option('--port <n>', 'port to listen on (0 picks a free one; the ready line prints it)').default(5000).argParser(parsePort), 'SQSDEMO_PORT'))
    .addOption(new Option('--linger-ms <ms>', 'wait up to this long for more messages before sending a partial batch (0: send at once)').default(WRITER_DEFAULTS.lingerMs).argParser(intIn(0, 1000)))
    .addOption(new Option('--batching <mode>', 'adaptive: a partial batch waits (up to --linger-ms) only while a SendMessageBatch call is in flight; fixed: always --linger-ms').choices(['adaptive', 'fixed']).default(WRITER_DEFAULTS.batching))
    .addOption(new Option('--max-inflight-batches <n>', 'SendMessageBatch calls in flight at once (and keep-alive sockets to SQS)').default(WRITER_DEFAULTS.maxInflightBatches).argParser(intIn(1, 256)))
    .addOption(new Option('--request-timeout <duration>', 'answer 503 when SQS has not accepted a message within this long (retries included), e.g. 10s').default(WRITER_DEFAULTS.requestTimeoutMs, '10s').argParser(durationIn(100, 300_000)))
    .addOption(new Option('--drain-timeout <duration>', 'on Ctrl-C/SIGTERM, wait at most this long for in-flight requests, e.g. 10s').default(WRITER_DEFAULTS.drainTimeoutMs, '10s').argParser(durationIn(0, 600_000)))
    .addOption(new Option('--max-request-bytes <n>', 'largest request body read; larger gets 413').default(WRITER_DEFAULTS.maxRequestBytes).argParser(intIn(1024, 16 * 1_048_576)))
    .option('--json', 'print one JSON event per line (access, stats every second, ready, stopped) instead of the access log')
    .option('--no-access-log', 'no line per request (stats and /metrics still count them)')
    .addOption(fromEnv(new Option('--workers <n>', 'writer processes sharing the port (node:cluster); /metrics and --json add them up').default(1).argParser(intIn(1, 64)), 'SQSDEMO_SERVE_WORKERS'))
    .addOption(new Option('--access-log-max <n>', 'at most this many access lines (or events) a second; the rest are counted in the stats, not printed (0: every request)').default(0).argParser(intIn(0, 1_000_000)))
    .action(async (flags: ServeFlags) => {
      const config = Object.freeze({
          sqs: sqsConfigFrom(cmd.opts(), ctx.env),
          host: flags.host,
          port: flags.port,
          lingerMs: flags.lingerMs,
          batching: flags.batching,
          maxInflightBatches: flags.maxInflightBatches,
          requestTimeoutMs: flags.requestTimeout,
          drainTimeoutMs: flags.drainTimeout,
          maxRequestBytes: flags.maxRequestBytes,
          json: flags.json === true,
          accessLog: flags.accessLog,
          accessLogMaxPerSecond: flags.accessLogMax,
        });
      await runClustered({ role: 'serve', workers: flags.workers, json: config.json }, ctx, (c) => runServe(config, c));
    });
}

