import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { RecordingProcessor, bodies, sendBodies, startReader, until, type RunningReader, stopInOrder } from './harness.js';

describe('sqsdemo work: a receive only asks for the room it has', () => {
  let t: TestSqs | undefined;
  let r: RunningReader | undefined;
  afterEach(async () => {
    await stopInOrder(r, t);
    r = t = undefined;
  });

  it('never sends ReceiveMessage with MaxNumberOfMessages 0 when several pollers wake to one free slot', async () => {
    // Capacity 10 (5 slots + 5 prefetched) shared by 4 pollers: every finished task wakes them all at once.
    t = await startTestSqs({ topology: { visibilityTimeout: 30 } });
    const sent = bodies(60, 'room');
    await sendBodies(t, sent);
    r = await startReader(t, new RecordingProcessor(() => true, 20), { concurrency: 5, prefetch: 5, pollers: 4 });
    await until(() => r!.reader.counters().deleted >= sent.length, 'all deleted');
    await r.reader.stop();
    const { receiveMaxes } = r.calls;
    assert.ok(receiveMaxes.length > 0);
    assert.deepEqual(receiveMaxes.filter((n) => !(n >= 1 && n <= 10)), [], `MaxNumberOfMessages sent: ${receiveMaxes.join(',')}`);
    const warnings = r.events.filter((e) => e.type === 'warn').map((e) => (e.type === 'warn' ? e.message : ''));
    assert.deepEqual(warnings, [], 'no receive failed');
  });
});
