/** Queue lifecycle and attributes: Create/GetUrl/List/Delete/Purge, Get/SetQueueAttributes, ListDeadLetterSourceQueues. */
import { invalidAttributeName, invalidAttributeValue, invalidParameterValue, missingParameter, queueDoesNotExist, queueNameExists } from '../errors.js';
import { optionalInt, optionalList, optionalString, optionalStringMap, requiredString, type Input } from '../input.js';
import type { MessageQueue } from '../queue.js';
import { READ_ONLY, applySettings, checkFifoCombination, defaultSettings, parseAttributes, sameSettings, settingsToWire, type AttributeContext } from '../queue-settings.js';
import type { ActionContext, ActionHandler } from './context.js';
import { tagsFrom } from './tags.js';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

function attributeContext(ctx: ActionContext, fifo: boolean, creating: boolean): AttributeContext {
  return { fifo, creating, queueKind: (arn) => { const q = ctx.store.byArn(arn); return q === undefined ? undefined : q.fifo ? 'fifo' : 'standard'; } };
}

/**
 * A FIFO queue is named `*.fifo` AND created with FifoQueue=true (AWS refuses
 * either without the other); FifoQueue cannot be changed afterwards.
 */
export const createQueue: ActionHandler = (input, ctx) => {
  const name = requiredString(input, 'QueueName');
  const attrs = optionalStringMap(input, 'Attributes') ?? new Map<string, string>();
  const fifoAttr = attrs.get('FifoQueue');
  if (fifoAttr !== undefined && fifoAttr !== 'true' && fifoAttr !== 'false') throw invalidAttributeValue('Invalid value for the parameter FifoQueue.');
  const fifo = fifoAttr === 'true';
  if (fifo && !FIFO_QUEUE_NAME.test(name)) {
    throw invalidParameterValue('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
  }
  if (!fifo && !QUEUE_NAME.test(name)) throw invalidParameterValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
  const wanted = parseAttributes(attrs, attributeContext(ctx, fifo, true));
  const tags = tagsFrom(input, 'tags', ctx.store.limits.maxTagsPerQueue);
  const existing = ctx.store.get(name);
  if (existing !== undefined) {
    const differs = sameSettings(existing.settings, wanted);
    if (differs !== undefined) throw queueNameExists(`A queue already exists with the same name and a different value for attribute ${differs}`);
    return { QueueUrl: ctx.store.urlOf(ctx.baseUrl, name) };
  }
  checkFifoCombination(defaultSettings(), wanted);
  const queue = ctx.store.create(name, fifo);
  applySettings(queue.settings, wanted);
  for (const [k, v] of tags) queue.tags.set(k, v);
  ctx.store.changed(queue);
  return { QueueUrl: ctx.store.urlOf(ctx.baseUrl, name) };
};

export const getQueueUrl: ActionHandler = (input, ctx) => {
  const name = requiredString(input, 'QueueName');
  if (ctx.store.get(name) === undefined) throw queueDoesNotExist();
  return { QueueUrl: ctx.store.urlOf(ctx.baseUrl, name) };
};

export const deleteQueue: ActionHandler = (input, ctx) => {
  ctx.store.delete(ctx.store.byUrl(requiredString(input, 'QueueUrl')));
  return {};
};

export const purgeQueue: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  ctx.store.purge(queue);
  return {};
};

/** Names sorted, filtered, paged: NextToken is the last name returned (base64url). */
function page(queues: MessageQueue[], input: Input, ctx: ActionContext, key: 'QueueUrls' | 'queueUrls'): object {
  const max = optionalInt(input, 'MaxResults', 1, 1000, 'MaxResults must be between 1 and 1000.');
  const token = optionalString(input, 'NextToken');
  let after = '';
  if (token !== undefined && token !== '') {
    if (max === undefined) throw invalidParameterValue('MaxResults is a mandatory parameter when you provide a value for NextToken.');
    after = Buffer.from(token, 'base64url').toString('utf8');
  }
  const names = queues.map((q) => q.name).filter((n) => n > after).sort();
  const limit = max ?? 1000;
  const shown = names.slice(0, limit);
  const out: Record<string, unknown> = {};
  if (shown.length > 0) out[key] = shown.map((n) => ctx.store.urlOf(ctx.baseUrl, n));
  if (max !== undefined && names.length > limit) out.NextToken = Buffer.from(shown[shown.length - 1]!, 'utf8').toString('base64url');
  return out;
}

export const listQueues: ActionHandler = (input, ctx) => {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
  return page(ctx.store.list().filter((q) => q.name.startsWith(prefix)), input, ctx, 'QueueUrls');
};

export const listDeadLetterSourceQueues: ActionHandler = (input, ctx) => {
  const dlq = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const sources = ctx.store.sourcesOf(dlq.arn);
  const out = page(sources, input, ctx, 'queueUrls') as Record<string, unknown>;
  out.queueUrls ??= [];
  return out;
};

const VALID_NAMES = new Set<string>([...Object.keys(settingsToWire(defaultSettings())),
  'RedrivePolicy', 'Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled', ...READ_ONLY,
  'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit', 'SqsManagedSseEnabled', 'All']);

export const getQueueAttributes: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const names = optionalList(input, 'AttributeNames') ?? [];
  for (const n of names) if (!VALID_NAMES.has(n)) throw invalidAttributeName(n);
  if (names.length === 0) return {};
  queue.sweepExpired();
  const all: Record<string, string> = {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(queue.visibleCount),
    ApproximateNumberOfMessagesNotVisible: String(queue.inFlightCount),
    ApproximateNumberOfMessagesDelayed: String(queue.delayedCount),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
    ...settingsToWire(queue.settings),
  };
  if (names.includes('All')) return { Attributes: all };
  const out: Record<string, string> = {};
  for (const n of names) if (all[n] !== undefined) out[n] = all[n];
  return Object.keys(out).length > 0 ? { Attributes: out } : {};
};

export const setQueueAttributes: ActionHandler = (input, ctx) => {
  const queue = ctx.store.byUrl(requiredString(input, 'QueueUrl'));
  const attrs = optionalStringMap(input, 'Attributes');
  if (attrs === undefined) throw missingParameter('Attributes');
  for (const name of READ_ONLY) if (attrs.has(name)) throw invalidAttributeName(name);
  const parsed = parseAttributes(attrs, attributeContext(ctx, queue.fifo, false));
  checkFifoCombination(queue.settings, parsed);
  applySettings(queue.settings, parsed);
  queue.lastModifiedAt = ctx.store.clock.now();
  ctx.store.changed(queue);
  return {};
};
