/**
 * runSqs: the local endpoint as a service (`sqsdemo sqs`). Listens, prints the
 * ready line (or a `ready` event and a `stats` event every second with --json),
 * and on ctx.signal answers pending long polls, closes and reports how many
 * messages were dropped. With a data dir, it first recovers the queues and
 * messages kept there (and says what it recovered and what it cut), records
 * every change before answering it, and on stop keeps everything on disk.
 */
import type { CommandContext } from '../context.js';
import { ExitCode, SqsdemoError } from '../errors.js';
import { createEventSink } from '../telemetry/sink.js';
import type { SqsEvent } from '../telemetry/sqs-events.js';
import { systemClock } from '../util/clock.js';
import { openDataDir, type DataDir } from './journal/data-dir.js';
import type { FsyncMode } from './journal/writer.js';
import { DEFAULT_LIMITS, type EndpointLimits } from './limits.js';
import { createLocalSqsServer } from './server.js';
import type { Credentials } from './sigv4.js';

export interface SqsServiceConfig {
  readonly host: string;
  /** 0 picks a free port (printed in the ready line). */
  readonly port: number;
  readonly json: boolean;
  /** Stats event period (ms, default 1000; only with json). */
  readonly statsIntervalMs?: number;
  /** Browser origins allowed (--cors-origin). */
  readonly corsOrigins?: readonly string[];
  /** Host names served besides localhost and IP addresses on a loopback address (--allow-host). */
  readonly allowedHosts?: readonly string[];
  /** When given, SigV4 is verified (--credentials). */
  readonly credentials?: readonly Credentials[];
  readonly limits?: Partial<EndpointLimits>;
  /** Keep queues and messages in this directory (--data-dir); none: in memory only. */
  readonly dataDir?: string;
  /** What an answer waits for with a data dir (default batch). */
  readonly fsync?: FsyncMode;
  /** Journal bytes after which a snapshot compacts it (default 64 MiB). */
  readonly compactBytes?: number;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

function human(config: SqsServiceConfig, event: SqsEvent): string | undefined {
  switch (event.type) {
    case 'ready':
      return config.dataDir === undefined
        ? `sqsdemo sqs listening on ${event.url} (in-memory: messages are lost when it stops)`
        : `sqsdemo sqs listening on ${event.url} (data in ${config.dataDir}, fsync ${config.fsync ?? 'batch'})`;
    case 'recovered': {
      const lines = [`sqsdemo sqs recovered ${plural(event.queues, 'queue')} and ${plural(event.messages, 'message')} from ${event.dataDir} in ${event.ms} ms` +
        ` (${event.snapshot !== undefined ? `snapshot ${event.snapshot} + ` : ''}${plural(event.records, 'journal record')})`];
      if (event.staleLockFrom !== undefined) lines.push(`sqsdemo sqs: took over the lock of process ${event.staleLockFrom}, which is gone`);
      for (const cut of event.cuts) lines.push(`sqsdemo sqs: cut ${plural(cut.bytes, 'byte')} of ${cut.file} at offset ${cut.offset}: ${cut.reason}`);
      return lines.join('\n');
    }
    case 'stopping':
      return `sqsdemo sqs stopping (${event.reason})`;
    case 'stopped':
      if (event.kept !== undefined) return `sqsdemo sqs stopped; kept ${plural(event.kept, 'message')} in ${config.dataDir}`;
      return `sqsdemo sqs stopped; dropped ${event.dropped ?? 0} message${event.dropped === 1 ? '' : 's'} held in memory`;
    case 'warn':
      return `sqsdemo sqs: ${event.message}`;
    default:
      return undefined;
  }
}

export async function runSqs(config: SqsServiceConfig, ctx: CommandContext): Promise<void> {
  const emit = createEventSink<SqsEvent>(ctx.stdout, config.json, (e) => human(config, e));
  const warn = (message: string, code: string): void => emit({ role: 'sqs', type: 'warn', t: Date.now(), message, code });
  let dataDir: DataDir | undefined;
  if (config.dataDir !== undefined) {
    const started = Date.now();
    dataDir = await openDataDir({
      dir: config.dataDir,
      fsync: config.fsync ?? 'batch',
      clock: systemClock,
      limits: Object.freeze({ ...DEFAULT_LIMITS, ...config.limits }),
      ...(config.compactBytes !== undefined ? { compactBytes: config.compactBytes } : {}),
      onWarn: (message) => warn(message, 'E_SNAPSHOT'),
      onError: (err) => warn(`cannot write the journal, changes now fail: ${err.message}`, 'E_JOURNAL'),
    });
    const { recovery, store } = dataDir;
    emit({
      role: 'sqs', type: 'recovered', t: Date.now(), dataDir: config.dataDir,
      queues: store.list().length, messages: store.messageCount(),
      ...(recovery.snapshot !== undefined ? { snapshot: recovery.snapshot } : {}),
      records: recovery.records, ms: Date.now() - started, cuts: recovery.cuts,
      ...(dataDir.tookOverFrom !== undefined ? { staleLockFrom: dataDir.tookOverFrom } : {}),
    });
  }
  const server = createLocalSqsServer({
    ...(dataDir ? { store: dataDir.store } : {}),
    ...(config.limits ? { limits: config.limits } : {}),
    ...(config.corsOrigins ? { corsOrigins: config.corsOrigins } : {}),
    ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    onInternalError: (err) => emit({ role: 'sqs', type: 'warn', t: Date.now(), message: `internal error: ${(err as Error)?.stack ?? String(err)}`, code: 'E_INTERNAL' }),
  });
  let url: string;
  try {
    url = await server.listen(config.port, config.host);
  } catch (err) {
    await dataDir?.close();
    throw listenError(err, config);
  }
  emit({ role: 'sqs', type: 'ready', t: Date.now(), url });
  let timer: NodeJS.Timeout | undefined;
  if (config.json) {
    let lastRequests = 0;
    let lastAt = Date.now();
    timer = setInterval(() => {
      const stats = server.stats();
      const now = Date.now();
      const rate = ((stats.requests - lastRequests) * 1000) / Math.max(1, now - lastAt);
      lastRequests = stats.requests;
      lastAt = now;
      emit({ role: 'sqs', type: 'stats', t: now, queues: stats.queues, requests: stats.requests, refused: stats.refused, requestsPerSecond: Math.round(rate), messages: stats.messages });
    }, config.statsIntervalMs ?? 1000);
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (timer) clearInterval(timer);
  const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : 'stop requested';
  emit({ role: 'sqs', type: 'stopping', t: Date.now(), reason });
  const held = server.stats().messages;
  await server.close();
  const { requests, refused } = server.stats();
  if (dataDir === undefined) emit({ role: 'sqs', type: 'stopped', t: Date.now(), dropped: held, requests, refused });
  else {
    await dataDir.close();
    emit({ role: 'sqs', type: 'stopped', t: Date.now(), kept: held, requests, refused });
  }
}

function listenError(err: unknown, config: SqsServiceConfig): SqsdemoError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new SqsdemoError(
      `port ${config.port} on ${config.host} is already in use (another sqsdemo sqs?)`,
      'E_PORT_IN_USE',
      ExitCode.Unavailable,
      `stop the process using it, choose another with --port N (0 picks a free one), or point the roles at the running one with --endpoint http://${where}`,
      { cause: err },
    );
  }
  if (code === 'EACCES') {
    return new SqsdemoError(`not allowed to listen on ${where}`, 'E_PORT_DENIED', ExitCode.Unavailable, 'use a port above 1023 with --port N', { cause: err });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new SqsdemoError(`cannot listen on ${where}: no such local address`, 'E_BAD_HOST', ExitCode.Usage, 'use --host 127.0.0.1, 0.0.0.0 or an address of this machine', { cause: err });
  }
  return new SqsdemoError(`cannot listen on ${where}: ${(err as Error)?.message ?? String(err)}`, 'E_LISTEN', ExitCode.Unavailable, undefined, { cause: err });
}
