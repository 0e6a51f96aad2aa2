/** SendMessage and SendMessageBatch. */
import { randomUUID } from 'node:crypto';
import { sha256Hex } from '../../util/digest.js';
import { batchRequestTooLong, invalidMessageContents, invalidParameterValue, missingParameter } from '../errors.js';
import { FIFO_ID, FifoQueue, type SendRecord } from '../fifo-queue.js';
import { describe, field, optionalInt, optionalString, requiredString, type Input } from '../input.js';
import { md5Hex } from '../md5.js';
import { hasInvalidCharacters, parseMessageAttributes } from '../message-attributes.js';
import { StoredMessage } from '../message.js';
import type { MessageQueue } from '../queue.js';
import { MESSAGE_OVERHEAD_BYTES } from '../limits.js';
import type { ActionContext, ActionHandler } from './context.js';
import { batchEntries, entryFailure, type BatchFailure } from './batch.js';

/** Largest SendMessageBatch payload (sum of bodies and attributes), bytes. */
export const MAX_BATCH_BYTES = 1_048_576;

interface Prepared {
  readonly msg: StoredMessage;
  readonly delaySeconds: number;
  /** FIFO: the original send when this one is a duplicate within the deduplication window. */
  readonly duplicateOf?: SendRecord | undefined;
}

const notForThisQueueType = (name: string, value: unknown) =>
  invalidParameterValue(`Value ${describe(value)} for parameter ${name} is invalid. Reason: The request include parameter that is not valid for this queue type.`);

function fifoId(input: Input, name: string): string | undefined {
  const v = optionalString(input, name);
  if (v !== undefined && !FIFO_ID.test(v)) {
    throw invalidParameterValue(`Value ${describe(v)} for parameter ${name} is invalid. Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  return v;
}

/**
 * The FIFO fields of a send: MessageGroupId (required), MessageDeduplicationId
 * (or the body's SHA-256 with ContentBasedDeduplication), no per-message delay.
 * A standard queue takes a MessageGroupId (fair queues) but no deduplication id.
 */
function groupAndDedup(queue: MessageQueue, input: Input, body: string): { groupId: string | undefined; dedupId: string | undefined } {
  const groupId = fifoId(input, 'MessageGroupId');
  const dedupId = fifoId(input, 'MessageDeduplicationId');
  if (!queue.fifo) {
    if (dedupId !== undefined) throw notForThisQueueType('MessageDeduplicationId', dedupId);
    return { groupId, dedupId: undefined };
  }
  if (groupId === undefined) throw missingParameter('MessageGroupId');
  const delay = field(input, 'DelaySeconds');
  if (delay !== undefined && delay !== null) throw notForThisQueueType('DelaySeconds', delay);
  if (dedupId !== undefined) return { groupId, dedupId };
  if (!queue.settings.contentBasedDeduplication) {
    throw invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
  return { groupId, dedupId: sha256Hex(body) };
}

function messageBody(input: Input): string {
  const body = field(input, 'MessageBody');
  if (body === undefined || body === null || body === '') throw missingParameter('MessageBody');
  if (typeof body !== 'string') throw invalidParameterValue('Value for parameter MessageBody is invalid. Reason: must be a string.');
  return body;
}

/** Validate one message against the queue's limits; nothing is enqueued yet. */
function prepare(queue: MessageQueue, input: Input, ctx: ActionContext, body: string, bodyBytes: number, attrSize: ReturnType<typeof parseMessageAttributes>): Prepared {
  if (hasInvalidCharacters(body)) throw invalidMessageContents();
  const { groupId, dedupId } = groupAndDedup(queue, input, body);
  const delaySeconds = optionalInt(input, 'DelaySeconds', 0, 900, 'DelaySeconds must be >= 0 and <= 900.') ?? queue.settings.delaySeconds;
  const system = parseMessageAttributes(field(input, 'MessageSystemAttributes'), 'system');
  const size = bodyBytes + (attrSize?.size ?? 0);
  const limit = queue.settings.maximumMessageSize;
  if (size > limit) throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);
  const held = size + (system?.size ?? 0) + MESSAGE_OVERHEAD_BYTES;
  const duplicateOf = queue instanceof FifoQueue ? queue.duplicateOf(groupId!, dedupId!) : undefined;
  if (duplicateOf === undefined) ctx.store.checkRoom(held);
  const msg = new StoredMessage(
    randomUUID(), body, md5Hex(body),
    attrSize?.attributes, attrSize?.md5,
    system?.attributes, system?.md5,
    ctx.store.clock.now(), ctx.senderId, held,
  );
  msg.groupId = groupId;
  msg.dedupId = dedupId;
  return { msg, delaySeconds, duplicateOf };
}

/** Enqueue (FIFO: unless a duplicate, which answers as the original did) and return the send's result. */
function commit(queue: MessageQueue, { msg, delaySeconds, duplicateOf }: Prepared): Record<string, string> {
  // A duplicate: the original's MessageId and SequenceNumber; the digests are of this request (as the SDK checks them).
  if (duplicateOf !== undefined) return { ...sendResult(msg), MessageId: duplicateOf.id, SequenceNumber: duplicateOf.sequenceNumber };
  queue.enqueue(msg, delaySeconds);
  if (queue instanceof FifoQueue) queue.rememberSend(msg);
  return sendResult(msg);
}

function sendResult(r: StoredMessage): Record<string, string> {
  const out: Record<string, string> = { MessageId: r.id, MD5OfMessageBody: r.md5OfBody };
  if (r.md5OfAttributes !== undefined) out.MD5OfMessageAttributes = r.md5OfAttributes;
  if (r.md5OfSystemAttributes !== undefined) out.MD5OfMessageSystemAttributes = r.md5OfSystemAttributes;
  if (r.sequenceNumber !== undefined) out.SequenceNumber = r.sequenceNumber;
  return out;
}

export const sendMessage: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const body = messageBody(input);
  const attrs = parseMessageAttributes(field(input, 'MessageAttributes'));
  return commit(queue, prepare(queue, input, ctx, body, Buffer.byteLength(body, 'utf8'), attrs));
};

export const sendMessageBatch: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const entries = batchEntries(input, 'SendMessageBatchRequestEntry');
  // Parse each entry once; the batch's total size is checked before any entry is judged.
  const parsed: { id: string; body?: string; bytes: number; attrs?: ReturnType<typeof parseMessageAttributes>; error?: unknown }[] = [];
  let total = 0;
  for (const entry of entries) {
    const id = field(entry, 'Id') as string;
    try {
      const body = messageBody(entry);
      const attrs = parseMessageAttributes(field(entry, 'MessageAttributes'));
      const bytes = Buffer.byteLength(body, 'utf8');
      total += bytes + (attrs?.size ?? 0);
      parsed.push({ id, body, bytes, attrs });
    } catch (error) {
      parsed.push({ id, bytes: 0, error });
    }
  }
  if (total > MAX_BATCH_BYTES) throw batchRequestTooLong(MAX_BATCH_BYTES, total);
  const successful: Record<string, string>[] = [];
  const failed: BatchFailure[] = [];
  entries.forEach((entry, i) => {
    const p = parsed[i]!;
    try {
      if (p.error !== undefined) throw p.error;
      successful.push({ Id: p.id, ...commit(queue, prepare(queue, entry, ctx, p.body!, p.bytes, p.attrs)) });
    } catch (err) {
      failed.push(entryFailure(p.id, err));
    }
  });
  return { Successful: successful, Failed: failed };
};
