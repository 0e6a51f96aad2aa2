/** TagQueue, UntagQueue, ListQueueTags (at most 50 tags per queue, as AWS). */
import { invalidParameterValue } from '../errors.js';
import { optionalList, optionalStringMap, requiredString, type Input } from '../input.js';
import type { ActionHandler } from './context.js';

const MAX_TAGS = 50;

export function tagsFrom(input: Input, field: string): Map<string, string> {
  const tags = new Map(Object.entries(optionalStringMap(input, field) ?? {}));
  if (tags.size > MAX_TAGS) throw invalidParameterValue(`Too many tags added for queue. The maximum is ${MAX_TAGS}.`);
  for (const [k, v] of tags) {
    if (k.length < 1 || k.length > 128 || v.length > 256) throw invalidParameterValue(`Tag key must be 1-128 characters and value at most 256 characters: "${k}".`);
  }
  return tags;
}

export const tagQueue: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const tags = tagsFrom(input, 'Tags');
  if (tags.size === 0) throw invalidParameterValue('The request must contain at least one tag.');
  const merged = new Map([...queue.tags, ...tags]);
  if (merged.size > MAX_TAGS) throw invalidParameterValue(`Too many tags added for queue. The maximum is ${MAX_TAGS}.`);
  for (const [k, v] of tags) queue.tags.set(k, v);
  return {};
};

export const untagQueue: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const keys = optionalList(input, 'TagKeys') ?? [];
  if (keys.length === 0) throw invalidParameterValue('The request must contain at least one tag key.');
  for (const k of keys) queue.tags.delete(k);
  return {};
};

export const listQueueTags: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  return queue.tags.size > 0 ? { Tags: Object.fromEntries(queue.tags) } : {};
};
