/**
 * The queue topology: a dead-letter queue and a main queue whose RedrivePolicy
 * points at it. `ensureTopology` creates what is missing, reports what differs
 * and changes an existing queue only when asked to (`apply`). Safe to run from
 * several processes at once: CreateQueue is idempotent for equal attributes.
 */
import {
  CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand,
  type QueueAttributeName, type SQSClient,
} from '@aws-sdk/client-sqs';
import { isQueueMissing } from './errors.js';
import { QueueMissingError } from '../errors.js';

/** The original's attributes (sqs_setup.py / config.py). */
export const DEFAULT_TOPOLOGY = Object.freeze({
  visibilityTimeout: 5,
  maximumMessageSize: 2048,
  messageRetentionPeriod: 900,
  maxReceiveCount: 5,
});

export interface TopologySpec {
  readonly queueName: string;
  readonly dlqName: string;
  /** Seconds a received message stays invisible (0-43200). */
  readonly visibilityTimeout: number;
  /** Largest message body in bytes (1024-1048576). */
  readonly maximumMessageSize: number;
  /** Seconds a message is kept (60-1209600). */
  readonly messageRetentionPeriod: number;
  /** Receives after which SQS moves a message to the dead-letter queue (1-1000). */
  readonly maxReceiveCount: number;
  /** FIFO queues (both names end in .fifo): created with FifoQueue=true. */
  readonly fifo?: boolean;
}

export type QueueAction = 'created' | 'unchanged' | 'differs' | 'updated';

export interface AttributeDifference {
  readonly attribute: string;
  readonly want: string;
  readonly have: string;
}

export interface QueueReport {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly action: QueueAction;
  readonly differences: readonly AttributeDifference[];
}

export interface TopologyReport {
  readonly dlq: QueueReport;
  readonly main: QueueReport;
}

export interface QueueUrls {
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

export async function ensureTopology(client: SQSClient, spec: TopologySpec, options: { apply: boolean }): Promise<TopologyReport> {
  const dlq = await ensureQueue(client, spec.dlqName, spec.fifo ? { FifoQueue: 'true' } : {}, options.apply);
  const main = await ensureQueue(client, spec.queueName, mainAttributes(spec, dlq.arn), options.apply);
  return { dlq, main };
}

/** The URLs of both queues; a QueueMissingError names the one that is missing. */
export async function resolveQueueUrls(client: SQSClient, names: { queueName: string; dlqName: string }): Promise<QueueUrls> {
  const [queueUrl, dlqUrl] = await Promise.all([getUrl(client, names.queueName), getUrl(client, names.dlqName)]);
  if (queueUrl === undefined) throw new QueueMissingError(names.queueName);
  if (dlqUrl === undefined) throw new QueueMissingError(names.dlqName);
  return { queueUrl, dlqUrl };
}

function mainAttributes(spec: TopologySpec, dlqArn: string): Record<string, string> {
  return {
    VisibilityTimeout: String(spec.visibilityTimeout),
    MaximumMessageSize: String(spec.maximumMessageSize),
    MessageRetentionPeriod: String(spec.messageRetentionPeriod),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
    ...(spec.fifo ? { FifoQueue: 'true' } : {}),
  };
}

async function ensureQueue(client: SQSClient, name: string, want: Record<string, string>, apply: boolean): Promise<QueueReport> {
  let url = await getUrl(client, name);
  let action: QueueAction = 'unchanged';
  if (url === undefined) {
    try {
      url = (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: want }))).QueueUrl!;
      action = 'created';
    } catch (err) {
      // Another process created it first, with other attributes: compare below.
      if ((err as { name?: string }).name !== 'QueueNameExists' && (err as { name?: string }).name !== 'QueueAlreadyExists') throw err;
      url = (await getUrl(client, name))!;
    }
  }
  const have = await attributes(client, url);
  const differences = action === 'created' ? [] : diff(want, have);
  if (differences.length > 0 && apply) {
    // FifoQueue is set at creation only (SetQueueAttributes refuses it); the name already decides it.
    const { FifoQueue: _fifo, ...settable } = want;
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: settable }));
    action = 'updated';
  } else if (differences.length > 0) {
    action = 'differs';
  }
  return { name, url, arn: have.QueueArn ?? '', action, differences };
}

async function getUrl(client: SQSClient, name: string): Promise<string | undefined> {
  try {
    return (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (err) {
    if (isQueueMissing(err)) return undefined;
    throw err;
  }
}

async function attributes(client: SQSClient, url: string): Promise<Record<string, string>> {
  const names: QueueAttributeName[] = ['All'];
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }));
  return out.Attributes ?? {};
}

function diff(want: Record<string, string>, have: Record<string, string>): AttributeDifference[] {
  const out: AttributeDifference[] = [];
  for (const [attribute, value] of Object.entries(want)) {
    const current = have[attribute] ?? '(not set)';
    const same = attribute === 'RedrivePolicy' ? sameRedrive(value, current) : value === current;
    if (!same) out.push({ attribute, want: value, have: current });
  }
  return out;
}

/** RedrivePolicy is JSON whose numbers may come back as strings: compare the meaning. */
function sameRedrive(want: string, have: string): boolean {
  try {
    const a = JSON.parse(want) as { deadLetterTargetArn?: string; maxReceiveCount?: unknown };
    const b = JSON.parse(have) as { deadLetterTargetArn?: string; maxReceiveCount?: unknown };
    return a.deadLetterTargetArn === b.deadLetterTargetArn && Number(a.maxReceiveCount) === Number(b.maxReceiveCount);
  } catch {
    return false;
  }
}
