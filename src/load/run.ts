/**
 * runLoad: the load client as a command. Checks that something listens at the
 * URL, runs the generator, prints batch lines (at most a few a second; the
 * totals are always current), periodic stats and the summary (also on
 * Ctrl-C, after the answers in flight arrive), optionally verifies the
 * accepted ids against SQS, and throws CheckFailedError when any answer was
 * not the expected one.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CommandContext } from '../context.js';
import { CheckFailedError } from '../errors.js';
import { createSqsClient } from '../sqs/client.js';
import type { LoadEvent, LoadSummaryEvent } from '../telemetry/load-events.js';
import { createEventSink } from '../telemetry/sink.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import type { LoadConfig } from './config.js';
import { readControl } from './control.js';
import { createLoadFormatter } from './format.js';
import { createLoadGenerator } from './generator.js';
import { createPayloadPlan } from './payloads.js';
import { groupedPlan } from './groups.js';
import { randomBytes } from 'node:crypto';
import { createHttpSender, probeWriter, type Sender } from './sender.js';
import { LoadStats, toCounts } from './stats.js';
import { verifyAccepted } from './verify.js';

/** Batch lines closer together than this are folded into the next one. */
export const BATCH_LINE_MIN_MS = 250;
const JSON_STATS_MS = 1_000;
const HUMAN_STATS_MS = 5_000;

export interface LoadDeps {
  readonly clock?: Clock;
  /** Replaces HTTP (unit tests); also skips the connect probe. */
  readonly sender?: Sender;
  /** SQS client for --verify (default: built from config.verify.sqs). */
  readonly sqsClient?: SQSClient;
}

export async function runLoad(config: LoadConfig, ctx: CommandContext, deps: LoadDeps = {}): Promise<LoadSummaryEvent> {
  const clock = deps.clock ?? systemClock;
  const emit = createEventSink<LoadEvent>(ctx.stdout, config.json, createLoadFormatter(config));
  if (deps.sender === undefined) await probeWriter(config.url, Math.min(config.timeoutMs, 5_000));

  const basePlan = createPayloadPlan(config);
  const plan = config.groups === undefined ? basePlan : groupedPlan(basePlan, config.groups, randomBytes(3).toString('hex'));
  const stats = new LoadStats(config.verify !== undefined);
  const sender = deps.sender ?? createHttpSender(config.url, { connections: config.concurrency, timeoutMs: config.timeoutMs, collectIds: config.verify !== undefined }, ctx.env);

  let lastBatchLine = -Infinity;
  let shownBatch = 0;
  const batchEvent = (batch: number): void => {
    shownBatch = batch;
    lastBatchLine = clock.monotonic();
    emit({ role: 'load', type: 'batch', t: clock.now(), batch, counts: toCounts(stats.counts) });
  };
  const generator = createLoadGenerator(config, {
    plan, sender, clock, stats,
    onAnswer: () => {
      if (stats.answered % config.batchSize !== 0) return;
      if (clock.monotonic() - lastBatchLine >= BATCH_LINE_MIN_MS) batchEvent(stats.answered / config.batchSize);
    },
  });

  const statsEvery = config.json ? JSON_STATS_MS : config.humanStatsIntervalMs ?? HUMAN_STATS_MS;
  let lastStatsAt = 0;
  let lastAnswered = 0;
  const statsEvent = (): void => {
    const now = clock.monotonic();
    const throughput = ((stats.answered - lastAnswered) * 1000) / Math.max(1, now - lastStatsAt);
    lastStatsAt = now;
    lastAnswered = stats.answered;
    const { count: _count, ...latencyMs } = stats.latency.percentiles();
    emit({
      role: 'load', type: 'stats', t: clock.now(), sent: stats.sent, counts: toCounts(stats.counts),
      throughput: Math.round(throughput * 10) / 10, latencyMs,
      ...(generator.rate !== undefined ? { rate: generator.rate } : {}),
      paused: generator.paused, unexpected: stats.unexpected,
      inFlight: generator.inFlight, backlog: generator.backlog(),
    });
  };
  let statsTimer: Timer | undefined;
  const scheduleStats = (): void => {
    statsTimer = clock.setTimer(() => {
      statsEvent();
      scheduleStats();
    }, statsEvery);
  };

  const control = config.controlStdin
    ? readControl(ctx.stdin, {
        pause: () => {
          generator.pause();
          statsEvent();
        },
        resume: () => {
          generator.resume();
          statsEvent();
        },
        setRate: (rate) => {
          generator.setRate(rate);
          statsEvent();
        },
      }, (message) => emit({ role: 'load', type: 'warn', t: clock.now(), message, code: 'E_CONTROL' }))
    : undefined;

  const onAbort = (): void => {
    if (generator.endReason === undefined) emit({ role: 'load', type: 'stopping', t: clock.now(), reason: (ctx.signal.reason as Error | undefined)?.message ?? 'stop requested' });
    generator.stop();
  };
  const startedAt = clock.monotonic();
  lastStatsAt = startedAt;
  try {
    emit({ role: 'load', type: 'ready', t: clock.now(), url: config.url });
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    generator.start();
    scheduleStats();
    await generator.finished;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    statsTimer?.cancel();
    control?.close();
    sender.close();
  }
  const durationMs = clock.monotonic() - startedAt;
  const lastBatch = Math.floor(stats.answered / config.batchSize);
  if (lastBatch > shownBatch) batchEvent(lastBatch);

  const reasons = stats.unexpectedReasons();
  if (stats.answered === 0) reasons.push('no request was sent');
  let verify: LoadSummaryEvent['verify'];
  if (config.verify !== undefined) {
    const client = deps.sqsClient ?? createSqsClient(config.verify.sqs, { maxSockets: 16 });
    try {
      verify = await verifyAccepted(stats.ids, config.verify, client);
    } finally {
      if (deps.sqsClient === undefined) client.destroy();
    }
    if (verify.order && verify.order.violations > 0) reasons.push(`${verify.order.violations} messages were processed after a later message of their group (FIFO order violations)`);
    if (verify.missing > 0) reasons.push(`${verify.missing} of ${verify.accepted} accepted messages were not found in the queues${config.verify.dataLog ? ' or the data log' : ''}`);
  }
  const { count: _count, ...latencyMs } = stats.latency.percentiles();
  const summary: LoadSummaryEvent = {
    role: 'load', type: 'summary', t: clock.now(),
    sent: stats.sent, counts: toCounts(stats.counts), durationMs: Math.round(durationMs),
    throughput: Math.round((stats.answered * 10_000) / Math.max(1, durationMs)) / 10,
    latencyMs, unexpected: stats.unexpected, ok: reasons.length === 0,
    ...(verify ? { verify } : {}),
    ...(reasons.length > 0 ? { reasons } : {}),
    endedBy: generator.endReason ?? 'stopped',
    ...(generator.unsentAtEnd > 0 ? { unsent: generator.unsentAtEnd } : {}),
  };
  emit(summary);
  if (!summary.ok) throw new CheckFailedError(reasons.join('; '), reasonHint(stats));
  return summary;
}

function reasonHint(stats: LoadStats): string | undefined {
  if (stats.connectionErrors().size > 0) return 'connection errors: is `sqsdemo serve` still running, and reachable at --url?';
  if ((stats.counts.get('503') ?? 0) > 0) return 'the writer answered 503: it cannot reach SQS (see its log)';
  return undefined;
}
