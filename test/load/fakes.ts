/** A hand-driven clock and a sender whose answers the test gives, for the generator's specs. */
import type { LoadClock } from '../../src/load/clock.js';
import type { RequestSlot } from '../../src/load/payloads.js';
import type { SendDone, Sender } from '../../src/load/sender.js';

export class ManualClock implements LoadClock {
  private t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;

  now(): number {
    return this.t;
  }

  wall(): number {
    return 1_700_000_000_000 + this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = ++this.ids;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }

  /** Move time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}

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
    this.sent.push({ slot, sentAt: this.clock.now(), done });
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
