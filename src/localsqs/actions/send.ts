/** SendMessage and SendMessageBatch. */
import { randomUUID } from 'node:crypto';
import { batchRequestTooLong, invalidMessageContents, invalidParameterValue, missingParameter } from '../errors.js';
import { field, optionalInt, requiredString, type Input } from '../input.js';
import { md5Hex } from '../md5.js';
import { hasInvalidCharacters, parseMessageAttributes } from '../message-attributes.js';
import { StoredMessage } from '../message.js';
import type { Queue } from '../queue.js';
import { MESSAGE_OVERHEAD_BYTES } from '../limits.js';
import type { ActionContext, ActionHandler } from './context.js';
import { batchEntries, entryFailure, type BatchFailure } from './batch.js';

/** Largest SendMessageBatch payload (sum of bodies and attributes), bytes. */
export const MAX_BATCH_BYTES = 1_048_576;

interface Prepared {
  readonly msg: StoredMessage;
  readonly delaySeconds: number;
}

function messageBody(input: Input): string {
  const body = field(input, 'MessageBody');
  if (body === undefined || body === null || body === '') throw missingParameter('MessageBody');
  if (typeof body !== 'string') throw invalidParameterValue('Value for parameter MessageBody is invalid. Reason: must be a string.');
  return body;
}

/** Validate one message against the queue's limits; nothing is enqueued yet. */
function prepare(queue: Queue, input: Input, ctx: ActionContext, body: string, bodyBytes: number, attrSize: ReturnType<typeof parseMessageAttributes>): Prepared {
  if (hasInvalidCharacters(body)) throw invalidMessageContents();
  const delaySeconds = optionalInt(input, 'DelaySeconds', 0, 900, 'DelaySeconds must be >= 0 and <= 900.') ?? queue.settings.delaySeconds;
  const system = parseMessageAttributes(field(input, 'MessageSystemAttributes'), 'system');
  const size = bodyBytes + (attrSize?.size ?? 0);
  const limit = queue.settings.maximumMessageSize;
  if (size > limit) throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`);
  const held = size + (system?.size ?? 0) + MESSAGE_OVERHEAD_BYTES;
  ctx.store.checkRoom(held);
  const msg = new StoredMessage(
    randomUUID(), body, md5Hex(body),
    attrSize?.attributes, attrSize?.md5,
    system?.attributes, system?.md5,
    ctx.store.clock.now(), ctx.senderId, held,
  );
  return { msg, delaySeconds };
}

function sendResult(msg: StoredMessage): Record<string, string> {
  const out: Record<string, string> = { MessageId: msg.id, MD5OfMessageBody: msg.md5OfBody };
  if (msg.md5OfAttributes !== undefined) out.MD5OfMessageAttributes = msg.md5OfAttributes;
  if (msg.md5OfSystemAttributes !== undefined) out.MD5OfMessageSystemAttributes = msg.md5OfSystemAttributes;
  return out;
}

export const sendMessage: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const body = messageBody(input);
  const attrs = parseMessageAttributes(field(input, 'MessageAttributes'));
  const { msg, delaySeconds } = prepare(queue, input, ctx, body, Buffer.byteLength(body, 'utf8'), attrs);
  queue.enqueue(msg, delaySeconds);
  return sendResult(msg);
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
      const { msg, delaySeconds } = prepare(queue, entry, ctx, p.body!, p.bytes, p.attrs);
      queue.enqueue(msg, delaySeconds);
      successful.push({ Id: p.id, ...sendResult(msg) });
    } catch (err) {
      failed.push(entryFailure(p.id, err));
    }
  });
  return { Successful: successful, Failed: failed };
};
