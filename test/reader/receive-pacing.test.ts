import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSqsConfig } from '../../src/config.js';
import { Flow } from '../../src/reader/flow.js';
import type { ReaderMessage } from '../../src/reader/message.js';
import { runPollers, type PollersOptions } from '../../src/reader/pollers.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { RecordingProcessor, bodies, sendBodies, startReader, stopInOrder, until, type RunningReader } from './harness.js';
import { advanceUntil, settledFlag } from './virtual-time.js';

const sqsConfig = resolveSqsConfig({ endpoint: 'http://127.0.0.1:9', queue: 'q', dlq: 'q_dlq' }, {});
let ids = 0;
const message = (): ReaderMessage => ({
  messageId: `m${++ids}`, receiptHandle: `rh${ids}`, body: 'b', sentTimestamp: 0, receiveCount: 1, senderId: 's', receivedAt: 0,
});

interface Receive {
  readonly poller: number;
  readonly at: number;
  readonly max: number;
}

/**
 * `count` pollers on a ManualClock whose receives answer from `answer` (how
 * many messages the n-th receive brings) after 1 ms; every message received
 * is done at once, so room never runs out.
 */
function pacedPollers(count: number, lingerMs: number, answer: (n: number, max: number) => number) {
  const clock = new ManualClock();
  const flow = new Flow(100, 0);
  const stop = new AbortController();
  const receives: Receive[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const options: PollersOptions = {
    count, flow, clock, signal: stop.signal, waitSeconds: 0, lingerMs, sqsConfig, random: () => 0,
    receive: async (max, _wait, signal) => {
      const n = receives.length;
      receives.push({ poller: n, at: clock.now(), max });
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await clock.sleep(1, signal);
      inFlight -= 1;
      return Array.from({ length: answer(n, max) }, message);
    },
    accept: () => undefined,
    handBack: () => undefined,
    warn: () => undefined,
    fatal: () => undefined,
  };
  const done = runPollers(options);
  return { clock, stop, done, receives, maxInFlight: () => maxInFlight, inFlight: () => inFlight };
}

describe('receive pacing: fewer, fuller receives (issue #13)', () => {
  it('after a partly full answer a poller waits the linger before it receives again; after a full one it receives at once', async () => {
    // Answers: 3 of 10 (partly full), then 10 of 10 (full), then 10 again, then 1 ...
    const script = [3, 10, 10, 1, 0];
    const p = pacedPollers(1, 20, (n, max) => Math.min(max, script[n] ?? 0));
    await p.clock.advance(1); // receive 0 answers 3 at t=1
    assert.equal(p.receives.length, 1);
    await p.clock.advance(19);
    assert.equal(p.receives.length, 1, 'still lingering 19 ms after the partly full answer');
    await p.clock.advance(1);
    assert.equal(p.receives.length, 2, 'receives again once the 20 ms linger is over');
    await p.clock.advance(1); // receive 1 answers 10 of 10 (full): at once again
    assert.equal(p.receives.length, 3);
    assert.equal(p.receives[2]!.at, p.receives[1]!.at + 1);
    await p.clock.advance(1); // receive 2: full again; receive 3 at once
    assert.equal(p.receives.length, 4);
    await p.clock.advance(1); // receive 3 answers 1: linger again
    await p.clock.advance(19);
    assert.equal(p.receives.length, 4);
    p.stop.abort();
    await p.clock.advance(0);
    await p.done;
  });

  it('one poller receives while answers are partly full; two full answers in a row let another join, a partly full one sends it back', async () => {
    let backlog = false;
    const p = pacedPollers(3, 10, (_n, max) => (backlog ? max : 2));
    await p.clock.advance(200);
    assert.equal(p.maxInFlight(), 1, 'partly full answers: one receive at a time');
    const quiet = p.receives.length;
    assert.ok(quiet <= 200 / 11 + 1, `${quiet} receives in 200 ms: each waited the 10 ms linger`);
    backlog = true;
    await p.clock.advance(20);
    assert.equal(p.inFlight(), 3, 'under a backlog all three pollers receive');
    backlog = false;
    await p.clock.advance(50);
    assert.equal(p.inFlight() <= 1, true, 'partly full again: back to one poller');
    p.stop.abort();
    await p.clock.advance(0);
    await p.done;
  });

  it('stop wakes resting pollers and cuts a linger short: no timer is left behind', async () => {
    const p = pacedPollers(4, 1_000, () => 1);
    await p.clock.advance(1); // one partly full answer: the poller lingers 1 s, three rest
    assert.equal(p.receives.length, 1);
    p.stop.abort();
    await p.done; // without moving time
    assert.equal(p.clock.pending, 0);
  });

  it('a linger of 0 is no pacing: every poller receives all the time, at once again', async () => {
    const p = pacedPollers(3, 0, () => 1);
    await p.clock.advance(10);
    assert.equal(p.maxInFlight(), 3);
    assert.equal(p.receives.length, 33, 'three pollers, each receiving at t = 0, 1, ..., 10 ms');
    p.stop.abort();
    await p.clock.advance(1);
    await p.done;
  });
});

describe('receive pacing through the SDK against the local endpoint', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  const clock = new ManualClock(Date.now());
  afterEach(async () => {
    const stopping = r?.reader.stop();
    if (stopping) await advanceUntil(clock, settledFlag(stopping), 'reader stopped', { busy: () => (r?.calls.inFlight ?? 0) > 0 });
    await stopInOrder(r, t);
    r = undefined;
    t = undefined;
  });

  it('messages that arrive while the reader lingers come in one receive, not one receive per send', async () => {
    // The endpoint keeps real time (its long polls answer when a send arrives); the reader's linger is on virtual time.
    t = await startTestSqs({ forceLocal: true });
    r = await startReader(t, new RecordingProcessor(() => true, 5, clock), { pollers: 4, waitSeconds: 1, receiveLingerMs: 10 }, { clock });
    await sendBodies(t, bodies(2, 'first'));
    await until(() => r!.reader.counters().received === 2, 'the first two received');
    // The poller that got them lingers (virtual time stands still); the other three rest.
    for (const batch of ['a', 'b', 'c']) await sendBodies(t, bodies(2, batch));
    await clock.advance(10);
    await until(() => r!.reader.counters().received === 8, 'all eight received');
    const counts = r.events.flatMap((e) => (e.type === 'receive' ? [e.count] : []));
    assert.deepEqual(counts, [2, 6], 'three sends, one receive');
  });
});
