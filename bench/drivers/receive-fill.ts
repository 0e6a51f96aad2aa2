/**
 * Receive fill on virtual time (issue #13): the real reader (createReader, its
 * pollers, pacing, pool, acks) against a small in-memory SQS on a VirtualClock,
 * with messages arriving at a steady rate in send batches, as serve sends
 * them. Reports ReceiveMessage calls per message and the latency from send to
 * task done (first deliveries) for each receive linger. Deterministic and
 * independent of the machine's load, so the default can be chosen from it;
 * CPU is measured on real sockets (see docs/ARCHITECTURE.md, Reader).
 *
 *   node --import tsx bench/drivers/receive-fill.ts [--rates 100,500,1500,3000] [--lingers 0,5,10,20]
 *       [--seconds 10] [--batch 5] [--rtt 2] [--work-ms 10] [--pollers 4]
 */
import { parseArgs } from 'node:util';
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  ReceiveMessageCommand, type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import { resolveSqsConfig } from '../../src/config.js';
import { DEFAULT_CONCURRENCY, defaultPrefetch, type ReaderConfig } from '../../src/reader/config.js';
import type { Processor } from '../../src/reader/processor.js';
import { createSimulatedProcessor } from '../../src/reader/processor.js';
import { mulberry32 } from '../../src/reader/random.js';
import { createReader } from '../../src/reader/reader.js';
import { sleepOn, type Clock, type Timer } from '../../src/util/clock.js';

