/** Helpers for the writer's suites: a writer on port 0, HTTP posts, reading the queue back. */
import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createSqsClient } from '../../src/sqs/client.js';
import type { SqsConfig } from '../../src/config.js';
import { createWriter, type Writer, type WriterOptions } from '../../src/writer/writer.js';

export interface RunningWriter {
  readonly writer: Writer;
  readonly url: string;
  /** SendMessageBatch calls this writer's SQS client made (counted around its `send`). */
  sendCalls(): number;
  /** Make every later SendMessageBatch await `hold()` first (undefined: no hold). */
  holdSends(hold: (() => Promise<void>) | undefined): void;
  stop(): Promise<void>;
}

/** A writer on 127.0.0.1:0 with its own SQS client; every SendMessageBatch is counted. */
export async function startWriter(config: SqsConfig, queueUrl: string | undefined, options: Partial<WriterOptions> = {}): Promise<RunningWriter> {
  const client = createSqsClient(config, { maxSockets: 20, maxAttempts: 1, connectionTimeoutMs: 1_000 });
  let calls = 0;
  let hold: (() => Promise<void>) | undefined;
  // Counted around `send`, so both paths (--sqs-client lean and sdk) are seen.
  const send = client.send.bind(client) as (command: unknown, ...rest: unknown[]) => Promise<unknown>;
  (client as { send: unknown }).send = async (command: unknown, ...rest: unknown[]): Promise<unknown> => {
    if (command instanceof SendMessageBatchCommand) {
      calls++;
      if (hold) await hold();
    }
    return send(command, ...rest);
  };
  const writer = createWriter({ client, queueName: config.queueName, ...(queueUrl ? { queueUrl } : {}), ...options });
  await writer.state.probe();
  const url = await writer.listen(0, '127.0.0.1');
  return {
    writer,
    url,
    sendCalls: () => calls,
    holdSends: (h) => {
      hold = h;
    },
    async stop() {
      await writer.close(5_000);
      client.destroy();
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly headers: Headers;
}

/** POST a raw body (a string is sent as is) to /api/message. */
export async function post(baseUrl: string, body: string, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(`${baseUrl}/api/message`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: res.headers };
}

export function postBody(baseUrl: string, body: unknown): Promise<Answer> {
  return post(baseUrl, JSON.stringify({ body }));
}

/** Receive until every id in `ids` was seen (or `timeoutMs` passes); returns MessageId -> body. */
export async function receiveAll(client: SQSClient, queueUrl: string, ids: ReadonlySet<string>, timeoutMs = 15_000): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  while ([...ids].some((id) => !seen.has(id)) && Date.now() < deadline) {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }));
    for (const m of out.Messages ?? []) seen.set(m.MessageId!, m.Body ?? '');
  }
  return seen;
}

/** Wait for a condition the test cannot await directly (checked every 5 ms, bounded). */
export async function until(condition: () => boolean, what = 'condition', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
