/** `sqsdemo sqs`: the local SQS-compatible endpoint. */
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { SUMMARIES } from './catalog.js';
import type { CommandContext } from '../context.js';
import { durationIn, fromEnv, intIn, parseHost, parsePort } from '../config.js';
import { ListenError, SqsdemoError } from '../errors.js';
import { normalizeOrigin } from '../localsqs/browser-policy.js';
import { normalizeAllowedHost } from '../localsqs/host-check.js';
import { DEFAULT_COMPACT_BYTES } from '../localsqs/journal/data-dir.js';
import { FSYNC_MODES, type FsyncMode } from '../localsqs/journal/writer.js';
import { DEFAULT_LIMITS } from '../localsqs/limits.js';
import { runSqs } from '../localsqs/run.js';
import type { Credentials } from '../localsqs/sigv4.js';
import { credentialsOption } from './credentials-option.js';

interface SqsFlags {
  host: string;
  port: number;
  json?: boolean;
  corsOrigin?: string[];
  allowHost?: string[];
  credentials?: Credentials[];
  maxQueues: number;
  maxTagsPerQueue: number;
  maxHeldBytes: number;
  maxRequestBytes: number;
  maxConnections: number;
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  dataDir?: string;
  fsync: FsyncMode;
  compactBytes: number;
}

/** Repeatable --cors-origin; SQSDEMO_CORS_ORIGINS gives several, comma-separated. */
function collectOrigins(value: string, previous: string[] | undefined): string[] {
  const out = [...(previous ?? [])];
  for (const raw of value.split(',')) {
    const origin = normalizeOrigin(raw);
    if (origin === '') continue;
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new InvalidArgumentError('Allowed: an origin such as http://localhost:3000 (scheme, host and port, no path).');
    out.push(origin);
  }
  return out;
}

/** Repeatable --allow-host; SQSDEMO_ALLOW_HOSTS gives several, comma-separated. */
function collectHosts(value: string, previous: string[] | undefined): string[] {
  const out = [...(previous ?? [])];
  for (const raw of value.split(',')) {
    if (raw.trim() === '') continue;
    try {
      out.push(normalizeAllowedHost(raw));
    } catch (err) {
      throw new InvalidArgumentError(`Allowed: ${(err as Error).message}.`);
    }
  }
  return out;
}

