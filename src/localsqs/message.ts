/** One message held by the local endpoint. A class so V8 gives every message the same compact shape. */
import type { AttributeMap } from './md5.js';

export const MessageState = {
  /** Sent with DelaySeconds: in the deadline heap until `deadline`. */
  Delayed: 0,
  /** In the queue's visible deque. */
  Visible: 1,
  /** Received: invisible until `deadline` (in the deadline heap). */
  InFlight: 2,
  /** Deleted, expired, purged or moved: dropped wherever it is still referenced. */
  Gone: 3,
} as const;
export type MessageState = (typeof MessageState)[keyof typeof MessageState];

export class StoredMessage {
  state: MessageState = MessageState.Visible;
  /** Epoch ms when a delayed or in-flight message becomes visible. */
  deadline = 0;
  /** Position in the queue's deadline heap, -1 when not in it. */
  heapIndex = -1;
  receiveCount = 0;
  /** Epoch ms of the first receive, 0 before. */
  firstReceiveAt = 0;
  /** The most recent receipt handle, undefined before the first receive. */
  handle: string | undefined = undefined;
  /** ARN of the queue this message was dead-lettered from. */
  deadLetterSourceArn: string | undefined = undefined;
  /** MessageGroupId (FIFO queues; a fair standard queue may carry one too). */
  groupId: string | undefined = undefined;
  /** FIFO only: the deduplication id (given or the body's SHA-256) and the sequence number. */
  dedupId: string | undefined = undefined;
  sequenceNumber: string | undefined = undefined;

  constructor(
    readonly id: string,
    readonly body: string,
    readonly md5OfBody: string,
    readonly attributes: AttributeMap | undefined,
    readonly md5OfAttributes: string | undefined,
    readonly systemAttributes: AttributeMap | undefined,
    readonly md5OfSystemAttributes: string | undefined,
    /** Epoch ms the message was first sent (retention counts from here, also after dead-lettering). */
    readonly sentAt: number,
    readonly senderId: string,
    /** Bytes this message counts against the endpoint's maxHeldBytes (payload plus bookkeeping). */
    readonly size: number,
  ) {}
}
