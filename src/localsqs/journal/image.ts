/**
 * The durable state as plain data: queues and their messages as records.
 * Recovery reads a snapshot and the journal after it into an Image
 * (`applyRecord`), then builds the live store from it (`restoreStore`).
 * `captureImage` reads a live store the same way, so a test can check that
 * replay gives what the live store holds.
 *
 * Messages are keyed by id across queues: a put into another queue (dead-
 * lettering) moves the message. Every record is idempotent and carries the
 * final value of what it sets, so replaying a journal over a snapshot taken
 * while it was being written (a fuzzy snapshot) gives the same result.
 */
import { FifoQueue } from '../fifo-queue.js';
import { StoredMessage } from '../message.js';
import { Queue } from '../queue.js';
import type { QueueSettings } from '../queue-settings.js';
import type { QueueStore } from '../store.js';
import { fromPlain, moveTaskRecord, queueRecord, type JournalRecord, type MoveTaskRecord, type QueueRecord } from './codec.js';

/** FIFO: a remembered deduplication id's send. */
export interface ImageDedup {
  readonly at: number;
  readonly id: string;
  readonly s: string;
}

/** FIFO: a remembered receive attempt. */
export interface ImageAttempt {
  readonly at: number;
  readonly ids: readonly string[];
  readonly h: readonly string[];
}

export interface ImageQueue {
  record: QueueRecord;
  readonly messages: Map<string, Record<string, unknown>>;
  /** FIFO: the last SequenceNumber issued (never goes back); 0 for a standard queue. */
  sequence: number;
  /** FIFO: deduplication key -> the send it answers with; receive attempt id -> what it returned. */
  readonly dedup: Map<string, ImageDedup>;
  readonly attempts: Map<string, ImageAttempt>;
}

export interface Image {
  readonly queues: Map<string, ImageQueue>;
  /** Message id -> the queue holding it. */
  readonly where: Map<string, string>;
  /** Move tasks by handle. */
  readonly tasks: Map<string, MoveTaskRecord>;
}

export function emptyImage(): Image {
  return { queues: new Map(), where: new Map(), tasks: new Map() };
}

const newQueue = (record: QueueRecord, sequence: number): ImageQueue => ({ record, messages: new Map(), sequence, dedup: new Map(), attempts: new Map() });

export function applyRecord(image: Image, r: JournalRecord): void {
  switch (r.t) {
    case 'q': {
      const existing = image.queues.get(r.q.name);
      if (existing !== undefined) {
        existing.record = r.q;
        existing.sequence = Math.max(existing.sequence, r.seq ?? 0);
      } else image.queues.set(r.q.name, newQueue(r.q, r.seq ?? 0));
      return;
    }
    case 'qd':
    case 'p': {
      const queue = image.queues.get(r.n);
      if (queue === undefined) return;
      for (const id of queue.messages.keys()) image.where.delete(id);
      queue.messages.clear();
      queue.attempts.clear(); // a purge forgets receive attempts, not deduplication ids
      if (r.t === 'qd') image.queues.delete(r.n);
      return;
    }
    case 'dd': {
      const queue = image.queues.get(r.n);
      if (queue !== undefined) queue.dedup.set(r.k, { at: r.at, id: r.id, s: r.s });
      return;
    }
    case 'ra': {
      const queue = image.queues.get(r.n);
      if (queue === undefined) return;
      queue.attempts.delete(r.a);
      queue.attempts.set(r.a, { at: r.at, ids: r.ids, h: r.h });
      return;
    }
    case 'mt':
      image.tasks.set(r.task.handle, r.task);
      return;
    case 'm': {
      const id = r.m.id as string;
      const queue = image.queues.get(r.q);
      removeMessage(image, id);
      if (queue === undefined) return;
      const { heapIndex: _, ...msg } = r.m; // where it sat in a heap then is not state; a copy: the record stays as read
      queue.messages.set(id, msg);
      image.where.set(id, r.q);
      if (typeof msg.sequenceNumber === 'string') queue.sequence = Math.max(queue.sequence, Number(msg.sequenceNumber.slice(1)));
      return;
    }
    case 'u': {
      const name = image.where.get(r.id);
      const msg = name === undefined ? undefined : image.queues.get(name)?.messages.get(r.id);
      if (msg === undefined) return;
      msg.state = r.s;
      msg.deadline = r.d;
      msg.receiveCount = r.r;
      msg.firstReceiveAt = r.f;
      if (r.h === undefined) delete msg.handle;
      else msg.handle = r.h;
      return;
    }
    case 'd':
      removeMessage(image, r.id);
      return;
    case 'end':
      return;
  }
}

function removeMessage(image: Image, id: string): void {
  const name = image.where.get(id);
  if (name === undefined) return;
  image.where.delete(id);
  image.queues.get(name)?.messages.delete(id);
}

/** A live store as an Image (what a snapshot of it holds). */
export function captureImage(store: QueueStore): Image {
  const image = emptyImage();
  for (const queue of store.list()) {
    const iq = newQueue(JSON.parse(JSON.stringify(queueRecord(queue))) as QueueRecord, queue.lastSequence);
    const add = (msg: StoredMessage): void => {
      const record = JSON.parse(JSON.stringify(msg)) as Record<string, unknown>;
      delete record.heapIndex;
      iq.messages.set(msg.id, record);
      image.where.set(msg.id, queue.name);
    };
    if (queue instanceof Queue) queue.forEachMessage(add);
    if (queue instanceof FifoQueue) {
      queue.forEachMessage(add);
      queue.forEachDedup((key, at, send) => iq.dedup.set(key, { at, id: send.id, s: send.sequenceNumber }));
      queue.forEachAttempt((id, at, msgs, handles) => iq.attempts.set(id, { at, ids: msgs.map((m) => m.id), h: [...handles] }));
    }
    image.queues.set(queue.name, iq);
  }
  for (const task of store.moves.all()) image.tasks.set(task.handle, moveTaskRecord(task));
  return image;
}

/** A message from its record: constructed as StoredMessage (same shape for V8), then every recorded field set. */
export function messageFrom(record: Record<string, unknown>): StoredMessage {
  const msg = Reflect.construct(StoredMessage, []) as StoredMessage;
  Object.assign(msg, record);
  msg.heapIndex = -1;
  return msg;
}

/** Fill an empty store with the image's queues and messages; timers continue from the recorded times. */
export function restoreStore(store: QueueStore, image: Image): void {
  for (const { record, messages, sequence, dedup, attempts } of image.queues.values()) {
    const settings = fromPlain(record.settings) as Partial<QueueSettings>;
    const queue = store.restoreQueue(record.name, record.arn, record.createdAt, settings.fifoQueue === true);
    Object.assign(queue.settings as QueueSettings, settings);
    for (const [k, v] of record.tags) queue.tags.set(k, v);
    queue.lastModifiedAt = record.lastModifiedAt;
    if (queue instanceof Queue) queue.restore([...messages.values()].map(messageFrom));
    if (queue instanceof FifoQueue) {
      queue.restore(
        [...messages.values()].map(messageFrom),
        sequence,
        [...dedup].map(([key, d]) => ({ key, at: d.at, record: { id: d.id, sequenceNumber: d.s } })),
        [...attempts].map(([id, a]) => ({ id, at: a.at, ids: a.ids, handles: a.h })),
      );
    }
  }
  store.moves.restore([...image.tasks.values()]);
}
