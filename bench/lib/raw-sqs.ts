/**
 * A minimal SQS client speaking AWS JSON 1.0 over keep-alive node:http: the
 * same requests the SDK sends, without the SDK's per-request cost, so the
 * endpoint benchmark measures the endpoint rather than its client. Any
 * signature is accepted by local engines; a fixed Authorization header keeps
 * the requests looking like the SDK's.
 */
import { Agent, request } from 'node:http';

export interface RawMessage {
  readonly MessageId: string;
  readonly ReceiptHandle: string;
  readonly Body: string;
}

export class RawSqs {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;
  /** Requests sent. */
  calls = 0;

  constructor(endpoint: string, maxSockets = 64) {
    const url = new URL(endpoint);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  call<T>(action: string, input: object): Promise<T> {
    this.calls++;
    const body = JSON.stringify(input);
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.host,
        port: this.port,
        method: 'POST',
        path: '/',
        agent: this.agent,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `AmazonSQS.${action}`,
          'content-length': Buffer.byteLength(body),
          authorization: 'AWS4-HMAC-SHA256 Credential=bench/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${action}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
          try {
            resolve((text ? JSON.parse(text) : {}) as T);
          } catch (err) {
            reject(new Error(`${action}: bad JSON answer: ${(err as Error).message}`));
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async sendBatch(queueUrl: string, bodies: readonly string[]): Promise<number> {
    const out = await this.call<{ Successful?: unknown[]; Failed?: { Message?: string }[] }>('SendMessageBatch', {
      QueueUrl: queueUrl,
      Entries: bodies.map((b, i) => ({ Id: `m${i}`, MessageBody: b })),
    });
    if (out.Failed && out.Failed.length > 0) throw new Error(`SendMessageBatch: ${out.Failed.length} failed: ${out.Failed[0]?.Message ?? ''}`);
    return out.Successful?.length ?? 0;
  }

  async receive(queueUrl: string, max = 10, waitSeconds = 0): Promise<RawMessage[]> {
    const out = await this.call<{ Messages?: RawMessage[] }>('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds });
    return out.Messages ?? [];
  }

  async deleteBatch(queueUrl: string, messages: readonly RawMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    const out = await this.call<{ Successful?: unknown[]; Failed?: { Message?: string }[] }>('DeleteMessageBatch', {
      QueueUrl: queueUrl,
      Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
    });
    if (out.Failed && out.Failed.length > 0) throw new Error(`DeleteMessageBatch: ${out.Failed.length} failed: ${out.Failed[0]?.Message ?? ''}`);
    return out.Successful?.length ?? 0;
  }

  /** Send `count` bodies of `bodyBytes` bytes in batches of 10 from `loops` loops. */
  async seed(queueUrl: string, count: number, bodyBytes: number, loops = 16, onProgress?: (sent: number) => void): Promise<void> {
    const body = 'm'.repeat(bodyBytes);
    let next = 0;
    let done = 0;
    const loop = async (): Promise<void> => {
      while (next < count) {
        const n = Math.min(10, count - next);
        next += n;
        done += await this.sendBatch(queueUrl, Array.from({ length: n }, () => body));
        onProgress?.(done);
      }
    };
    await Promise.all(Array.from({ length: loops }, loop));
  }

  destroy(): void {
    this.agent.destroy();
  }
}
