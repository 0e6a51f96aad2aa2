/**
 * What the store and its queues tell a journal: every change a client is
 * answered about. `undefined` in QueueStore/QueueDeps means in memory only (no
 * calls at all on the hot path). Records are physical and idempotent ("message
 * X is now this"), so replaying them over any snapshot taken after they were
 * written gives the same state (see image.ts).
 */
import type { StoredMessage } from '../message.js';
import type { MoveTask } from '../move-tasks.js';
import type { MessageQueue } from '../queue.js';

export interface Journal {
  /** A queue was created, or its attributes or tags changed: the whole queue record. */
  queue(queue: MessageQueue): void;
  queueDeleted(name: string): void;
  /** A message was sent to (or dead-lettered into) a queue: the whole message record. */
  put(queueName: string, msg: StoredMessage): void;
  /** A message was received or its visibility changed: its mutable fields. */
  update(msg: StoredMessage): void;
  /** A message was deleted. */
  remove(msg: StoredMessage): void;
  purge(queueName: string): void;
  /** FIFO: a send was accepted; its deduplication id (key in the queue's scope) is remembered from `at`. */
  dedup(queueName: string, key: string, at: number, id: string, sequenceNumber: string): void;
  /** FIFO: a receive with a ReceiveRequestAttemptId returned these messages (replayed on a retry within 5 minutes). */
  attempt(queueName: string, attemptId: string, at: number, messages: readonly StoredMessage[]): void;
  /** A message move task started or changed (progress, status): the whole task. */
  moveTask(task: MoveTask): void;
  /**
   * Resolves once every change recorded so far is as durable as the fsync mode
   * promises; undefined when it already is (nothing to wait for). Rejects when
   * the journal cannot be written.
   */
  durable(): Promise<void> | undefined;
}
