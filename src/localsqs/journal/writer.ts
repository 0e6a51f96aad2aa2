/**
 * The journal's writer: appends framed records to the current segment with
 * group commit. Records appended in one turn of the event loop, or while an
 * fsync is under way, wait in memory and go out together in the next write (one
 * write, and with `always` one fsync, for every request that arrived meanwhile).
 *
 * What `durable()` waits for, by fsync mode:
 *   always  the records are written and fsynced: they survive a power cut.
 *   batch   the records are written to the OS (they survive kill -9 and any
 *           crash of the process); an fsync follows within `batchSyncMs`
 *           (a power cut may lose that last stretch).
 *   never   nothing: the answer goes out at once and the records are written
 *           within NEVER_WRITE_MS (a kill -9 may lose the last 10 ms of
 *           changes); the OS decides when they reach the disk.
 */
import { closeSync, fdatasync, fstatSync, fsync, openSync, writeSync } from 'node:fs';
import type { Clock, Timer } from '../../util/clock.js';
import type { StoredMessage } from '../message.js';
import type { MoveTask } from '../move-tasks.js';
import type { MessageQueue } from '../queue.js';
import { FILE_HEADER, RecordBuffer, encode } from './codec.js';
import type { Journal } from './journal.js';

/** With `never`, records wait at most this long (ms) before they are written. */
export const NEVER_WRITE_MS = 10;

export const FSYNC_MODES = ['always', 'batch', 'never'] as const;
export type FsyncMode = (typeof FSYNC_MODES)[number];

export interface WriterOptions {
  readonly fsync: FsyncMode;
  readonly clock: Clock;
  /** With `batch`: fsync at most this long after a write (default 200 ms). */
  readonly batchSyncMs?: number;
  /** Called after each completed write with the bytes in the current segment. */
  readonly onWritten?: (segmentBytes: number) => void;
  /** Called when a write or fsync fails (every later durable() rejects too). */
  readonly onError?: (err: Error) => void;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

const syncAsync = (fd: number, data: boolean): Promise<void> =>
  new Promise((resolve, reject) => (data ? fdatasync : fsync)(fd, (err) => (err ? reject(err) : resolve())));

export class JournalWriter implements Journal {
  private fd: number;
  private segmentBytes = 0;
  /** Records waiting for the next group write; encoded then, into one reused buffer. */
  private pending = new RecordBuffer();
  private buf = Buffer.allocUnsafe(1_048_576);
  /** Records appended / written (and fsynced with `always`). */
  private appended = 0;
  private done = 0;
  private readonly waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private failed: Error | undefined;
  private dirty = false;
  private syncTimer: Timer | undefined;
  private closed = false;
  /** Group writes and fsyncs done (for specs and stats). */
  writes = 0;
  syncs = 0;

  constructor(path: string, private readonly options: WriterOptions) {
    this.fd = this.openSegment(path);
  }

