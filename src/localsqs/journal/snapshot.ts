/**
 * Snapshots, written in the background: at a segment switch the queues and
 * references to their messages are collected at once (no copy of a body), then
 * the messages are serialized a few MiB at a time between other work. A
 * message that changes meanwhile is written as it is when its turn comes; the
 * journal segment that started at the switch holds every such change, and
 * replaying it over the snapshot gives the live state (records are idempotent).
 * Written to *.tmp, fsynced, renamed: a snapshot file that exists is whole.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { MessageState, type StoredMessage } from '../message.js';
import { FifoQueue } from '../fifo-queue.js';
import { Queue } from '../queue.js';
import type { QueueStore } from '../store.js';
import { FILE_HEADER, GROUP_CHARS, RecordBuffer, encode } from './codec.js';
import { snapshotPath } from './files.js';

const WRITE_BYTES = 4 * 1_048_576;

export interface Collected {
  readonly queues: {
    readonly name: string;
    readonly json: string;
    readonly messages: StoredMessage[];
    /** FIFO: its remembered deduplication ids and receive attempts, as records. */
    readonly fifo: string[];
  }[];
  /** Move tasks, as records. */
  readonly tasks: string[];
}

/** The store's queues (as records), references to their messages, FIFO memory and move tasks, synchronously. */
export function collect(store: QueueStore): Collected {
  return {
    queues: store.list().map((queue) => {
      const messages: StoredMessage[] = [];
      const fifo: string[] = [];
      if (queue instanceof Queue) queue.forEachMessage((m) => messages.push(m));
      if (queue instanceof FifoQueue) {
        queue.forEachMessage((m) => messages.push(m));
        queue.forEachDedup((key, at, send) => fifo.push(encode.dedup(queue.name, key, at, send.id, send.sequenceNumber)));
        queue.forEachAttempt((id, at, msgs, handles) => fifo.push(encode.attempt(queue.name, id, at, msgs.map((m) => m.id), handles)));
      }
      return { name: queue.name, json: encode.queue(queue), messages, fifo };
    }),
    tasks: store.moves.all().map(encode.moveTask),
  };
}

/** The records of a snapshot, added to `out` a few at a time, ending with its end record; messages gone since collected are left out. */
export function* snapshotRecords(collected: Collected, counted: { messages: number }, out: () => RecordBuffer): Generator<void> {
  for (const queue of collected.queues) {
    out().json(queue.json);
    yield;
    for (const msg of queue.messages) {
      if (msg.state === MessageState.Gone) continue;
      counted.messages += 1;
      out().put(queue.name, msg);
      yield;
    }
    // After the messages: an attempt names messages, which must be there when it is read.
    for (const json of queue.fifo) {
      out().json(json);
      yield;
    }
  }
  for (const json of collected.tasks) {
    out().json(json);
    yield;
  }
  out().json(encode.end(collected.queues.length, counted.messages));
  yield;
}

export interface SnapshotResult {
  readonly bytes: number;
  readonly messages: number;
}

/** Write snapshot `k` of what was collected; `aborted()` stops it early (the tmp file is removed, no snapshot). */
export async function writeSnapshot(dir: string, k: number, collected: Collected, aborted: () => boolean): Promise<SnapshotResult | undefined> {
  const final = snapshotPath(dir, k);
  const tmp = `${final}.tmp`;
  const fh = await open(tmp, 'w');
  let bytes = 0;
  let messages = 0;
  let ok = false;
  try {
    await fh.write(FILE_HEADER);
    bytes += FILE_HEADER.length;
    let parts = new RecordBuffer();
    const flush = async (): Promise<void> => {
      if (parts.length === 0) return;
      const buf = parts.toBuffer();
      parts = new RecordBuffer();
      await fh.write(buf);
      bytes += buf.length;
    };
    const counted = { messages: 0 };
    for (const _ of snapshotRecords(collected, counted, () => parts)) {
      // A write is due once a few MiB are collected: one group frame.
      if (parts.chars >= Math.min(WRITE_BYTES, GROUP_CHARS)) {
        if (aborted()) return undefined;
        await flush(); // other work runs while it is written
      }
    }
    messages = counted.messages;
    await flush();
    await fh.sync();
    ok = true;
  } finally {
    await fh.close();
    if (!ok) {
      try {
        unlinkSync(tmp);
      } catch {
        // never created
      }
    }
  }
  renameSync(tmp, final);
  syncDir(dir);
  return { bytes, messages };
}

/** fsync a directory, so a created, renamed or removed file's entry survives a power cut. */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here (e.g. some platforms refuse fsync on a directory)
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