export function registerSqs(program: Command, ctx: CommandContext): void {
  const d = DEFAULT_LIMITS;
  program
    .command('sqs')
    .summary(SUMMARIES.sqs)
    .description(
      'Serve the Amazon SQS API for standard and FIFO queues on HTTP, so every role (and the AWS SDKs, ' +
        'the AWS CLI and boto3) runs with no AWS account: AWS JSON 1.0 (SDK v3) and the Query ' +
        'protocol. Visibility timeouts, delays, retention, long polling, message attributes and ' +
        'dead-letter redrive and message move tasks behave as AWS documents them.\n\n' +
        'Listens on 127.0.0.1 unless --host says otherwise. Any signature is accepted unless ' +
        '--credentials is given: then every request must be SigV4-signed with that key. Browser ' +
        'requests from web pages are refused unless their origin is allowed with --cors-origin. On a ' +
        'loopback address (the default) only requests for localhost or an IP address are served: a ' +
        'page whose name was pointed at 127.0.0.1 (DNS rebinding) is refused; --allow-host adds names.\n\n' +
        'Without --data-dir, messages are held in memory only: stopping it (Ctrl-C / SIGTERM) drops every ' +
        'queue and message, and says how many. Then create the queues with `sqsdemo setup`.\n\n' +
        'With --data-dir DIR, queues and messages survive a stop, a crash and kill -9: every change ' +
        '(queues created, deleted, attributes and tags, messages sent, received, deleted, visibility ' +
        'changes, purges) is appended to a journal in DIR before it is answered, and replayed over the ' +
        'last snapshot at the next start; timers (delays, visibility timeouts, retention) continue from ' +
        'the recorded times; FIFO queues keep their order, numbering, deduplication window and receive ' +
        'attempts; a running move task continues. A torn journal tail (a kill or power cut mid-write) is cut and reported. ' +
        'One process per DIR (a LOCK file; a dead owner\'s lock is taken over). --fsync says what an ' +
        'answer promises:\n' +
        '  always  written and fsynced before the answer: survives a power cut or OS crash (slowest; ' +
        'concurrent requests share one fsync)\n' +
        '  batch   written to the OS before the answer: survives kill -9 and any crash of sqsdemo; an ' +
        'fsync follows within 200 ms, so a power cut may lose that last stretch (default)\n' +
        '  never   answered at once, written within 10 ms: a kill -9 may lose the last 10 ms ' +
        'of changes; the OS decides when they reach the disk',
    )
    .addOption(fromEnv(new Option('--host <address>', 'address to listen on (0.0.0.0 for every interface)').default('127.0.0.1').argParser(parseHost), 'SQSDEMO_SQS_HOST'))
    .addOption(fromEnv(new Option('--port <n>', 'port to listen on (0 picks a free one; the ready line prints it)').default(9324).argParser(parsePort), 'SQSDEMO_SQS_PORT'))
    .option('--json', 'print one JSON event per line (ready with its url, stats every second, stopped)')
    .addOption(credentialsOption('verify SigV4: only requests signed with this access key and secret are served (KEY:SECRET, several comma-separated)'))
    .addOption(fromEnv(new Option('--cors-origin <origin>', 'let browser pages from this origin call the endpoint, with CORS headers (repeatable; several comma-separated in the env var)').argParser(collectOrigins), 'SQSDEMO_CORS_ORIGINS'))
    .addOption(fromEnv(new Option('--allow-host <name>', 'on a loopback address, also serve requests whose Host is this name (.domain: and its subdomains; repeatable; several comma-separated in the env var)').argParser(collectHosts), 'SQSDEMO_ALLOW_HOSTS'))
    .addOption(fromEnv(new Option('--data-dir <dir>', 'keep queues and messages in this directory across restarts and crashes (default: in memory only)'), 'SQSDEMO_DATA_DIR'))
    .addOption(fromEnv(new Option('--fsync <mode>', 'with --data-dir, what an answer waits for: always (fsynced), batch (written; fsync within 200 ms), never (nothing; written within 10 ms)').choices(FSYNC_MODES).default('batch'), 'SQSDEMO_FSYNC'))
    .addOption(new Option('--compact-bytes <n>', 'with --data-dir, write a snapshot and drop the journal before it after this many journal bytes (at least the last snapshot\'s size)').default(DEFAULT_COMPACT_BYTES, '64 MiB').argParser(intIn(4_096, 64 * 1024 * 1_048_576)))
    .addOption(new Option('--max-queues <n>', 'queues at most; CreateQueue beyond is OverLimit').default(d.maxQueues).argParser(intIn(1, 10_000)))
    .addOption(new Option('--max-tags-per-queue <n>', 'tags per queue at most (AWS: 50)').default(d.maxTagsPerQueue).argParser(intIn(0, 50)))
    .addOption(new Option('--max-held-bytes <n>', 'bytes of messages held across all queues (payload plus ~512 B each); a send beyond is OverLimit').default(d.maxHeldBytes).argParser(intIn(1_048_576, 64 * 1024 * 1_048_576)))
    .addOption(new Option('--max-request-bytes <n>', 'largest request body read; larger gets 413 and the connection is closed').default(d.maxRequestBytes).argParser(intIn(65_536, 64 * 1_048_576)))
    .addOption(new Option('--max-connections <n>', 'open client connections at most; more are refused').default(d.maxConnections).argParser(intIn(1, 1_000_000)))
    .addOption(new Option('--headers-timeout <duration>', 'a request\'s headers must arrive within this long').default(d.headersTimeoutMs, '10s').argParser(durationIn(100, 600_000)))
    .addOption(new Option('--request-timeout <duration>', 'a whole request must arrive within this long (long polls wait after it)').default(d.requestTimeoutMs, '60s').argParser(durationIn(100, 3_600_000)))
    .addOption(new Option('--keep-alive-timeout <duration>', 'an idle keep-alive connection is closed after this long').default(d.keepAliveTimeoutMs, '65s').argParser(durationIn(100, 3_600_000)))
    .action(async (flags: SqsFlags) => {
      await runSqs(
        Object.freeze({
          host: flags.host,
          port: flags.port,
          json: flags.json === true,
          corsOrigins: flags.corsOrigin ?? [],
          allowedHosts: flags.allowHost ?? [],
          ...(flags.credentials ? { credentials: flags.credentials } : {}),
          ...(flags.dataDir !== undefined && flags.dataDir !== '' ? { dataDir: resolve(flags.dataDir), fsync: flags.fsync, compactBytes: flags.compactBytes } : {}),
          limits: {
            maxQueues: flags.maxQueues,
            maxTagsPerQueue: flags.maxTagsPerQueue,
            maxHeldBytes: flags.maxHeldBytes,
            maxRequestBytes: flags.maxRequestBytes,
            maxConnections: flags.maxConnections,
            headersTimeoutMs: Math.min(flags.headersTimeout, flags.requestTimeout),
            requestTimeoutMs: flags.requestTimeout,
            keepAliveTimeoutMs: flags.keepAliveTimeout,
          },
        }),
        ctx,
      ).catch((err: unknown) => {
        throw asListenError(err);
      });
    });
}

/**
 * The local endpoint reports a taken or refused port with its own codes; the
 * exit code for "cannot listen" is 5 for every role (src/errors.ts). Its
 * messages and hints are kept: they name the other sqsdemo sqs that may hold it.
 */
function asListenError(err: unknown): unknown {
  if (err instanceof SqsdemoError && /^E_(PORT_IN_USE|PORT_DENIED|LISTEN)$/.test(err.code)) {
    return new ListenError(err.message, err.hint, { cause: err.cause });
  }
  return err;
}