interface Due {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Virtual time with a binary heap of timers (the tests' VirtualClock scans a list: too slow for 30,000 messages). */
class VirtualClock implements Clock {
  private t = 1_700_000_000_000;
  private seq = 0;
  private readonly heap: Due[] = [];

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const due: Due = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    const h = this.heap;
    h.push(due);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
    return { cancel: () => void (due.cancelled = true) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Run every timer due within `ms`, in time order, letting promise callbacks run after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.at > target) break;
      this.pop();
      if (top.cancelled) continue;
      this.t = Math.max(this.t, top.at);
      top.fn();
      await settle();
    }
    this.t = target;
    await settle();
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

const before = (a: Due, b: Due): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface SimMessage {
  readonly id: string;
  readonly sentAt: number;
  receiveCount: number;
  visibleAt: number;
  handle: string;
  deleted: boolean;
}

interface Waiter {
  readonly max: number;
  readonly resolve: (m: Message[]) => void;
  done: boolean;
}

/** SQS on virtual time: every call takes `rttMs`; a long poll is answered as soon as a message is visible. */
class VirtualSqs {
  readonly calls = new Map<string, number>();
  private readonly visible: SimMessage[] = [];
  private readonly inFlight = new Map<string, SimMessage>();
  private readonly waiters: Waiter[] = [];
  private seq = 0;

  constructor(private readonly clock: VirtualClock, private readonly rttMs: number, private readonly visibilityMs: number) {}

  arrive(n: number): void {
    for (let i = 0; i < n; i++) this.visible.push({ id: `m${this.seq++}`, sentAt: this.clock.now(), receiveCount: 0, visibleAt: 0, handle: '', deleted: false });
    queueMicrotask(() => this.wake());
  }

  readonly client = {
    send: (command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown> => {
      const name = (command as { constructor: { name: string } }).constructor.name;
      this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
      const half = this.rttMs / 2;
      const later = <T>(fn: () => T | Promise<T>): Promise<T> =>
        new Promise<void>((r) => this.clock.setTimer(r, half)).then(fn).then((v) => new Promise<T>((r) => this.clock.setTimer(() => r(v), half)));
      if (command instanceof GetQueueUrlCommand) return later(() => ({ QueueUrl: 'http://virtual/0/q' }));
      if (command instanceof GetQueueAttributesCommand) return later(() => ({ Attributes: { VisibilityTimeout: String(this.visibilityMs / 1000) } }));
      if (command instanceof ReceiveMessageCommand) {
        const { MaxNumberOfMessages: max = 1, WaitTimeSeconds: wait = 0 } = command.input;
        return later(() => this.receive(max, wait * 1000, options?.abortSignal)).then((Messages) => ({ Messages }));
      }
      if (command instanceof DeleteMessageBatchCommand) {
        return later(() => {
          for (const e of command.input.Entries ?? []) {
            const m = this.inFlight.get(e.ReceiptHandle ?? '');
            if (m) {
              m.deleted = true;
              this.inFlight.delete(m.handle);
            }
          }
          return { Successful: [], Failed: [] };
        });
      }
      if (command instanceof ChangeMessageVisibilityBatchCommand) return later(() => ({ Successful: [], Failed: [] }));
      return Promise.reject(new Error(`virtual SQS: no ${name}`));
    },
    destroy: () => undefined,
  };

  private take(max: number): Message[] {
    const now = this.clock.now();
    const out: Message[] = [];
    while (out.length < max && this.visible.length > 0) {
      const m = this.visible.shift()!;
      if (m.deleted) continue;
      m.receiveCount += 1;
      m.handle = `${m.id}#${m.receiveCount}`;
      this.inFlight.set(m.handle, m);
      // Not deleted within the visibility timeout: visible again.
      this.clock.setTimer(() => {
        if (m.deleted || this.inFlight.get(m.handle) !== m) return;
        this.inFlight.delete(m.handle);
        this.visible.push(m);
        this.wake();
      }, this.visibilityMs);
      out.push({
        MessageId: m.id, ReceiptHandle: m.handle, Body: 'x',
        Attributes: { SentTimestamp: String(m.sentAt), ApproximateReceiveCount: String(m.receiveCount), SenderId: 'sim' },
      });
      void now;
    }
    return out;
  }

  private receive(max: number, waitMs: number, signal: AbortSignal | undefined): Message[] | Promise<Message[]> {
    const now = this.take(max);
    if (now.length > 0 || waitMs <= 0) return now;
    return new Promise((resolve) => {
      const onAbort = (): void => w.resolve([]);
      const timer = this.clock.setTimer(onAbort, waitMs);
      const w: Waiter = {
        max, done: false,
        resolve: (m) => {
          if (w.done) return;
          w.done = true;
          timer.cancel();
          signal?.removeEventListener('abort', onAbort);
          resolve(m);
        },
      };
      this.waiters.push(w);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.visible.length > 0) {
      const w = this.waiters.shift()!;
      if (w.done) continue;
      w.resolve(this.take(w.max));
    }
  }
}

interface Result {
  readonly rate: number;
  readonly lingerMs: number;
  readonly received: number;
  readonly receives: number;
  readonly deletes: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

async function simulate(o: { rate: number; lingerMs: number; seconds: number; batch: number; rttMs: number; workMs: number; pollers: number }): Promise<Result> {
  const clock = new VirtualClock();
  const sqs = new VirtualSqs(clock, o.rttMs, 5_000);
  const latencies: number[] = [];
  let received = 0;
  const inner = createSimulatedProcessor({ workMs: o.workMs, failRate: 0.09, random: mulberry32(7), clock });
  const processor: Processor = {
    async handle(m, signal) {
      received += 1;
      try {
        await inner.handle(m, signal);
      } finally {
        if (m.receiveCount === 1) latencies.push(clock.now() - m.sentTimestamp);
      }
    },
  };
  const config: ReaderConfig = {
    pollers: o.pollers, concurrency: DEFAULT_CONCURRENCY, prefetch: defaultPrefetch(DEFAULT_CONCURRENCY, o.pollers), waitSeconds: 2,
    receiveLingerMs: o.lingerMs, retryDelayMs: undefined, drainTimeoutMs: 10_000, deleteLingerMs: 20, statsIntervalMs: 1_000,
  };
  const reader = createReader(config, {
    client: sqs.client as unknown as SQSClient, sqs: resolveSqsConfig({ endpoint: 'http://virtual', queue: 'q', dlq: 'q_dlq' }, {}),
    processor, emit: () => undefined, clock, random: mulberry32(11),
  });
  let ready = false;
  void reader.start().then(() => (ready = true));
  while (!ready) await clock.advance(1);
  const every = (1000 * o.batch) / o.rate;
  const sends = Math.round((o.rate * o.seconds) / o.batch);
  for (let i = 0; i < sends; i++) clock.setTimer(() => sqs.arrive(o.batch), i * every);
  const receivesBefore = sqs.calls.get('ReceiveMessageCommand') ?? 0;
  await clock.advance(o.seconds * 1000 + 1_000);
  const receives = (sqs.calls.get('ReceiveMessageCommand') ?? 0) - receivesBefore;
  let stopped = false;
  void reader.stop().then(() => (stopped = true));
  while (!stopped) await clock.advance(100);
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    rate: o.rate, lingerMs: o.lingerMs, received, receives, deletes: sqs.calls.get('DeleteMessageBatchCommand') ?? 0,
    p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? NaN,
  };
}

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '100,500,1500,3000' }, lingers: { type: 'string', default: '0,5,10,20' },
    seconds: { type: 'string', default: '10' }, batch: { type: 'string', default: '5' }, rtt: { type: 'string', default: '2' },
    'work-ms': { type: 'string', default: '10' }, pollers: { type: 'string', default: '4' },
  },
});
const list = (s: string): number[] => s.split(',').map(Number);
console.log('rate msg/s | linger ms | receives per delivery | msgs per receive | latency p50 / p99 / max ms (send -> task done, first deliveries)');
for (const rate of list(values.rates)) {
  for (const lingerMs of list(values.lingers)) {
    const r = await simulate({
      rate, lingerMs, seconds: Number(values.seconds), batch: Number(values.batch), rttMs: Number(values.rtt), workMs: Number(values['work-ms']), pollers: Number(values.pollers),
    });
    console.log(`${String(rate).padStart(10)} | ${String(lingerMs).padStart(9)} | ${(r.receives / r.received).toFixed(3).padStart(21)} | ${(r.received / r.receives).toFixed(2).padStart(16)} | ${r.p50} / ${r.p99} / ${r.max}`);
  }
}
