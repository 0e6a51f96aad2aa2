/**
 * A FIFO queue in `sqsdemo sqs --data-dir` survives kill -9: the real
 * executable, real SDK clients sending to four message groups (each send with
 * its own deduplication id), receiving (VisibilityTimeout 1) and deleting
 * concurrently, a SIGKILL at a seeded moment, a restart on the same directory.
 * Then, draining the queue: every acknowledged send is there (unless a delete
 * of it was attempted) with the SequenceNumber its send was answered with, no
 * acknowledged delete comes back, no receive count went down, each group comes
 * out in SequenceNumber order; a send repeated with an acknowledged
 * deduplication id is answered as the original was (and adds nothing); a new
 * send is numbered after every number answered before the kill.
 *
 * SQSDEMO_KILL_ROUNDS=20 (and SQSDEMO_KILL_SEED) for a longer run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { FSYNC, ROUNDS, SEED, client, dataDir, deleteSome, inFlightBack, quiet as quietWhile, killAndRestart, start as startOn, untilUnderWay, type Deletes, type Held } from './kill9-harness.js';

const GROUPS = 4;
const dir = dataDir('sqsdemo-kill9-fifo-');
const start = () => startOn(dir);

interface Sent {
  readonly group: string;
  readonly dedup: string;
  readonly body: string;
  readonly sequenceNumber: string;
}

interface Knowledge extends Deletes {
  /** Acknowledged sends of this round, by message id. */
  readonly sent: Map<string, Sent>;
  readonly receiveCount: Map<string, number>;
}

interface Drained {
  readonly id: string;
  readonly group: string;
  readonly sequenceNumber: string;
  /** Receives before the one that drained it. */
  readonly count: number;
}

/** Every message held, group by group in the order the queue hands them out (each received and deleted). */
async function drain(c: SQSClient, queueUrl: string): Promise<Drained[]> {
  await inFlightBack(c, queueUrl);
  const out: Drained[] = [];
  for (let i = 0; ; i++) {
    assert.ok(i < 10_000, 'the queue drains');
    const { Messages = [] } = await c.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageSystemAttributeNames: ['All'],
    }));
    if (Messages.length === 0) break;
    for (const m of Messages) {
      out.push({ id: m.MessageId!, group: m.Attributes!.MessageGroupId!, sequenceNumber: m.Attributes!.SequenceNumber!, count: Number(m.Attributes!.ApproximateReceiveCount) - 1 });
    }
    const del = await c.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle! })) }));
    assert.equal(del.Failed?.length ?? 0, 0);
  }
  const { Attributes = {} } = await c.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  assert.deepEqual([Attributes.ApproximateNumberOfMessages, Attributes.ApproximateNumberOfMessagesNotVisible], ['0', '0'], 'drained');
  return out;
}

function check(k: Knowledge, drained: readonly Drained[], round: number): void {
  const held = new Map(drained.map((d) => [d.id, d]));
  for (const [id, s] of k.sent) {
    const d = held.get(id);
    if (!k.triedDelete.has(id)) assert.ok(d !== undefined, `round ${round}: acknowledged send ${id} is gone`);
    if (d !== undefined) assert.deepEqual([d.group, d.sequenceNumber], [s.group, s.sequenceNumber], `round ${round}: ${id} keeps its group and SequenceNumber`);
  }
  for (const id of k.deleted) assert.ok(!held.has(id), `round ${round}: acknowledged delete of ${id} came back`);
  for (const d of drained) {
    const before = k.receiveCount.get(d.id) ?? 0;
    assert.ok(d.count >= before, `round ${round}: receive count of ${d.id} went down from ${before} to ${d.count}`);
  }
  for (let g = 0; g < GROUPS; g++) {
    const seqs = drained.filter((d) => d.group === `g${g}`).map((d) => BigInt(d.sequenceNumber));
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i - 1]! < seqs[i]!, `round ${round}: group g${g} out of order at ${i}: ${seqs[i - 1]} then ${seqs[i]}`);
  }
}

