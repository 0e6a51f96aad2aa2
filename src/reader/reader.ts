/**
 * The queue-reader: N long-polling pollers feed a bounded task pool; successes
 * are deleted in batches, failures are left to SQS (or delayed with
 * `retryDelayMs`), long-held messages get their visibility extended, and
 * stopping drains: no new receives, running tasks finish (within the drain
 * timeout), deletes are flushed and unstarted messages handed back at once.
 * Several readers may share one queue; nothing here assumes it is alone.
 *
 * Build, don't start: `createReader()` returns a Reader; `start()` checks the
 * queue and begins; `stop()` drains; `finished` settles when it has stopped
 * (rejecting with a SqsdemoError when a fatal error, e.g. the queue vanished,
 * stopped it).
 */
import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsConfig } from '../config.js';
import { isQueueMissing, isTransient, awsErrorName, toSqsdemoError } from '../sqs/errors.js';
import type { SqsdemoError } from '../errors.js';
import type { EventSink } from '../telemetry/events.js';
import type { WorkEvent, WorkStatsEvent, WorkStoppedEvent } from '../telemetry/work-events.js';
import { backoffMs } from '../util/abort.js';
import { Batcher, type BatchProblem } from './batcher.js';
import { systemReaderClock, type ReaderClock } from './clock.js';
import { toVisibilitySeconds, type ReaderConfig } from './config.js';
import { DataLogError, type DataLog } from './data-log.js';
import { Flow, type Held } from './flow.js';
import { startHeartbeat } from './heartbeat.js';
import type { ReaderMessage } from './message.js';
import type { Processor } from './processor.js';
import { ReaderSqs, type DeleteEntry, type VisibilityEntry } from './sqs-calls.js';
import { ReaderStats } from './stats.js';
import { RecentIds } from './recent-ids.js';

export interface ReaderDeps {
  /** Built with createSqsClient; the reader does not destroy it. */
  readonly client: SQSClient;
  /** Where SQS is and the queue name (for the queue URL and error messages). */
  readonly sqs: SqsConfig;
  readonly processor: Processor;
  readonly emit: EventSink<WorkEvent>;
  readonly clock?: ReaderClock;
  readonly dataLog?: DataLog;
}

export interface Reader {
  /** Check the queue, emit `ready`, start polling. Rejects (QueueMissingError, SqsUnavailableError) when it cannot. */
  start(): Promise<void>;
  /** Drain and stop (idempotent); resolves with the `stopped` event. */
  stop(reason?: string): Promise<WorkStoppedEvent>;
  /** Settles once stopped: the `stopped` event, or the fatal error that stopped the reader. */
  readonly finished: Promise<WorkStoppedEvent>;
  /** Current counters (as the next stats event would show them, without starting a new interval). */
  counters(): Readonly<{ received: number; processed: number; failed: number; deleted: number; returned: number; maxRunning: number; inFlight: number }>;
}

const BATCH_ATTEMPTS = 6;

