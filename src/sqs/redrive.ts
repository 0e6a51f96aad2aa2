/**
 * Move a dead-letter queue's messages back to the main queue (`sqsdemo redrive`).
 *
 * Two ways, one result:
 * - `move-task`: StartMessageMoveTask from the DLQ to the main queue, then
 *   ListMessageMoveTasks once a second for progress; an abort cancels the task
 *   (CancelMessageMoveTask) and reports what it had moved.
 * - `receive-send`: for engines without move tasks (moto answers a 500): receive up
 *   to 10 from the DLQ, SendMessageBatch them to the main queue, and only then
 *   DeleteMessageBatch the entries the send acknowledged. A message is never gone
 *   from the DLQ before the main queue has it: at least once, never lost. An abort
 *   lets the batch in flight finish. FIFO: the DLQ serves a group in order and
 *   locks it while in flight, and one batch at a time keeps that order.
 *
 * `auto` (the default) tries the move task and falls back when the engine does not
 * have the action (`isUnsupportedAction`).
 */
import { randomBytes } from 'node:crypto';
import {
  CancelMessageMoveTaskCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
  type Message,
  type MessageAttributeValue,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CheckFailedError } from '../errors.js';
import type { SqsConfig } from '../config.js';
import type { Clock } from '../util/clock.js';
import { isUnsupportedAction, toSqsdemoError } from './errors.js';

export type RedriveMethod = 'auto' | 'move-task' | 'receive-send';

export interface RedriveSpec {
  readonly config: SqsConfig;
  /** MaxNumberOfMessagesPerSecond (1–500); undefined lets the engine choose (move task) or goes as fast as it can. */
  readonly rate?: number;
  readonly method?: RedriveMethod;
}

export type RedriveEvent =
  | { readonly type: 'start'; readonly method: 'move-task' | 'receive-send'; readonly toMove: number; readonly from: string; readonly to: string }
  | { readonly type: 'fallback'; readonly reason: string }
  | { readonly type: 'progress'; readonly moved: number; readonly toMove: number };

export interface RedriveResult {
  readonly method: 'move-task' | 'receive-send';
  /** Messages now in the main queue (approximate for a move task, as SQS reports it). */
  readonly moved: number;
  /** What there was to move when it started. */
  readonly toMove: number;
  /** completed, or cancelled by an abort (or by someone else, for a move task). */
  readonly status: 'completed' | 'cancelled';
}

export interface RedriveDeps {
  readonly client: SQSClient;
  readonly clock: Clock;
  /** Abort: cancel the move task, or stop after the batch in flight. */
  readonly signal: AbortSignal;
  readonly onEvent?: (event: RedriveEvent) => void;
}

const POLL_MS = 1000;

export async function redrive(spec: RedriveSpec, deps: RedriveDeps): Promise<RedriveResult> {
  const { config } = spec;
  const method = spec.method ?? 'auto';
  const queues = await resolveQueues(deps.client, config).catch((err: unknown) => {
    throw err instanceof QueueLookupError ? toSqsdemoError(err.cause, config, err.queueName) : toSqsdemoError(err, config);
  });
  try {
    if (method !== 'receive-send') {
      try {
        return await moveTask(spec, queues, deps);
      } catch (err) {
        if (method === 'move-task' || !(err instanceof StartFailed) || !isUnsupportedAction(err.cause)) throw err instanceof StartFailed ? err.cause : err;
        deps.onEvent?.({ type: 'fallback', reason: `the engine has no StartMessageMoveTask (${describe(err.cause)})` });
      }
    }
    return await receiveSend(spec, queues, deps);
  } catch (err) {
    throw toSqsdemoError(err, config, config.dlqName);
  }
}

interface Queues {
  readonly mainUrl: string;
  readonly dlqUrl: string;
  readonly mainArn: string;
  readonly dlqArn: string;
  readonly dlqDepth: number;
}

class QueueLookupError extends Error {
  constructor(readonly queueName: string, override readonly cause: unknown) {
    super(`cannot look up ${queueName}`);
  }
}

class StartFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('StartMessageMoveTask failed');
  }
}

async function resolveQueues(client: SQSClient, config: SqsConfig): Promise<Queues> {
  const lookup = async (name: string): Promise<{ url: string; arn: string; depth: number }> => {
    try {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
      const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }));
      return { url: QueueUrl!, arn: Attributes?.QueueArn ?? '', depth: Number(Attributes?.ApproximateNumberOfMessages ?? 0) };
    } catch (err) {
      throw new QueueLookupError(name, err);
    }
  };
  const dlq = await lookup(config.dlqName);
  const main = await lookup(config.queueName);
  return { mainUrl: main.url, mainArn: main.arn, dlqUrl: dlq.url, dlqArn: dlq.arn, dlqDepth: dlq.depth };
}

