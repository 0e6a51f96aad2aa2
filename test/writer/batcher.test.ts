import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SendBatcher, type SendBatcherOptions } from '../../src/writer/batcher.js';
import { EnqueueError, type BatchEntry, type BatchResult, type SendBatchFn } from '../../src/writer/batch-types.js';
import { ManualClock, settle } from '../helpers/manual-clock.js';

/** A send function that records each batch and answers with `answer` (default: all succeed). */
function recordingSend(answer?: (entries: readonly BatchEntry[], call: number) => BatchResult | Promise<BatchResult>): SendBatchFn & { calls: string[][] } {
  const calls: string[][] = [];
  const send = async (entries: readonly BatchEntry[]): Promise<BatchResult> => {
    calls.push(entries.map((e) => e.MessageBody));
    return answer ? answer(entries, calls.length) : allOk(entries, calls.length);
  };
  return Object.assign(send, { calls });
}

function allOk(entries: readonly BatchEntry[], call: number): BatchResult {
  return { successful: entries.map((e) => ({ id: e.Id, messageId: `m-${call}-${e.MessageBody}` })), failed: [] };
}

function batcher(send: SendBatchFn, clock: ManualClock, options: Partial<SendBatcherOptions> = {}): SendBatcher {
  return new SendBatcher({ send, clock, lingerMs: 5, maxInflight: 4, random: () => 1, ...options });
}

/** Track a promise's outcome without awaiting it. */
function track<T>(promise: Promise<T>): { value?: T; error?: EnqueueError; done: boolean } {
  const state: { value?: T; error?: EnqueueError; done: boolean } = { done: false };
  promise.then(
    (value) => Object.assign(state, { value, done: true }),
    (error: EnqueueError) => Object.assign(state, { error, done: true }),
  );
  return state;
}

const FAR = 1_000_000;

