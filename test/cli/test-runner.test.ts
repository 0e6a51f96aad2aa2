/**
 * scripts/test.mjs (what `npm test` and CI run) cannot report success for a run
 * that proves nothing: no test ran, or a test never finished.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runTests(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    // Without NODE_TEST_CONTEXT: the runner under test is a run of its own, not a part of this one.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, ['scripts/test.mjs', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the test runner (scripts/test.mjs)', { timeout: 120_000 }, () => {
  it('fails a run in which no test ran, naming the file that declared none', async () => {
    const run = await runTests(['test/cli/fixtures/no-tests']);
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /no tests ran in test\/cli\/fixtures\/no-tests\/empty\.test\.ts: failing the run/);
  });

  it('fails a run when one file of several declared no test', async () => {
    const run = await runTests(['test/util/clock.test.ts', 'test/cli/fixtures/no-tests']);
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /no tests ran in test\/cli\/fixtures\/no-tests\/empty\.test\.ts/);
  });

  it('fails a test that never finishes once the timeout passes, instead of hanging', async () => {
    const run = await runTests(['--test-timeout=1000', 'test/cli/fixtures/hangs']);
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /0 passed, 1 failed/);
    assert.match(run.out, /timed out after 1000ms/);
  });

});
