/**
 * SQS for tests. By default each call starts the project's local endpoint
 * (`sqsdemo sqs`'s server) on port 0; with SQSDEMO_TEST_ENDPOINT set, role tests
 * run against that engine instead (moto, ElasticMQ, LocalStack). Every call gets
 * its own uniquely named queues, so suites can share one external engine.
 */
import { randomBytes } from 'node:crypto';
import { DeleteQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { resolveSqsConfig, type SqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';
import { DEFAULT_TOPOLOGY, ensureTopology, type TopologySpec } from '../../src/sqs/topology.js';
import type { Clock } from '../../src/util/clock.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface LocalSqs {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  stop(): Promise<void>;
}

/** Start the project's local endpoint on 127.0.0.1, port 0. */
export async function startLocalSqs(options: { clock?: Clock } = {}): Promise<LocalSqs> {
  const { createLocalSqsServer } = await import('../../src/localsqs/server.js');
  const server = createLocalSqsServer(options.clock ? { clock: options.clock } : {});
  const url = await server.listen(0, '127.0.0.1');
  return { url, stop: () => server.close() };
}

export interface TestSqs {
  /** The endpoint URL the roles should use. */
  readonly endpoint: string;
  /** True when this is the project's own local endpoint (a clock can be injected). */
  readonly local: boolean;
  /** Config with this test's unique queue names. */
  readonly config: SqsConfig;
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  /** Delete the queues, close the client, stop the endpoint if this call started it. */
  stop(): Promise<void>;
}

export interface TestSqsOptions {
  /** Topology overrides, e.g. { visibilityTimeout: 1, maxReceiveCount: 2 }. */
  readonly topology?: Partial<Omit<TopologySpec, 'queueName' | 'dlqName'>>;
  /** Only for the local endpoint: its clock (ignored with SQSDEMO_TEST_ENDPOINT). */
  readonly clock?: Clock;
  /** Always use the local endpoint, even when SQSDEMO_TEST_ENDPOINT is set. */
  readonly forceLocal?: boolean;
  /** FIFO queues (t_X.fifo and t_X_dlq.fifo). */
  readonly fifo?: boolean;
}

/** The external engine under test, if any (SQSDEMO_TEST_ENDPOINT). */
export function externalEndpoint(): string | undefined {
  const value = process.env.SQSDEMO_TEST_ENDPOINT;
  return value && value.trim() !== '' ? value.trim() : undefined;
}

export async function startTestSqs(options: TestSqsOptions = {}): Promise<TestSqs> {
  const external = options.forceLocal ? undefined : externalEndpoint();
  const local = external === undefined ? await startLocalSqs(options.clock ? { clock: options.clock } : {}) : undefined;
  const endpoint = external ?? local!.url;
  const suffix = randomBytes(4).toString('hex');
  const config = resolveSqsConfig(
    options.fifo ? { endpoint, queue: `t_${suffix}.fifo`, dlq: `t_${suffix}_dlq.fifo` } : { endpoint, queue: `t_${suffix}`, dlq: `t_${suffix}_dlq` },
    {},
  );
  const client = createSqsClient(config, { maxSockets: 16 });
  const report = await ensureTopology(
    client,
    { ...DEFAULT_TOPOLOGY, ...options.topology, queueName: config.queueName, dlqName: config.dlqName, fifo: config.fifo },
    { apply: false },
  );
  return {
    endpoint,
    local: local !== undefined,
    config,
    client,
    queueUrl: report.main.url,
    dlqUrl: report.dlq.url,
    async stop() {
      if (external !== undefined) {
        await Promise.allSettled([
          client.send(new DeleteQueueCommand({ QueueUrl: report.main.url })),
          client.send(new DeleteQueueCommand({ QueueUrl: report.dlq.url })),
        ]);
      }
      client.destroy();
      await local?.stop();
    },
  };
}
