import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runScenario, type Scenario } from './model/run.js';

/**
 * The reader against a model of SQS, on virtual time, with faults. For every
 * generated scenario: no receive without room (MaxNumberOfMessages 1-10 and
 * never above the free room), none after stop; no delete before the message's
 * data-log line is written or of a message no task passed; at most
 * `concurrency` tasks at once; without faults, no message delivered again
 * while the reader holds it (heartbeat); stop hands back every unstarted (and every
 * abandoned) message, leaves no timer or call behind and reports the tasks'
 * counts; and in the end every message is deleted or dead-lettered (a second
 * reader finishes what a stopped or killed one left). Runs with and without
 * receive pacing (a linger of 0, 10 or 250 ms: resting and lingering pollers
 * must neither starve the queue nor receive after stop).
 *
 * Replay a failure with the seed and path fast-check prints:
 *   MODEL_SEED=<seed> MODEL_PATH=<path> node scripts/test.mjs test/reader/model.test.ts
 * More runs: MODEL_RUNS=2000.
 */

const percent = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max }).map((n) => n / 100);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  messages: fc.integer({ min: 1, max: 40 }),
  reader: fc.record({
    pollers: fc.integer({ min: 1, max: 5 }),
    concurrency: fc.integer({ min: 1, max: 12 }),
    prefetch: fc.integer({ min: 0, max: 12 }),
    waitSeconds: fc.constantFrom(0, 1, 2, 20),
    receiveLingerMs: fc.constantFrom(0, 10, 250),
    retryDelayMs: fc.option(fc.constantFrom(0, 1_000, 4_000), { nil: undefined }),
    drainTimeoutMs: fc.constantFrom(0, 200, 2_000, 10_000),
  }),
  queue: fc.record({
    visibilityTimeoutS: fc.integer({ min: 1, max: 10 }),
    maxReceiveCount: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  }),
  workMs: fc.constantFrom(0, 10, 100, 800),
  slowTask: percent(20),
  failRate: percent(50),
  // A quarter of the runs without faults: there the heartbeat must keep every held message from coming back.
  faults: fc.oneof(
    { weight: 1, arbitrary: fc.constant({ slow: 0, slowMs: 0, throttle: 0, serverError: 0, resetBefore: 0, resetAfter: 0, entryFailure: 0 }) },
    {
      weight: 3,
      arbitrary: fc.record({
        slow: percent(30),
        slowMs: fc.constantFrom(100, 1_000, 5_000),
        throttle: percent(15),
        serverError: percent(15),
        resetBefore: percent(10),
        resetAfter: percent(10),
        entryFailure: percent(25),
      }),
    },
  ),
  ending: fc.oneof(
    fc.constant({ kind: 'run-to-end' as const }),
    fc.record({ kind: fc.constantFrom('stop' as const, 'kill' as const), atMs: fc.integer({ min: 0, max: 20_000 }) }),
  ),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

const env = process.env;
const RUNS = Number(env.MODEL_RUNS ?? 500);

describe('the reader against a model of SQS with faults (randomized, virtual time)', () => {
  it(`loses nothing, never receives without room, writes each line before its delete, hands back on stop (${RUNS} seeds)`, { timeout: Math.max(240_000, RUNS * 100) }, async (t) => {
    let runs = 0;
    const totals = { messages: 0, deleted: 0, dead: 0, virtualS: 0, calls: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        runs += 1;
        const result = await runScenario(s);
        totals.messages += s.messages;
        totals.deleted += result.deleted;
        totals.dead += result.dead;
        totals.virtualS += result.virtualMs / 1000;
        for (const [name, n] of result.calls) totals.calls.set(name, (totals.calls.get(name) ?? 0) + n);
        assert.deepEqual(result.violations, [], `scenario ${JSON.stringify(s)}`);
        assert.equal(result.deleted + result.dead, s.messages, 'every message deleted or dead-lettered');
      }),
      {
        numRuns: RUNS,
        ...(env.MODEL_SEED !== undefined ? { seed: Number(env.MODEL_SEED) } : {}),
        ...(env.MODEL_PATH !== undefined ? { path: env.MODEL_PATH } : {}),
      },
    );
    assert.ok(runs >= RUNS);
    t.diagnostic(
      `${runs} scenarios, ${totals.messages} messages: ${totals.deleted} deleted, ${totals.dead} dead-lettered; ` +
        `${Math.round(totals.virtualS / 60)} virtual minutes; calls ${[...totals.calls].map(([k, v]) => `${k.replace(/Command$/, '')} ${v}`).join(', ')}`,
    );
  });
});
