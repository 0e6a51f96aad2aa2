import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topSelfTime } from '../lib/cpuprofile.js';

function frame(id: number, functionName: string): object {
  return { id, callFrame: { functionName, url: 'file:///x/app.js', lineNumber: id } };
}

describe('top self time of a CPU profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
  const path = join(dir, 'p.cpuprofile');
  // 1 ms samples: start-up (load) for 3 ms, then the measured work, with idle ignored.
  writeFileSync(path, JSON.stringify({
    nodes: [frame(1, 'load'), frame(2, 'parse'), frame(3, 'send'), frame(4, '(idle)')],
    samples: [1, 1, 1, 2, 2, 3, 4, 4],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  }));

  it('ranks functions by self time and ignores idle', () => {
    const { top, busyMs } = topSelfTime(path, 5);
    assert.deepEqual(top.map((h) => [h.name, h.selfMs]), [['load', 3], ['parse', 2], ['send', 1]]);
    assert.equal(busyMs, 6);
  });

  it('counts only samples inside the window', () => {
    const { top } = topSelfTime(path, 5, { fromMs: 3.5, toMs: 8 });
    assert.deepEqual(top.map((h) => h.name), ['parse', 'send']);
    assert.equal(top[0]!.share, 2 / 3);
  });
});