async function moveTask(spec: RedriveSpec, queues: Queues, deps: RedriveDeps): Promise<RedriveResult> {
  const { client, clock, signal } = deps;
  let handle: string;
  try {
    const started = await client.send(
      new StartMessageMoveTaskCommand({
        SourceArn: queues.dlqArn,
        DestinationArn: queues.mainArn,
        ...(spec.rate !== undefined ? { MaxNumberOfMessagesPerSecond: spec.rate } : {}),
      }),
    );
    handle = started.TaskHandle ?? '';
  } catch (err) {
    throw new StartFailed(err);
  }
  let toMove = queues.dlqDepth;
  let moved = 0;
  deps.onEvent?.({ type: 'start', method: 'move-task', toMove, from: spec.config.dlqName, to: spec.config.queueName });
  for (;;) {
    await clock.sleep(POLL_MS, signal);
    if (signal.aborted) {
      try {
        const cancelled = await client.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle }));
        moved = cancelled.ApproximateNumberOfMessagesMoved ?? moved;
        deps.onEvent?.({ type: 'progress', moved, toMove });
        return { method: 'move-task', moved, toMove, status: 'cancelled' };
      } catch {
        // Finished (or failed) before the cancel arrived: the listing below says which.
      }
    }
    const { Results } = await client.send(new ListMessageMoveTasksCommand({ SourceArn: queues.dlqArn, MaxResults: 1 }));
    const task = Results?.[0];
    if (task === undefined) throw new CheckFailedError('the move task is not listed by ListMessageMoveTasks');
    moved = task.ApproximateNumberOfMessagesMoved ?? moved;
    toMove = task.ApproximateNumberOfMessagesToMove ?? toMove;
    deps.onEvent?.({ type: 'progress', moved, toMove });
    switch (task.Status) {
      case 'COMPLETED':
        return { method: 'move-task', moved, toMove, status: 'completed' };
      case 'CANCELLED':
      case 'CANCELLING':
        return { method: 'move-task', moved, toMove, status: 'cancelled' };
      case 'FAILED':
        throw new CheckFailedError(
          `the move task failed after moving ${moved} of ${toMove}: ${task.FailureReason ?? 'no reason given'}`,
          'the rest is still in the dead-letter queue; check that the main queue exists and rerun',
        );
      default:
        if (signal.aborted) return { method: 'move-task', moved, toMove, status: 'cancelled' };
    }
  }
}

/** Receive → SendMessageBatch → DeleteMessageBatch, one batch at a time. */
async function receiveSend(spec: RedriveSpec, queues: Queues, deps: RedriveDeps): Promise<RedriveResult> {
  const { client, clock, signal } = deps;
  const fifo = spec.config.fifo;
  const toMove = queues.dlqDepth;
  // A FIFO send needs a deduplication id; the message's own one may still be in the main
  // queue's 5-minute window (it was sent there once), so each run uses fresh ones. Within a
  // run a redelivered DLQ message keeps its id, so the main queue drops the second copy.
  const run = randomBytes(8).toString('hex');
  deps.onEvent?.({ type: 'start', method: 'receive-send', toMove, from: spec.config.dlqName, to: spec.config.queueName });
  const startedAt = clock.monotonic();
  let lastProgress = startedAt;
  let moved = 0;
  let refused = 0;
  while (!signal.aborted) {
    const room = spec.rate === undefined ? 10 : Math.min(10, spec.rate);
    const { Messages } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.dlqUrl,
        MaxNumberOfMessages: room,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 30,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    if (!Messages || Messages.length === 0) break;
    const entries = Messages.map((m, i) => toSendEntry(m, i, fifo, run));
    const sent = await client.send(new SendMessageBatchCommand({ QueueUrl: queues.mainUrl, Entries: entries }));
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    refused += Messages.length - ok.size;
    const toDelete = Messages.flatMap((m, i) => (ok.has(String(i)) ? [{ Id: String(i), ReceiptHandle: m.ReceiptHandle! }] : []));
    if (toDelete.length > 0) {
      // A delete that fails leaves a copy in the DLQ (a duplicate later), never a loss.
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: queues.dlqUrl, Entries: toDelete }));
    }
    moved += toDelete.length;
    if (refused > 0) break; // What SQS refused stays in the DLQ, in flight until its visibility ends.
    const now = clock.monotonic();
    if (now - lastProgress >= POLL_MS) {
      lastProgress = now;
      deps.onEvent?.({ type: 'progress', moved, toMove });
    }
    if (spec.rate !== undefined) {
      const due = startedAt + (moved / spec.rate) * 1000;
      if (due > now) await clock.sleep(due - now, signal);
    }
  }
  deps.onEvent?.({ type: 'progress', moved, toMove });
  if (refused > 0) {
    throw new CheckFailedError(
      `the main queue refused ${refused} message(s) after ${moved} were moved; they stay in the dead-letter queue`,
      'rerun `sqsdemo redrive` once their visibility timeout (30 s) has passed',
    );
  }
  return { method: 'receive-send', moved, toMove, status: signal.aborted ? 'cancelled' : 'completed' };
}

function toSendEntry(m: Message, i: number, fifo: boolean, run: string): SendMessageBatchRequestEntry {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
    attributes[name] = {
      DataType: value.DataType!,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  return {
    Id: String(i),
    MessageBody: m.Body ?? '',
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    ...(fifo
      ? { MessageGroupId: m.Attributes?.MessageGroupId ?? 'redrive', MessageDeduplicationId: `${m.MessageId ?? i}:${run}` }
      : {}),
  };
}

function describe(err: unknown): string {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'error'}${status !== undefined ? `, HTTP ${status}` : ''}`;
}