describe('SendBatcher', () => {
  it('sends 25 concurrent messages as batches of 10, 10 and 5', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock);
    const results = Array.from({ length: 25 }, (_, i) => b.enqueue(`b${i}`, 3, FAR));
    await settle();
    assert.deepEqual(send.calls.map((c) => c.length), [10, 10]);
    await clock.advance(5);
    assert.deepEqual(send.calls.map((c) => c.length), [10, 10, 5]);
    const ids = await Promise.all(results);
    assert.equal(ids[0], 'm-1-b0');
    assert.equal(ids[24], 'm-3-b24');
  });

  it('sends a partial batch only once the linger time has passed', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock);
    const pending = [b.enqueue('a', 1, FAR), b.enqueue('b', 1, FAR), b.enqueue('c', 1, FAR)];
    await clock.advance(4);
    assert.equal(send.calls.length, 0);
    await clock.advance(1);
    assert.deepEqual(send.calls, [['a', 'b', 'c']]);
    await Promise.all(pending);
  });

  it('with linger 0 sends what arrived together in one batch', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock, { lingerMs: 0 });
    const pending = [b.enqueue('a', 1, FAR), b.enqueue('b', 1, FAR)];
    await clock.advance(0);
    assert.deepEqual(send.calls, [['a', 'b']]);
    await Promise.all(pending);
  });

  it('keeps every batch within 1 MiB of message bodies', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock);
    const size = 400 * 1024;
    const pending = ['x', 'y', 'z'].map((body) => b.enqueue(body, size, FAR));
    await clock.advance(5);
    assert.deepEqual(send.calls, [['x', 'y'], ['z']]);
    await Promise.all(pending);
  });

  it('keeps at most maxInflight batches in flight and lets the open batch fill meanwhile', async () => {
    const clock = new ManualClock(0);
    const gates: Array<() => void> = [];
    const send = recordingSend((entries, call) => new Promise((resolve) => gates.push(() => resolve(allOk(entries, call)))));
    const b = batcher(send, clock, { maxInflight: 1 });
    const first = b.enqueue('first', 1, FAR);
    await clock.advance(5);
    assert.equal(send.calls.length, 1);
    const more = Array.from({ length: 14 }, (_, i) => b.enqueue(`m${i}`, 1, FAR));
    await clock.advance(50);
    assert.equal(send.calls.length, 1, 'no second call while the only slot is busy');
    assert.equal(b.inflight, 1);
    gates.shift()!();
    await settle();
    assert.deepEqual(send.calls.map((c) => c.length), [1, 10]);
    gates.shift()!();
    await settle();
    assert.deepEqual(send.calls.map((c) => c.length), [1, 10, 4], 'the open batch went out when the slot freed (its linger had passed)');
    gates.shift()!();
    await Promise.all([first, ...more]);
  });

  it("maps each Failed[] entry to its own request: sender faults are rejected, others retried", async () => {
    const clock = new ManualClock(0);
    const send = recordingSend((entries, call) => {
      if (call > 1) return allOk(entries, call);
      return {
        successful: [{ id: '0', messageId: 'id-a' }, { id: '2', messageId: 'id-c' }],
        failed: [
          { id: '1', code: 'InvalidMessageContents', senderFault: true },
          { id: '3', code: 'InternalError', senderFault: false },
        ],
      };
    });
    const b = batcher(send, clock);
    const [a, bad, c, d] = ['a', 'bad', 'c', 'd'].map((body) => track(b.enqueue(body, 1, FAR)));
    await clock.advance(5);
    assert.equal(a!.value, 'id-a');
    assert.equal(c!.value, 'id-c');
    assert.ok(bad!.error instanceof EnqueueError);
    assert.equal(bad!.error.kind, 'rejected');
    assert.equal(bad!.error.sqsCode, 'InvalidMessageContents');
    assert.equal(d!.done, false, 'the server-side failure waits for its retry');
    await clock.advance(100);
    assert.deepEqual(send.calls[1], ['d']);
    assert.equal(d!.value, 'm-2-d');
    assert.equal(b.outstanding, 0);
  });

  it('gives up retrying at the request deadline and answers unavailable', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend((entries) => ({ successful: [], failed: entries.map((e) => ({ id: e.Id, code: 'InternalError', senderFault: false })) }));
    const b = batcher(send, clock, { retryBaseMs: 10, retryMaxMs: 40 });
    const outcome = track(b.enqueue('x', 1, 200));
    await clock.advance(1_000);
    assert.equal(outcome.error?.kind, 'unavailable');
    assert.ok(send.calls.length >= 3 && send.calls.length <= 10, `retried ${send.calls.length} times`);
    assert.equal(clock.pending, 0);
  });

  it('splits a batch SQS refused as a whole to find the entry at fault', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend((entries, call) => {
      if (entries.some((e) => e.MessageBody === 'bad')) {
        throw Object.assign(new Error('Invalid characters'), { name: 'InvalidMessageContents', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      }
      return allOk(entries, call);
    });
    const b = batcher(send, clock);
    const outcomes = ['ok1', 'bad', 'ok2'].map((body) => track(b.enqueue(body, 1, FAR)));
    await clock.advance(5);
    assert.equal(outcomes[0]!.value?.startsWith('m-'), true);
    assert.equal(outcomes[1]!.error?.kind, 'rejected');
    assert.equal(outcomes[1]!.error?.sqsCode, 'InvalidMessageContents');
    assert.equal(outcomes[2]!.value?.startsWith('m-'), true);
    assert.equal(send.calls.length, 4, 'one refused batch, then one call per entry');
  });

  it('answers every entry unavailable at once when SQS cannot be reached, without retrying', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend(() => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    });
    const b = batcher(send, clock);
    const outcomes = ['a', 'b'].map((body) => track(b.enqueue(body, 1, FAR)));
    await clock.advance(5);
    assert.deepEqual(outcomes.map((o) => o.error?.kind), ['unavailable', 'unavailable']);
    assert.match(outcomes[0]!.error!.message, /ECONNREFUSED/);
    assert.equal(send.calls.length, 1);
  });

  it('retries a throttled call with backoff', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend((entries, call) => {
      if (call === 1) throw Object.assign(new Error('slow down'), { name: 'RequestThrottled', $fault: 'client', $metadata: { httpStatusCode: 403 } });
      return allOk(entries, call);
    });
    const b = batcher(send, clock);
    const outcome = track(b.enqueue('t', 1, FAR));
    await clock.advance(5);
    assert.equal(outcome.done, false);
    await clock.advance(100);
    assert.equal(outcome.value, 'm-2-t');
  });

  it('answers 500-class "failed" for a call error a retry would not fix', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend(() => {
      throw Object.assign(new Error('denied'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    });
    const b = batcher(send, clock);
    const outcome = track(b.enqueue('x', 1, FAR));
    await clock.advance(5);
    assert.equal(outcome.error?.kind, 'failed');
  });

  it('drain sends the open batch at once and resolves when every entry is answered', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = new SendBatcher({ send, clock, lingerMs: 1_000, maxInflight: 2 });
    const pending = [b.enqueue('a', 1, FAR), b.enqueue('b', 1, FAR)];
    const drained = track(b.drain());
    await clock.advance(0);
    assert.deepEqual(send.calls, [['a', 'b']]);
    await Promise.all(pending);
    await settle();
    assert.equal(drained.done, true);
  });

  it('abort answers every entry not yet sent as unavailable', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock, { lingerMs: 1_000 });
    const outcomes = ['a', 'b'].map((body) => track(b.enqueue(body, 1, FAR)));
    b.abort();
    await settle();
    assert.deepEqual(outcomes.map((o) => o.error?.kind), ['unavailable', 'unavailable']);
    assert.equal(send.calls.length, 0);
    await assert.rejects(b.enqueue('late', 1, FAR), (err: EnqueueError) => err.kind === 'unavailable');
  });

  it('abort answers entries of calls still in flight as unavailable, and ignores their late result', async () => {
    const clock = new ManualClock(0);
    let finish!: () => void;
    const send = recordingSend((entries, call) => new Promise((resolve) => (finish = () => resolve(allOk(entries, call)))));
    const b = batcher(send, clock);
    const outcome = track(b.enqueue('in flight', 1, FAR));
    await clock.advance(5);
    assert.equal(b.inflight, 1);
    b.abort();
    await settle();
    assert.equal(outcome.error?.kind, 'unavailable');
    finish();
    await settle();
    assert.equal(outcome.value, undefined);
    assert.equal(b.outstanding, 0);
  });

  it('refuses new entries at once when too many are waiting', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock, { maxOutstanding: 2, lingerMs: 1_000 });
    const kept = [b.enqueue('a', 1, FAR), b.enqueue('b', 1, FAR)];
    await assert.rejects(b.enqueue('c', 1, FAR), (err: EnqueueError) => err.kind === 'unavailable');
    await clock.advance(1_000);
    await Promise.all(kept);
  });
});