describe(`sqsdemo sqs --data-dir, a FIFO queue under kill -9 (seed ${SEED}, ${ROUNDS} kills, fsync ${FSYNC})`, () => {
  it('keeps every acknowledged send in its group\'s order with its number, no acknowledged delete comes back, deduplication and numbering go on', { timeout: 60_000 + ROUNDS * 20_000 }, async () => {
    const kills = fc.sample(fc.integer({ min: 0, max: 650 }), { seed: SEED, numRuns: ROUNDS });
    let { proc, url } = await start();
    let c = client(url);
    let acknowledged = 0;
    let deletes = 0;
    try {
      let queueUrl = (await c.send(new CreateQueueCommand({ QueueName: 'durable.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '1' } }))).QueueUrl!;
      for (let round = 0; round < ROUNDS; round++) {
        const k: Knowledge = { sent: new Map(), triedDelete: new Set(), deleted: new Set(), receiveCount: new Map() };
        let stop = false;
        let n = 0;
        const handles: Held[] = [];
        const quiet = (fn: () => Promise<void>): Promise<void> => quietWhile(() => stop, fn);
        const sender = (s: number) => quiet(async () => {
          const Entries = Array.from({ length: 10 }, (_, i) => {
            const id = `r${round}-s${s}-${n++}`;
            return { Id: `e${i}`, MessageBody: id, MessageGroupId: `g${(s * 2 + i) % GROUPS}`, MessageDeduplicationId: id };
          });
          const out = await c.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
          for (const ok of out.Successful ?? []) {
            const e = Entries.find((x) => x.Id === ok.Id)!;
            k.sent.set(ok.MessageId!, { group: e.MessageGroupId, dedup: e.MessageDeduplicationId, body: e.MessageBody, sequenceNumber: ok.SequenceNumber! });
            acknowledged += 1;
          }
        });
        const receiver = () => quiet(async () => {
          const asked = Date.now();
          const out = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
          for (const m of out.Messages ?? []) {
            k.receiveCount.set(m.MessageId!, Math.max(k.receiveCount.get(m.MessageId!) ?? 0, Number(m.Attributes?.ApproximateReceiveCount)));
            handles.push({ id: m.MessageId!, handle: m.ReceiptHandle!, until: asked + 1_000 });
          }
          if ((out.Messages ?? []).length === 0) await new Promise((r) => setTimeout(r, 2));
        });
        const deleter = () => quiet(() => deleteSome(c, queueUrl, handles, k));
        const loops = [sender(0), sender(1), receiver(), receiver(), deleter()];
        // The kill lands a seeded time after the workload got going.
        await untilUnderWay(round, () => k.sent.size, () => k.deleted.size);
        ({ proc, url } = await killAndRestart(dir, proc, round, kills[round]!, async () => {
          stop = true;
          await Promise.all(loops);
          c.destroy();
        }));
        c = client(url);
        queueUrl = (await c.send(new GetQueueUrlCommand({ QueueName: 'durable.fifo' }))).QueueUrl!;

        // Acknowledged deduplication ids are remembered: a repeat is answered as the original, and adds nothing.
        const highest = [...k.sent.values()].reduce((m, s) => (BigInt(s.sequenceNumber) > m ? BigInt(s.sequenceNumber) : m), 0n);
        const sample = [...k.sent].filter((_, i) => i % 7 === 0).slice(0, 10);
        for (const [id, s] of sample) {
          const again = await c.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: s.body, MessageGroupId: s.group, MessageDeduplicationId: s.dedup }));
          assert.deepEqual([again.MessageId, again.SequenceNumber], [id, s.sequenceNumber], `round ${round}: a repeat of ${s.dedup}`);
        }
        check(k, await drain(c, queueUrl), round);
        deletes += k.deleted.size;
        // Numbering goes on after every number answered before the kill.
        const next = await c.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'after', MessageGroupId: 'g0', MessageDeduplicationId: `after-${round}` }));
        assert.ok(BigInt(next.SequenceNumber!) > highest, `round ${round}: ${next.SequenceNumber} > ${highest}`);
        const got = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
        await c.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: (got.Messages ?? []).map((m, i) => ({ Id: `a${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
      }
    } catch (err) {
      c.destroy();
      await proc.stop('SIGKILL');
      throw err;
    }
    c.destroy();
    const result = await proc.stop('SIGTERM');
    assert.equal(result.code, 0, result.stderr);
    assert.ok(acknowledged > 0 && deletes > 0, `the workload did something: ${acknowledged} sends, ${deletes} deletes acknowledged`);
  });
});
