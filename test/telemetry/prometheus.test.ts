/**
 * The metrics registry (src/telemetry/prometheus.ts): prom-client's process
 * metrics with every registry, and a node:cluster primary that aggregates its
 * workers' registries (what `serve --workers N` answers on /metrics).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { Counter } from 'prom-client';
import { clusterMetricsText, createMetricsRegistry, metricsText, PROMETHEUS_CONTENT_TYPE } from '../../src/telemetry/prometheus.js';

describe('metrics registry', { timeout: 60_000 }, () => {
  it("gives each registry the role's metrics and the process's, in the 0.0.4 text format", async () => {
    const registry = createMetricsRegistry();
    new Counter({ name: 'sqsdemo_test_a_total', help: 'A.', registers: [registry] }).inc(2);
    const text = await metricsText(registry);
    assert.match(text, /^sqsdemo_test_a_total 2$/m);
    assert.match(text, /^process_resident_memory_bytes \d+/m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    assert.match(PROMETHEUS_CONTENT_TYPE, /^text\/plain; version=0\.0\.4/);
    // Registries are separate: a second one does not see the first one's metric.
    assert.doesNotMatch(await metricsText(createMetricsRegistry({ processMetrics: false })), /sqsdemo_test_a_total/);
  });

  it("sums the cluster workers' counters in the primary", async () => {
    cluster.setupPrimary({ exec: fileURLToPath(new URL('./fixtures/metrics-worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'], silent: true });
    const workers: Worker[] = [3, 4].map((n) => cluster.fork({ THINGS: String(n) }));
    try {
      await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('exit', (code) => reject(new Error(`worker exited (${code}) before counting`)));
      })));
      const text = await clusterMetricsText();
      assert.match(text, /^sqsdemo_test_things_total 7$/m);
    } finally {
      for (const w of workers) w.process.kill('SIGKILL');
    }
  });
});
