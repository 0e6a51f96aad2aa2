/**
 * Message move tasks (StartMessageMoveTask, ListMessageMoveTasks,
 * CancelMessageMoveTask): move a dead-letter queue's visible messages back to
 * the queue each came from, or to one named queue, at most
 * MaxNumberOfMessagesPerSecond per second (unset: DEFAULT_RATE per second), on
 * the injected clock. One running task per source queue; the last 10 tasks of
 * each source are listed, newest first.
 *
 * A moved message is sent anew: new MessageId, receive count 0, its group (and
 * deduplication id) kept on FIFO queues, not checked against the destination's
 * deduplication window. FIFO groups move head first, so each group keeps its order.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../util/clock.js';
import { invalidParameterValue, resourceNotFound, unsupportedOperation } from './errors.js';
import type { Journal } from './journal/journal.js';
import { StoredMessage } from './message.js';
import type { MoveTaskRecord } from './journal/codec.js';
import type { MessageQueue } from './queue.js';

/** Messages moved per second when the task gives no rate (AWS "optimizes" it). */
export const DEFAULT_RATE = 500;
/** Tasks kept per source queue for ListMessageMoveTasks. */
const KEPT_PER_SOURCE = 10;

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export interface MoveTask {
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn: string | undefined;
  readonly rate: number | undefined;
  readonly startedAt: number;
  readonly toMove: number;
  status: MoveTaskStatus;
  moved: number;
  failureReason: string | undefined;
}

export interface MoveTaskDeps {
  readonly clock: Clock;
  readonly byArn: (arn: string) => MessageQueue | undefined;
  /** Queues whose RedrivePolicy names `arn` as their dead-letter queue. */
  readonly sourcesOf: (arn: string) => MessageQueue[];
  /** Records every task change (--data-dir): a running task continues after a restart. */
  readonly journal?: Journal | undefined;
}

export class MoveTasks {
  private readonly bySource = new Map<string, MoveTask[]>();
  private readonly timers = new Map<MoveTask, Timer>();

  constructor(private readonly deps: MoveTaskDeps) {}

