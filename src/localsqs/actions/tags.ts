/** TagQueue, UntagQueue, ListQueueTags (at most 50 tags per queue as AWS, or the endpoint's lower cap). */
import { invalidParameterValue } from '../errors.js';
import { describe, optionalList, optionalStringMap, requiredString, type Input } from '../input.js';
import type { ActionHandler } from './context.js';

const tooMany = (max: number) => invalidParameterValue(`Too many tags added for queue. The maximum is ${max}.`);

export function tagsFrom(input: Input, field: string, max: number): Map<string, string> {
  const tags = optionalStringMap(input, field) ?? new Map<string, string>();
  if (tags.size > max) throw tooMany(max);
  for (const [k, v] of tags) {
    if (k.length < 1 || k.length > 128 || v.length > 256) throw invalidParameterValue(`Tag key must be 1-128 characters and value at most 256 characters: "${describe(k)}".`);
  }
  return tags;
}

export const tagQueue: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const max = ctx.store.limits.maxTagsPerQueue;
  const tags = tagsFrom(input, 'Tags', max);
  if (tags.size === 0) throw invalidParameterValue('The request must contain at least one tag.');
  let added = 0;
  for (const k of tags.keys()) if (!queue.tags.has(k)) added += 1;
  if (queue.tags.size + added > max) throw tooMany(max);
  for (const [k, v] of tags) queue.tags.set(k, v);
  ctx.store.changed(queue);
  return {};
};

export const untagQueue: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const keys = optionalList(input, 'TagKeys') ?? [];
  if (keys.length === 0) throw invalidParameterValue('The request must contain at least one tag key.');
  for (const k of keys) queue.tags.delete(k);
  ctx.store.changed(queue);
  return {};
};

export const listQueueTags: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  return queue.tags.size > 0 ? { Tags: Object.fromEntries(queue.tags) } : {};
};
