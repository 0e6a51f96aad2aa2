import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSqsConfig } from '../../src/config.js';
import { Flow } from '../../src/reader/flow.js';
import type { ReaderMessage } from '../../src/reader/message.js';
import { EMPTY_RECEIVE_PACE_MS, runPollers, type PollersOptions } from '../../src/reader/pollers.js';
import { TaskPool, type TaskOutcome } from '../../src/reader/task-pool.js';
import { ManualClock } from '../helpers/manual-clock.js';

const sqsConfig = resolveSqsConfig({ endpoint: 'http://127.0.0.1:9', queue: 'q', dlq: 'q_dlq' }, {});
let ids = 0;
const message = (): ReaderMessage => ({
  messageId: `m${++ids}`, receiptHandle: `rh${ids}`, body: 'b', sentTimestamp: 0, receiveCount: 1, senderId: 's', receivedAt: 0,
});

function pollers(clock: ManualClock, flow: Flow, receive: PollersOptions['receive'], extra: Partial<PollersOptions> = {}) {
  const stop = new AbortController();
  const warnings: string[] = [];
  const accepted: ReaderMessage[] = [];
  const done = runPollers({
    count: 1, flow, clock, signal: stop.signal, waitSeconds: 0, lingerMs: 0, sqsConfig, random: () => 0,
    receive, accept: (m) => accepted.push(...m), handBack: () => undefined, warn: (w) => warnings.push(w), fatal: () => undefined,
    ...extra,
  });
  return { stop, done, warnings, accepted };
}

describe('pollers', () => {
  it('ask only for the room they have: one slot, three pollers, one receive for 1 at a time', async () => {
    const clock = new ManualClock();
    const flow = new Flow(1, 0);
    const maxes: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const p = pollers(clock, flow, async (max) => {
      maxes.push(max);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await clock.sleep(10);
      inFlight -= 1;
      return [message()];
    }, { count: 3, accept: (m) => m.forEach((x) => flow.add({ message: x, visibleUntil: 0, extending: false, running: false })) });
    for (let i = 0; i < 5; i++) {
      await clock.advance(10);
      const h = flow.nextToStart(); // a task takes the message and finishes at once
      if (h) flow.finish(h);
    }
    p.stop.abort();
    flow.changed();
    await clock.advance(100);
    await p.done;
    assert.ok(maxes.length >= 3);
    assert.deepEqual(new Set(maxes), new Set([1]));
    assert.equal(maxInFlight, 1);
  });

  it('back off on the clock after a failed receive, with a warning that says how long', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const p = pollers(clock, new Flow(10, 0), async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      return [];
    });
    await clock.advance(0);
    assert.equal(calls, 1);
    assert.match(p.warnings[0] ?? '', /^receive failed \(SQS unavailable: cannot reach SQS .*\); retrying in 0\.1 s$/);
    await clock.advance(124); // backoff 250 ms x jitter 0.5
    assert.equal(calls, 1);
    await clock.advance(1);
    assert.equal(calls, 2);
    p.stop.abort();
    await clock.advance(100);
    await p.done;
  });

  it(`pace empty answers that came back at once: at most one per ${EMPTY_RECEIVE_PACE_MS} ms`, async () => {
    const clock = new ManualClock();
    let calls = 0;
    const p = pollers(clock, new Flow(10, 0), async () => {
      calls += 1;
      return [];
    });
    await clock.advance(0);
    assert.equal(calls, 1);
    await clock.advance(EMPTY_RECEIVE_PACE_MS * 10);
    assert.equal(calls, 11);
    p.stop.abort();
    await clock.advance(0);
    await p.done;
  });
});

describe('task pool', () => {
  it('runs at most `concurrency` tasks, and at the drain timeout aborts the rest as abandoned', async () => {
    const clock = new ManualClock();
    const flow = new Flow(2, 3);
    const outcomes: TaskOutcome[] = [];
    let running = 0;
    let maxRunning = 0;
    const pool = new TaskPool({
      flow, clock,
      processor: {
        handle: async (m, signal) => {
          maxRunning = Math.max(maxRunning, ++running);
          await clock.sleep(m.body === 'slow' ? 60_000 : 100, signal);
          running -= 1;
          if (signal.aborted) throw new Error('aborted');
          if (m.body === 'bad') throw new Error('failed');
        },
      },
      onDone: async (_h, outcome) => {
        outcomes.push(outcome);
      },
    });
    for (const body of ['ok', 'bad', 'slow', 'ok', 'ok']) {
      flow.add({ message: { ...message(), body }, visibleUntil: 0, extending: false, running: false });
    }
    pool.pump();
    await clock.advance(1_000);
    assert.equal(maxRunning, 2);
    assert.deepEqual([...outcomes].sort(), ['fail', 'pass', 'pass', 'pass'], 'all but the slow one are done');
    const drained = pool.drain(5_000);
    await clock.advance(5_000);
    assert.equal(await drained, 1, 'one task aborted at the drain timeout');
    assert.equal(outcomes.at(-1), 'abandoned');
  });
});
