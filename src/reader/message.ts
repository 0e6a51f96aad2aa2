/** A received SQS message, as the reader's parts see it. */
import type { Message } from '@aws-sdk/client-sqs';

/** The system attributes every ReceiveMessage asks for (the data log's columns). */
export const SYSTEM_ATTRIBUTES = ['SentTimestamp', 'ApproximateReceiveCount', 'SenderId', 'MessageGroupId', 'SequenceNumber'] as const;

export interface ReaderMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** Epoch ms when SQS accepted the message (SentTimestamp); 0 when SQS did not say. */
  readonly sentTimestamp: number;
  /** ApproximateReceiveCount: 1 on the first delivery; 0 when SQS did not say. */
  readonly receiveCount: number;
  readonly senderId: string;
  /** Epoch ms (reader clock) when the ReceiveMessage call that returned it was sent. */
  readonly receivedAt: number;
  /** FIFO queues: the message group (one of its messages at a time, in order) and SQS's SequenceNumber. */
  readonly groupId?: string;
  readonly sequenceNumber?: string;
}

export function toReaderMessage(m: Message, receivedAt: number): ReaderMessage {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    sentTimestamp: numberOr0(a.SentTimestamp),
    receiveCount: numberOr0(a.ApproximateReceiveCount),
    senderId: a.SenderId ?? '',
    receivedAt,
    ...(a.MessageGroupId !== undefined ? { groupId: a.MessageGroupId } : {}),
    ...(a.SequenceNumber !== undefined ? { sequenceNumber: a.SequenceNumber } : {}),
  };
}

function numberOr0(value: string | undefined): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) ? n : 0;
}
