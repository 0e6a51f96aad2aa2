/**
 * The queues of one local endpoint, by name and by ARN. Queue URLs are built
 * from the base URL the client used (its Host header), so they work through any
 * address the server listens on; a queue is found again by the URL's last path
 * segment.
 */
import type { Clock } from '../util/clock.js';
import { invalidAddress, overLimit, queueDoesNotExist } from './errors.js';
import { DEFAULT_LIMITS, type EndpointLimits } from './limits.js';
import { FifoQueue } from './fifo-queue.js';
import type { Journal } from './journal/journal.js';
import { MoveTasks } from './move-tasks.js';
import { Queue, type HeldBytes, type MessageQueue } from './queue.js';

export const ACCOUNT_ID = '000000000000';

export interface StoreOptions {
  readonly clock: Clock;
  /** Region shown in ARNs (default us-east-1). */
  readonly region?: string;
  readonly limits?: EndpointLimits;
  /** Where every change is recorded before it is answered (--data-dir); none: in memory only. */
  readonly journal?: Journal;
}

export class QueueStore {
  readonly clock: Clock;
  readonly region: string;
  readonly limits: EndpointLimits;
  readonly journal: Journal | undefined;
  private readonly queues = new Map<string, MessageQueue>();
  private readonly held: HeldBytes = { bytes: 0 };
  /** Message move tasks out of dead-letter queues. */
  readonly moves: MoveTasks;

  constructor(options: StoreOptions) {
    this.clock = options.clock;
    this.region = options.region ?? 'us-east-1';
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.journal = options.journal;
    this.moves = new MoveTasks({ clock: this.clock, byArn: (arn) => this.byArn(arn), sourcesOf: (arn) => this.sourcesOf(arn), journal: this.journal });
  }

  /** Queues whose RedrivePolicy names `arn` as their dead-letter queue. */
  sourcesOf(arn: string): MessageQueue[] {
    return this.list().filter((q) => q.settings.redrivePolicy?.deadLetterTargetArn === arn);
  }

  /** Bytes held across every queue (payload plus bookkeeping per message). */
  get heldBytes(): number {
    return this.held.bytes;
  }

  /** Throw OverLimit when holding `bytes` more would pass maxHeldBytes. */
  checkRoom(bytes: number): void {
    if (this.held.bytes + bytes > this.limits.maxHeldBytes) {
      throw overLimit(`The endpoint holds ${this.held.bytes} of at most ${this.limits.maxHeldBytes} bytes of messages; receive and delete some, or start sqsdemo sqs with a larger --max-held-bytes.`);
    }
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${ACCOUNT_ID}:${name}`;
  }

  urlOf(baseUrl: string, name: string): string {
    return `${baseUrl}/${ACCOUNT_ID}/${name}`;
  }

  get(name: string): MessageQueue | undefined {
    return this.queues.get(name);
  }

  byArn(arn: string): MessageQueue | undefined {
    const name = arn.slice(arn.lastIndexOf(':') + 1);
    const queue = this.queues.get(name);
    return queue !== undefined && queue.arn === arn ? queue : undefined;
  }

  /** The queue a QueueUrl names; QueueDoesNotExist when there is none. */
  byUrl(url: string): MessageQueue {
    const queue = this.queues.get(queueNameFromUrl(url));
    if (queue === undefined) throw queueDoesNotExist();
    return queue;
  }

  /** A new queue: a FifoQueue when `fifo` (its name ends in .fifo), else a standard Queue. */
  create(name: string, fifo = false): MessageQueue {
    if (this.queues.size >= this.limits.maxQueues) {
      throw overLimit(`The endpoint already has ${this.queues.size} queues, its maximum; delete some, or start sqsdemo sqs with a larger --max-queues.`);
    }
    return this.restoreQueue(name, this.arnOf(name), this.clock.now(), fifo);
  }

  /** Add a queue as recorded (recovery; no limit applies). */
  restoreQueue(name: string, arn: string, createdAt: number, fifo = false): MessageQueue {
    const deps = { clock: this.clock, held: this.held, queueByArn: (a: string) => this.byArn(a), ...(this.journal ? { journal: this.journal } : {}) };
    const queue = fifo ? new FifoQueue(name, arn, createdAt, deps) : new Queue(name, arn, createdAt, deps);
    this.queues.set(name, queue);
    return queue;
  }

  /** A queue was created or its attributes or tags changed: record it. */
  changed(queue: MessageQueue): void {
    this.journal?.queue(queue);
  }

  delete(queue: MessageQueue): void {
    if (this.queues.get(queue.name) === queue) {
      this.queues.delete(queue.name);
      this.journal?.queueDeleted(queue.name);
    }
    queue.close();
  }

  purge(queue: MessageQueue): void {
    queue.purge();
    this.journal?.purge(queue.name);
  }

  list(): MessageQueue[] {
    return [...this.queues.values()];
  }

  /** Messages held across all queues. */
  messageCount(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.size;
    return n;
  }

  /** Answer all long polls with no messages and stop every timer. */
  close(): void {
    this.moves.close();
    for (const q of this.queues.values()) q.close();
  }
}

/** The queue name in a queue URL: its last non-empty path segment. */
export function queueNameFromUrl(url: string): string {
  let path = url;
  const scheme = url.indexOf('://');
  if (scheme >= 0) {
    const slash = url.indexOf('/', scheme + 3);
    path = slash >= 0 ? url.slice(slash) : '';
  }
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  const parts = path.split('/').filter((p) => p !== '');
  const name = parts[parts.length - 1];
  if (name === undefined) throw invalidAddress(url);
  return name;
}
