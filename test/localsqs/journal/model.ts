/**
 * Helpers for the journal specs: drive a store through the real action
 * handlers (no HTTP), record what its journal is told, and compare states
 * after normalizing what timers derive from recorded times (a delay or
 * visibility timeout that has ended, a retention period that has passed).
 */
import { ACTIONS } from '../../../src/localsqs/actions/index.js';
import { SqsApiError } from '../../../src/localsqs/errors.js';
import { RecordBuffer, decodeFrames, encode, type JournalRecord } from '../../../src/localsqs/journal/codec.js';
import type { Image } from '../../../src/localsqs/journal/image.js';
import type { Journal } from '../../../src/localsqs/journal/journal.js';
import type { StoredMessage } from '../../../src/localsqs/message.js';
import type { MessageQueue } from '../../../src/localsqs/queue.js';
import type { QueueStore } from '../../../src/localsqs/store.js';

export const BASE = 'http://127.0.0.1:1';
export const urlOf = (name: string): string => `${BASE}/000000000000/${name}`;

/** Records through their bytes: encoded into a group frame and decoded as recovery reads them. */
export function throughBytes(fill: (b: RecordBuffer) => void): JournalRecord[] {
  const b = new RecordBuffer();
  fill(b);
  const records: JournalRecord[] = [];
  const res = decodeFrames(b.toBuffer(), (r) => records.push(r));
  if (res.problem !== undefined || res.partial) throw new Error(`records do not decode: ${res.problem ?? 'partial'}`);
  return records;
}

/** A journal that keeps its records in memory, encoded and decoded as the writer and recovery do. */
export class RecordingJournal implements Journal {
  readonly records: JournalRecord[] = [];
  private add(fill: (b: RecordBuffer) => void): void { this.records.push(...throughBytes(fill)); }
  queue(queue: MessageQueue): void { this.add((b) => b.json(encode.queue(queue))); }
  queueDeleted(name: string): void { this.add((b) => b.json(encode.queueDeleted(name))); }
  put(queueName: string, msg: StoredMessage): void { this.add((b) => b.put(queueName, msg)); }
  update(msg: StoredMessage): void { this.add((b) => b.update(msg)); }
  remove(msg: StoredMessage): void { this.add((b) => b.remove(msg)); }
  purge(queueName: string): void { this.add((b) => b.json(encode.purge(queueName))); }
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

/** The state as timers will see it at `now`: ended delays and visibility timeouts visible, expired messages gone. */
export function normalize(image: Image, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of [...image.queues.keys()].sort()) {
    const { record, messages } = image.queues.get(name)!;
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
    out[name] = { record, messages: msgs };
  }
  return out;
}
