/**
 * Load for the endpoint benchmark, in its own process: `loops` loops, each
 * SendMessageBatch (10) -> ReceiveMessage (up to 10) -> DeleteMessageBatch of
 * what it got, for a warm-up second and then `seconds`. A message counts once
 * it has been sent, received and deleted. Prints one `result` event.
 *
 *   endpoint-load.ts <endpoint> <queueUrl> <loops> <seconds> <bodyBytes>
 */
import { RawSqs } from '../lib/raw-sqs.js';

const [endpoint, queueUrl, loopsText, secondsText, bytesText] = process.argv.slice(2);
if (!endpoint || !queueUrl || !loopsText || !secondsText || !bytesText) throw new Error('usage: endpoint-load.ts <endpoint> <queueUrl> <loops> <seconds> <bodyBytes>');
const loops = Number(loopsText);
const seconds = Number(secondsText);
const body = 'b'.repeat(Number(bytesText));
const bodies = Array.from({ length: 10 }, () => body);
const sqs = new RawSqs(endpoint, loops * 2);

let counting = false;
let stopping = false;
let messages = 0;
let requests = 0;
let errors = 0;
let firstError: string | undefined;

async function loop(): Promise<void> {
  while (!stopping) {
    try {
      await sqs.sendBatch(queueUrl!, bodies);
      const got = await sqs.receive(queueUrl!, 10, 0);
      const deleted = await sqs.deleteBatch(queueUrl!, got);
      if (counting) {
        messages += deleted;
        requests += 3;
      }
    } catch (err) {
      errors++;
      firstError ??= (err as Error).message;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const running = Array.from({ length: loops }, loop);
await new Promise((r) => setTimeout(r, 1_000));
counting = true;
const t0 = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, seconds * 1_000));
counting = false;
const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
stopping = true;
await Promise.all(running);
sqs.destroy();
process.stdout.write(JSON.stringify({ role: 'bench', type: 'result', t: Date.now(), messages, seconds: elapsed, requests, errors, firstError }) + '\n');
