import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSqsdemo } from '../helpers/cli.js';
import { dashRun, parseBalance } from './dash-helpers.js';

describe('sqsdemo dash without a terminal', () => {
  it('runs the pipeline for --duration with failures and retries, drains, and the balance holds exactly', async () => {
    // 30% of tasks fail; a failed message comes back at once and is dead-lettered at its 2nd receive.
    const run = dashRun(['--duration', '4s', '--rate', '100', '--work-ms', '20', '--fail-rate', '0.3', '--seed', '7', '--retry-delay', '0s', '--max-receive-count', '2', '--summary-every', '1s']);
    try {
      const r = await runSqsdemo(run.args, { timeoutMs: 90_000 });
      assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      assert.match(r.stdout, /^dash \d+\.\ds \| load /m, 'periodic summary lines');
      const b = parseBalance(r.stdout);
      assert.ok(b, `no balance line in:\n${r.stdout}`);
      assert.ok(b.holds, r.stdout);
      assert.ok(b.accepted > 0, 'something was accepted');
      assert.equal(b.accepted, b.processed + b.deadLettered + b.queued + b.inFlight);
      const failed = Number(/work: processed \d+, failed (\d+)/.exec(r.stdout)?.[1]);
      assert.ok(failed > 0, `the fail rate showed: ${r.stdout}`);
      assert.doesNotMatch(r.stdout, /crashed/);
    } finally {
      await run.cleanup();
    }
  });

  it('exits 3 with a hint when the SQS endpoint does not answer', async () => {
    const r = await runSqsdemo(['dash', '--endpoint', 'http://127.0.0.1:1', '--queue', 'e2e_nowhere', '--duration', '1s'], { timeoutMs: 60_000 });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /sqsdemo dash: .*127\.0\.0\.1:1/);
  });

  it('refuses a bad flag with exit 2', async () => {
    const r = await runSqsdemo(['dash', '--fail-rate', '2']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--fail-rate/);
  });
});
