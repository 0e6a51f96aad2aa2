/** dash's exit: 0 when the balance holds and no role crashed; a crashed role's table code; else 1. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dashVerdict } from '../../src/dash/run.js';
import { ExitCode, SqsdemoError } from '../../src/errors.js';
import { depth, fold, runningState, serveStats, workStats } from './fixtures.js';

function exitOf(fn: () => void): number {
  try {
    fn();
    return ExitCode.Ok;
  } catch (err) {
    assert.ok(err instanceof SqsdemoError, String(err));
    return err.exitCode;
  }
}

/** A run that drained: serve accepted 500, work processed 490, 10 dead-lettered, queue empty. */
const drained = () => fold([serveStats(500), workStats(490), { kind: 'queues', depth: depth([0, 0, 0], [10, 0, 0]) }], runningState());

describe("dash's verdict", () => {
  it('is 0 when the balance holds and every role stopped when asked', () => {
    assert.equal(exitOf(() => dashVerdict(drained(), false)), ExitCode.Ok);
  });

  it('is 1 when work reports FIFO order violations, even with the balance holding', () => {
    const d = drained();
    const violated = { ...d, fifo: true, work: { ...d.work!, orderViolations: 1 } };
    assert.equal(exitOf(() => dashVerdict(violated, false)), ExitCode.Failed);
    assert.equal(exitOf(() => dashVerdict({ ...violated, work: { ...d.work!, orderViolations: 0 } }, false)), ExitCode.Ok);
  });

  it('is 1 when the balance does not hold', () => {
    const lost = fold([workStats(480)], drained());
    assert.equal(exitOf(() => dashVerdict(lost, false)), ExitCode.Failed);
  });

  it("passes on a crashed role's exit code from the table (work: queue missing -> 4)", () => {
    const crashed = fold([{ kind: 'child', name: 'work', status: 'crashed', exitCode: ExitCode.MissingQueue }], drained());
    assert.equal(exitOf(() => dashVerdict(crashed, false)), ExitCode.MissingQueue);
  });

  it('is 1 for a role killed by a signal or exiting with a code outside the table', () => {
    const signalled = fold([{ kind: 'child', name: 'serve', status: 'crashed', exitCode: null, signal: 'SIGKILL' }], drained());
    assert.equal(exitOf(() => dashVerdict(signalled, false)), ExitCode.Failed);
    const odd = fold([{ kind: 'child', name: 'load', status: 'crashed', exitCode: 42 }], drained());
    assert.equal(exitOf(() => dashVerdict(odd, false)), ExitCode.Failed);
  });
});
