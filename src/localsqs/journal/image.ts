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
import { StoredMessage } from '../message.js';
import { Queue } from '../queue.js';
import type { QueueSettings } from '../queue-settings.js';
import type { QueueStore } from '../store.js';
import { fromPlain, queueRecord, type JournalRecord, type QueueRecord } from './codec.js';

export interface ImageQueue {
  record: QueueRecord;
  readonly messages: Map<string, Record<string, unknown>>;
}

export interface Image {
  readonly queues: Map<string, ImageQueue>;
  /** Message id -> the queue holding it. */
  readonly where: Map<string, string>;
}

export function emptyImage(): Image {
  return { queues: new Map(), where: new Map() };
}

export function applyRecord(image: Image, r: JournalRecord): void {
  switch (r.t) {
    case 'q': {
      const existing = image.queues.get(r.q.name);
      if (existing !== undefined) existing.record = r.q;
      else image.queues.set(r.q.name, { record: r.q, messages: new Map() });
      return;
    }
    case 'qd':
    case 'p': {
      const queue = image.queues.get(r.n);
      if (queue === undefined) return;
      for (const id of queue.messages.keys()) image.where.delete(id);
      queue.messages.clear();
      if (r.t === 'qd') image.queues.delete(r.n);
      return;
    }
    case 'm': {
      const id = r.m.id as string;
      const queue = image.queues.get(r.q);
      removeMessage(image, id);
      if (queue === undefined) return;
      const { heapIndex: _, ...msg } = r.m; // where it sat in a heap then is not state; a copy: the record stays as read
      queue.messages.set(id, msg);
      image.where.set(id, r.q);
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
    const messages = new Map<string, Record<string, unknown>>();
    if (queue instanceof Queue) queue.forEachMessage((msg) => {
      const record = JSON.parse(JSON.stringify(msg)) as Record<string, unknown>;
      delete record.heapIndex;
      messages.set(msg.id, record);
      image.where.set(msg.id, queue.name);
    });
    image.queues.set(queue.name, { record: JSON.parse(JSON.stringify(queueRecord(queue))) as QueueRecord, messages });
  }
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
  for (const { record, messages } of image.queues.values()) {
    const queue = store.restoreQueue(record.name, record.arn, record.createdAt);
    Object.assign(queue.settings as QueueSettings, fromPlain(record.settings));
    for (const [k, v] of record.tags) queue.tags.set(k, v);
    queue.lastModifiedAt = record.lastModifiedAt;
    if (queue instanceof Queue) queue.restore([...messages.values()].map(messageFrom));
  }
}
