/**
 * An in-memory SQS for the reader's model test: the five calls the reader
 * makes (GetQueueUrl, GetQueueAttributes, ReceiveMessage, DeleteMessageBatch,
 * ChangeMessageVisibilityBatch) with SQS's semantics, on a ManualClock:
 *
 * - a received message is invisible for the visibility timeout, then visible
 *   again; each receive counts (ApproximateReceiveCount) and gets a new
 *   receipt handle; a message received more than maxReceiveCount times moves
 *   to the dead-letter queue instead of being delivered;
 * - a long poll answers as soon as a message is visible, or empty after
 *   WaitTimeSeconds; an abort signal cancels it;
 * - deleting with the latest handle deletes (even after the visibility timeout
 *   ran out); with an older handle it succeeds and may or may not delete;
 *   ChangeMessageVisibility needs the latest handle of a message in flight;
 * - batches take 1-10 entries with distinct Ids.
 *
 * Faults are drawn per call from a seeded random source: slow answers,
 * throttling, 500s, connection resets before or after the call took effect,
 * and per-entry failures in batch answers. Each reader gets its own
 * connection; killing it freezes that reader: its calls from then on, and the
 * answers not yet given, never arrive, as for a process killed with -9.
 *
 * It also checks, as calls arrive, what the reader must never do, into
 * `violations`: a receive for 0 or more than 10, or beyond the room the reader
 * has; a receive after stop; a delete of a message whose data-log line is not
 * written, or that no task processed successfully; malformed batches.
 */
import {
  ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  ReceiveMessageCommand, SQSServiceException, type BatchResultErrorEntry, type Message,
} from '@aws-sdk/client-sqs';
import { FaultDraw, META, type Faults } from './faults.js';
import type { ManualClock } from '../../helpers/manual-clock.js';
import type { Timer } from '../../../src/util/clock.js';
import type { RandomSource } from '../../../src/reader/random.js';

export type { Faults };

export interface QueueSpec {
  readonly visibilityTimeoutS: number;
  /** Moves to the DLQ on the receive after this many; undefined: no redrive policy. */
  readonly maxReceiveCount: number | undefined;
}

interface ModelMessage {
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  visibleAt: number;
  /** The latest receipt handle ('' before the first receive). */
  handle: string;
  state: 'queued' | 'deleted' | 'dead';
}

/** One receive of one message by the reader. */
export interface Delivery {
  readonly handle: string;
  readonly messageId: string;
  readonly receiveCount: number;
}

interface Poll {
  readonly max: number;
  readonly deadline: number;
  readonly resolve: (messages: Message[]) => void;
  readonly reject: (err: unknown) => void;
  readonly conn: Connection;
  timer: Timer | undefined;
  /** Look again now (a message became visible). */
  recheck: (() => void) | undefined;
}

/** What the model learns from the reader's side: the data log on disk and the processor. */
export interface ReaderWitness {
  /** True when the data log on disk holds this delivery's `pass` line. */
  hasPassLine(d: Delivery): boolean;
  /** True when a task for this delivery finished successfully. */
  passed(handle: string): boolean;
  /** Messages the reader holds now, as seen from outside (delivered, not yet finished or handed back). */
  readonly outstanding: number;
  /** Room the reader has: concurrency + prefetch. */
  readonly capacity: number;
  /** stop() has been called. */
  readonly stopped: boolean;
  /** A receive answer reached the reader with this message. */
  delivered(d: Delivery): void;
}

/** One reader process's connection: `kill()` it and nothing it sends arrives any more. */
export interface Connection {
  /** Like SQSClient's: `send(command, { abortSignal })`. */
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
  /** The process died (kill -9): its calls and the answers not yet given never arrive. */
  kill(): void;
  readonly killed: boolean;
  readonly witness: ReaderWitness | undefined;
  /** Calls sent and not answered yet. */
  readonly inFlight: number;
  /** MaxNumberOfMessages summed over the receives not answered yet. */
  receiving: number;
}

const QUEUE_URL = 'http://model.invalid/000000000000/model';

