/**
 * The one place a Prometheus registry is created (prom-client), for any role's
 * `GET /metrics`. Each registry carries prom-client's process and event-loop
 * metrics (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, heap...)
 * beside the role's own.
 *
 * node:cluster: in a worker, the registry is also handed to prom-client's
 * AggregatorRegistry, so a primary's `clusterMetricsText()` answers with every
 * worker's metrics summed (counters, histograms) or per worker (gauges).
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, Registry, collectDefaultMetrics } from 'prom-client';

/** Content-Type of the text exposition format (version 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

export interface MetricsRegistryOptions {
  /** Collect prom-client's process and Node.js metrics too (default true). */
  readonly processMetrics?: boolean;
}

/** The registries of this process that a cluster primary aggregates (workers only). */
const forPrimary: Registry[] = [];

/** A fresh registry for one role in this process. */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  if (cluster.isWorker) {
    // Constructing one installs the worker's answer to the primary's requests.
    if (forPrimary.length === 0) new AggregatorRegistry();
    forPrimary.push(registry);
    AggregatorRegistry.setRegistries(forPrimary);
  }
  return registry;
}

/** The registry's metrics in the text exposition format. */
export function metricsText(registry: Registry): Promise<string> {
  return registry.metrics();
}

/** In a node:cluster primary: every worker's metrics, aggregated, in the text exposition format. */
export function clusterMetricsText(): Promise<string> {
  return new AggregatorRegistry().clusterMetrics();
}
