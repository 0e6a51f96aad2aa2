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

/**
 * The queue depth for the final balance. GetQueueAttributes counts are
 * approximate: AWS documents them so, and moto counts visible and in-flight
 * messages in two passes, so a message whose visibility timeout ends between
 * them is in neither. A read whose balance holds (`missing` 0) is final at
 * once; otherwise the depth is read again, `pauseMs` apart, until two reads in
 * a row give the same `missing` (a real loss stays; a count caught mid-change
 * does not), at most `tries` reads.
 */
export async function readFinalDepth(
  read: () => Promise<QueueDepth>,
  missing: (depth: QueueDepth) => number,
  options: { readonly tries?: number; readonly pauseMs?: number; readonly sleep?: (ms: number) => Promise<void> } = {},
): Promise<QueueDepth> {
  const tries = options.tries ?? 8;
  const pause = options.sleep ?? sleep;
  let depth = await read();
  let gap = missing(depth);
  for (let i = 1; i < tries && gap !== 0; i++) {
    await pause(options.pauseMs ?? 250);
    const next = await read();
    const nextGap = missing(next);
    depth = next;
    if (nextGap === gap) break;
    gap = nextGap;
  }
  return depth;
}