export class SqsModel {
  readonly messages = new Map<string, ModelMessage>();
  readonly deliveries = new Map<string, Delivery>();
  /** Receipt handles the reader asked to make visible at once (ChangeMessageVisibility 0), each attempt. */
  readonly handedBack = new Set<string>();
  /** Hand-backs SQS refused with SenderFault: retrying them cannot succeed. */
  private readonly refusedHandBacks = new Set<string>();
  readonly violations: string[] = [];
  /** Calls by action name. */
  readonly calls = new Map<string, number>();
  private polls = new Set<Poll>();

  constructor(
    private readonly clock: ManualClock,
    private readonly spec: QueueSpec,
    faults: Faults,
    private readonly random: RandomSource,
  ) {
    this.draw = new FaultDraw(faults, random);
  }

  private readonly draw: FaultDraw;

  send(bodies: readonly string[]): void {
    for (const body of bodies) {
      const id = `msg-${this.messages.size}`;
      this.messages.set(id, { id, body, sentAt: this.clock.now(), receiveCount: 0, visibleAt: 0, handle: '', state: 'queued' });
    }
  }

  count(state: ModelMessage['state']): number {
    return [...this.messages.values()].filter((m) => m.state === state).length;
  }

  /** Every message deleted or dead-lettered. */
  get settled(): boolean {
    return this.count('queued') === 0;
  }

  /** A connection for one reader process; `witness` is what the model knows of that reader's side. */
  connect(witness?: ReaderWitness): Connection {
    let killed = false;
    let inFlight = 0;
    const never = (): Promise<never> => new Promise(() => undefined);
    const conn: Connection = {
      send: (command, options) => {
        if (killed) return never();
        inFlight += 1;
        const answer = this.dispatch(command, conn, options?.abortSignal).finally(() => {
          inFlight -= 1;
        });
        return answer.then((v) => (killed ? never() : v), (e: unknown) => (killed ? never() : Promise.reject(e)));
      },
      destroy: () => undefined,
      witness,
      kill: () => {
        killed = true;
        for (const p of [...this.polls]) {
          if (p.conn !== conn) continue;
          p.timer?.cancel();
          this.polls.delete(p);
        }
      },
      get killed() {
        return killed;
      },
      get inFlight() {
        return inFlight;
      },
      receiving: 0,
    };
    return conn;
  }

  private violation(what: string): void {
    this.violations.push(`t=${this.clock.now()}: ${what}`);
  }

