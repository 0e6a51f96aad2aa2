/**
 * The writer's counters: one object, updated on the hot path without
 * allocation, read by the 1 s stats event and, through a prom-client registry
 * (src/telemetry/prometheus.ts), by `GET /metrics`.
 *
 * Per-request counts (responses by status, enqueued, retries) stay in plain
 * numbers (a prom-client counter hashes its labels on every call) and are
 * copied into the registry when it is scraped; the latency histogram and the
 * per-batch metrics go to prom-client as they happen.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LatencyWindow } from '../telemetry/histogram.js';
import { createMetricsRegistry, metricsText } from '../telemetry/prometheus.js';
import type { BatcherObserver, SendErrorClass } from './batch-types.js';

/** Enqueue latency buckets, seconds (request start to 201). */
const LATENCY_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BOUNDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Values only the app knows at scrape time. */
export interface GaugeValues {
  readonly inFlight: number;
  readonly sqsHealthy: boolean;
  readonly maxMessageBytes: number;
}

export class WriterMetrics implements BatcherObserver {
  /** Responses by status code (index = status). */
  private readonly byStatus = new Float64Array(600);
  readonly latency = new LatencyWindow();
  private callsOk = 0;
  private readonly callErrors = new Map<SendErrorClass, number>();
  private batchEntriesSum = 0;
  private batchCount = 0;
  enqueued = 0;
  retries = 0;

  readonly registry: Registry;
  private gauges: () => GaugeValues = () => ({ inFlight: 0, sqsHealthy: false, maxMessageBytes: 0 });
  private readonly enqueueSeconds: Histogram;
  private readonly batchEntries: Histogram;
  private readonly sqsCallsTotal: Counter<'action' | 'outcome'>;

  constructor(registry: Registry = createMetricsRegistry()) {
    this.registry = registry;
    const registers = [registry];
    const byStatus = this.byStatus;
    new Counter({
      name: 'sqsdemo_serve_responses_total',
      help: 'HTTP responses by status code.',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        byStatus.forEach((n, status) => {
          if (n > 0) this.inc({ status: String(status) }, n);
        });
      },
    });
    this.enqueueSeconds = new Histogram({ name: 'sqsdemo_serve_enqueue_seconds', help: 'Time from request start to 201 (SQS accepted the message).', buckets: LATENCY_BOUNDS, registers });
    const enqueued = (): number => this.enqueued;
    const retries = (): number => this.retries;
    new Counter({ name: 'sqsdemo_serve_enqueued_total', help: 'Messages SQS accepted (201 answers).', registers, collect() { this.reset(); this.inc(enqueued()); } });
    this.sqsCallsTotal = new Counter({
      name: 'sqsdemo_serve_sqs_calls_total',
      help: 'SQS SendMessageBatch calls by outcome (ok, network, transient, queue_missing, sender, fatal).',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.batchEntries = new Histogram({ name: 'sqsdemo_serve_batch_entries', help: 'Entries per SendMessageBatch call.', buckets: BATCH_BOUNDS, registers });
    new Counter({ name: 'sqsdemo_serve_entry_retries_total', help: 'Entries sent again after a transient failure.', registers, collect() { this.reset(); this.inc(retries()); } });
    const gauges = (): GaugeValues => this.gauges();
    new Gauge({ name: 'sqsdemo_serve_in_flight', help: 'Requests being answered now.', registers, collect() { this.set(gauges().inFlight); } });
    new Gauge({ name: 'sqsdemo_serve_sqs_healthy', help: '1 while SQS answers, else 0.', registers, collect() { this.set(gauges().sqsHealthy ? 1 : 0); } });
    new Gauge({ name: 'sqsdemo_serve_max_message_bytes', help: "The queue's MaximumMessageSize (UTF-8 bytes).", registers, collect() { this.set(gauges().maxMessageBytes); } });
    // SendMessageBatch outcomes all start at 0, so rates work from the first scrape.
    this.sqsCallsTotal.inc({ action: 'SendMessageBatch', outcome: 'ok' }, 0);
  }

  /** Where the gauges read their values when scraped (the app: in flight, health, size limit). */
  setGaugeSource(source: () => GaugeValues): void {
    this.gauges = source;
  }

  /** One answered request. */
  response(status: number): void {
    if (status >= 100 && status < 600) this.byStatus[status]! += 1;
  }

  enqueuedIn(ms: number): void {
    this.enqueued++;
    this.latency.record(ms);
    this.enqueueSeconds.observe(ms / 1000);
  }

  readonly onBatch = (entries: number, _ms: number, error: SendErrorClass | undefined): void => {
    this.batchEntries.observe(entries);
    this.batchEntriesSum += entries;
    this.batchCount++;
    if (error === undefined) this.callsOk++;
    else this.callErrors.set(error, (this.callErrors.get(error) ?? 0) + 1);
    this.sqsCallsTotal.inc({ action: 'SendMessageBatch', outcome: error ?? 'ok' });
  };

  readonly onRetry = (): void => {
    this.retries++;
  };

  /** SendMessageBatch calls made (answered or failed). */
  get sqsCalls(): number {
    let n = this.callsOk;
    for (const v of this.callErrors.values()) n += v;
    return n;
  }

  /** Entries per SendMessageBatch call on average (0 before the first call). */
  get avgBatchSize(): number {
    return this.batchCount === 0 ? 0 : this.batchEntriesSum / this.batchCount;
  }

  /** Responses answered since start. */
  get answered(): number {
    let n = 0;
    for (const v of this.byStatus) n += v;
    return n;
  }

  /** Responses by status, e.g. {"201": 1035, "400": 45}. */
  responses(): Record<string, number> {
    const out: Record<string, number> = {};
    this.byStatus.forEach((n, status) => {
      if (n > 0) out[String(status)] = n;
    });
    return out;
  }

  /** The Prometheus text of this writer's registry (its metrics and the process's). */
  prometheus(): Promise<string> {
    return metricsText(this.registry);
  }
}
