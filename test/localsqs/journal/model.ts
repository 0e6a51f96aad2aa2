/**
 * Helpers for the journal specs: drive a store through the real action
 * handlers (no HTTP), record what its journal is told, and compare states
 * after normalizing what timers derive from recorded times (a delay or
 * visibility timeout that has ended, a retention period that has passed).
 */
import { ACTIONS } from '../../../src/localsqs/actions/index.js';
import { SqsApiError } from '../../../src/localsqs/errors.js';
import { DEDUP_WINDOW_MS } from '../../../src/localsqs/fifo-queue.js';
import { RecordBuffer, decodeFrames, encode, type JournalRecord } from '../../../src/localsqs/journal/codec.js';
import type { Image } from '../../../src/localsqs/journal/image.js';
import type { Journal } from '../../../src/localsqs/journal/journal.js';
import type { StoredMessage } from '../../../src/localsqs/message.js';
import type { MoveTask } from '../../../src/localsqs/move-tasks.js';
import type { MessageQueue } from '../../../src/localsqs/queue.js';
import type { QueueStore } from '../../../src/localsqs/store.js';

export const BASE = 'http://127.0.0.1:1';
export const urlOf = (name: string): string => `${BASE}/000000000000/${name}`;

/** Records through their bytes: encoded into a group frame (of `b`, filled by `fill`) and decoded as recovery reads them. */
export function throughBytes(fill: (b: RecordBuffer) => void, b = new RecordBuffer()): JournalRecord[] {
  fill(b);
  const records: JournalRecord[] = [];
  const res = decodeFrames(b.toBuffer(), (r) => records.push(r));
  if (res.problem !== undefined || res.partial) throw new Error(`records do not decode: ${res.problem ?? 'partial'}`);
  return records;
}

/**
 * A journal that keeps its records in memory, encoded and decoded as the writer and recovery do: the records
 * appended until `flush()` (or until `records` is read) form one group, as those of one write do.
 */
export class RecordingJournal implements Journal {
  private readonly read: JournalRecord[] = [];
  private pending = new RecordBuffer();
  /** Every record so far (what is pending is written first). */
  get records(): JournalRecord[] {
    this.flush();
    return this.read;
  }
  flush(): void {
    const b = this.pending;
    this.pending = new RecordBuffer();
    this.read.push(...throughBytes(() => {}, b));
  }
  queue(queue: MessageQueue): void { this.pending.json(encode.queue(queue)); }
  queueDeleted(name: string): void { this.pending.json(encode.queueDeleted(name)); }
  put(queueName: string, msg: StoredMessage): void { this.pending.put(queueName, msg); }
  update(msg: StoredMessage): void { this.pending.update(msg); }
  remove(msg: StoredMessage): void { this.pending.remove(msg); }
  purge(queueName: string): void { this.pending.json(encode.purge(queueName)); }
  dedup(queueName: string, key: string, at: number, id: string, sequenceNumber: string): void { this.pending.json(encode.dedup(queueName, key, at, id, sequenceNumber)); }
  attempt(queueName: string, attemptId: string, at: number, messages: readonly StoredMessage[]): void {
    this.pending.json(encode.attempt(queueName, attemptId, at, messages.map((m) => m.id), messages.map((m) => m.handle!)));
  }
  moveTask(task: MoveTask): void { this.pending.json(encode.moveTask(task)); }
  durable(): undefined { return undefined; }
}

/** Call an action as the server would; SQS errors are answers, returned as undefined. */
export async function call(store: QueueStore, action: string, input: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  try {
    return (await ACTIONS.get(action)!(input, { store, baseUrl: BASE, senderId: 'AIDTEST' })) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SqsApiError) return undefined;
    throw err;
  }
}

/**
 * The state as timers will see it at `now`: ended delays and visibility timeouts visible, expired messages gone;
 * FIFO memory that could still be used: deduplication ids younger than 5 minutes, receive attempts that could still
 * be replayed (younger than 5 minutes, every message still in flight under the handle it returned); the 10 newest
 * move tasks of each source.
 */
export function normalize(image: Image, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of [...image.queues.keys()].sort()) {
    const { record, messages, sequence, dedup, attempts } = image.queues.get(name)!;
    const fifo: Record<string, unknown> = { sequence, dedup: {}, attempts: {} };
    for (const key of [...dedup.keys()].sort()) {
      const d = dedup.get(key)!;
      if (d.at > now - DEDUP_WINDOW_MS) (fifo.dedup as Record<string, unknown>)[key] = d;
    }
    for (const id of [...attempts.keys()].sort()) {
      const a = attempts.get(id)!;
      const live = a.ids.every((mid, i) => {
        const m = messages.get(mid);
        return m !== undefined && m.state === 2 && (m.deadline as number) > now && m.handle === a.h[i];
      });
      if (a.at > now - DEDUP_WINDOW_MS && live) (fifo.attempts as Record<string, unknown>)[id] = { at: a.at, ids: [...a.ids], h: [...a.h] };
    }
    const retentionMs = ((record.settings as { messageRetentionPeriod: number }).messageRetentionPeriod) * 1000;
    const msgs: Record<string, unknown> = {};
    for (const id of [...messages.keys()].sort()) {
      const m = { ...messages.get(id)! } as Record<string, unknown>;
      delete m.heapIndex;
      if ((m.sentAt as number) + retentionMs <= now) continue;
      if ((m.state === 0 || m.state === 2) && (m.deadline as number) <= now) m.state = 1;
      if (m.state === 1) m.deadline = 0;
      msgs[id] = m;
    }
    out[name] = { record, messages: msgs, ...(sequence > 0 || dedup.size > 0 || attempts.size > 0 ? fifo : {}) };
  }
  const bySource = new Map<string, unknown[]>();
  for (const task of [...image.tasks.values()].sort((a, b) => b.startedAt - a.startedAt)) {
    const list = bySource.get(task.sourceArn) ?? [];
    if (list.length < 10) list.push(task);
    bySource.set(task.sourceArn, list);
  }
  if (bySource.size > 0) out['$tasks'] = Object.fromEntries([...bySource].sort(([a], [b]) => (a < b ? -1 : 1)));
  return out;
}
