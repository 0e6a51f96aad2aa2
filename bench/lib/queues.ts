/**
 * The harness's own SQS side: fresh queues per measurement, seeding, and
 * waiting until a queue is drained. Its own requests are counted (`calls`)
 * so they can be subtracted from the endpoint's request count.
 */
import { randomBytes } from 'node:crypto';
import {
  DeleteQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { resolveSqsConfig, type SqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { DEFAULT_TOPOLOGY, ensureTopology, type TopologySpec } from '../../src/sqs/topology.js';
import { progress } from './log.js';

export interface BenchQueue {
  readonly config: SqsConfig;
  readonly queueName: string;
  readonly dlqName: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

export class BenchSqs {
  readonly client: SQSClient;
  /** HTTP attempts this client made (each retry counts). */
  calls = 0;

  constructor(readonly endpoint: string) {
    this.client = createSqsClient(resolveSqsConfig({ endpoint }, {}), { maxSockets: 32 });
    this.client.middlewareStack.add(
      (next) => async (args) => {
        this.calls++;
        return next(args);
      },
      { step: 'deserialize', name: 'benchCallCounter' },
    );
  }

  /** A main queue + DLQ with the project's topology and unique names. */
  async createQueues(prefix: string, overrides: Partial<Omit<TopologySpec, 'queueName' | 'dlqName'>> = {}): Promise<BenchQueue> {
    const suffix = randomBytes(3).toString('hex');
    const queueName = `${prefix}_${suffix}`;
    const dlqName = `${queueName}_dlq`;
    const config = resolveSqsConfig({ endpoint: this.endpoint, queue: queueName, dlq: dlqName }, {});
    const report = await ensureTopology(this.client, { ...DEFAULT_TOPOLOGY, ...overrides, queueName, dlqName }, { apply: false });
    return { config, queueName, dlqName, queueUrl: report.main.url, dlqUrl: report.dlq.url };
  }

  async deleteQueues(q: BenchQueue): Promise<void> {
    await Promise.allSettled([
      this.client.send(new DeleteQueueCommand({ QueueUrl: q.queueUrl })),
      this.client.send(new DeleteQueueCommand({ QueueUrl: q.dlqUrl })),
    ]);
  }

  /** Visible, in flight and delayed messages. */
  async depth(queueUrl: string): Promise<{ visible: number; inFlight: number; delayed: number; total: number }> {
    const out = await this.client.send(new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }));
    const a = out.Attributes ?? {};
    const visible = Number(a.ApproximateNumberOfMessages ?? 0);
    const inFlight = Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
    const delayed = Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
    return { visible, inFlight, delayed, total: visible + inFlight + delayed };
  }

  /** Send `count` messages of `bodyBytes` bytes with SendMessageBatch from `loops` loops at once. */
  async seed(queueUrl: string, count: number, bodyBytes = 100, loops = 16): Promise<void> {
    const filler = 'x'.repeat(Math.max(0, bodyBytes - 12));
    let next = 0;
    let lastReport = Date.now();
    const loop = async (): Promise<void> => {
      while (next < count) {
        const start = next;
        const n = Math.min(10, count - start);
        next += n;
        const entries = Array.from({ length: n }, (_, i) => ({ Id: String(i), MessageBody: `${String(start + i).padStart(10, '0')}:${filler}`.slice(0, Math.max(bodyBytes, 11)) }));
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (out.Failed && out.Failed.length > 0) throw new Error(`seeding: ${out.Failed.length} entries failed: ${out.Failed[0]?.Message ?? out.Failed[0]?.Code}`);
        if (Date.now() - lastReport > 2_000) {
          lastReport = Date.now();
          progress(`  seeded ${Math.min(next, count)}/${count}`);
        }
      }
    };
    await Promise.all(Array.from({ length: loops }, loop));
  }

  /**
   * Poll the queue every `everyMs` until nothing is left in it (all deleted);
   * resolve with the time it was first seen empty. `onPoll` sees each depth.
   */
  async waitDrained(queueUrl: string, timeoutMs: number, onPoll?: (left: number) => void, everyMs = 100): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await this.depth(queueUrl);
      onPoll?.(d.total);
      if (d.total === 0) return Date.now();
      if (Date.now() > deadline) throw new Error(`queue not drained within ${timeoutMs} ms (${d.total} left)`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}
