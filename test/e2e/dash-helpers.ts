/**
 * Arguments and clean-up for running `sqsdemo dash` end to end. With
 * SQSDEMO_TEST_ENDPOINT set (CI's pass against moto) dash uses that engine and
 * starts no local endpoint; either way each test gets its own queue names.
 */
import { randomBytes } from 'node:crypto';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { resolveSqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { externalEndpoint } from '../helpers/sqs.js';

export interface DashRun {
  readonly args: string[];
  readonly queue: string;
  /** Delete the queues on an external engine (the local endpoint dies with dash). */
  cleanup(): Promise<void>;
}

export function dashRun(extra: readonly string[]): DashRun {
  const queue = `e2e_${randomBytes(4).toString('hex')}`;
  const endpoint = externalEndpoint();
  const args = ['dash', '--queue', queue, ...(endpoint ? ['--endpoint', endpoint] : []), ...extra];
  return {
    args,
    queue,
    async cleanup() {
      if (!endpoint) return;
      const client = createSqsClient(resolveSqsConfig({ endpoint }, {}), { maxSockets: 2 });
      try {
        for (const name of [queue, `${queue}_dlq`, `${queue}.fifo`, `${queue}_dlq.fifo`]) {
          const url = await client.send(new GetQueueUrlCommand({ QueueName: name })).then((o) => o.QueueUrl, () => undefined);
          if (url) await client.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
        }
      } finally {
        client.destroy();
      }
    },
  };
}

export interface BalanceNumbers {
  readonly accepted: number;
  readonly processed: number;
  readonly deadLettered: number;
  readonly queued: number;
  readonly inFlight: number;
  readonly holds: boolean;
}

/** The final `balance:` line dash prints after the pipeline stopped. */
export function parseBalance(text: string): BalanceNumbers | undefined {
  const m = /balance: accepted (\d+) = processed (\d+) \+ dead-lettered (\d+) \+ queued (\d+) \+ in flight (\d+)\s+(OK holds)?/.exec(text);
  if (!m) return undefined;
  return { accepted: Number(m[1]), processed: Number(m[2]), deadLettered: Number(m[3]), queued: Number(m[4]), inFlight: Number(m[5]), holds: m[6] !== undefined };
}
