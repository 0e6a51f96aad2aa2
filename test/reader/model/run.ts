/**
 * One model run: a reader (the real createReader, its real parts and the real
 * SDK command objects) against the in-memory SQS model, on a ManualClock, with
 * the faults and the ending (run to the end, stop or kill at a moment) the
 * scenario says. Returns what went wrong; empty means every check held.
 *
 * After a stop or a kill a second reader, on the same faults, finishes the
 * queue: whatever the first one left must come back and be processed or
 * dead-lettered. Nothing may be lost.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { resolveSqsConfig } from '../../../src/config.js';
import { createDataLog } from '../../../src/reader/data-log.js';
import type { ReaderMessage } from '../../../src/reader/message.js';
import type { Processor } from '../../../src/reader/processor.js';
import { mulberry32, type RandomSource } from '../../../src/reader/random.js';
import { createReader, type Reader } from '../../../src/reader/reader.js';
import type { ReaderConfig } from '../../../src/reader/config.js';
import type { WorkEvent, WorkStoppedEvent } from '../../../src/telemetry/work-events.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { sleepOn, type Clock, type Timer } from '../../../src/util/clock.js';
import { SqsModel, type Connection, type Delivery, type Faults, type QueueSpec, type ReaderWitness } from './sqs-model.js';

export interface Scenario {
  readonly messages: number;
  readonly reader: Pick<ReaderConfig, 'pollers' | 'concurrency' | 'prefetch' | 'waitSeconds' | 'receiveLingerMs' | 'retryDelayMs' | 'drainTimeoutMs'>;
  readonly queue: QueueSpec;
  /** Task durations are drawn from [0, workMs]; a `slowTask` share takes up to 3 visibility timeouts. */
  readonly workMs: number;
  readonly slowTask: number;
  readonly failRate: number;
  readonly faults: Faults;
  readonly ending: { readonly kind: 'run-to-end' } | { readonly kind: 'stop' | 'kill'; readonly atMs: number };
  /** Seeds the model's, the tasks' and the reader's random draws. */
  readonly seed: number;
}

/** Virtual time a reader gets to empty the queue before that counts as stuck. */
const RUN_LIMIT_MS = 4 * 3600_000;
const SQS = resolveSqsConfig({ endpoint: 'http://model.invalid', queue: 'model', dlq: 'model_dlq' }, {});

/** One process's view of the shared virtual clock: when the process is killed, none of its timers fire again. */
class ProcessClock implements Clock {
  private readonly timers = new Set<Timer>();
  private dead = false;

  constructor(private readonly clock: ManualClock) {}

  now(): number {
    return this.clock.now();
  }

  monotonic(): number {
    return this.clock.monotonic();
  }

