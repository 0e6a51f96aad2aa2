/**
 * The receive loops. Each poller waits until the flow has room, reserves it
 * (MaxNumberOfMessages = the room it got, 1-10: never a receive it has no room
 * for), long-polls, and hands what it got to `accept`. Errors are classified
 * at the SQS boundary (src/sqs/errors.ts): the queue gone stops the reader,
 * anything else is reported and retried after an exponential backoff. An empty
 * answer that came back early (a short poll, or an engine that does not wait)
 * is paced so a poller never spins: at most one empty receive per
 * EMPTY_RECEIVE_PACE_MS. How many pollers receive and how soon a poller
 * receives again after a partly full answer: receive-pacing.ts. All waiting
 * runs on the injected clock.
 */
import { isQueueMissing, isTransient, toSqsdemoError } from '../sqs/errors.js';
import type { SqsConfig } from '../config.js';
import { backoffMs } from '../util/abort.js';
import type { Clock } from '../util/clock.js';
import { errorCode } from './acks.js';
import type { Flow } from './flow.js';
import type { ReaderMessage } from './message.js';
import type { RandomSource } from './random.js';
import { ReceivePacing } from './receive-pacing.js';

export const EMPTY_RECEIVE_PACE_MS = 50;

export interface PollersOptions {
  readonly count: number;
  readonly flow: Flow;
  readonly clock: Clock;
  /** Aborts at stop: no receive is sent after it, and long polls in flight are cancelled. */
  readonly signal: AbortSignal;
  readonly waitSeconds: number;
  /** After a partly full answer, wait this long before the next receive (ms); 0: no pacing (receive-pacing.ts). */
  readonly lingerMs: number;
  /** For the error messages (where SQS is). */
  readonly sqsConfig: SqsConfig;
  readonly random?: RandomSource;
  readonly receive: (max: number, waitSeconds: number, signal: AbortSignal) => Promise<ReaderMessage[]>;
  /** Messages received while running. */
  readonly accept: (messages: readonly ReaderMessage[]) => void;
  /** Messages whose receive raced with stop: they never start. */
  readonly handBack: (messages: readonly ReaderMessage[]) => void;
  readonly warn: (message: string, code: string) => void;
  /** The queue is gone: the reader must stop. */
  readonly fatal: (err: unknown) => void;
}

/** Start `count` pollers; resolves when all of them have ended (at stop, or on a fatal error). */
export function runPollers(options: PollersOptions): Promise<void> {
  const pacing = new ReceivePacing(options.count, options.lingerMs, options.signal);
  return Promise.all(Array.from({ length: options.count }, (_, index) => poll(options, pacing, index))).then(() => undefined);
}

async function poll(o: PollersOptions, pacing: ReceivePacing, index: number): Promise<void> {
  const { flow, clock, signal } = o;
  const stopping = (): boolean => signal.aborted;
  let failures = 0;
  while (!stopping()) {
    await pacing.waitForTurn(index, stopping);
    await flow.waitForRoom(stopping);
    if (stopping()) return;
    if (index >= pacing.activePollers) continue; // sent to rest while it waited for room
    const max = flow.tryReserve();
    if (max === 0) continue; // another poller took the room first
    const sentAt = clock.monotonic();
    let messages: ReaderMessage[];
    try {
      messages = await o.receive(max, o.waitSeconds, signal);
      failures = 0;
    } catch (err) {
      flow.unreserve(max);
      if (stopping()) return;
      if (isQueueMissing(err)) return o.fatal(err);
      failures += 1;
      const waitMs = backoffMs(failures - 1, 250, 10_000, o.random);
      const kind = isTransient(err) ? 'SQS unavailable' : 'SQS error';
      o.warn(`receive failed (${kind}: ${toSqsdemoError(err, o.sqsConfig).message}); retrying in ${(waitMs / 1000).toFixed(1)} s`, errorCode(err));
      await clock.sleep(waitMs, signal);
      continue;
    }
    flow.unreserve(max);
    const lingerMs = pacing.answered(messages.length, max);
    if (messages.length > 0) {
      if (stopping()) o.handBack(messages);
      else o.accept(messages);
      if (lingerMs > 0) await clock.sleep(lingerMs, signal);
      continue;
    }
    const early = EMPTY_RECEIVE_PACE_MS - (clock.monotonic() - sentAt);
    if (early > 0) await clock.sleep(early, signal);
  }
}
