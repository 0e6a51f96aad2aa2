/** The queue's one deadline timer, on a manual clock: it yields between batches, and close cancels every timer. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { StoredMessage } from '../../src/localsqs/message.js';
import { Queue } from '../../src/localsqs/queue.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { startHarness } from './harness.js';

describe('queue timers', () => {
  it('makes 25,000 messages due at once visible in batches of at most 10,000 per timer turn', async () => {
    const clock = new ManualClock();
    // Visible messages each time the queue re-arms at once to go on with the rest (a new turn of the loop).
    const visibleAtRearm: number[] = [];
    let queue: Queue | undefined;
    const counting = Object.assign(Object.create(clock) as ManualClock, {
      setTimer: (fn: () => void, ms: number) => {
        if (ms === 0) visibleAtRearm.push(queue!.visibleCount);
        return clock.setTimer(fn, ms);
      },
      now: () => clock.now(),
    });
    const held = { bytes: 0 };
    queue = new Queue('q', 'arn:aws:sqs:us-east-1:000000000000:q', clock.now(), { clock: counting, held, queueByArn: () => undefined });
    for (let i = 0; i < 25_000; i++) queue.enqueue(new StoredMessage(`m${i}`, 'b', 'md5', undefined, undefined, undefined, undefined, clock.now(), 's', 100), 10);
    assert.equal(queue.delayedCount, 25_000);
    await clock.advance(10_000);
    assert.equal(queue.visibleCount, 25_000);
    assert.equal(queue.delayedCount, 0);
    // The first message made visible re-arms the timer for the rest (1); each later turn starts 10,000 further on.
    assert.deepEqual(visibleAtRearm, [1, 10_001, 20_001]);
    assert.equal(held.bytes, 2_500_000);
    queue.close();
    assert.equal(held.bytes, 0);
  });

  it('cancels every timer it set when the server closes (delays, visibility timeouts, long polls)', async () => {
    const clock = new ManualClock();
    const h = await startHarness({ clock });
    const url = await h.queue({ MessageRetentionPeriod: '60' });
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 30 }));
    await h.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' }));
    await h.client.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 100 }));
    // Answered empty by the close, or cut when stop() destroys its client first: either way it settles.
    const poll = h.newClient().send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).catch(() => ({ Messages: undefined }));
    await h.waiting(url);
    assert.ok(clock.pending >= 2, `${clock.pending} timers pending`);
    await h.stop();
    assert.equal((await poll).Messages, undefined);
    assert.equal(clock.pending, 0, 'no timer left to keep the process alive');
  });
});
