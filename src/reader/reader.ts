/**
 * The queue-reader: N long-polling pollers feed a bounded task pool; successes
 * are deleted in batches, failures are left to SQS (or delayed with
 * `retryDelayMs`), long-held messages get their visibility extended, and
 * stopping drains: no new receives, running tasks finish (within the drain
 * timeout), deletes are flushed and unstarted messages handed back at once.
 * Several readers may share one queue; nothing here assumes it is alone.
 *
 * This file only composes the parts, each with one job:
 *   flow.ts       room between receiving and processing (capacity, reservations)
 *   pollers.ts    the receive loops (room first, backoff, pacing)
 *   task-pool.ts  runs the processor, at most `concurrency` at once; drains
 *   outcomes.ts   what a finished task means: data log, delete, retry, hand back
 *   acks.ts       batched deletes (write-ahead) and visibility changes
 *   heartbeat.ts  extends the visibility of long-held messages
 *   stats.ts      counters and the periodic stats event
 *   drain.ts      the order of things at stop
 * Every timer runs on the injected clock (src/util/clock.ts).
 *
 * Build, don't start: `createReader()` returns a Reader; `start()` checks the
 * queue and begins; `stop()` drains; `finished` settles when it has stopped
 * (rejecting with a SqsdemoError when a fatal error, e.g. the queue vanished,
 * stopped it).
 */
import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsConfig } from '../config.js';
import { toSqsdemoError } from '../sqs/errors.js';
import type { SqsdemoError } from '../errors.js';
import type { EventSink } from '../telemetry/events.js';
import type { WorkEvent, WorkStatsEvent, WorkStoppedEvent } from '../telemetry/work-events.js';
import { every, systemClock, type Clock } from '../util/clock.js';
import { Acks } from './acks.js';
import type { ReaderConfig } from './config.js';
import type { DataLog } from './data-log.js';
import { drain } from './drain.js';
import { Flow } from './flow.js';
import { startHeartbeat } from './heartbeat.js';
import type { ReaderMessage } from './message.js';
import { Outcomes } from './outcomes.js';
import { runPollers } from './pollers.js';
import type { Processor } from './processor.js';
import type { RandomSource } from './random.js';
import { RecentIds } from './recent-ids.js';
import { ReaderSqs } from './sqs-calls.js';
import { ReaderStats } from './stats.js';
import { TaskPool } from './task-pool.js';

