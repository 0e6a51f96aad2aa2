/**
 * The SDK's SQS body checks (@aws-sdk/middleware-sdk-sqs): the MD5 of each
 * sent body against MD5OfMessageBody, of each received Body against MD5OfBody,
 * with the SDK's error. Outside the retries, as in the SDK.
 */
import { md5Hex as md5 } from '../../util/digest.js';
import type { ReceiveMessageResult, SendMessageBatchRequest, SendMessageBatchResult } from '@aws-sdk/client-sqs';

export function checkSendBatchMd5(input: SendMessageBatchRequest, output: SendMessageBatchResult): void {
  if (output.Successful === undefined) return;
  const byId = new Map<string, { MessageId?: string | undefined; MD5OfMessageBody?: string | undefined }>();
  for (const entry of output.Successful) if (entry.Id !== undefined) byId.set(entry.Id, entry);
  const bad: Array<string | undefined> = [];
  for (const entry of input.Entries ?? []) {
    const result = entry.Id !== undefined ? byId.get(entry.Id) : undefined;
    if (result !== undefined && result.MD5OfMessageBody !== md5(entry.MessageBody || '')) bad.push(result.MessageId);
  }
  if (bad.length > 0) throw new Error(`Invalid MD5 checksum on messages: ${bad.join(', ')}`);
}

export function checkReceiveMd5(output: ReceiveMessageResult): void {
  if (output.Messages === undefined) return;
  const bad: Array<string | undefined> = [];
  for (const message of output.Messages) if (message.MD5OfBody !== md5(message.Body || '')) bad.push(message.MessageId);
  if (bad.length > 0) throw new Error(`Invalid MD5 checksum on messages: ${bad.join(', ')}`);
}
