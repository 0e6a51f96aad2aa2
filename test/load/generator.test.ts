import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLoadGenerator, type GeneratorOptions } from '../../src/load/generator.js';
import { createPayloadPlan } from '../../src/load/payloads.js';
import { LoadStats } from '../../src/load/stats.js';
import { ManualClock, ScriptedSender, expectedStatus } from './fakes.js';

function setup(options: Partial<GeneratorOptions>, auto?: boolean) {
  const clock = new ManualClock(0);
  const sender = new ScriptedSender(clock, auto ? expectedStatus : undefined);
  const stats = new LoadStats(true);
  const plan = createPayloadPlan({ batchSize: 24, malformedPerBatch: 1, malformedKinds: ['empty'], bodyBytes: 20, seed: 1 });
  const generator = createLoadGenerator(
    { concurrency: 4, rate: undefined, durationMs: undefined, requests: undefined, ...options },
    { plan, sender, clock, stats },
  );
  let done = false;
  void generator.finished.then(() => (done = true));
  return { clock, sender, stats, generator, isDone: () => done };
}

describe('load generator: closed loop', () => {
  it('keeps exactly --concurrency requests in flight and sends the next one when an answer arrives', () => {
    const { sender, generator } = setup({ concurrency: 3 });
    generator.start();
    assert.equal(sender.sent.length, 3);
    sender.answerNext();
    assert.equal(sender.sent.length, 4);
    assert.equal(generator.inFlight, 3);
  });

  it('sends exactly --requests requests, then finishes when the last answer is in', async () => {
    const { sender, stats, generator, isDone } = setup({ concurrency: 5, requests: 50 });
    generator.start();
    while (sender.waiting > 0) sender.answerNext();
    await generator.finished;
    assert.equal(isDone(), true);
    assert.equal(sender.sent.length, 50);
    assert.equal(stats.counts.get('201'), 48);
    assert.equal(stats.counts.get('400'), 2);
    assert.equal(stats.unexpected, 0);
    assert.equal(generator.endReason, 'requests');
  });

  it('survives a sender that answers synchronously (no recursion, exact counts)', async () => {
    const { sender, stats, generator } = setup({ concurrency: 8, requests: 10_000 }, true);
    generator.start();
    await generator.finished;
    assert.equal(sender.sent.length, 10_000);
    assert.equal(stats.answered, 10_000);
  });

  it('on stop sends nothing more but waits for the answers in flight', async () => {
    const { sender, stats, generator, isDone } = setup({ concurrency: 4 });
    generator.start();
    generator.stop();
    await Promise.resolve();
    assert.equal(isDone(), false);
    sender.answerNext(4);
    await generator.finished;
    assert.equal(sender.sent.length, 4);
    assert.equal(stats.answered, 4);
    assert.equal(generator.endReason, 'stopped');
  });

  it('stops sending at --duration', async () => {
    const { clock, sender, generator } = setup({ concurrency: 2, durationMs: 1_000 });
    generator.start();
    await clock.advance(999);
    sender.answerNext(2);
    assert.equal(sender.sent.length, 4);
    await clock.advance(1);
    sender.answerNext(2);
    await generator.finished;
    assert.equal(sender.sent.length, 4);
    assert.equal(generator.endReason, 'duration');
  });

  it('pauses (answers still counted, nothing new sent) and resumes', () => {
    const { sender, stats, generator } = setup({ concurrency: 2 });
    generator.start();
    generator.pause();
    sender.answerNext(2);
    assert.equal(sender.sent.length, 2);
    assert.equal(stats.answered, 2);
    assert.equal(generator.paused, true);
    generator.resume();
    assert.equal(sender.sent.length, 4);
  });
});

describe('load generator: open loop', () => {
  it('sends on a constant schedule of --rate per second, whatever the answers', async () => {
    const { clock, sender, generator } = setup({ rate: 10, concurrency: 100 });
    generator.start();
    await clock.advance(1_000);
    // Due at 0, 100, ..., 1000 ms: eleven requests, none answered yet.
    assert.deepEqual(sender.sent.map((r) => r.sentAt), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('measures latency from the scheduled time, so waiting for a free connection counts (no coordinated omission)', async () => {
    const { clock, sender, stats, generator } = setup({ rate: 10, concurrency: 1, requests: 3 });
    generator.start();
    await clock.advance(1_000); // the only connection is busy: requests due at 100 and 200 wait
    assert.equal(sender.sent.length, 1);
    assert.equal(generator.backlog(), 2); // the two left of --requests 3 are due and waiting
    sender.answerNext(); // answered at 1000: latency 1000 - 0
    assert.equal(sender.sent.length, 2);
    assert.equal(sender.sent[1]!.sentAt, 1_000);
    await clock.advance(50);
    sender.answerNext(); // scheduled at 100, answered at 1050
    await clock.advance(50);
    sender.answerNext(); // scheduled at 200, answered at 1100
    await generator.finished;
    const p = stats.latency.percentiles();
    // HDR keeps 3 significant digits: 950 ms reads back within 1 ms.
    assert.ok(Math.abs(p.max - 1000) <= 1, `max ${p.max}`);
    assert.ok(Math.abs(p.p50 - 950) <= 1, `p50 ${p.p50}`);
    assert.equal(p.count, 3);
  });

  it('restarts the schedule from now after a rate change or a resume, dropping the backlog', async () => {
    const { clock, sender, generator } = setup({ rate: 10, concurrency: 100 });
    generator.start();
    await clock.advance(250); // 0, 100, 200
    generator.setRate(100); // from 250: every 10 ms
    await clock.advance(30); // 250, 260, 270, 280
    assert.deepEqual(sender.sent.map((r) => r.sentAt), [0, 100, 200, 250, 260, 270, 280]);
    generator.pause();
    await clock.advance(1_000);
    assert.equal(sender.sent.length, 7);
    assert.equal(generator.backlog(), 0);
    generator.resume(); // at 1280
    await clock.advance(15);
    assert.deepEqual(sender.sent.slice(7).map((r) => r.sentAt), [1280, 1290]);
  });

  it('switches a closed loop to the open loop when a rate is set', async () => {
    const { clock, sender, generator } = setup({ concurrency: 2 });
    generator.start();
    assert.equal(sender.sent.length, 2);
    sender.answerNext(2);
    assert.equal(sender.sent.length, 4);
    generator.setRate(1);
    sender.answerNext(2);
    assert.equal(sender.sent.length, 5); // due at once (k = 0), the next one only after 1 s
    await clock.advance(999);
    assert.equal(sender.sent.length, 5);
    await clock.advance(1);
    assert.equal(sender.sent.length, 6);
    assert.equal(generator.rate, 1);
  });

  it('counts the requests still due when --duration ends as never sent', async () => {
    const { clock, sender, generator } = setup({ rate: 10, concurrency: 1, durationMs: 1_000 });
    generator.start();
    await clock.advance(1_000); // one in flight since 0; the ones due at 100..900 never got a connection
    sender.answerNext();
    await generator.finished;
    assert.equal(sender.sent.length, 1);
    assert.equal(generator.unsentAtEnd, 9);
  });

  it('sends nothing due at or after the --duration deadline', async () => {
    const { clock, sender, generator } = setup({ rate: 4, concurrency: 10, durationMs: 1_000 }, true);
    generator.start();
    await clock.advance(5_000);
    await generator.finished;
    assert.deepEqual(sender.sent.map((r) => r.sentAt), [0, 250, 500, 750]);
    assert.equal(clock.pending, 0);
  });
});
