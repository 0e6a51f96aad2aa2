/**
 * dash's final queue depth: approximate counts (AWS's, and moto's two-pass
 * visible/in-flight count) can be caught mid-change, so a read that breaks the
 * balance is read again until two reads agree; a read that holds is final.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFinalDepth } from '../../src/dash/queue-depth.js';
import { computeBalance } from '../../src/dash/balance.js';
import type { QueueDepth } from '../../src/dash/state.js';
import { depth, fold, runningState, serveStats, workStats } from './fixtures.js';

/** serve accepted 100, work processed 90: the queues must hold 10. */
const state = fold([serveStats(100), workStats(90)], runningState());
const missing = (d: QueueDepth): number => computeBalance({ ...state, queues: d }).missing;

const holds = depth([2, 8, 0], [0, 0, 0]);
/** One in-flight message whose visibility ended between moto's two counting passes: in neither. */
const midChange = depth([2, 7, 0], [0, 0, 0]);
/** One message really gone. */
const lost = depth([1, 8, 0], [0, 0, 0]);

function script(reads: QueueDepth[]): { read: () => Promise<QueueDepth>; reads: () => number; pauses: number[] } {
  let n = 0;
  const pauses: number[] = [];
  return {
    read: async () => reads[Math.min(n++, reads.length - 1)]!,
    reads: () => n,
    pauses,
  };
}

describe("dash's final queue depth", () => {
  it('takes the first read when the balance holds', async () => {
    const s = script([holds]);
    const d = await readFinalDepth(s.read, missing, { sleep: async (ms) => void s.pauses.push(ms) });
    assert.equal(missing(d), 0);
    assert.equal(s.reads(), 1);
    assert.deepEqual(s.pauses, []);
  });

  it('reads again when a count was caught mid-change, and the balance then holds', async () => {
    const s = script([midChange, holds]);
    const d = await readFinalDepth(s.read, missing, { sleep: async (ms) => void s.pauses.push(ms) });
    assert.equal(missing(d), 0);
    assert.equal(s.reads(), 2);
    assert.deepEqual(s.pauses, [250]);
  });

  it('reports a real loss once two reads agree on it', async () => {
    const s = script([lost, lost, holds]);
    const d = await readFinalDepth(s.read, missing, { sleep: async () => undefined });
    assert.equal(missing(d), 1);
    assert.equal(s.reads(), 2);
  });

  it('gives up after `tries` reads that never agree, with the last one', async () => {
    const gaps = [depth([1, 8, 0], [0, 0, 0]), depth([0, 8, 0], [0, 0, 0]), depth([1, 8, 0], [0, 0, 0]), depth([0, 8, 0], [0, 0, 0])];
    const s = script(gaps);
    const d = await readFinalDepth(s.read, missing, { tries: 4, sleep: async () => undefined });
    assert.equal(s.reads(), 4);
    assert.equal(missing(d), 2);
  });
});
