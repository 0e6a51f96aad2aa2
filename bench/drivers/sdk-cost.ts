/**
 * What one SQS call costs its caller in CPU, by client: the SDK with per-call
 * options and no cache (it then resolves its middleware stack on every call:
 * how `work` called ReceiveMessage before), the SDK with its middleware cached
 * (no per-call options: how serve calls it), the same with a per-call
 * abortSignal through src/sqs/client.ts (which keeps the cache for such calls:
 * how work calls it now), a hand-made signed request (SigV4 via
 * @smithy/signature-v4, JSON over keep-alive node:http: about the least a
 * leaner path could cost) and an unsigned one (HTTP and JSON alone). Each
 * variant runs the hot trio (SendMessageBatch 10, ReceiveMessage 10,
 * DeleteMessageBatch 10) from 8 loops. The lean path (src/sqs/lean, the
 * default `--sqs-client lean`) is measured through the same SQSClient.send.
 *
 *   sdk-cost.ts <endpoint> <queueUrl> <rounds>   prints one JSON line per variant
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { resolveSqsConfig } from '../../src/config.js';
import { createSqsClient } from '../../src/sqs/client.js';

const [endpoint, queueUrl, roundsText] = process.argv.slice(2);
if (!endpoint || !queueUrl) throw new Error('usage: sdk-cost.ts <endpoint> <queueUrl> <rounds>');
const ROUNDS = Number(roundsText ?? 300);
const LOOPS = 8;
const BODY = 'x'.repeat(100);

type Call = (action: 'SendMessageBatch' | 'ReceiveMessage' | 'DeleteMessageBatch', input: Record<string, unknown>) => Promise<Record<string, unknown>>;

class NodeSha256 {
  private h;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

function viaSdk(client: SQSClient, perCallOptions: boolean): Call {
  const options = perCallOptions ? { abortSignal: new AbortController().signal } : undefined;
  return async (action, input) => {
    const command = action === 'SendMessageBatch' ? new SendMessageBatchCommand(input as never) : action === 'ReceiveMessage' ? new ReceiveMessageCommand(input as never) : new DeleteMessageBatchCommand(input as never);
    return (await (options ? client.send(command as never, options) : client.send(command as never))) as unknown as Record<string, unknown>;
  };
}

function viaHttp(signed: boolean): Call {
  const url = new URL(endpoint!);
  const agent = new Agent({ keepAlive: true, maxSockets: LOOPS });
  const signer = new SignatureV4({ credentials: { accessKeyId: 'sqsdemo', secretAccessKey: 'sqsdemo' }, region: 'us-east-1', service: 'sqs', sha256: NodeSha256 as never });
  return async (action, input) => {
    const body = JSON.stringify(input);
    let headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}`, host: url.host };
    if (signed) {
      const req = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers, body });
      headers = req.headers as Record<string, string>;
    }
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ((res.statusCode ?? 500) >= 300 ? reject(new Error(`HTTP ${res.statusCode}`)) : resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)));
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}

async function trio(call: Call): Promise<number> {
  await call('SendMessageBatch', { QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: BODY })) });
  const out = await call('ReceiveMessage', { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
  const messages = (out.Messages as Array<{ ReceiptHandle: string }> | undefined) ?? [];
  if (messages.length > 0) await call('DeleteMessageBatch', { QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) });
  return messages.length > 0 ? 3 : 2;
}

/** `rounds` trios from LOOPS concurrent loops; the calls made. */
async function loops(call: Call, rounds: number): Promise<number> {
  let calls = 0;
  let next = 0;
  await Promise.all(Array.from({ length: LOOPS }, async () => {
    while (next++ < rounds) {
      const n = await trio(call); // (not `calls += await ...`: that reads `calls` before the await)
      calls += n;
    }
  }));
  return calls;
}

async function measure(name: string, call: Call): Promise<void> {
  // Warm-up as long as the measurement, the same way: the first thousand calls of a client cost
  // up to twice its steady state (JIT), and a role makes millions.
  await loops(call, ROUNDS);
  const before = process.cpuUsage();
  const t0 = performance.now();
  const calls = await loops(call, ROUNDS);
  const used = process.cpuUsage(before);
  const wallMs = performance.now() - t0;
  process.stdout.write(JSON.stringify({ type: 'result', name, calls, cpuUsPerCall: (used.user + used.system) / calls, callsPerS: (calls * 1000) / wallMs }) + '\n');
}

const config = resolveSqsConfig({ endpoint }, {});
const plain = createSqsClient(config, { maxSockets: LOOPS, sqsClient: 'sdk' });
const cached = createSqsClient(config, { maxSockets: LOOPS, cacheMiddleware: true, sqsClient: 'sdk' });
const lean = createSqsClient(config, { maxSockets: LOOPS, sqsClient: 'lean' });
await measure('SDK, per-call options, no cache (how work called it before)', viaSdk(plain, true));
await measure('SDK, middleware cached (as serve calls it)', viaSdk(cached, false));
await measure('SDK, middleware cached, per-call abortSignal (how work calls it now: src/sqs/client.ts)', viaSdk(cached, true));
await measure('lean path (src/sqs/lean), per-call abortSignal on receives as work calls it', viaSdk(lean, true));
await measure('signed JSON over node:http (SigV4, no SDK)', viaHttp(true));
await measure('unsigned JSON over node:http', viaHttp(false));
plain.destroy();
cached.destroy();
lean.destroy();
process.exit(0);
