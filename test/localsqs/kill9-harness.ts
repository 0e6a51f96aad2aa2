/**
 * What the kill -9 specs (kill9.test.ts, kill9-fifo.test.ts) share: the real
 * executable on a data dir, SDK clients that learn nothing from a request the
 * kill cut short, a deleter whose deletes count as acknowledged only while the
 * handle was sure to be current, and the waits around a kill.
 */
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { spawnSqsdemo, type SqsdemoProcess } from '../helpers/cli.js';

export const SEED = Number(process.env.SQSDEMO_KILL_SEED ?? 16);
export const ROUNDS = Number(process.env.SQSDEMO_KILL_ROUNDS ?? 2);
export const FSYNC = process.env.SQSDEMO_KILL_FSYNC ?? 'batch';

/** A temporary data dir, removed after the file's tests. */
export function dataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function client(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
}

/** `sqsdemo sqs` on `dir` (a small --compact-bytes: snapshots happen too). */
export async function start(dir: string): Promise<{ proc: SqsdemoProcess; url: string }> {
  const proc = spawnSqsdemo(['sqs', '--port', '0', '--data-dir', dir, '--fsync', FSYNC, '--compact-bytes', '65536'], { timeoutMs: 120_000 });
  const [, url = ''] = await proc.waitFor(/listening on (http:\/\/\S+)/, 30_000);
  return { proc, url };
}

/** Run `fn` again and again until `stopped()`; a failure (the kill: no answer) teaches nothing. */
export async function quiet(stopped: () => boolean, fn: () => Promise<void>): Promise<void> {
  while (!stopped()) {
    try {
      await fn();
    } catch {
      if (!stopped()) await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** A received message's handle, current until `until` (the receive was asked before until - its visibility timeout). */
export interface Held {
  readonly id: string;
  readonly handle: string;
  readonly until: number;
}

export interface Deletes {
  /** Message ids whose delete was attempted, acknowledged or not. */
  readonly triedDelete: Set<string>;
  /** Acknowledged while the handle was current (a stale handle's delete is a no-op in SQS). */
  readonly deleted: Set<string>;
}

/** One step of a deleter: delete up to 10 of `handles` (taken off it) and learn what was acknowledged. */
export async function deleteSome(c: SQSClient, queueUrl: string, handles: Held[], k: Deletes): Promise<void> {
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
}

/**
 * Wait until the workload has acknowledged at least 20 sends and a delete since `sent()`/`deleted()` were at
 * their values now, however slow the machine is: a kill before anything was acknowledged would prove nothing.
 */
export async function untilUnderWay(round: number, sent: () => number, deleted: () => number): Promise<void> {
  const sentBefore = sent();
  const deletedBefore = deleted();
  for (let waited = 0; sent() - sentBefore < 20 || deleted() - deletedBefore < 1; waited += 10) {
    assert.ok(waited < 30_000, `round ${round}: the workload acknowledged ${sent() - sentBefore} sends and ${deleted() - deletedBefore} deletes in 30 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** After a restart: wait until the messages left in flight before the kill are back (on their recorded deadline). */
export async function inFlightBack(c: SQSClient, queueUrl: string): Promise<void> {
  for (let i = 0; ; i++) {
    const { Attributes = {} } = await c.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    if (Attributes.ApproximateNumberOfMessagesNotVisible === '0') return;
    assert.ok(i < 100, 'in-flight messages came back within 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `afterMs` from now, SIGKILL `proc`; then `stopLoops` (the workload learns nothing more) and start again on
 * `dir`, which must come up without an error.
 */
export async function killAndRestart(dir: string, proc: SqsdemoProcess, round: number, afterMs: number, stopLoops: () => Promise<void>): Promise<{ proc: SqsdemoProcess; url: string }> {
  await new Promise((r) => setTimeout(r, afterMs));
  proc.child.kill('SIGKILL');
  const exit = await proc.exited;
  await stopLoops();
  assert.equal(exit.signal, 'SIGKILL', `round ${round} ended by the kill\n${exit.stderr}`);
  const next = await start(dir);
  assert.doesNotMatch(next.proc.stderr, /Error|at .*\.ts:\d+/);
  return next;
}
