import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeEvents } from '../../src/cluster/merge-events.js';

describe('mergeEvents (a role cluster seen as one role)', () => {
  it('adds up counters, keeps the worst percentile, averages averages and ANDs flags', () => {
    const a = { role: 'serve', type: 'stats', t: 10, responses: { '201': 5, '400': 1 }, enqueued: 5, sqsCalls: 1, inFlight: 2, latencyMs: { p50: 1, p99: 9, max: 12 }, sqsHealthy: true, avgBatchSize: 5, rps: 100 };
    const b = { role: 'serve', type: 'stats', t: 12, responses: { '201': 7, '503': 2 }, enqueued: 7, sqsCalls: 2, inFlight: 0, latencyMs: { p50: 3, p99: 4, max: 5 }, sqsHealthy: false, avgBatchSize: 3, rps: 50 };
    assert.deepEqual(mergeEvents([a, b]), {
      role: 'serve', type: 'stats', t: 12, responses: { '201': 12, '400': 1, '503': 2 }, enqueued: 12, sqsCalls: 3, inFlight: 2,
      latencyMs: { p50: 3, p99: 9, max: 12 }, sqsHealthy: false, avgBatchSize: 4, rps: 150,
    });
  });

  it('keeps settings every worker shares as they are', () => {
    const ready = (url: string) => ({ role: 'serve', type: 'ready', t: 1, url, queue: 'q', maxMessageBytes: 262_144, lingerMs: 2, maxInflightBatches: 16, sqsHealthy: true });
    assert.deepEqual(mergeEvents([ready('http://127.0.0.1:5000'), ready('http://127.0.0.1:5000')]), ready('http://127.0.0.1:5000'));
  });
});
