import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sixthColumn, verifyAccepted } from '../../src/load/verify.js';
import { startTestSqs, type TestSqs } from '../helpers/sqs.js';

describe('load --verify', () => {
  let t: TestSqs | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    t = undefined;
    dir = undefined;
  });

  it('reads the MessageId column of the worker data log, whatever the quoted bodies hold', () => {
    const csv =
      '1700000000000,1699999999000,pass,1,AIDA,id-1,"plain"\n' +
      '1700000000001,1699999999001,fail,2,AIDA,id-2,"with, comma and ""quotes"""\n' +
      '1700000000002,1699999999002,pass,1,AIDA,id-3,"two\nlines"\r\n' +
      '1700000000003,1699999999003,pass,1,AIDA,"id,4","x"';
    assert.deepEqual(sixthColumn(csv), ['id-1', 'id-2', 'id-3', 'id,4']);
  });

  it('finds accepted ids in the queue and the data log, names the missing ones, and hands the messages back', async () => {
    t = await startTestSqs();
    const sent = await t.client.send(
      new SendMessageBatchCommand({ QueueUrl: t.queueUrl, Entries: Array.from({ length: 6 }, (_, i) => ({ Id: String(i), MessageBody: `m${i}` })) }),
    );
    const inQueue = (sent.Successful ?? []).map((s) => s.MessageId!);
    assert.equal(inQueue.length, 6);
    dir = mkdtempSync(join(tmpdir(), 'sqsdemo-load-'));
    const dataLog = join(dir, 'data.csv');
    writeFileSync(dataLog, '1,2,pass,1,AIDA,worker-seen-1,"a"\n1,2,fail,3,AIDA,worker-seen-2,"b"\n');
    const ids = [...inQueue, 'worker-seen-1', 'worker-seen-2', 'never-sent'];
    const result = await verifyAccepted(ids, { sqs: t.config, dataLog, timeoutMs: 20_000 }, t.client);
    assert.deepEqual(result, {
      accepted: 9, received: 8, missing: 1,
      found: { queue: 6, dlq: 0, dataLog: 2 },
      missingSample: ['never-sent'],
    });
    // Every message received for the check is visible again at once.
    const seen = new Set<string>();
    for (let i = 0; i < 10 && seen.size < 6; i++) {
      const out = await t.client.send(new ReceiveMessageCommand({ QueueUrl: t.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }));
      for (const m of out.Messages ?? []) seen.add(m.MessageId!);
    }
    assert.deepEqual([...seen].sort(), [...inQueue].sort());
  });
});
