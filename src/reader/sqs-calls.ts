/**
 * The SQS calls the reader makes, each one counted (the `sqsCalls` stat).
 * AWS errors pass through unchanged: callers decide between retry and fatal
 * with src/sqs/errors.ts, and convert once with toSqsdemoError.
 */
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  type BatchResultErrorEntry, type SQSClient,
} from '@aws-sdk/client-sqs';
import { SYSTEM_ATTRIBUTES, toReaderMessage, type ReaderMessage } from './message.js';
import type { BatchFailure } from './batcher.js';
import type { Clock } from '../util/clock.js';

export interface DeleteEntry {
  readonly receiptHandle: string;
}

export interface VisibilityEntry {
  readonly receiptHandle: string;
  /** New visibility timeout in seconds, counted from now (0 = visible at once). */
  readonly timeoutS: number;
}

export interface QueueFacts {
  /** The queue's VisibilityTimeout, seconds. */
  readonly visibilityTimeoutS: number;
  /** maxReceiveCount of its RedrivePolicy, undefined without one. */
  readonly maxReceiveCount: number | undefined;
}

export class ReaderSqs {
  /** SQS calls made so far. */
  calls = 0;

  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async queueFacts(): Promise<QueueFacts> {
    this.calls += 1;
    const out = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }),
    );
    const a = out.Attributes ?? {};
    let maxReceiveCount: number | undefined;
    try {
      const n = Number((JSON.parse(a.RedrivePolicy ?? 'null') as { maxReceiveCount?: unknown } | null)?.maxReceiveCount);
      maxReceiveCount = Number.isFinite(n) && n > 0 ? n : undefined;
    } catch {
      maxReceiveCount = undefined;
    }
    return { visibilityTimeoutS: Number(a.VisibilityTimeout ?? 30), maxReceiveCount };
  }

  /** One (long) poll for up to `max` messages (1-10); `signal` aborts the request. */
  async receive(max: number, waitSeconds: number, signal: AbortSignal): Promise<ReaderMessage[]> {
    this.calls += 1;
    const sentAt = this.clock.now();
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: [...SYSTEM_ATTRIBUTES],
      }),
      { abortSignal: signal },
    );
    return (out.Messages ?? []).map((m) => toReaderMessage(m, sentAt));
  }

  readonly deleteBatch = async (entries: readonly DeleteEntry[]): Promise<readonly BatchFailure[]> => {
    this.calls += 1;
    const out = await this.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queueUrl,
        // Ids are positions: two deliveries of one message may share a batch.
        Entries: entries.map((e, i) => ({ Id: String(i), ReceiptHandle: e.receiptHandle })),
      }),
    );
    return failuresOf(out.Failed);
  };

  readonly changeVisibilityBatch = async (entries: readonly VisibilityEntry[]): Promise<readonly BatchFailure[]> => {
    this.calls += 1;
    const out = await this.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: entries.map((e, i) => ({ Id: String(i), ReceiptHandle: e.receiptHandle, VisibilityTimeout: e.timeoutS })),
      }),
    );
    return failuresOf(out.Failed);
  };
}

function failuresOf(failed: BatchResultErrorEntry[] | undefined): BatchFailure[] {
  return (failed ?? []).map((f) => ({
    index: Number(f.Id), code: f.Code ?? 'Unknown', message: f.Message ?? f.Code ?? 'failed', senderFault: f.SenderFault === true,
  }));
}
