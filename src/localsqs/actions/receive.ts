/** ReceiveMessage: immediate or long poll, with system and message attribute selection. */
import { invalidParameterValue } from '../errors.js';
import { FIFO_ID, FifoQueue } from '../fifo-queue.js';
import { describe, optionalInt, optionalList, optionalString, requiredString } from '../input.js';
import { attributeNameFilter, selectAttributes } from '../message-attributes.js';
import type { StoredMessage } from '../message.js';
import type { ActionHandler } from './context.js';

const SYSTEM_ATTRIBUTES = [
  'SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'AWSTraceHeader', 'DeadLetterQueueSourceArn',
  'MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber',
] as const;
type SystemAttribute = (typeof SYSTEM_ATTRIBUTES)[number];
const KNOWN = new Set<string>(SYSTEM_ATTRIBUTES);

/** The system attributes asked for through AttributeNames and MessageSystemAttributeNames (unknown names are ignored). */
function systemAttributeNames(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly SystemAttribute[] {
  const names = [...(a ?? []), ...(b ?? [])];
  if (names.length === 0) return [];
  if (names.includes('All')) return SYSTEM_ATTRIBUTES;
  return [...new Set(names.filter((n) => KNOWN.has(n)))] as SystemAttribute[];
}

function systemValue(msg: StoredMessage, name: SystemAttribute): string | undefined {
  switch (name) {
    case 'SenderId': return msg.senderId;
    case 'SentTimestamp': return String(msg.sentAt);
    case 'ApproximateReceiveCount': return String(msg.receiveCount);
    case 'ApproximateFirstReceiveTimestamp': return String(msg.firstReceiveAt);
    case 'AWSTraceHeader': return msg.systemAttributes?.AWSTraceHeader?.StringValue;
    case 'DeadLetterQueueSourceArn': return msg.deadLetterSourceArn;
    case 'MessageGroupId': return msg.groupId;
    case 'MessageDeduplicationId': return msg.dedupId;
    case 'SequenceNumber': return msg.sequenceNumber;
  }
}

export const receiveMessage: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const max = optionalInt(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
  const visibility = optionalInt(input, 'VisibilityTimeout', 0, 43_200, 'Must be >= 0 and <= 43200, if provided.') ?? queue.settings.visibilityTimeout;
  const wait = optionalInt(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ?? queue.settings.receiveMessageWaitTimeSeconds;
  const system = systemAttributeNames(optionalList(input, 'AttributeNames'), optionalList(input, 'MessageSystemAttributeNames'));
  const filter = attributeNameFilter(optionalList(input, 'MessageAttributeNames'));
  const render = (messages: StoredMessage[]): object => {
    if (messages.length === 0) return {};
    return {
      Messages: messages.map((msg) => {
        const out: Record<string, unknown> = { MessageId: msg.id, ReceiptHandle: msg.handle, MD5OfBody: msg.md5OfBody, Body: msg.body };
        if (system.length > 0) {
          const attrs: Record<string, string> = {};
          for (const name of system) {
            const v = systemValue(msg, name);
            if (v !== undefined) attrs[name] = v;
          }
          out.Attributes = attrs;
        }
        if (filter !== undefined && msg.attributes !== undefined) {
          const selected = selectAttributes(msg.attributes, msg.md5OfAttributes!, filter);
          if (selected !== undefined) {
            out.MD5OfMessageAttributes = selected.md5;
            out.MessageAttributes = selected.attributes;
          }
        }
        return out;
      }),
    };
  };
  // FIFO only (ignored on a standard queue, as by AWS): a retry with the same id gets the same messages.
  const attemptId = queue instanceof FifoQueue ? optionalString(input, 'ReceiveRequestAttemptId') : undefined;
  if (attemptId !== undefined && queue instanceof FifoQueue) {
    if (!FIFO_ID.test(attemptId)) {
      throw invalidParameterValue(`Value ${describe(attemptId)} for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
    }
    const replay = queue.replayAttempt(attemptId, visibility);
    if (replay !== undefined) return render(replay);
    const remember = (messages: StoredMessage[]): object => {
      queue.rememberAttempt(attemptId, messages);
      return render(messages);
    };
    const result = queue.receiveOrWait(max, visibility, wait * 1000, ctx.onCancel);
    return Array.isArray(result) ? remember(result) : result.then(remember);
  }
  const result = queue.receiveOrWait(max, visibility, wait * 1000, ctx.onCancel);
  return Array.isArray(result) ? render(result) : result.then(render);
};
