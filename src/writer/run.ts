/**
 * runServe: the queue-writer as a service. Checks the queue (missing -> exit 4;
 * SQS unreachable -> start anyway, 503 until it answers), listens, prints the
 * access log or ServeEvents with stats every second, and on ctx.signal drains
 * and returns (exit 0).
 */
import type { SqsConfig } from '../config.js';
import type { CommandContext } from '../context.js';
import { QueueMissingError, listenError } from '../errors.js';
import { createSqsClient } from '../sqs/client.js';
import { toSqsdemoError } from '../sqs/errors.js';
import type { ServeEvent } from '../telemetry/serve-events.js';
import { shareMetricsWithPrimary } from '../cluster/metrics.js';
import { createRateSampler, type Sampler } from '../telemetry/sampler.js';
import { aborted } from '../util/abort.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import { createEventOutput } from './output.js';
import { createWriter, type BatchingMode, type Writer } from './writer.js';

export interface ServeConfig {
  readonly sqs: SqsConfig;
  readonly host: string;
  readonly port: number;
  readonly lingerMs: number;
  /** Default: WRITER_DEFAULTS.batching. */
  readonly batching?: BatchingMode;
  readonly maxInflightBatches: number;
  readonly requestTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly maxRequestBytes: number;
  readonly json: boolean;
  readonly accessLog: boolean;
  /** At most this many access events a second (0 or absent: one per request); the rest are counted. */
  readonly accessLogMaxPerSecond?: number;
  /** Stats event period (ms, default 1000). */
  readonly statsIntervalMs?: number;
}

export async function runServe(config: ServeConfig, ctx: CommandContext): Promise<void> {
  const clock = systemClock;
  const output = createEventOutput(ctx.stdout, config.json, undefined, clock);
  const emit = (event: ServeEvent): void => output.emit(event);
  const client = createSqsClient(config.sqs, {
    // One socket per batch in flight, plus room for the health probe.
    maxSockets: config.maxInflightBatches + 2,
    // The batcher retries (within each request's deadline); the SDK must not retry behind it.
    maxAttempts: 1,
    requestTimeoutMs: config.requestTimeoutMs,
    connectionTimeoutMs: 2_000,
    // The hot path is SendMessageBatch: resolve the middleware stack once, not per call.
    cacheMiddleware: true,
  });
  let ready = false;
  let writer: Writer | undefined;
  const accessSampler = createRateSampler(config.accessLogMaxPerSecond ?? 0, clock);
  try {
    writer = createWriter({
      client,
      queueName: config.sqs.queueName,
      lingerMs: config.lingerMs,
      ...(config.batching !== undefined ? { batching: config.batching } : {}),
      maxInflightBatches: config.maxInflightBatches,
      requestTimeoutMs: config.requestTimeoutMs,
      maxRequestBytes: config.maxRequestBytes,
      ...(config.accessLog
        ? {
            onAccess: (method: string, path: string, status: number, ms: number, error: string | undefined) => {
              // Sampled before the event is built: a request held back costs a counter increment.
              if (accessSampler.take()) emit({ role: 'serve', type: 'access', t: clock.now(), method, path, status, ms: Math.round(ms * 100) / 100, ...(error !== undefined ? { error } : {}) });
            },
          }
        : {}),
      // A bug in a route: the client got 500; the operator gets the reason (and the stack on stderr).
      onInternalError: (err) => {
        emit({ role: 'serve', type: 'warn', t: Date.now(), code: 'E_INTERNAL', message: `internal error answering a request (500): ${(err as Error)?.message ?? String(err)}` });
        ctx.stderr.write(`sqsdemo serve: internal error answering a request: ${(err as Error)?.stack ?? String(err)}\n`);
      },
      ...withClusterMetrics(() => writer),
      onHealth: (healthy, reason) => {
        if (ready) emit({ role: 'serve', type: 'health', t: clock.now(), healthy, reason });
      },
    });
    const first = await writer.state.probe();
    if (first.kind === 'missing') throw new QueueMissingError(config.sqs.queueName, { cause: first.error });
    if (first.kind === 'error') throw toSqsdemoError(first.error, config.sqs);
    if (first.kind === 'unreachable') {
      const why = toSqsdemoError(first.error, config.sqs);
      emit({ role: 'serve', type: 'warn', t: clock.now(), code: why.code, message: `${why.message}; starting anyway, requests get 503 until SQS answers${why.hint ? `; hint: ${why.hint}` : ''}` });
    }
    const url = await writer.listen(config.port, config.host).catch((err: unknown) => {
      throw listenError(err, config.host, config.port);
    });
    ready = true;
    emit({
      role: 'serve', type: 'ready', t: clock.now(), url,
      queue: config.sqs.queueName,
      ...(writer.state.healthy ? { maxMessageBytes: writer.state.maxMessageBytes } : {}),
      lingerMs: config.lingerMs,
      maxInflightBatches: config.maxInflightBatches,
      sqsHealthy: writer.state.healthy,
    });
    const statsEvent = createStats(writer, accessSampler, clock);
    const statsEveryMs = config.statsIntervalMs ?? 1_000;
    let stats: Timer | undefined;
    const tick = (): void => {
      emit(statsEvent());
      stats = clock.setTimer(tick, statsEveryMs);
    };
    stats = clock.setTimer(tick, statsEveryMs);
    try {
      await aborted(ctx.signal);
    } finally {
      stats.cancel();
    }
    emit({ role: 'serve', type: 'stopping', t: clock.now(), reason: reasonOf(ctx.signal) });
    const report = await writer.close(config.drainTimeoutMs);
    if (config.json) emit(statsEvent());
    emit({
      role: 'serve', type: 'stopped', t: clock.now(),
      enqueued: writer.metrics.enqueued,
      responses: writer.metrics.responses(),
      clean: report.clean,
      sqsCalls: writer.metrics.sqsCalls,
    });
  } finally {
    output.flush();
    if (writer && !ready) await writer.close(0);
    client.destroy();
  }
}

/** Builds the periodic stats event; `rps` is over the time since the previous one. */
function createStats({ metrics, state, app }: Writer, access: Sampler, clock: Clock): () => ServeEvent {
  let lastAnswered = 0;
  let lastAt = 0;
  return () => {
    const now = clock.now();
    const answered = metrics.answered;
    const rps = lastAt === 0 ? 0 : Math.round(((answered - lastAnswered) * 1000) / Math.max(1, now - lastAt));
    lastAnswered = answered;
    lastAt = now;
    const p = metrics.latency.takeInterval();
    return {
      role: 'serve', type: 'stats', t: now,
      responses: metrics.responses(),
      enqueued: metrics.enqueued,
      sqsCalls: metrics.sqsCalls,
      inFlight: app.inFlight(),
      latencyMs: { p50: p.p50, p99: p.p99, max: p.max },
      sqsHealthy: state.healthy,
      avgBatchSize: Math.round(metrics.avgBatchSize * 100) / 100,
      rps,
      ...(access.skipped > 0 ? { accessSkipped: access.skipped } : {}),
    };
  };
}

function reasonOf(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'stop requested';
}

/** Inside a `serve --workers N` worker: /metrics adds up every worker's counters. */
function withClusterMetrics(writer: () => Writer | undefined): { totalMetrics?: (ownText: string) => Promise<string> } {
  const total = shareMetricsWithPrimary(async () => {
    const w = writer();
    return w ? w.metrics.prometheus() : '';
  });
  return total ? { totalMetrics: total } : {};
}
