/**
 * Helpers for the journal specs: drive a store through the real action
 * handlers (no HTTP), record what its journal is told, and compare states
 * after normalizing what timers derive from recorded times (a delay or
 * visibility timeout that has ended, a retention period that has passed).
 */
import { ACTIONS } from '../../../src/localsqs/actions/index.js';
import { SqsApiError } from '../../../src/localsqs/errors.js';
import { encode, parseRecord, type JournalRecord } from '../../../src/localsqs/journal/codec.js';
import type { Image } from '../../../src/localsqs/journal/image.js';
import type { Journal } from '../../../src/localsqs/journal/journal.js';
import type { StoredMessage } from '../../../src/localsqs/message.js';
import type { MessageQueue } from '../../../src/localsqs/queue.js';
import type { QueueStore } from '../../../src/localsqs/store.js';

export const BASE = 'http://127.0.0.1:1';
export const urlOf = (name: string): string => `${BASE}/000000000000/${name}`;

/** A journal that keeps its records in memory, decoded as recovery would read them. */
export class RecordingJournal implements Journal {
  readonly records: JournalRecord[] = [];
  private add(json: string, body?: string): void { this.records.push(parseRecord(json, body)); }
  queue(queue: MessageQueue): void { this.add(encode.queue(queue)); }
  queueDeleted(name: string): void { this.add(encode.queueDeleted(name)); }
  put(queueName: string, msg: StoredMessage): void { this.add(encode.put(queueName, msg), msg.body); }
  update(msg: StoredMessage): void { this.add(encode.update(msg)); }
  remove(msg: StoredMessage): void { this.add(encode.remove(msg)); }
  purge(queueName: string): void { this.add(encode.purge(queueName)); }
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
