import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';
import { spawnSqsdemo, type SqsdemoProcess } from '../helpers/cli.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { bodies, sendBodies } from './harness.js';

/** Every body left in the queue (WaitTimeSeconds 0: the endpoint's clock stands still, so a long poll would not end). */
async function remainingBodies(t: TestSqs): Promise<Set<string>> {
  const left = new Set<string>();
  for (let i = 0; i < 1_000; i++) {
    const out = await t.client.send(new ReceiveMessageCommand({ QueueUrl: t.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 600 }));
    const got = out.Messages ?? [];
    if (got.length === 0) return left;
    for (const m of got) left.add(m.Body ?? '');
  }
  throw new Error('the queue did not empty');
}

/** The body column of every `pass` line (bodies here have no commas or quotes). */
function passedBodies(csv: string): Set<string> {
  const passed = new Set<string>();
  for (const line of csv.split('\n')) {
    const fields = line.split(',');
    if (fields.length === 7 && fields[2] === 'pass') passed.add(fields[6]!.replace(/^"|"$/g, ''));
  }
  return passed;
}

describe('sqsdemo work: crash safety of --data-log', () => {
  let t: TestSqs | undefined;
  let child: SqsdemoProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await child?.stop('SIGKILL');
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    child = undefined;
    t = undefined;
    dir = undefined;
  });

  it('after kill -9, every message gone from the queue has its line in the data log (written before its delete)', async () => {
    // The endpoint runs on a manual clock: nothing the worker holds becomes visible again until the test says so.
    const clock = new ManualClock(Date.now());
    t = await startTestSqs({ topology: { visibilityTimeout: 30 }, clock, forceLocal: true });
    dir = mkdtempSync(join(tmpdir(), 'sqsdemo-crash-'));
    const file = join(dir, 'data.csv');
    const sent = bodies(1_500, 'crash');
    await sendBodies(t, sent);
    child = spawnSqsdemo([
      'work', '--endpoint', t.endpoint, '--queue', t.config.queueName, '--json', '--data-log', file,
      '--concurrency', '50', '--work-ms', '20', '--fail-rate', '0.1', '--seed', '11', '--wait-seconds', '0',
    ]);
    // Kill it in full flow: at least 300 processed (deleting as it goes).
    await child.waitFor(/"processed":([3-9]\d\d|\d{4,})\b/, 30_000);
    const killed = await child.stop('SIGKILL');
    child = undefined;
    assert.equal(killed.signal, 'SIGKILL');

    await clock.advance(31_000); // what the dead worker held is visible again
    const left = await remainingBodies(t);
    const gone = sent.filter((b) => !left.has(b));
    assert.ok(gone.length > 0, "the worker deleted messages before it died");
    const logged = passedBodies(readFileSync(file, 'utf8'));
    const unlogged = gone.filter((b) => !logged.has(b));
    assert.deepEqual(unlogged, [], `${unlogged.length} of ${gone.length} deleted messages have no data-log line`);
  });
});
