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
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { spawnSqsdemo, type SqsdemoProcess } from '../helpers/cli.js';

const SEED = Number(process.env.SQSDEMO_KILL_SEED ?? 16);
const ROUNDS = Number(process.env.SQSDEMO_KILL_ROUNDS ?? 2);
const FSYNC = process.env.SQSDEMO_KILL_FSYNC ?? 'batch';
const dir = mkdtempSync(join(tmpdir(), 'sqsdemo-kill9-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function client(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
}

async function start(): Promise<{ proc: SqsdemoProcess; url: string }> {
  const proc = spawnSqsdemo(['sqs', '--port', '0', '--data-dir', dir, '--fsync', FSYNC, '--compact-bytes', '65536'], { timeoutMs: 120_000 });
  const [, url = ''] = await proc.waitFor(/listening on (http:\/\/\S+)/, 30_000);
  return { proc, url };
}

interface Knowledge {
  /** Acknowledged sends: message id -> body. */
  readonly sent: Map<string, string>;
  /** Deletes attempted (acknowledged or not) and acknowledged, by message id. */
  readonly triedDelete: Set<string>;
  readonly deleted: Set<string>;
  /** The highest receive count an acknowledged receive showed, by message id. */
  readonly receiveCount: Map<string, number>;
}

/**
 * Every message held with its receive count before this check, by receiving with VisibilityTimeout 0 until
 * each has been seen (they cycle through the queue). `after` gets the counts these receives left.
 */
async function everything(c: SQSClient, queueUrl: string, after: Map<string, number>): Promise<Map<string, number>> {
  // Messages left in flight for 1 s before the kill come back on their recorded deadline.
  for (let i = 0; ; i++) {
    const { Attributes = {} } = await c.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    if (Attributes.ApproximateNumberOfMessagesNotVisible === '0') break;
    assert.ok(i < 100, 'in-flight messages came back within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
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
      const handles: { id: string; handle: string; until: number }[] = [];
      const quiet = async (fn: () => Promise<void>): Promise<void> => {
        while (!stop) {
          try {
            await fn();
          } catch {
            if (!stop) await new Promise((r) => setTimeout(r, 5)); // the kill: no answer, nothing learned
          }
        }
      };
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
      const deleter = () => quiet(async () => {
        const batch = handles.splice(0, 10);
        if (batch.length === 0) return void (await new Promise((r) => setTimeout(r, 2)));
        const unique = [...new Map(batch.map((b) => [b.id, b])).values()];
        for (const b of unique) k.triedDelete.add(b.id);
        const out = await c.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: unique.map((b, i) => ({ Id: `d${i}`, ReceiptHandle: b.handle })) }));
        const answered = Date.now();
        for (const ok of out.Successful ?? []) {
          const b = unique[Number(ok.Id!.slice(1))]!;
          if (answered < b.until) k.deleted.add(b.id);
        }
      });
      const loops = [sender(0), sender(1), receiver(0), receiver(1), deleter()];
      // The kill lands at a seeded moment after the workload is under way (some sends and deletes
      // acknowledged in this round), however slow the machine is: a kill before anything was
      // acknowledged would prove nothing.
      const sentBefore = k.sent.size;
      const deletedBefore = k.deleted.size;
      for (let waited = 0; k.sent.size - sentBefore < 20 || k.deleted.size - deletedBefore < 1; waited += 10) {
        assert.ok(waited < 30_000, `round ${round}: the workload acknowledged ${k.sent.size - sentBefore} sends and ${k.deleted.size - deletedBefore} deletes in 30 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, kills[round]!));
      proc.child.kill('SIGKILL');
      const exit = await proc.exited;
      stop = true;
      await Promise.all(loops);
      c.destroy();
      assert.equal(exit.signal, 'SIGKILL', `round ${round} ended by the kill\n${exit.stderr}`);
      ({ proc, url } = await start());
      assert.doesNotMatch(proc.stderr, /Error|at .*\.ts:\d+/);
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