export function createReader(config: ReaderConfig, deps: ReaderDeps): Reader {
  const clock = deps.clock ?? systemReaderClock;
  const { emit, processor, dataLog } = deps;
  const stats = new ReaderStats(clock.now());
  const deletedIds = new RecentIds();
  const flow = new Flow(config.concurrency, config.prefetch);
  const stopController = new AbortController();
  const tasks = new Set<Promise<void>>();
  const taskAborts = new Set<AbortController>();
  let sqs: ReaderSqs | undefined;
  let visibilityMs = 0;
  let fatal: SqsdemoError | undefined;
  let stopPromise: Promise<WorkStoppedEvent> | undefined;
  let pollers: Promise<void>[] = [];
  let timers: Array<{ stop(): void }> = [];
  let resolveFinished!: (e: WorkStoppedEvent) => void;
  let rejectFinished!: (err: unknown) => void;
  const finished = new Promise<WorkStoppedEvent>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  finished.catch(() => undefined); // the caller may only call stop(); do not crash on an unhandled rejection

  const warn = (message: string, code?: string): void => emit({ role: 'work', type: 'warn', t: clock.now(), message, ...(code ? { code } : {}) });
  const toError = (err: unknown): SqsdemoError => toSqsdemoError(err, deps.sqs);
  const codeOf = (err: unknown): string => awsErrorName(err) ?? (err as { code?: string })?.code ?? (err as Error)?.name ?? 'Error';
  const failFatally = (err: unknown): void => {
    if (fatal !== undefined) return;
    fatal = toError(err);
    void stop(`fatal: ${fatal.message}`);
  };
  const batcherOptions = (what: string) => ({
    maxBatch: 10,
    lingerMs: config.deleteLingerMs,
    maxAttempts: BATCH_ATTEMPTS,
    clock,
    isFatal: isQueueMissing,
    codeOf,
    onFatal: failFatally,
    onProblem: (p: BatchProblem) =>
      warn(
        p.kind === 'retrying'
          ? `${what} of ${p.entries} message(s) failed (${p.code}: ${p.message}); retrying (attempt ${p.attempt + 1} of ${BATCH_ATTEMPTS})`
          : `${what} of ${p.entries} message(s) failed ${p.attempt} times (${p.code}: ${p.message}); giving up, SQS will redeliver them`,
        p.code,
      ),
  });
  // Write-ahead: the data-log lines of these messages reach the OS before SQS forgets them.
  const deletes = new Batcher<DeleteEntry>({
    ...batcherOptions('delete'),
    isFatal: (err) => isQueueMissing(err) || err instanceof DataLogError,
    send: (e) => {
      dataLog?.flush();
      return sqs!.deleteBatch(e);
    },
  });
  const visibility = new Batcher<VisibilityEntry>({ ...batcherOptions('visibility change'), send: (e) => sqs!.changeVisibilityBatch(e) });
  // Heartbeat extensions race with deletes (the task may finish meanwhile), and the
  // heartbeat itself tries again next tick: one attempt, reported only for messages still held.
  const extensions = new Batcher<VisibilityEntry>({
    ...batcherOptions('visibility extension'), maxAttempts: 1, onProblem: () => undefined, send: (e) => sqs!.changeVisibilityBatch(e),
  });

  function snapshot(): WorkStatsEvent {
    return stats.takeStats(clock.now(), flow.held.size + deletes.pending, sqs?.calls ?? 0);
  }

  /** Make messages visible again at once (unstarted at stop, or abandoned). */
  function handBack(messages: readonly ReaderMessage[]): void {
    for (const m of messages) {
      stats.returned += 1;
      void visibility.add({ receiptHandle: m.receiptHandle, timeoutS: 0 });
    }
  }

  function accept(messages: readonly ReaderMessage[]): void {
    for (const m of messages) {
      stats.onReceived(m.receiveCount);
      flow.add({ message: m, visibleUntil: m.receivedAt + visibilityMs, extending: false, running: false });
    }
    emit({ role: 'work', type: 'receive', t: clock.now(), count: messages.length, received: stats.received, processed: stats.processed });
    pump();
  }

  function pump(): void {
    if (stopController.signal.aborted) return;
    for (let h = flow.nextToStart(); h !== undefined; h = flow.nextToStart()) {
      const task = runTask(h);
      tasks.add(task);
      void task.finally(() => tasks.delete(task));
    }
  }

  async function runTask(h: Held): Promise<void> {
    const abort = new AbortController();
    taskAborts.add(abort);
    let ok = true;
    try {
      await processor.handle(h.message, abort.signal);
    } catch {
      ok = false;
    }
    taskAborts.delete(abort);
    flow.finish(h);
    pump();
    const m = h.message;
    if (!ok && abort.signal.aborted) return handBack([m]); // abandoned at the drain timeout: not a failure
    const now = clock.now();
    stats.onHandled(ok, m.receiveCount, m.sentTimestamp > 0 ? now - m.sentTimestamp : 0);
    dataLog?.record(now, m, ok);
    if (ok) {
      const outcome = await deletes.add({ receiptHandle: m.receiptHandle });
      if (!outcome.ok) stats.deleteFailed += 1;
      else if (deletedIds.add(m.messageId)) stats.deleted += 1;
      else stats.duplicates += 1;
    } else if (config.retryDelayMs !== undefined) {
      await visibility.add({ receiptHandle: m.receiptHandle, timeoutS: toVisibilitySeconds(config.retryDelayMs) });
    }
  }

  async function poll(): Promise<void> {
    let failures = 0;
    const stopping = (): boolean => stopController.signal.aborted;
    while (!stopping()) {
      await flow.waitForRoom(stopping);
      if (stopping()) return;
      const max = flow.tryReserve();
      if (max === 0) continue; // another poller took the room first
      let messages: ReaderMessage[];
      try {
        messages = await sqs!.receive(max, config.waitSeconds, stopController.signal);
        failures = 0;
      } catch (err) {
        flow.unreserve(max);
        if (stopping()) return;
        if (isQueueMissing(err)) return failFatally(err);
        failures += 1;
        const waitMs = backoffMs(failures - 1, 250, 10_000);
        const kind = isTransient(err) ? 'SQS unavailable' : 'SQS error';
        warn(`receive failed (${kind}: ${toError(err).message}); retrying in ${(waitMs / 1000).toFixed(1)} s`, codeOf(err));
        await clock.sleep(waitMs, stopController.signal);
        continue;
      }
      flow.unreserve(max);
      if (messages.length === 0) continue;
      // A receive that raced with stop: these never start; hand them back.
      if (stopping()) return handBack(messages);
      accept(messages);
    }
  }

  async function start(): Promise<void> {
    try {
      const url = (await deps.client.send(new GetQueueUrlCommand({ QueueName: deps.sqs.queueName }))).QueueUrl!;
      sqs = new ReaderSqs(deps.client, url, clock);
      const facts = await sqs.queueFacts();
      visibilityMs = facts.visibilityTimeoutS * 1000;
      emit({
        role: 'work', type: 'ready', t: clock.now(), queue: deps.sqs.queueName, visibilityTimeoutS: facts.visibilityTimeoutS,
        ...(facts.maxReceiveCount !== undefined ? { maxReceiveCount: facts.maxReceiveCount } : {}),
        pollers: config.pollers, concurrency: config.concurrency, prefetch: config.prefetch,
      });
    } catch (err) {
      throw toError(err);
    }
    if (visibilityMs > 0) {
      timers.push(startHeartbeat({
        held: () => flow.held,
        visibilityMs,
        clock,
        extend: async (h) => {
          const outcome = await extensions.add({ receiptHandle: h.message.receiptHandle, timeoutS: visibilityMs / 1000 });
          if (outcome.ok) stats.extended += 1;
          else if (flow.held.has(h)) warn(`could not extend the visibility of message ${h.message.messageId} (${outcome.code}: ${outcome.message}); trying again`, outcome.code);
          return outcome.ok;
        },
      }));
    } else {
      warn('the queue has VisibilityTimeout 0: other readers may receive messages this one is working on');
    }
    const statsTimer = setInterval(() => emit(snapshot()), config.statsIntervalMs);
    timers.push({ stop: () => clearInterval(statsTimer) });
    pollers = Array.from({ length: config.pollers }, () => poll());
  }

  async function drainTasks(): Promise<void> {
    if (tasks.size === 0) return;
    const timeout = new AbortController();
    const all = Promise.allSettled([...tasks]);
    await Promise.race([all, clock.sleep(config.drainTimeoutMs, timeout.signal)]);
    timeout.abort();
    if (tasks.size > 0) {
      warn(`${tasks.size} task(s) still running after the drain timeout (${config.drainTimeoutMs} ms); aborting them and handing their messages back`);
      for (const a of taskAborts) a.abort();
      await Promise.allSettled([...tasks]);
    }
  }

  function stop(reason = 'stop requested'): Promise<WorkStoppedEvent> {
    if (stopPromise) return stopPromise;
    emit({ role: 'work', type: 'stopping', t: clock.now(), reason });
    stopController.abort(); // also aborts the long polls in flight
    handBack(flow.takeUnstarted().map((h) => h.message));
    stopPromise = (async () => {
      await Promise.allSettled(pollers);
      await drainTasks();
      // Tasks may have queued more deletes/changes while we flushed: flush until quiet.
      while (deletes.pending + visibility.pending + extensions.pending > 0) {
        await Promise.all([deletes.flush(), visibility.flush(), extensions.flush()]);
      }
      for (const t of timers) t.stop();
      timers = [];
      try {
        await dataLog?.close();
      } catch (err) {
        warn((err as Error).message);
      }
      emit(snapshot());
      const stopped: WorkStoppedEvent = {
        role: 'work', type: 'stopped', t: clock.now(), processed: stats.processed, failed: stats.failed,
        returned: stats.returned, deleted: stats.deleted, deleteFailed: stats.deleteFailed,
      };
      emit(stopped);
      if (fatal) rejectFinished(fatal);
      else resolveFinished(stopped);
      return stopped;
    })();
    return stopPromise;
  }

  return {
    start,
    stop,
    finished,
    counters: () => ({
      received: stats.received, processed: stats.processed, failed: stats.failed, deleted: stats.deleted,
      returned: stats.returned, maxRunning: flow.maxRunning, inFlight: flow.held.size + deletes.pending,
    }),
  };
}
