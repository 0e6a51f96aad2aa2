/** The production SendBatchFn: one SendMessageBatch call through the SDK. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BatchFailure, SendBatchFn } from './batch-types.js';

/** Thrown when no queue URL is known yet (SQS was down at start); the batcher treats it as "unreachable". */
export class SqsNotReadyError extends Error {
  override readonly name = 'SqsNotReady';
}

/** `queueUrl` is read per call: the health probe fills it in when SQS comes back. */
export function createSqsSend(client: SQSClient, queueUrl: () => string | undefined): SendBatchFn {
  return async (entries) => {
    const url = queueUrl();
    if (url === undefined) throw new SqsNotReadyError('the queue URL is not known yet');
    // No per-call options (such as an abortSignal): they would defeat the client's cached middleware.
    const out = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries as SendMessageBatchCommand['input']['Entries'] }));
    const successful = (out.Successful ?? []).map((s) => ({ id: s.Id ?? '', messageId: s.MessageId ?? '' }));
    const failed: BatchFailure[] = (out.Failed ?? []).map((f) => ({
      id: f.Id ?? '',
      code: f.Code ?? 'Unknown',
      senderFault: f.SenderFault === true,
      ...(f.Message !== undefined ? { message: f.Message } : {}),
    }));
    return { successful, failed };
  };
}