  /** Open a segment for appending; a new one starts with the file header. */
  private openSegment(path: string): number {
    const fd = openSync(path, 'a');
    try {
      this.segmentBytes = fstatSync(fd).size;
      if (this.segmentBytes === 0) {
        for (let pos = 0; pos < FILE_HEADER.length;) pos += writeSync(fd, FILE_HEADER, pos, FILE_HEADER.length - pos);
        this.segmentBytes = FILE_HEADER.length;
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return fd;
  }

  get mode(): FsyncMode {
    return this.options.fsync;
  }

  // --- Journal ---
  queue(queue: MessageQueue): void { this.append(encode.queue(queue)); }
  queueDeleted(name: string): void { this.append(encode.queueDeleted(name)); }
  put(queueName: string, msg: StoredMessage): void {
    if (this.closed) return;
    this.pending.put(queueName, msg);
    this.appended1();
  }
  update(msg: StoredMessage): void {
    if (this.closed) return;
    this.pending.update(msg);
    this.appended1();
  }
  remove(msg: StoredMessage): void {
    if (this.closed) return;
    this.pending.remove(msg);
    this.appended1();
  }
  purge(queueName: string): void { this.append(encode.purge(queueName)); }
  dedup(queueName: string, key: string, at: number, id: string, sequenceNumber: string): void { this.append(encode.dedup(queueName, key, at, id, sequenceNumber)); }
  attempt(queueName: string, attemptId: string, at: number, messages: readonly StoredMessage[]): void {
    this.append(encode.attempt(queueName, attemptId, at, messages.map((m) => m.id), messages.map((m) => m.handle!)));
  }
  moveTask(task: MoveTask): void { this.append(encode.moveTask(task)); }

  durable(): Promise<void> | undefined {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (this.options.fsync === 'never' || this.done === this.appended) return undefined;
    const seq = this.appended;
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Append one record (JSON); it goes out with the next group write. */
  append(json: string): void {
    if (this.closed) return;
    this.pending.json(json);
    this.appended1();
  }

  /** One record was added to pending: schedule its group write. */
  private appended1(): void {
    this.appended += 1;
    if (!this.scheduled && this.flushing === undefined) {
      this.scheduled = true;
      const go = (): void => {
        this.scheduled = false;
        this.kick();
      };
      // After the current turn: every request handled in it shares the write. With never, nobody
      // waits for it: one write per NEVER_WRITE_MS, so many turns share a syscall.
      if (this.options.fsync === 'never') this.options.clock.setTimer(go, NEVER_WRITE_MS);
      else setImmediate(go);
    }
  }

  /** Write everything appended so far (and fsync it); resolves when done. */
  async drain(): Promise<void> {
    while (this.flushing !== undefined || this.pending.length > 0) {
      this.kick();
      await this.flushing;
    }
    if (this.failed !== undefined) throw this.failed;
  }

  /**
   * Write what is pending to the current segment, then switch to `path`; `atSwitch`
   * runs synchronously at the switch, when every earlier record is in the old
   * segment and every later one will be in the new. Resolves when the old segment
   * is fsynced and closed.
   */
  async rotate(path: string, atSwitch: () => void): Promise<void> {
    await this.drain();
    // No await between the drain's end and the switch: nothing is appended in between.
    while (this.flushing !== undefined || this.pending.length > 0) await this.drain();
    const old = this.fd;
    this.fd = this.openSegment(path);
    atSwitch();
    try {
      if (this.dirty) await syncAsync(old, true);
    } finally {
      this.dirty = false;
      closeSync(old);
    }
  }

  /** Write and fsync everything, then close the segment. */
  async close(): Promise<void> {
    try {
      await this.drain();
      this.syncTimer?.cancel();
      if (this.failed === undefined && this.dirty) await syncAsync(this.fd, false);
    } finally {
      this.closed = true;
      closeSync(this.fd);
    }
  }

  private kick(): void {
    if (this.flushing !== undefined || this.pending.length === 0 || this.failed !== undefined) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.pending.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    const records = this.pending;
    const room = records.room();
    const upto = this.appended;
    this.pending = new RecordBuffer();
    if (this.buf.length < room || this.buf.length > 4 * Math.max(room, 1_048_576)) this.buf = Buffer.allocUnsafe(Math.max(room, 1_048_576));
    const out = this.buf;
    // One frame (one CRC) per group; a very large group is split so no frame passes MAX_FRAME.
    const bytes = records.writeTo(out, 0);
    try {
      const buf = out.subarray(0, bytes);
      // Synchronous: a write to the page cache takes microseconds, less than a hop to the thread pool and back.
      for (let pos = 0; pos < buf.length;) pos += writeSync(this.fd, buf, pos, buf.length - pos);
      this.writes += 1;
      this.segmentBytes += bytes;
      if (this.options.fsync === 'always') {
        await syncAsync(this.fd, true);
        this.syncs += 1;
      }
      else {
        this.dirty = true;
        if (this.options.fsync === 'batch') this.scheduleSync();
      }
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    this.done = upto;
    let n = 0;
    while (n < this.waiters.length && this.waiters[n]!.seq <= upto) this.waiters[n++]!.resolve();
    this.waiters.splice(0, n);
    this.options.onWritten?.(this.segmentBytes);
  }

  private scheduleSync(): void {
    if (this.syncTimer !== undefined) return;
    this.syncTimer = this.options.clock.setTimer(() => {
      this.syncTimer = undefined;
      if (!this.dirty || this.closed) return;
      this.dirty = false;
      const fd = this.fd;
      fdatasync(fd, (err) => {
        if (!err) this.syncs += 1;
        else if (!this.closed && fd === this.fd) this.fail(err);
      });
    }, this.options.batchSyncMs ?? 200);
  }

  private fail(err: Error): void {
    if (this.failed !== undefined) return;
    this.failed = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
    this.options.onError?.(err);
  }
}
