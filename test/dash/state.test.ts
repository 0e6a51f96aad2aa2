import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeBalance, formatBalance } from '../../src/dash/balance.js';
import { stepRate } from '../../src/dash/config.js';
import { ERROR_LINES, LOG_LINES, formatCounts, initialState } from '../../src/dash/state.js';
import { T0, access, depth, fold, loadStats, runningState, serveStats, workStats } from './fixtures.js';

describe('dash state', () => {
  it('keeps the newest access lines, at most LOG_LINES of them', () => {
    const s = fold(Array.from({ length: LOG_LINES + 5 }, (_, i) => access(i % 24 === 0 ? 400 : 201, i)));
    assert.equal(s.httpLog.length, LOG_LINES);
    assert.equal(s.httpLog.at(-1)!.t, T0 + LOG_LINES + 4);
    assert.equal(s.httpLog[0]!.t, T0 + 5);
  });

  it('marks a role running with its url when its ready event arrives', () => {
    const s = fold([{ kind: 'child', name: 'serve', status: 'starting' }, { role: 'serve', type: 'ready', t: T0, url: 'http://127.0.0.1:5001', queue: 'q', lingerMs: 2, maxInflightBatches: 16, sqsHealthy: true }]);
    assert.equal(s.children.serve.status, 'running');
    assert.equal(s.children.serve.url, 'http://127.0.0.1:5001');
  });

  it('keeps the last error lines of a crashed role, error events and stderr alike', () => {
    const lines = Array.from({ length: ERROR_LINES + 2 }, (_, i) => ({ kind: 'stderr' as const, name: 'work' as const, line: `line ${i}` }));
    const s = fold([...lines, { role: 'work', type: 'error', t: T0, message: 'queue "x" does not exist', hint: 'run setup' }, { kind: 'child', name: 'work', status: 'crashed', exitCode: 4 }]);
    assert.equal(s.children.work.status, 'crashed');
    assert.equal(s.children.work.exitCode, 4);
    assert.equal(s.children.work.errorLines.length, ERROR_LINES);
    assert.equal(s.children.work.errorLines.at(-1), 'queue "x" does not exist (run setup)');
  });

  it('records warnings with their role', () => {
    const s = fold([{ role: 'serve', type: 'warn', t: T0, message: 'SQS is slow' }]);
    assert.deepEqual(s.warnings, ['serve: SQS is slow']);
  });

  it('folds the periodic stats of serve, work and load and their throughput series', () => {
    const s = fold([serveStats(100), serveStats(300, { rps: 210 }), workStats(250), loadStats(330)]);
    assert.equal(s.serve!.enqueued, 300);
    assert.deepEqual(s.series.serve, [200, 210]);
    assert.equal(s.work!.deleted, 250);
    assert.deepEqual(s.series.work, [180]);
    assert.equal(s.load!.sent, 330);
    assert.equal(s.load!.rate, 200);
  });

  it('takes the stopped events as final and ignores stats that arrive after them', () => {
    const s = fold([
      serveStats(100),
      { role: 'serve', type: 'stopped', t: T0, enqueued: 120, responses: { '201': 120 } },
      serveStats(110),
      workStats(90),
      { role: 'work', type: 'stopped', t: T0, processed: 118, failed: 2, returned: 0, deleted: 118 },
      workStats(95),
    ]);
    assert.equal(s.serve!.enqueued, 120);
    assert.equal(s.serve!.final, true);
    assert.equal(s.work!.deleted, 118);
    assert.equal(s.work!.final, true);
  });

  it('keeps reader lines per receive and client lines per batch', () => {
    const s = fold([
      { role: 'work', type: 'receive', t: T0, count: 3, received: 3, processed: 0 },
      { role: 'work', type: 'receive', t: T0, count: 2, received: 5, processed: 3 },
      { role: 'load', type: 'batch', t: T0, batch: 1, counts: { '201': 23, '400': 1 } },
    ]);
    assert.deepEqual(s.readerLog.map((r) => `${r.received}/${r.processed}`), ['3/0', '5/3']);
    assert.deepEqual(s.clientLog[0]!.counts, { '201': 23, '400': 1 });
  });

  it("formats the client's counts as the original did", () => {
    assert.equal(formatCounts({ '201': 1035, '400': 45 }), "{'ConnErr': 0, 400: 45, 201: 1035}");
    assert.equal(formatCounts({ '201': 5, ECONNREFUSED: 2, timeout: 1 }), "{'ConnErr': 3, 201: 5}");
  });
});

describe('balance', () => {
  it('holds when accepted = processed + dead-lettered + queued + in flight', () => {
    const b = computeBalance(runningState());
    assert.deepEqual(
      { accepted: b.accepted, processed: b.processed, deadLettered: b.deadLettered, queued: b.queued, inFlight: b.inFlight, missing: b.missing },
      { accepted: 500, processed: 400, deadLettered: 10, queued: 60, inFlight: 30, missing: 0 },
    );
    assert.match(formatBalance(b), /accepted 500 = processed 400 \+ dead-lettered 10 \+ queued 60 \+ in flight 30 {2}✓ holds/);
  });

  it('counts what was in the queues before dash started', () => {
    const s = fold([{ kind: 'baseline', depth: depth([7, 0, 0], [3, 0, 0]) }, serveStats(10), workStats(15), { kind: 'queues', depth: depth([2, 0, 0], [3, 0, 0]) }]);
    const b = computeBalance(s);
    assert.equal(b.before, 10);
    assert.equal(b.missing, 0);
  });

  it('says how many are missing once the numbers are final', () => {
    const s = fold([
      { role: 'serve', type: 'stopped', t: T0, enqueued: 100, responses: { '201': 100 } },
      { role: 'work', type: 'stopped', t: T0, processed: 95, failed: 0, returned: 0, deleted: 95 },
      { kind: 'queues', depth: depth([2, 0, 0]) },
    ]);
    const b = computeBalance(s);
    assert.equal(b.missing, 3);
    assert.equal(b.final, true);
    assert.match(formatBalance(b), /3 missing/);
  });

  it('is unknown before serve and the first queue poll reported', () => {
    assert.equal(computeBalance(initialState()).known, false);
  });
});

describe('rate steps', () => {
  it('steps the load rate up and down through round numbers', () => {
    assert.equal(stepRate(200, 1), 300);
    assert.equal(stepRate(200, -1), 150);
    assert.equal(stepRate(175, -1), 150);
    assert.equal(stepRate(1, -1), 1);
    assert.equal(stepRate(10_000, 1), 10_000);
  });
});
