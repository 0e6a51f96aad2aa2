/** DeleteMessage, ChangeMessageVisibility and their batch forms. */
import { receiptHandleIsInvalid } from '../errors.js';
import { field, optionalInt, requiredString, type Input } from '../input.js';
import { isWellFormedHandle, type MessageQueue } from '../queue.js';
import type { ActionHandler } from './context.js';
import { batchEntries, entryFailure, type BatchFailure } from './batch.js';

function handleOf(input: Input): string {
  const handle = requiredString(input, 'ReceiptHandle');
  if (!isWellFormedHandle(handle)) throw receiptHandleIsInvalid(handle);
  return handle;
}

function visibilityOf(input: Input): number {
  const vt = optionalInt(input, 'VisibilityTimeout', 0, 43_200, 'Must be between 0 and 43200, if provided.');
  if (vt === undefined) requiredString(input, 'VisibilityTimeout'); // throws MissingParameter
  return vt!;
}

export const deleteMessage: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  queue.deleteByHandle(handleOf(input));
  return {};
};

export const changeMessageVisibility: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const handle = handleOf(input);
  queue.changeVisibility(handle, visibilityOf(input));
  return {};
};

function batch(entryName: string, apply: (queue: MessageQueue, entry: Input) => void): ActionHandler {
  return (input, ctx) => {
    const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
    const entries = batchEntries(input, entryName);
    const successful: { Id: string }[] = [];
    const failed: BatchFailure[] = [];
    for (const entry of entries) {
      const id = field(entry, 'Id') as string;
      try {
        apply(queue, entry);
        successful.push({ Id: id });
      } catch (err) {
        failed.push(entryFailure(id, err));
      }
    }
    return { Successful: successful, Failed: failed };
  };
}

export const deleteMessageBatch = batch('DeleteMessageBatchRequestEntry', (queue, entry) => queue.deleteByHandle(handleOf(entry)));
export const changeMessageVisibilityBatch = batch('ChangeMessageVisibilityBatchRequestEntry', (queue, entry) => {
  const handle = handleOf(entry);
  queue.changeVisibility(handle, visibilityOf(entry));
});
