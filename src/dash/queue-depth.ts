/**
 * Queue depth of the main queue and its dead-letter queue, read by dash itself
 * through GetQueueAttributes (works against any engine: the local endpoint,
 * moto, ElasticMQ, AWS), once a second while the pipeline runs.
 */
import { GetQueueAttributesCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueUrls } from '../sqs/topology.js';
import { sleep } from '../util/abort.js';
import type { QueueCounts, QueueDepth } from './state.js';

const ATTRIBUTES: QueueAttributeName[] = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

async function counts(client: SQSClient, url: string, signal?: AbortSignal): Promise<QueueCounts> {
  const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ATTRIBUTES }), signal ? { abortSignal: signal } : {});
  const a = out.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

export async function readQueueDepth(client: SQSClient, urls: QueueUrls, now: () => number = Date.now, signal?: AbortSignal): Promise<QueueDepth> {
  const [main, dlq] = await Promise.all([counts(client, urls.queueUrl, signal), counts(client, urls.dlqUrl, signal)]);
  return { main, dlq, t: now() };
}

/**
 * Poll every `intervalMs` (default 1000) until `signal` aborts. A failed poll is
 * reported through `onError` and retried at the next tick (the endpoint may be
 * restarting); it never throws.
 */
export async function pollQueueDepth(
  client: SQSClient,
  urls: QueueUrls,
  onDepth: (depth: QueueDepth) => void,
  onError: (err: unknown) => void,
  signal: AbortSignal,
  intervalMs = 1000,
): Promise<void> {
  while (!signal.aborted) {
    try {
      onDepth(await readQueueDepth(client, urls, Date.now, signal));
    } catch (err) {
      if (!signal.aborted) onError(err);
    }
    await sleep(intervalMs, signal);
  }
}
