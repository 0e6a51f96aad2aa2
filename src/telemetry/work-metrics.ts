/**
 * `work`'s Prometheus metrics, fed from its typed events (work-events.ts) and
 * nothing else: the reader stays unaware of them. Counters follow the totals
 * of the latest `receive`/`stats`/`stopped` event, so a scrape is as fresh as
 * the last stats interval (1 s with --json, 5 s otherwise) or receive.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { createMetricsRegistry } from './prometheus.js';
import type { WorkEvent, WorkStatsEvent } from './work-events.js';

export interface WorkMetrics {
  readonly registry: Registry;
  /** Pass every event the reader emits. */
  observe(event: WorkEvent): void;
}

type Totals = Omit<WorkStatsEvent, 'role' | 'type' | 't' | 'ageMs' | 'receiveCounts' | 'throughput'>;

const COUNTERS: ReadonlyArray<readonly [keyof Totals, string, string]> = [
  ['received', 'sqsdemo_work_received_total', 'Messages received (each delivery counts).'],
  ['processed', 'sqsdemo_work_processed_total', 'Tasks that succeeded.'],
  ['failed', 'sqsdemo_work_failed_total', 'Tasks that failed (left for SQS to redeliver or dead-letter).'],
  ['retried', 'sqsdemo_work_retried_total', 'Messages received with ApproximateReceiveCount > 1.'],
  ['deleted', 'sqsdemo_work_deleted_total', 'Deletes SQS confirmed.'],
  ['deleteFailed', 'sqsdemo_work_delete_failed_total', 'Deletes that failed for good (those messages come back).'],
  ['duplicates', 'sqsdemo_work_duplicates_total', 'Deliveries of messages already deleted (SQS is at-least-once).'],
  ['extended', 'sqsdemo_work_visibility_extended_total', 'Visibility extensions SQS confirmed for long tasks.'],
  ['returned', 'sqsdemo_work_returned_total', 'Prefetched messages handed back with visibility 0 at stop.'],
  ['sqsCalls', 'sqsdemo_work_sqs_calls_total', 'SQS calls made (ReceiveMessage, DeleteMessageBatch, ChangeMessageVisibility).'],
];

export function createWorkMetrics(registry: Registry = createMetricsRegistry()): WorkMetrics {
  const totals: Partial<Record<keyof Totals, number>> = {};
  let receiveCounts: Readonly<Record<string, number>> = {};
  let last: WorkStatsEvent | undefined;
  let ready = 0;
  const registers = [registry];

  for (const [key, name, help] of COUNTERS) {
    new Counter({
      name, help, registers,
      collect() {
        this.reset();
        this.inc(totals[key] ?? 0);
      },
    });
  }
  new Counter({
    name: 'sqsdemo_work_handled_by_receive_count_total',
    help: 'Messages handled, by their ApproximateReceiveCount (1 = first delivery).',
    labelNames: ['receive_count'], registers,
    collect() {
      this.reset();
      for (const [count, n] of Object.entries(receiveCounts)) this.inc({ receive_count: count }, n);
    },
  });
  new Gauge({ name: 'sqsdemo_work_in_flight', help: 'Messages received and not yet settled.', registers, collect() { this.set(last?.inFlight ?? 0); } });
  new Gauge({ name: 'sqsdemo_work_throughput', help: 'Tasks processed per second over the last stats interval.', registers, collect() { this.set(last?.throughput ?? 0); } });
  new Gauge({
    name: 'sqsdemo_work_message_age_seconds', help: 'Age of messages when processed (now - SentTimestamp) over the last stats interval.',
    labelNames: ['quantile'], registers,
    collect() {
      this.set({ quantile: '0.5' }, (last?.ageMs.p50 ?? 0) / 1000);
      this.set({ quantile: '0.99' }, (last?.ageMs.p99 ?? 0) / 1000);
    },
  });
  new Gauge({ name: 'sqsdemo_work_ready', help: '1 once the reader polls the queue, 0 before and after.', registers, collect() { this.set(ready); } });

  return {
    registry,
    observe(event) {
      switch (event.type) {
        case 'ready':
          ready = 1;
          return;
        case 'receive':
          totals.received = Math.max(totals.received ?? 0, event.received);
          totals.processed = Math.max(totals.processed ?? 0, event.processed);
          return;
        case 'stats':
          last = event;
          receiveCounts = event.receiveCounts;
          for (const [key] of COUNTERS) {
            const v = event[key];
            if (typeof v === 'number') totals[key] = Math.max(totals[key] ?? 0, v);
          }
          return;
        case 'stopped':
          ready = 0;
          totals.processed = Math.max(totals.processed ?? 0, event.processed);
          totals.failed = Math.max(totals.failed ?? 0, event.failed);
          totals.returned = Math.max(totals.returned ?? 0, event.returned);
          if (event.deleted !== undefined) totals.deleted = Math.max(totals.deleted ?? 0, event.deleted);
          if (event.deleteFailed !== undefined) totals.deleteFailed = Math.max(totals.deleteFailed ?? 0, event.deleteFailed);
          return;
        default:
          return;
      }
    },
  };
}
