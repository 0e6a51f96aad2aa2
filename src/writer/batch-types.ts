/**
 * The contract between the SendBatcher and whatever sends a batch (the SDK's
 * SendMessageBatch in production, a plain function in unit tests).
 */
import type { SqsErrorClass } from '../sqs/errors.js';

/** One entry of a batch; `Id` is unique within the batch only ("0".."9"). */
export interface BatchEntry {
  readonly Id: string;
  readonly MessageBody: string;
  /** FIFO queues (and fair standard queues): the message group. */
  readonly MessageGroupId?: string;
  /** FIFO queues: the same on every retry of this message, so SQS enqueues it once. */
  readonly MessageDeduplicationId?: string;
}

/** A message's FIFO fields as the writer received them (the dedup id already chosen). */
export interface MessageGroup {
  readonly groupId: string;
  readonly dedupId?: string;
}

export interface BatchFailure {
  readonly id: string;
  /** SQS's error code, e.g. InvalidMessageContents. */
  readonly code: string;
  /** True when the request was at fault (400); false when a retry may succeed. */
  readonly senderFault: boolean;
  readonly message?: string;
}

export interface BatchResult {
  readonly successful: ReadonlyArray<{ readonly id: string; readonly messageId: string }>;
  readonly failed: readonly BatchFailure[];
}

/**
 * Send one batch; reject for whole-call errors (network, throttling, queue missing...).
 * When the batcher gives up on a call in flight (drain timeout) it answers its entries itself
 * and ignores the call's outcome.
 */
export type SendBatchFn = (entries: readonly BatchEntry[]) => Promise<BatchResult>;

/**
 * How a whole-call error is handled (classified in src/sqs/errors.ts): network -> 503 at once;
 * transient -> retry within each request's deadline; queue_missing -> 503 until setup;
 * sender -> split the batch, then 400 for the entry; fatal -> 500.
 */
export type SendErrorClass = SqsErrorClass;

/** The outcome a request sees when its message was not enqueued. */
export type EnqueueErrorKind = 'rejected' | 'unavailable' | 'failed';

export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  constructor(
    /** rejected -> 400, unavailable -> 503 (Retry-After), failed -> 500. */
    readonly kind: EnqueueErrorKind,
    /** Internal reason for the access log, never sent to the client except `sqsCode`. */
    message: string,
    /** SQS's error code when SQS refused the entry. */
    readonly sqsCode?: string,
    /** The class of the SQS error behind it, when there was one. */
    readonly errorClass?: SendErrorClass,
  ) {
    super(message);
  }
}

/** What the batcher reports, for metrics and the health state. */
export interface BatcherObserver {
  /** A batch call finished: its size, duration (ms) and the error class when the call failed. */
  onBatch?(entries: number, ms: number, error: SendErrorClass | undefined): void;
  /** An entry is sent again (after a Failed[] entry or a transient error). */
  onRetry?(): void;
}