  private dispatch(command: unknown, conn: Connection, signal: AbortSignal | undefined): Promise<unknown> {
    const name = (command as { constructor: { name: string } }).constructor.name;
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    if (command instanceof GetQueueUrlCommand) return Promise.resolve({ QueueUrl: QUEUE_URL });
    if (command instanceof GetQueueAttributesCommand) {
      return Promise.resolve({
        Attributes: {
          VisibilityTimeout: String(this.spec.visibilityTimeoutS),
          ...(this.spec.maxReceiveCount !== undefined
            ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:model:0:dlq', maxReceiveCount: this.spec.maxReceiveCount }) }
            : {}),
        },
      });
    }
    if (command instanceof ReceiveMessageCommand) return this.receive(conn, command.input.MaxNumberOfMessages ?? 1, command.input.WaitTimeSeconds ?? 0, signal);
    if (command instanceof DeleteMessageBatchCommand) return this.batch('delete', command.input.Entries ?? [], (e) => this.deleteEntry(conn, e.ReceiptHandle ?? ''));
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      // Asked for, whatever happens to the call on the way.
      for (const e of command.input.Entries ?? []) {
        if (e.VisibilityTimeout !== 0) continue;
        const handle = e.ReceiptHandle ?? '';
        this.handedBack.add(handle);
        if (this.refusedHandBacks.has(handle)) this.violation(`hand-back of ${handle} sent again after SQS refused it as the sender's fault`);
      }
      const entries = command.input.Entries ?? [];
      return this.batch('visibility', entries, (e) => this.changeVisibility(e.ReceiptHandle ?? '', e.VisibilityTimeout ?? -1), (failed) => {
        // The reader now knows SQS refused these hand-backs: sending them again cannot help.
        for (const f of failed) {
          const e = entries.find((x) => x.Id === f.Id);
          if (f.SenderFault && e?.VisibilityTimeout === 0) this.refusedHandBacks.add(e.ReceiptHandle ?? '');
        }
      });
    }
    this.violation(`unexpected call ${name}`);
    return Promise.reject(new Error(`model: no ${name}`));
  }

  // --- ReceiveMessage -----------------------------------------------------

  private receive(conn: Connection, max: number, waitSeconds: number, signal: AbortSignal | undefined): Promise<Message[] | { Messages: Message[] }> {
    const w = conn.witness;
    if (!(Number.isInteger(max) && max >= 1 && max <= 10)) this.violation(`ReceiveMessage with MaxNumberOfMessages ${max}`);
    if (w) {
      if (w.stopped) this.violation('ReceiveMessage after stop');
      const held = w.outstanding + conn.receiving;
      if (held + max > w.capacity) this.violation(`ReceiveMessage for ${max} while holding ${held} of ${w.capacity}: no room`);
    }
    if (!(max >= 1 && max <= 10)) {
      return Promise.reject(new SQSServiceException({
        name: 'InvalidParameterValue', $fault: 'client', $metadata: META,
        message: `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      }));
    }
    conn.receiving += max;
    const done = (): void => {
      conn.receiving -= max;
    };
    const before = this.draw.before();
    const delay = this.draw.slowDelay();
    return new Promise<Message[]>((resolve, reject) => {
      const poll: Poll = { conn, max, deadline: this.clock.now() + delay + waitSeconds * 1000, resolve, reject, timer: undefined, recheck: undefined };
      const onAbort = (): void => {
        poll.timer?.cancel();
        this.polls.delete(poll);
        reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (fn: () => void): void => {
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      // The request reaches SQS after `delay` (a slow network), then fails or long-polls.
      this.polls.add(poll);
      poll.timer = this.clock.setTimer(() => {
        if (before !== undefined) {
          this.polls.delete(poll);
          return finish(() => reject(before));
        }
        this.checkPoll(poll, finish);
      }, delay);
    }).then(
      (messages) => {
        done();
        const lost = this.draw.resetAfter();
        if (lost !== undefined) throw lost; // received (invisible, counted) but the answer never arrived
        for (const m of messages) {
          const d = this.deliveries.get(m.ReceiptHandle!)!;
          if (!conn.killed) conn.witness?.delivered(d);
        }
        return { Messages: messages };
      },
      (err: unknown) => {
        done();
        throw err;
      },
    ) as Promise<{ Messages: Message[] }>;
  }

  /** Answer `poll` now if a message is visible or its wait is over; else look again when one may be. */
  private checkPoll(poll: Poll, finish: (fn: () => void) => void): void {
    if (poll.conn.killed) return;
    const now = this.clock.now();
    const got = this.take(poll.max);
    if (got.length > 0 || now >= poll.deadline) {
      this.polls.delete(poll);
      return finish(() => poll.resolve(got));
    }
    const nextVisible = Math.min(...[...this.messages.values()].filter((m) => m.state === 'queued').map((m) => m.visibleAt));
    poll.timer = this.clock.setTimer(() => this.checkPoll(poll, finish), Math.min(poll.deadline, nextVisible) - now);
    poll.recheck ??= () => {
      poll.timer?.cancel();
      this.checkPoll(poll, finish);
    };
  }

  /** Something became visible at once (visibility 0): waiting polls look again. */
  private wakePolls(): void {
    for (const p of [...this.polls]) p.recheck?.();
  }

  private take(max: number): Message[] {
    const now = this.clock.now();
    const out: Message[] = [];
    for (const m of this.messages.values()) {
      if (out.length >= max) break;
      if (m.state !== 'queued' || m.visibleAt > now) continue;
      if (this.spec.maxReceiveCount !== undefined && m.receiveCount >= this.spec.maxReceiveCount) {
        m.state = 'dead';
        continue;
      }
      m.receiveCount += 1;
      m.handle = `${m.id}#${m.receiveCount}`;
      m.visibleAt = now + this.spec.visibilityTimeoutS * 1000;
      this.deliveries.set(m.handle, { handle: m.handle, messageId: m.id, receiveCount: m.receiveCount });
      out.push({
        MessageId: m.id, ReceiptHandle: m.handle, Body: m.body,
        Attributes: { SentTimestamp: String(m.sentAt), ApproximateReceiveCount: String(m.receiveCount), SenderId: 'MODEL' },
      });
    }
    return out;
  }

  // --- batches ------------------------------------------------------------

  private batch<E extends { Id?: string }>(
    what: string,
    entries: readonly E[],
    apply: (entry: E) => Omit<BatchResultErrorEntry, 'Id'> | undefined,
    /** The answer reached the reader with these failed entries. */
    answered: (failed: readonly BatchResultErrorEntry[]) => void = () => undefined,
  ): Promise<unknown> {
    const ids = entries.map((e) => e.Id);
    if (entries.length < 1 || entries.length > 10 || new Set(ids).size !== ids.length) {
      this.violation(`${what} batch with ${entries.length} entries, ids ${ids.join(',')}`);
      return Promise.reject(new SQSServiceException({ name: 'TooManyEntriesInBatchRequest', $fault: 'client', $metadata: META, message: 'bad batch' }));
    }
    const before = this.draw.before();
    if (before !== undefined) return Promise.reject(before);
    const Successful: Array<{ Id: string }> = [];
    const Failed: BatchResultErrorEntry[] = [];
    for (const e of entries) {
      const failure = this.draw.entryFailure() ?? apply(e);
      if (failure) Failed.push({ Id: e.Id!, ...failure });
      else Successful.push({ Id: e.Id! });
    }
    const lost = this.draw.resetAfter();
    if (lost !== undefined) return Promise.reject(lost);
    answered(Failed);
    return Promise.resolve({ Successful, Failed });
  }

  private deleteEntry(conn: Connection, handle: string): Omit<BatchResultErrorEntry, 'Id'> | undefined {
    const d = this.deliveries.get(handle);
    if (!d) {
      this.violation(`delete with a receipt handle never given out: ${handle}`);
      return { Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'invalid' };
    }
    const w = conn.witness;
    if (w && !w.passed(handle)) this.violation(`delete of ${d.messageId} (receive ${d.receiveCount}) that no task processed successfully`);
    if (w && !w.hasPassLine(d)) this.violation(`delete of ${d.messageId} (receive ${d.receiveCount}) before its data-log line was written`);
    const m = this.messages.get(d.messageId)!;
    if (m.state !== 'queued') return undefined;
    // The latest handle deletes; an older one "succeeds but the message might not be deleted".
    if (m.handle === handle || this.random() < 0.5) m.state = 'deleted';
    return undefined;
  }

  private changeVisibility(handle: string, timeoutS: number): Omit<BatchResultErrorEntry, 'Id'> | undefined {
    if (!(Number.isInteger(timeoutS) && timeoutS >= 0 && timeoutS <= 43_200)) this.violation(`visibility timeout ${timeoutS}`);
    const d = this.deliveries.get(handle);
    if (!d) {
      this.violation(`visibility change with a receipt handle never given out: ${handle}`);
      return { Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'invalid' };
    }
    const m = this.messages.get(d.messageId)!;
    const now = this.clock.now();
    const refused = m.state !== 'queued' || m.handle !== handle
      ? { Code: 'ReceiptHandleIsInvalid', SenderFault: true, Message: 'The receipt handle has expired.' }
      : m.visibleAt <= now ? { Code: 'MessageNotInflight', SenderFault: true, Message: 'The message is not in flight.' } : undefined;
    if (refused) return refused;
    m.visibleAt = now + timeoutS * 1000;
    if (timeoutS === 0) this.wakePolls();
    return undefined;
  }
}