  setTimer(fn: () => void, ms: number): Timer {
    if (this.dead) return { cancel: () => undefined };
    const timer = this.clock.setTimer(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return {
      cancel: () => {
        this.timers.delete(timer);
        timer.cancel();
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  kill(): void {
    this.dead = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}

/** What the test sees of one reader from outside: its tasks, its data log on disk, what it was given. */
class Observer implements ReaderWitness {
  readonly started = new Set<string>();
  readonly passes = new Set<string>();
  readonly fails = new Set<string>();
  readonly abandoned = new Set<string>();
  readonly deliveredHandles: string[] = [];
  /** `${messageId}|${receiveCount}|pass|fail` of every line on disk. */
  readonly lines = new Set<string>();
  unstartedAtStop: string[] = [];
  /** Message id -> receipt handle of the delivery this reader holds (received, not finished, not handed back). */
  private readonly holding = new Map<string, string>();
  finished = 0;
  running = 0;
  stopped = false;
  /** The disk stops taking writes (the process died). */
  frozen = false;

  constructor(
    readonly capacity: number,
    private readonly concurrency: number,
    private readonly violations: string[],
    private readonly clock: Clock,
    /** No faults: the heartbeat must keep every held message from coming back. */
    private readonly strict: boolean,
  ) {}

  get outstanding(): number {
    return this.deliveredHandles.length - this.finished - this.unstartedAtStop.length;
  }

  delivered(d: Delivery): void {
    this.deliveredHandles.push(d.handle);
    const held = this.holding.get(d.messageId);
    if (this.strict && held !== undefined) this.violation(`${d.messageId} delivered again (${d.handle}) while this reader holds ${held}: the heartbeat did not keep it`);
    this.holding.set(d.messageId, d.handle);
  }

  private release(m: { messageId: string; receiptHandle: string }): void {
    if (this.holding.get(m.messageId) === m.receiptHandle) this.holding.delete(m.messageId);
  }

  hasPassLine(d: Delivery): boolean {
    return this.lines.has(`${d.messageId}|${d.receiveCount}|pass`);
  }

  passed(handle: string): boolean {
    return this.passes.has(handle);
  }

  /** The data log's file: what reaches it survives a kill. */
  readonly write = (text: string): void => {
    if (this.frozen) return;
    for (const line of text.split('\n')) {
      const f = line.split(',');
      if (f.length === 7) this.lines.add(`${f[5]}|${f[3]}|${f[2]}`);
    }
  };

  markStop(): void {
    this.stopped = true;
    const started = this.started;
    this.unstartedAtStop = this.deliveredHandles.filter((h) => !started.has(h));
    for (const [id, h] of [...this.holding]) if (!started.has(h)) this.holding.delete(id);
  }

  processor(random: RandomSource, s: Scenario): Processor {
    return {
      handle: async (m: ReaderMessage, signal: AbortSignal) => {
        const h = m.receiptHandle;
        if (this.stopped) this.violation(`task started after stop: ${m.messageId}`);
        if (this.started.has(h)) this.violation(`two tasks for one delivery: ${h}`);
        this.started.add(h);
        this.running += 1;
        if (this.running > this.concurrency) this.violation(`${this.running} tasks running, concurrency ${this.concurrency}`);
        const fail = random() < s.failRate;
        const ms = random() < s.slowTask
          ? Math.floor(random() * 3 * s.queue.visibilityTimeoutS * 1000)
          : Math.floor(random() * (s.workMs + 1));
        try {
          await this.clock.sleep(ms, signal);
          if (signal.aborted) {
            this.abandoned.add(h);
            throw new Error('aborted');
          }
          if (fail) {
            this.fails.add(h);
            throw new Error('planned failure');
          }
          this.passes.add(h);
        } finally {
          this.running -= 1;
          this.finished += 1;
          this.release(m);
        }
      },
    };
  }

  private violation(what: string): void {
    this.violations.push(`t=${this.clock.now()}: ${what}`);
  }
}

interface RunningReader {
  readonly reader: Reader;
  readonly clock: ProcessClock;
  readonly observer: Observer;
  readonly conn: Connection;
  readonly events: WorkEvent[];
}

async function startReader(model: SqsModel, shared: ManualClock, s: Scenario, violations: string[], seed: number): Promise<RunningReader> {
  const config: ReaderConfig = { ...s.reader, deleteLingerMs: 20, statsIntervalMs: 1_000 };
  const clock = new ProcessClock(shared);
  const { slowMs: _size, ...odds } = s.faults;
  const strict = Object.values(odds).every((p) => p === 0);
  const observer = new Observer(config.concurrency + config.prefetch, config.concurrency, violations, clock, strict);
  const conn = model.connect(observer);
  const events: WorkEvent[] = [];
  const reader = createReader(config, {
    client: conn as unknown as SQSClient,
    sqs: SQS,
    processor: observer.processor(mulberry32(seed), s),
    emit: (e) => events.push(e),
    clock,
    random: mulberry32(seed ^ 0x5eed),
    dataLog: createDataLog(observer.write, { clock }),
  });
  await driveUntilSettled(shared, reader.start(), 60_000);
  return { reader, clock, observer, conn, events };
}

/** Step virtual time until `promise` settles (bounded). */
async function driveUntilSettled<T>(clock: ManualClock, promise: Promise<T>, limitMs: number): Promise<T> {
  let done = false;
  const watched = promise.finally(() => {
    done = true;
  });
  watched.catch(() => undefined);
  const deadline = clock.now() + limitMs;
  await clock.advance(0);
  while (!done && clock.now() <= deadline && (await clock.step()));
  await clock.advance(0);
  if (!done) throw new Error(`did not settle within ${limitMs} ms of virtual time (pending timers: ${clock.pending})`);
  return watched;
}

/** Step virtual time until the model's queue is empty (every message deleted or dead-lettered). */
async function runToEnd(model: SqsModel, clock: ManualClock, violations: string[]): Promise<void> {
  const deadline = clock.now() + RUN_LIMIT_MS;
  while (!model.settled) {
    if (clock.now() > deadline || !(await clock.step())) {
      violations.push(`t=${clock.now()}: ${model.count('queued')} message(s) still in the queue after ${RUN_LIMIT_MS / 60_000} min`);
      return;
    }
  }
}

/** Stop `r` and check what stopping promises. */
async function stopAndCheck(r: RunningReader, model: SqsModel, clock: ManualClock, violations: string[]): Promise<void> {
  r.observer.markStop();
  let stopped: WorkStoppedEvent;
  try {
    stopped = await driveUntilSettled(clock, r.reader.stop('model stop'), RUN_LIMIT_MS);
  } catch (err) {
    violations.push(`stop: ${(err as Error).message}`);
    return;
  }
  const o = r.observer;
  for (const h of [...o.unstartedAtStop, ...o.abandoned]) {
    if (!model.handedBack.has(h)) violations.push(`stop did not hand back ${h} (ChangeMessageVisibility 0)`);
  }
  if (clock.pending > 0) violations.push(`${clock.pending} timer(s) still set after stop`);
  if (r.conn.inFlight > 0) violations.push(`${r.conn.inFlight} SQS call(s) still in flight after stop`);
  const expect = { processed: o.passes.size, failed: o.fails.size, returned: o.unstartedAtStop.length + o.abandoned.size };
  const got = { processed: stopped.processed, failed: stopped.failed, returned: stopped.returned };
  if (JSON.stringify(got) !== JSON.stringify(expect)) violations.push(`stopped event ${JSON.stringify(got)}, tasks say ${JSON.stringify(expect)}`);
}

export interface RunResult {
  readonly violations: string[];
  readonly deleted: number;
  readonly dead: number;
  readonly virtualMs: number;
  /** SQS calls by command name (both readers). */
  readonly calls: ReadonlyMap<string, number>;
}

export async function runScenario(s: Scenario): Promise<RunResult> {
  const clock = new ManualClock();
  const start = clock.now();
  const violations: string[] = [];
  const model = new SqsModel(clock, s.queue, s.faults, mulberry32(s.seed));
  model.send(Array.from({ length: s.messages }, (_, i) => `body-${i}`));
  const first = await startReader(model, clock, s, violations, s.seed + 1);
  if (s.ending.kind === 'run-to-end') {
    await runToEnd(model, clock, violations);
    await stopAndCheck(first, model, clock, violations);
  } else {
    await clock.advance(s.ending.atMs);
    if (s.ending.kind === 'stop') await stopAndCheck(first, model, clock, violations);
    else {
      first.observer.frozen = true; // what was not written is lost with the process
      first.conn.kill();
      first.clock.kill();
    }
    // Whatever the first reader left comes back (visibility timeout) and a second one finishes it.
    const second = await startReader(model, clock, s, violations, s.seed + 2);
    await runToEnd(model, clock, violations);
    await stopAndCheck(second, model, clock, violations);
  }
  violations.push(...model.violations);
  return { violations, deleted: model.count('deleted'), dead: model.count('dead'), virtualMs: clock.now() - start, calls: model.calls };
}
