import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBalance } from '../lib/balance.js';
import { judge, renderMarkdown, row, type Machine } from '../lib/report.js';

describe('bench results table', () => {
  it('says by how much a ratio target is missed', () => {
    assert.deepEqual(judge({ kind: 'ratio-at-least', min: 0.5 }, 100, 0.25), { target: '≥ 0.5×', met: 'no (0.25×: 50% short)' });
    assert.equal(judge({ kind: 'ratio-at-least', min: 2 }, 100, 3).met, 'yes');
  });

  it('says by how much an upper bound is exceeded', () => {
    assert.equal(judge({ kind: 'at-most', max: 2048, unit: 'B' }, 3072).met, 'no (50% over)');
    assert.equal(judge({ kind: 'at-least', min: 20_000, unit: 'msgs/s' }, 5_000).met, 'no (75% short)');
  });

  it('reports n/a when sqsdemo has no value yet', () => {
    const r = row('Writer', 'requests/s', { sqsdemo: 'not available yet', baseline: '10', baselineValue: 10, target: { kind: 'ratio-at-least', min: 2 } });
    assert.equal(r.ratio, '—');
    assert.equal(r.met, 'n/a');
  });

  it('renders a markdown table with the machine and escapes pipes', () => {
    const m: Machine = { cpu: 'CPU', cores: 2, memGiB: 4, node: 'v20', platform: 'linux x64', date: 'D', loadAvg: '0 0 0' };
    const md = renderMarkdown(m, [row('S', 'a | b', { sqsdemo: '1' })], ['note'], 'quick', 3);
    assert.match(md, /CPU, 2 cores/);
    assert.match(md, /\| S \| a \\\| b \| 1 \|/);
    assert.match(md, /- note/);
  });
});

describe("reading dash's final balance", () => {
  it('reads every part of the plain balance line and recomputes the difference', () => {
    const text = 'dash 10.0s | load ...\nwork: processed 700, failed 60 (retried by SQS), received 812\nbalance: accepted 760 = processed 700 + dead-lettered 5 + queued 3 + in flight 52  OK holds\n';
    const b = parseBalance(text);
    assert.ok(b);
    assert.deepEqual([b.accepted, b.processed, b.deadLettered, b.queued, b.inFlight, b.before, b.missing], [760, 700, 5, 3, 52, 0, 0]);
  });

  it('counts messages there before and reports a mismatch', () => {
    const b = parseBalance('balance: accepted 10 + 2 there before ≠ processed 8 + dead-lettered 0 + queued 1 + in flight 0  MISMATCH 3 missing');
    assert.equal(b?.before, 2);
    assert.equal(b?.missing, 3);
  });

  it('returns undefined without a balance line', () => {
    assert.equal(parseBalance('dash crashed\n'), undefined);
  });
});
