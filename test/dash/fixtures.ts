/** Events as the roles print them (`--json`), for feeding the reducer and the panes. */
import type { AnyEvent } from '../../src/telemetry/events.js';
import { initialState, reduce, type DashAction, type DashState, type QueueDepth } from '../../src/dash/state.js';

export const T0 = 1_700_000_000_000;

export function access(status: number, i = 0, error?: string): AnyEvent {
  return { role: 'serve', type: 'access', t: T0 + i, method: 'POST', path: '/api/message', status, ms: 3 + i, ...(error ? { error } : {}) };
}

export function serveStats(enqueued: number, extra: Partial<Record<string, unknown>> = {}): AnyEvent {
  return {
    role: 'serve', type: 'stats', t: T0 + 1000, responses: { '201': enqueued, '400': Math.floor(enqueued / 23) }, enqueued, sqsCalls: Math.ceil(enqueued / 5),
    inFlight: 2, latencyMs: { p50: 3, p99: 12, max: 20 }, sqsHealthy: true, avgBatchSize: 5, rps: 200, ...extra,
  } as AnyEvent;
}

export function workStats(processed: number, deleted = processed, extra: Partial<Record<string, unknown>> = {}): AnyEvent {
  return {
    role: 'work', type: 'stats', t: T0 + 1000, received: processed + 10, processed, failed: 10, retried: 4, deleted, inFlight: 3, throughput: 180,
    ageMs: { p50: 40, p99: 900 }, receiveCounts: { '1': processed, '2': 10 }, sqsCalls: 50, ...extra,
  } as AnyEvent;
}

export function loadStats(sent: number, extra: Partial<Record<string, unknown>> = {}): AnyEvent {
  return {
    role: 'load', type: 'stats', t: T0 + 1000, sent, counts: { '201': sent - 4, '400': 4 }, throughput: 200,
    latencyMs: { p50: 4, p90: 8, p99: 15, max: 30 }, rate: 200, paused: false, unexpected: 0, ...extra,
  } as AnyEvent;
}

export function depth(main: [number, number, number], dlq: [number, number, number] = [0, 0, 0]): QueueDepth {
  return { main: { visible: main[0], inFlight: main[1], delayed: main[2] }, dlq: { visible: dlq[0], inFlight: dlq[1], delayed: dlq[2] }, t: T0 };
}

export function fold(actions: readonly (DashAction | AnyEvent)[], from: DashState = initialState()): DashState {
  return actions.reduce((s, a) => reduce(s, 'kind' in a ? a : { kind: 'event', event: a }), from);
}

/** A pipeline seen running: every role up, some traffic, a queue poll. */
export function runningState(): DashState {
  return fold([
    { kind: 'child', name: 'sqs', status: 'running' },
    { kind: 'child', name: 'setup', status: 'exited', exitCode: 0 },
    { kind: 'child', name: 'serve', status: 'running' },
    { kind: 'child', name: 'work', status: 'running' },
    { kind: 'child', name: 'load', status: 'running' },
    access(201, 1), access(201, 2), access(400, 3, 'body parameter is missing or empty'), access(201, 4),
    { role: 'work', type: 'receive', t: T0, count: 3, received: 3, processed: 2 },
    { role: 'load', type: 'batch', t: T0, batch: 1, counts: { '201': 23, '400': 1 } },
    serveStats(500), workStats(400), loadStats(525),
    { kind: 'queues', depth: depth([60, 30, 0], [10, 0, 0]) },
  ]);
}