  start(sourceArn: string, destinationArn: string | undefined, rate: number | undefined): MoveTask {
    const source = this.deps.byArn(sourceArn);
    if (source === undefined) throw resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
    if (this.deps.sourcesOf(sourceArn).length === 0) throw invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    if (destinationArn !== undefined) {
      const destination = this.deps.byArn(destinationArn);
      if (destination === undefined) throw resourceNotFound('The resource that you specified for the DestinationArn parameter doesn\'t exist.');
      if (destination === source) throw invalidParameterValue('Source queue and destination queue must be different.');
      if (destination.fifo !== source.fifo) throw invalidParameterValue('Source queue and destination queue must be of the same type (both standard or both FIFO).');
    }
    const tasks = this.bySource.get(sourceArn) ?? [];
    if (tasks.some((t) => t.status === 'RUNNING')) {
      throw unsupportedOperation('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    source.sweepExpired();
    const task: MoveTask = {
      handle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn }), 'utf8').toString('base64'),
      sourceArn,
      destinationArn,
      rate,
      startedAt: this.deps.clock.now(),
      toMove: source.visibleCount,
      status: 'RUNNING',
      moved: 0,
      failureReason: undefined,
    };
    tasks.unshift(task);
    if (tasks.length > KEPT_PER_SOURCE) tasks.length = KEPT_PER_SOURCE;
    this.bySource.set(sourceArn, tasks);
    this.schedule(task, 0);
    this.deps.journal?.moveTask(task);
    return task;
  }

  /** Every task kept (for snapshots), oldest first. */
  all(): MoveTask[] {
    const out: MoveTask[] = [];
    for (const tasks of this.bySource.values()) for (let i = tasks.length - 1; i >= 0; i--) out.push(tasks[i]!);
    return out;
  }

  /** Take back tasks as recorded (recovery), oldest first: a RUNNING one continues where it was. */
  restore(tasks: readonly MoveTaskRecord[]): void {
    for (const r of [...tasks].sort((a, b) => a.startedAt - b.startedAt)) {
      const task: MoveTask = {
        handle: r.handle, sourceArn: r.sourceArn, destinationArn: r.destinationArn, rate: r.rate, startedAt: r.startedAt,
        toMove: r.toMove, status: r.status, moved: r.moved, failureReason: r.failureReason,
      };
      const list = this.bySource.get(task.sourceArn) ?? [];
      list.unshift(task);
      if (list.length > KEPT_PER_SOURCE) list.length = KEPT_PER_SOURCE;
      this.bySource.set(task.sourceArn, list);
    }
    for (const list of this.bySource.values()) for (const task of list) if (task.status === 'RUNNING') this.schedule(task, 0);
  }

  /** Newest first; at most `max`. Throws ResourceNotFoundException when the source queue does not exist. */
  list(sourceArn: string, max: number): MoveTask[] {
    if (this.deps.byArn(sourceArn) === undefined) throw resourceNotFound('The resource that you specified for the SourceArn parameter doesn\'t exist.');
    return (this.bySource.get(sourceArn) ?? []).slice(0, max);
  }

  /** Stop a running task; messages moved stay moved. */
  cancel(handle: string): MoveTask {
    const task = this.find(handle);
    if (task === undefined) throw resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw unsupportedOperation(`Only a RUNNING task can be cancelled; this one is ${task.status}.`);
    this.finish(task, 'CANCELLED');
    return task;
  }

  /** Stop every timer (the endpoint is closing). */
  close(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  private find(handle: string): MoveTask | undefined {
    for (const tasks of this.bySource.values()) for (const t of tasks) if (t.handle === handle) return t;
    return undefined;
  }

  private schedule(task: MoveTask, ms: number): void {
    this.timers.set(task, this.deps.clock.setTimer(() => this.tick(task), ms));
  }

  private finish(task: MoveTask, status: MoveTaskStatus, reason?: string): void {
    task.status = status;
    task.failureReason = reason;
    this.timers.get(task)?.cancel();
    this.timers.delete(task);
    this.deps.journal?.moveTask(task);
  }

  /** Move one second's worth of messages, then come back in a second (or finish). */
  private tick(task: MoveTask): void {
    this.timers.delete(task);
    if (task.status !== 'RUNNING') return;
    const source = this.deps.byArn(task.sourceArn);
    if (source === undefined) return this.finish(task, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
    const want = Math.min(task.rate ?? DEFAULT_RATE, task.toMove - task.moved);
    const batch = want > 0 ? source.takeVisible(want) : [];
    const now = this.deps.clock.now();
    for (let i = 0; i < batch.length; i++) {
      const msg = batch[i]!;
      const arn = task.destinationArn ?? msg.deadLetterSourceArn;
      const destination = arn === undefined ? undefined : this.deps.byArn(arn);
      if (destination === undefined || destination.fifo !== source.fifo) {
        // Nowhere to go: the rest goes back to the dead-letter queue (at its end) and the task fails.
        for (const back of batch.slice(i)) {
          back.sequenceNumber = undefined;
          source.enqueue(back, 0, true);
        }
        return this.finish(task, 'FAILED', 'AWS.SimpleQueueService.NonExistentQueue');
      }
      destination.enqueue(copyForMove(msg, now), 0);
      task.moved += 1;
    }
    if (batch.length < want || task.moved >= task.toMove) return this.finish(task, 'COMPLETED');
    if (batch.length > 0) this.deps.journal?.moveTask(task);
    this.schedule(task, 1000);
  }
}

/** The message as the destination receives it: a new message with the same content (and group). */
function copyForMove(msg: StoredMessage, now: number): StoredMessage {
  const copy = new StoredMessage(
    randomUUID(), msg.body, msg.md5OfBody, msg.attributes, msg.md5OfAttributes,
    msg.systemAttributes, msg.md5OfSystemAttributes, now, msg.senderId, msg.size,
  );
  copy.groupId = msg.groupId;
  copy.dedupId = msg.dedupId;
  return copy;
}

/** A task in ListMessageMoveTasks' shape. */
export function taskEntry(task: MoveTask): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (task.status === 'RUNNING') out.TaskHandle = task.handle;
  out.Status = task.status;
  out.SourceArn = task.sourceArn;
  if (task.destinationArn !== undefined) out.DestinationArn = task.destinationArn;
  if (task.rate !== undefined) out.MaxNumberOfMessagesPerSecond = task.rate;
  out.ApproximateNumberOfMessagesMoved = task.moved;
  out.ApproximateNumberOfMessagesToMove = task.toMove;
  if (task.failureReason !== undefined) out.FailureReason = task.failureReason;
  out.StartedTimestamp = task.startedAt;
  return out;
}
