/** A sender whose answers the test gives, on the project's manual clock, for the generator's specs. */
import { ManualClock } from '../helpers/manual-clock.js';
import type { RequestSlot } from '../../src/load/payloads.js';
import type { SendDone, Sender } from '../../src/load/sender.js';

export { ManualClock };

export interface SentRequest {
  readonly slot: RequestSlot;
  readonly sentAt: number;
  readonly done: SendDone;
}

/** Records each request; the test answers them with `answer()`. With `auto`, answers at once. */
export class ScriptedSender implements Sender {
  readonly sent: SentRequest[] = [];
  private answered = 0;
  closed = false;

  constructor(private readonly clock: ManualClock, private readonly auto?: (slot: RequestSlot) => string) {}

  send(slot: RequestSlot, done: SendDone): void {
    this.sent.push({ slot, sentAt: this.clock.monotonic(), done });
    if (this.auto) done(this.auto(slot), this.auto(slot) === '201' ? `id-${this.sent.length}` : undefined);
  }

  /** Answer the oldest unanswered requests (`count` of them) with the writer's expected status. */
  answerNext(count = 1): void {
    for (let i = 0; i < count; i++) {
      const r = this.sent[this.answered++];
      if (!r) throw new Error('no request waiting for an answer');
      r.done(r.slot.malformed ? '400' : '201', r.slot.malformed ? undefined : `id-${this.answered}`);
    }
  }

  get waiting(): number {
    return this.sent.length - this.answered;
  }

  close(): void {
    this.closed = true;
  }
}

/** The writer's judgement of a body, for senders that answer at once. */
export function expectedStatus(slot: RequestSlot): string {
  return slot.malformed ? '400' : '201';
}
