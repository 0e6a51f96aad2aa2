/**
 * runSqs: the local endpoint as a service (`sqsdemo sqs`). Listens, prints the
 * ready line (or a `ready` event and a `stats` event every second with --json),
 * and on ctx.signal answers pending long polls, closes and reports how many
 * messages were dropped (the endpoint keeps messages in memory only).
 */
import type { CommandContext } from '../context.js';
import { ExitCode, SqsdemoError } from '../errors.js';
import { createEventSink } from '../telemetry/sink.js';
import type { SqsEvent } from '../telemetry/sqs-events.js';
import type { EndpointLimits } from './limits.js';
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
  /** When given, SigV4 is verified (--credentials). */
  readonly credentials?: readonly Credentials[];
  readonly limits?: Partial<EndpointLimits>;
}

function human(event: SqsEvent): string | undefined {
  switch (event.type) {
    case 'ready':
      return `sqsdemo sqs listening on ${event.url} (in-memory: messages are lost when it stops)`;
    case 'stopping':
      return `sqsdemo sqs stopping (${event.reason})`;
    case 'stopped':
      return `sqsdemo sqs stopped; dropped ${event.dropped ?? 0} message${event.dropped === 1 ? '' : 's'} held in memory`;
    case 'warn':
      return `sqsdemo sqs: ${event.message}`;
    default:
      return undefined;
  }
}

export async function runSqs(config: SqsServiceConfig, ctx: CommandContext): Promise<void> {
  const emit = createEventSink<SqsEvent>(ctx.stdout, config.json, human);
  const server = createLocalSqsServer({
    ...(config.limits ? { limits: config.limits } : {}),
    ...(config.corsOrigins ? { corsOrigins: config.corsOrigins } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    onInternalError: (err) => emit({ role: 'sqs', type: 'warn', t: Date.now(), message: `internal error: ${(err as Error)?.stack ?? String(err)}`, code: 'E_INTERNAL' }),
  });
  let url: string;
  try {
    url = await server.listen(config.port, config.host);
  } catch (err) {
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
      emit({ role: 'sqs', type: 'stats', t: now, queues: stats.queues, requests: stats.requests, requestsPerSecond: Math.round(rate), messages: stats.messages });
    }, config.statsIntervalMs ?? 1000);
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (timer) clearInterval(timer);
  const reason = ctx.signal.reason instanceof Error ? ctx.signal.reason.message : 'stop requested';
  emit({ role: 'sqs', type: 'stopping', t: Date.now(), reason });
  const dropped = server.stats().messages;
  await server.close();
  emit({ role: 'sqs', type: 'stopped', t: Date.now(), dropped });
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
