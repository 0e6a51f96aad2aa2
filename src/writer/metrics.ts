/**
 * The writer's counters: one object, updated on the hot path without
 * allocation, read by the 1 s stats event and by `GET /metrics`.
 */
import { LatencyWindow } from '../telemetry/histogram.js';
import { BucketHistogram, PrometheusText, type Sample } from '../telemetry/prometheus.js';
import type { BatcherObserver, SendErrorClass } from './batch-types.js';

/** Enqueue latency buckets, seconds (request start to 201). */
const LATENCY_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BOUNDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export interface GaugeValues {
  readonly inFlight: number;
  readonly sqsHealthy: boolean;
  readonly maxMessageBytes: number;
}

export class WriterMetrics implements BatcherObserver {
  /** Responses by status code (index = status). */
  private readonly byStatus = new Float64Array(600);
  readonly latency = new LatencyWindow();
  private readonly latencySeconds = new BucketHistogram(LATENCY_BOUNDS);
  private readonly batchEntries = new BucketHistogram(BATCH_BOUNDS);
  private callsOk = 0;
  private readonly callErrors = new Map<SendErrorClass, number>();
  enqueued = 0;
  retries = 0;

  /** One answered request. */
  response(status: number): void {
    if (status >= 100 && status < 600) this.byStatus[status]! += 1;
  }

  enqueuedIn(ms: number): void {
    this.enqueued++;
    this.latency.record(ms);
    this.latencySeconds.observe(ms / 1000);
  }

  readonly onBatch = (entries: number, _ms: number, error: SendErrorClass | undefined): void => {
    this.batchEntries.observe(entries);
    if (error === undefined) this.callsOk++;
    else this.callErrors.set(error, (this.callErrors.get(error) ?? 0) + 1);
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
    return this.batchEntries.count === 0 ? 0 : this.batchEntries.sum / this.batchEntries.count;
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

  prometheus(gauges: GaugeValues): string {
    const statusSamples: Sample[] = Object.entries(this.responses()).map(([status, n]) => [{ status }, n]);
    const callSamples: Sample[] = [[{ action: 'SendMessageBatch', outcome: 'ok' }, this.callsOk]];
    for (const [cls, n] of this.callErrors) callSamples.push([{ action: 'SendMessageBatch', outcome: cls }, n]);
    return new PrometheusText()
      .counter('sqsdemo_serve_responses_total', 'HTTP responses by status code.', statusSamples)
      .histogram('sqsdemo_serve_enqueue_seconds', 'Time from request start to 201 (SQS accepted the message).', this.latencySeconds)
      .counter('sqsdemo_serve_enqueued_total', 'Messages SQS accepted (201 answers).', this.enqueued)
      .counter('sqsdemo_serve_sqs_calls_total', 'SQS SendMessageBatch calls by outcome (ok, network, transient, queue_missing, sender, fatal).', callSamples)
      .histogram('sqsdemo_serve_batch_entries', 'Entries per SendMessageBatch call.', this.batchEntries)
      .counter('sqsdemo_serve_entry_retries_total', 'Entries sent again after a transient failure.', this.retries)
      .gauge('sqsdemo_serve_in_flight', 'Requests being answered now.', gauges.inFlight)
      .gauge('sqsdemo_serve_sqs_healthy', '1 while SQS answers, else 0.', gauges.sqsHealthy ? 1 : 0)
      .gauge('sqsdemo_serve_max_message_bytes', "The queue's MaximumMessageSize (UTF-8 bytes).", gauges.maxMessageBytes)
      .text();
  }
}
