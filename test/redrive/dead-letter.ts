/** Dead-letter messages for real: a queue with maxReceiveCount 1, each message received twice. */
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { TestSqs } from '../helpers/sqs.js';

/** Send `bodies` (FIFO: groups from `groupOf`) to the main queue, then move them all to the DLQ. */
export async function deadLetter(sqs: TestSqs, bodies: readonly string[], groupOf?: (body: string) => string): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    const sent = await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: sqs.queueUrl,
        Entries: chunk.map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          ...(groupOf ? { MessageGroupId: groupOf(body), MessageDeduplicationId: `d-${i + j}` } : {}),
        })),
      }),
    );
    if ((sent.Failed ?? []).length > 0) throw new Error(`send failed: ${JSON.stringify(sent.Failed)}`);
  }
  // First receive: each message once (visibility back to 0 at once). The next receive
  // finds its count at maxReceiveCount and dead-letters it instead of delivering it.
  let seen = 0;
  for (let attempt = 0; seen < bodies.length && attempt < 200; attempt++) {
    const { Messages } = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    for (const m of Messages ?? []) {
      await sqs.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: sqs.queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
      seen += 1;
    }
  }
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Messages } = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10 }));
    if ((Messages ?? []).length > 0) throw new Error('a message was delivered a second time instead of being dead-lettered');
    if ((await depth(sqs.client, sqs.dlqUrl)) === bodies.length) return;
  }
  throw new Error('the messages did not reach the dead-letter queue');
}

export async function depth(client: SQSClient, url: string): Promise<number> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

/** Receive everything from `url` (deleting nothing), in delivery order, each FIFO message's group with it. */
export async function drain(client: SQSClient, url: string, expected: number): Promise<Array<{ body: string; group?: string }>> {
  const out: Array<{ body: string; group?: string }> = [];
  for (let attempt = 0; out.length < expected && attempt < 200; attempt++) {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageSystemAttributeNames: ['MessageGroupId'] }),
    );
    for (const m of Messages ?? []) out.push({ body: m.Body!, ...(m.Attributes?.MessageGroupId ? { group: m.Attributes.MessageGroupId } : {}) });
  }
  return out;
}
