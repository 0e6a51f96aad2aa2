/**
 * dash's `d` key: the redrive core on dash's own client, its progress in the
 * footer, one at a time, cancelled when dash quits. The SQS side runs against
 * the local endpoint on a real socket.
 */
import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../src/dash/App.js';
import { createRedriveKey } from '../../src/dash/redrive-key.js';
import { createDashStore } from '../../src/dash/store.js';
import { systemClock } from '../../src/util/clock.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { deadLetter, depth } from '../redrive/dead-letter.js';
import { runningState } from './fixtures.js';

afterEach(() => cleanup());

describe('the d key (redrive)', { timeout: 60_000 }, () => {
  const stops: TestSqs[] = [];
  after(async () => {
    await Promise.all(stops.map((s) => s.stop()));
  });

  it('moves the dead-letter queue back and shows progress and outcome', async () => {
    const sqs = await startTestSqs({ forceLocal: true, topology: { maxReceiveCount: 1 } });
    stops.push(sqs);
    await deadLetter(sqs, ['a', 'b', 'c']);
    const lines: string[] = [];
    const key = createRedriveKey({ sqs: () => ({ client: sqs.client, config: sqs.config }), show: (l) => lines.push(l), clock: systemClock });
    const first = key.press();
    await key.press(); // while the first runs
    await first;
    assert.ok(lines.includes('redrive: one is already running'), lines.join('\n'));
    assert.ok(lines.includes('redrive: moved 3/3'), lines.join('\n'));
    assert.equal(lines.at(-1), `redrive: moved 3 of 3 back to ${sqs.config.queueName} (move-task)`);
    assert.equal(await depth(sqs.client, sqs.dlqUrl), 0);
    assert.equal(await depth(sqs.client, sqs.queueUrl), 3);
  });

  it('stop() cancels a running redrive and waits for it', async () => {
    const sqs = await startTestSqs({ forceLocal: true, topology: { maxReceiveCount: 1 } });
    stops.push(sqs);
    await deadLetter(sqs, ['a', 'b', 'c', 'd', 'e', 'f']);
    const lines: string[] = [];
    const key = createRedriveKey({ sqs: () => ({ client: sqs.client, config: sqs.config }), show: (l) => lines.push(l), clock: systemClock });
    void key.press();
    await key.stop();
    assert.match(lines.at(-1) ?? '', /^redrive: (cancelled after|moved) \d+ of 6/);
    assert.equal((await depth(sqs.client, sqs.dlqUrl)) + (await depth(sqs.client, sqs.queueUrl)), 6, 'nothing lost');
  });

  it('says so when the queues are not set up yet', async () => {
    const lines: string[] = [];
    await createRedriveKey({ sqs: () => undefined, show: (l) => lines.push(l), clock: systemClock }).press();
    assert.deepEqual(lines, ['redrive: the queues are not set up yet']);
  });

  it('d calls the control, and the footer shows the redrive line (and lists d when it has room)', async () => {
    const store = createDashStore({ initial: runningState(), publishMs: 0 });
    const calls: string[] = [];
    const controls = { quit: () => {}, togglePause: () => {}, changeRate: () => {}, redrive: () => calls.push('redrive') };
    const { stdin, lastFrame } = render(<App store={store} controls={controls} size={{ columns: 120, rows: 30 }} />);
    await new Promise((resolve) => setImmediate(resolve));
    stdin.write('d');
    assert.deepEqual(calls, ['redrive']);
    assert.match(lastFrame()!, /d redrive/);
    store.dispatch({ kind: 'redrive', line: 'redrive: moved 7/9' });
    const deadline = Date.now() + 5000;
    while (!/redrive: moved 7\/9/.test(lastFrame() ?? '') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match(lastFrame()!, /redrive: moved 7\/9/);
  });
});