export interface ReaderDeps {
  /** Built with createSqsClient; the reader does not destroy it. */
  readonly client: SQSClient;
  /** Where SQS is and the queue name (for the queue URL and error messages). */
  readonly sqs: SqsConfig;
  readonly processor: Processor;
  readonly emit: EventSink<WorkEvent>;
  /** Time and every timer of the reader (default: the system clock). */
  readonly clock?: Clock;
  /** Jitter for retry backoffs (default Math.random). */
  readonly random?: RandomSource;
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

export function createReader(config: ReaderConfig, deps: ReaderDeps): Reader {
  const clock = deps.clock ?? systemClock;
  const { emit, dataLog } = deps;
  const random = deps.random ? { random: deps.random } : {};
  const stats = new ReaderStats(clock.now());
  const flow = new Flow(config.concurrency, config.prefetch);
  const stopController = new AbortController();
  let sqs: ReaderSqs | undefined;
  let visibilityMs = 0;
  let fatal: SqsdemoError | undefined;
  let stopPromise: Promise<WorkStoppedEvent> | undefined;
  let pollers: Promise<void> = Promise.resolve();
  const timers: Array<{ stop(): void }> = [];
  let resolveFinished!: (e: WorkStoppedEvent) => void;
  let rejectFinished!: (err: unknown) => void;
  const finished = new Promise<WorkStoppedEvent>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  finished.catch(() => undefined); // the caller may only call stop(); do not crash on an unhandled rejection

  const warn = (message: string, code?: string): void => emit({ role: 'work', type: 'warn', t: clock.now(), message, ...(code ? { code } : {}) });
  const failFatally = (err: unknown): void => {
    if (fatal !== undefined) return;
    fatal = toSqsdemoError(err, deps.sqs);
    void stop(`fatal: ${fatal.message}`);
  };

  const acks = new Acks({
    sqs: () => sqs!, clock, ...random, lingerMs: config.deleteLingerMs, warn, fatal: failFatally, ...(dataLog ? { dataLog } : {}),
  });
  const outcomes = new Outcomes({
    stats, acks, clock, deletedIds: new RecentIds(), retryDelayMs: config.retryDelayMs, ...(dataLog ? { dataLog } : {}),
  });
  const pool = new TaskPool({
    flow, processor: deps.processor, clock, onDone: (h, outcome) => outcomes.taskDone(h, outcome),
    // FIFO: a failed message is delivered again before the rest of its group, so the rest goes back to SQS.
    onGroupStopped: (groupId) => outcomes.handBack(flow.takeGroup(groupId).map((h) => h.message)),
  });

  function snapshot(): WorkStatsEvent {
    return stats.takeStats(clock.now(), flow.held.size + acks.pendingDeletes, sqs?.calls ?? 0);
  }

  function accept(messages: readonly ReaderMessage[]): void {
    for (const m of messages) {
      stats.onReceived(m.receiveCount);
      flow.add({ message: m, visibleUntil: m.receivedAt + visibilityMs, extending: false, running: false });
    }
    emit({ role: 'work', type: 'receive', t: clock.now(), count: messages.length, received: stats.received, processed: stats.processed });
    pool.pump();
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
        pollers: config.pollers, receiveLingerMs: config.receiveLingerMs, concurrency: config.concurrency, prefetch: config.prefetch,
      });
    } catch (err) {
      throw toSqsdemoError(err, deps.sqs);
    }
    if (visibilityMs > 0) {
      timers.push(startHeartbeat({
        held: () => flow.held,
        visibilityMs,
        clock,
        extend: async (h) => {
          const answer = await acks.extend(h.message, visibilityMs / 1000);
          if (answer.ok) stats.extended += 1;
          else if (flow.held.has(h)) warn(`could not extend the visibility of message ${h.message.messageId} (${answer.code}: ${answer.message}); trying again`, answer.code);
          return answer.ok;
        },
      }));
    } else {
      warn('the queue has VisibilityTimeout 0: other readers may receive messages this one is working on');
    }
    const statsTimer = every(clock, config.statsIntervalMs, () => emit(snapshot()));
    timers.push({ stop: () => statsTimer.cancel() });
    pollers = runPollers({
      count: config.pollers, flow, clock, signal: stopController.signal, waitSeconds: config.waitSeconds, lingerMs: config.receiveLingerMs, sqsConfig: deps.sqs, ...random,
      receive: (max, wait, signal) => sqs!.receive(max, wait, signal),
      accept,
      handBack: (messages) => outcomes.handBack(messages),
      warn,
      fatal: failFatally,
    });
  }

  function stop(reason = 'stop requested'): Promise<WorkStoppedEvent> {
    if (stopPromise) return stopPromise;
    emit({ role: 'work', type: 'stopping', t: clock.now(), reason });
    stopController.abort(); // no receive from now on; long polls in flight are cancelled
    pool.close();
    outcomes.handBack(flow.takeUnstarted().map((h) => h.message));
    stopPromise = (async () => {
      await drain({ pollers, pool, acks, drainTimeoutMs: config.drainTimeoutMs, timers, warn, ...(dataLog ? { dataLog } : {}) });
      emit(snapshot());
      const stopped: WorkStoppedEvent = {
        role: 'work', type: 'stopped', t: clock.now(), processed: stats.processed, failed: stats.failed,
        returned: stats.returned, deleted: stats.deleted, deleteFailed: stats.deleteFailed,
        ...(stats.fifo ? { orderViolations: stats.orderViolations } : {}),
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
      returned: stats.returned, maxRunning: flow.maxRunning, inFlight: flow.held.size + acks.pendingDeletes,
    }),
  };
}
