/**
 * Helpers for the reader's specs: a reader on a test queue with its own SQS
 * client (so calls can be counted), a processor that records what it saw, and
 * small SQS probes.
 */
import {
  GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../src/sqs/client.js';
import type { SqsConfig } from '../../src/config.js';
import type { TestSqs } from '../helpers/sqs.js';
import type { WorkEvent } from '../../src/telemetry/work-events.js';
import { createReader, type Reader } from '../../src/reader/reader.js';
import { DEFAULT_RECEIVE_LINGER_MS, type ReaderConfig } from '../../src/reader/config.js';
import type { Processor } from '../../src/reader/processor.js';
import type { ReaderMessage } from '../../src/reader/message.js';
import type { DataLog } from '../../src/reader/data-log.js';
import { systemClock, type Clock } from '../../src/util/clock.js';

export const FAST: ReaderConfig = Object.freeze({
  pollers: 2,
  concurrency: 20,
  prefetch: 10,
  waitSeconds: 1,
  receiveLingerMs: DEFAULT_RECEIVE_LINGER_MS,
  retryDelayMs: undefined,
  drainTimeoutMs: 5_000,
  deleteLingerMs: 20,
  statsIntervalMs: 1_000,
});

/** Records every task: how many ran at once, and each body's outcomes in order. */
export class RecordingProcessor implements Processor {
  running = 0;
  maxRunning = 0;
  readonly outcomes = new Map<string, Array<{ pass: boolean; receiveCount: number }>>();

  constructor(
    private readonly decide: (m: ReaderMessage) => boolean = () => true,
    private readonly workMs = 5,
    /** Task time passes on this clock (a ManualClock: virtual time). */
    private readonly clock: Clock = systemClock,
  ) {}

  async handle(m: ReaderMessage, signal: AbortSignal): Promise<void> {
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.clock.sleep(this.workMs, signal);
      if (signal.aborted) throw new Error('aborted');
      const pass = this.decide(m);
      const list = this.outcomes.get(m.body) ?? [];
      list.push({ pass, receiveCount: m.receiveCount });
      this.outcomes.set(m.body, list);
      if (!pass) throw new Error('planned failure');
    } finally {
      this.running -= 1;
    }
  }

  passes(body: string): number {
    return (this.outcomes.get(body) ?? []).filter((o) => o.pass).length;
  }
}

export interface CallLog {
  /** SQS command names in call order, e.g. "DeleteMessageBatchCommand". */
  readonly commands: string[];
  /** Entries per DeleteMessageBatch call. */
  readonly deleteBatchSizes: number[];
  /** MaxNumberOfMessages of every ReceiveMessage call, in call order. */
  readonly receiveMaxes: number[];
  /** Calls sent and not answered yet. */
  inFlight: number;
}

/** A client whose calls are recorded (around its `send`: both SQS client kinds). */
export function countingClient(sqs: SqsConfig): { client: SQSClient; calls: CallLog } {
  const client = createSqsClient(sqs, { maxSockets: 32, requestTimeoutMs: 20_000 });
  const calls: CallLog = { commands: [], deleteBatchSizes: [], receiveMaxes: [], inFlight: 0 };
  // Recorded around `send`, so both paths (--sqs-client lean and sdk) are seen.
  const send = client.send.bind(client) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  (client as { send: unknown }).send = async (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    const name = (command as object).constructor.name;
    const input = (command as { input: Record<string, unknown> }).input;
    calls.commands.push(name);
    if (name === 'DeleteMessageBatchCommand') calls.deleteBatchSizes.push(((input.Entries as unknown[] | undefined) ?? []).length);
    if (name === 'ReceiveMessageCommand') calls.receiveMaxes.push(Number(input.MaxNumberOfMessages));
    calls.inFlight += 1;
    try {
      return await send(command, ...rest);
    } finally {
      calls.inFlight -= 1;
    }
  };
  return { client, calls };
}

export interface RunningReader {
  readonly reader: Reader;
  readonly events: WorkEvent[];
  readonly calls: CallLog;
  /** Stop the reader and close its client. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly dataLog?: DataLog;
  /** Where SQS is, if not t.config (e.g. through a proxy). */
  readonly sqs?: SqsConfig;
  /** The reader's clock (a ManualClock: virtual time; pass the endpoint the same one). */
  readonly clock?: Clock;
}

export async function startReader(
  t: TestSqs,
  processor: Processor,
  config: Partial<ReaderConfig> = {},
  { dataLog, sqs = t.config, clock }: StartOptions = {},
): Promise<RunningReader> {
  const { client, calls } = countingClient(sqs);
  const events: WorkEvent[] = [];
  const reader = createReader({ ...FAST, ...config }, {
    client, sqs, processor, emit: (e) => events.push(e), ...(dataLog ? { dataLog } : {}), ...(clock ? { clock } : {}),
  });
  await reader.start();
  return {
    reader, events, calls,
    async stop() {
      await reader.stop().catch(() => undefined);
      client.destroy();
    },
  };
}

export async function sendBodies(t: TestSqs, bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const out = await t.client.send(new SendMessageBatchCommand({
      QueueUrl: t.queueUrl,
      Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody })),
    }));
    if ((out.Failed ?? []).length > 0) throw new Error(`send failed: ${JSON.stringify(out.Failed)}`);
  }
}

export async function queueCounts(t: TestSqs, url = t.queueUrl): Promise<{ visible: number; notVisible: number }> {
  const out = await t.client.send(new GetQueueAttributesCommand({
    QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  }));
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? NaN),
    notVisible: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? NaN),
  };
}

/** Receive every message currently visible in `url` (bodies), leaving them invisible. */
export async function drainBodies(t: TestSqs, url: string, expected: number, waitSeconds = 1): Promise<string[]> {
  const bodies: string[] = [];
  for (let empty = 0; bodies.length < expected && empty < 3;) {
    const out = await t.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, VisibilityTimeout: 60 }));
    const got = out.Messages ?? [];
    if (got.length === 0) empty += 1;
    for (const m of got) bodies.push(m.Body ?? '');
  }
  return bodies;
}

/**
 * Resolve once `condition()` holds, re-checking every 25 ms (for state that has
 * no event to await, e.g. SQS-side counts); fail with `what` after `timeoutMs`.
 */
/** Stop what a test started, in the order given (a reader before its endpoint); any may be unset. */
export async function stopInOrder(...running: ReadonlyArray<{ stop(): Promise<unknown> } | undefined>): Promise<void> {
  for (const x of running) await x?.stop();
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function bodies(n: number, prefix = 'm'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}
