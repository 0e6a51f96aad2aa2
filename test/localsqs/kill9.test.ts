/**
 * `sqsdemo sqs --data-dir` survives kill -9: the real executable, real SDK
 * clients sending, receiving and deleting concurrently, a SIGKILL at a random
 * moment (seeded), a restart on the same directory, then the checks: every
 * acknowledged send is there (unless a delete of it was attempted), no
 * acknowledged delete comes back, and no receive count went down. One receiver
 * takes messages for 1 s (VisibilityTimeout 1) and hands them to the deleter;
 * after the restart those left in flight come back when their recorded timeout
 * ends. The other receives with VisibilityTimeout 0 (receive counts climb fast).
 * A delete counts as acknowledged when its answer came within the 1 s its
 * handle was sure to be current (a stale handle's delete is a no-op in SQS).
 * A small --compact-bytes makes snapshots happen too.
 *
 * SQSDEMO_KILL_ROUNDS=30 (and SQSDEMO_KILL_SEED) for a longer run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { FSYNC, ROUNDS, SEED, client, dataDir, deleteSome, inFlightBack, quiet as quietWhile, killAndRestart, start as startOn, untilUnderWay, type Deletes, type Held } from './kill9-harness.js';

const dir = dataDir('sqsdemo-kill9-');
const start = () => startOn(dir);

interface Knowledge extends Deletes {
  /** Acknowledged sends: message id -> body. */
  readonly sent: Map<string, string>;
  /** The highest receive count an acknowledged receive showed, by message id. */
  readonly receiveCount: Map<string, number>;
}

/**
 * Every message held with its receive count before this check, by receiving with VisibilityTimeout 0 until
 * each has been seen (they cycle through the queue). `after` gets the counts these receives left.
 */
async function everything(c: SQSClient, queueUrl: string, after: Map<string, number>): Promise<Map<string, number>> {
  await inFlightBack(c, queueUrl);
  const { Attributes = {} } = await c.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  const total = Number(Attributes.ApproximateNumberOfMessages);
  const seen = new Map<string, number>();
  for (let i = 0; seen.size < total; i++) {
    assert.ok(i < 10 * total + 100, `saw ${seen.size} of ${total} messages`);
    const { Messages = [] } = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    for (const m of Messages) {
      const count = Number(m.Attributes?.ApproximateReceiveCount);
      if (!seen.has(m.MessageId!)) seen.set(m.MessageId!, count - 1); // before this receive
      after.set(m.MessageId!, Math.max(after.get(m.MessageId!) ?? 0, count));
    }
  }
  return seen;
}

function check(k: Knowledge, held: Map<string, number>, round: number): void {
  for (const [id] of k.sent) {
    if (!k.triedDelete.has(id)) assert.ok(held.has(id), `round ${round}: acknowledged send ${id} is gone`);
  }
  for (const id of k.deleted) assert.ok(!held.has(id), `round ${round}: acknowledged delete of ${id} came back`);
  for (const [id, count] of held) {
    const before = k.receiveCount.get(id) ?? 0;
    assert.ok(count >= before, `round ${round}: receive count of ${id} went down from ${before} to ${count}`);
  }
}

describe(`sqsdemo sqs --data-dir under kill -9 (seed ${SEED}, ${ROUNDS} kills, fsync ${FSYNC})`, () => {
  it('keeps every acknowledged send, never brings back an acknowledged delete, never lowers a receive count', { timeout: 60_000 + ROUNDS * 15_000 }, async () => {
    const k: Knowledge = { sent: new Map(), triedDelete: new Set(), deleted: new Set(), receiveCount: new Map() };
    // Milliseconds of workload after it got going (see below) before each kill.
    const kills = fc.sample(fc.integer({ min: 0, max: 650 }), { seed: SEED, numRuns: ROUNDS });
    let { proc, url } = await start();
    let c = client(url);
    let acknowledged = 0;
    try {
    let queueUrl = (await c.send(new CreateQueueCommand({ QueueName: 'durable', Attributes: { VisibilityTimeout: '0' } }))).QueueUrl!;
    for (let round = 0; round < ROUNDS; round++) {
      let stop = false;
      let n = 0;
      const handles: Held[] = [];
      const quiet = (fn: () => Promise<void>): Promise<void> => quietWhile(() => stop, fn);
      const sender = (s: number) => quiet(async () => {
        const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `r${round}-s${s}-${n++}` }));
        const out = await c.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
        for (const ok of out.Successful ?? []) {
          k.sent.set(ok.MessageId!, Entries.find((e) => e.Id === ok.Id)!.MessageBody);
          acknowledged += 1;
        }
      });
      const receiver = (r: number) => quiet(async () => {
        const asked = Date.now();
        const out = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: r === 0 ? 1 : 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
        for (const m of out.Messages ?? []) {
          k.receiveCount.set(m.MessageId!, Math.max(k.receiveCount.get(m.MessageId!) ?? 0, Number(m.Attributes?.ApproximateReceiveCount)));
          // The endpoint started the 1 s after `asked`: until then no one else can have received it.
          if (r === 0) handles.push({ id: m.MessageId!, handle: m.ReceiptHandle!, until: asked + 1_000 });
        }
      });
      const deleter = () => quiet(() => deleteSome(c, queueUrl, handles, k));
      const loops = [sender(0), sender(1), receiver(0), receiver(1), deleter()];
      // The kill lands at a seeded moment after the workload is under way in this round.
      await untilUnderWay(round, () => k.sent.size, () => k.deleted.size);
      ({ proc, url } = await killAndRestart(dir, proc, round, kills[round]!, async () => {
        stop = true;
        await Promise.all(loops);
        c.destroy();
      }));
      c = client(url);
      queueUrl = (await c.send(new GetQueueUrlCommand({ QueueName: 'durable' }))).QueueUrl!;
      const t0 = Date.now();
      const counted = new Map<string, number>();
      check(k, await everything(c, queueUrl, counted), round);
      if (process.env.DBG) console.error(`round ${round}: ${counted.size} held, ${k.sent.size} sent, ${k.deleted.size} deleted, verify ${Date.now() - t0} ms`);
      for (const [id, count] of counted) k.receiveCount.set(id, Math.max(k.receiveCount.get(id) ?? 0, count));
    }
    } catch (err) {
      c.destroy();
      await proc.stop('SIGKILL');
      throw err;
    }
    c.destroy();
    const result = await proc.stop('SIGTERM');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /kept \d+ messages? in /);
    assert.ok(acknowledged > 0 && k.deleted.size > 0, `the workload did something: ${acknowledged} sends, ${k.deleted.size} deletes acknowledged`);
  });
});