describe('SendBatcher, adaptive batching', () => {
  /** Enqueue one message every `gapMs` on the clock, `count` times; returns their promises. */
  async function stream(b: SendBatcher, clock: ManualClock, count: number, gapMs: number, prefix: string): Promise<Array<Promise<string>>> {
    const pending: Array<Promise<string>> = [];
    for (let i = 0; i < count; i++) {
      pending.push(b.enqueue(`${prefix}${i}`, 1, FAR));
      await clock.advance(gapMs);
    }
    return pending;
  }

  it('at a low rate sends each message at the end of its I/O turn, without lingering', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock, { adaptive: true, lingerMs: 5 });
    const pending = [b.enqueue('a', 1, FAR)];
    await clock.advance(0);
    assert.deepEqual(send.calls, [['a']], 'sent with no time passed: no linger');
    pending.push(...(await stream(b, clock, 5, 50, 'slow')));
    assert.deepEqual(send.calls.map((c) => c.length), [1, 1, 1, 1, 1, 1], 'one call per message, each at once');
    await Promise.all(pending);
  });

  it('once messages come faster than the linger, lingers and fills batches; after a pause it stops lingering again', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock, { adaptive: true, lingerMs: 5 });
    const pending = await stream(b, clock, 40, 1, 'fast');
    const sizes = send.calls.map((c) => c.length);
    assert.equal(sizes[0], 1, 'the first message after idle goes alone, at once');
    assert.deepEqual(sizes.slice(-4), [5, 5, 5, 5], 'in the steady stream each batch holds every message of its 5 ms linger');
    await clock.advance(5);
    await Promise.all(pending);
    assert.equal(send.calls.flat().length, 40);
    assert.ok(send.calls.length <= 15, `40 messages in ${send.calls.length} calls`);

    // A pause: the next message is not held for the linger.
    await clock.advance(1_000);
    const calls = send.calls.length;
    const late = b.enqueue('after the pause', 1, FAR);
    await clock.advance(0);
    assert.deepEqual(send.calls.slice(calls), [['after the pause']]);
    await late;
  });

  it('keeps lingering when one message in a steady stream comes late', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock, { adaptive: true, lingerMs: 5 });
    const pending = await stream(b, clock, 30, 1, 'steady');
    await clock.advance(7); // one gap longer than the linger
    const calls = send.calls.length;
    pending.push(b.enqueue('late', 1, FAR), b.enqueue('next', 1, FAR));
    await clock.advance(4);
    assert.equal(send.calls.length, calls, 'the late message still waits for company');
    await clock.advance(1);
    assert.deepEqual(send.calls.slice(calls), [['late', 'next']]);
    await Promise.all(pending);
  });

  it('sends a full batch at once whatever the rate', async () => {
    const clock = new ManualClock(0);
    const send = recordingSend();
    const b = batcher(send, clock, { adaptive: true, lingerMs: 5 });
    const pending = await stream(b, clock, 30, 1, 'warm');
    await clock.advance(5);
    const calls = send.calls.length;
    pending.push(...Array.from({ length: 10 }, (_, i) => b.enqueue(`burst${i}`, 1, FAR)));
    await settle();
    assert.deepEqual(send.calls.slice(calls).map((c) => c.length), [10]);
    await Promise.all(pending);
  });
});
