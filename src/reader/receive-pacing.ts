/**
 * How many pollers receive, and how soon a poller receives again (issue #13).
 * A ReceiveMessage costs about the same whether it brings 1 message or 10
 * (SDK, signing, a socket write, the endpoint's work), and long-polling
 * pollers are each handed whatever arrived first: at a steady 1,500 msg/s,
 * four always-waiting pollers made one receive per send batch (4.4 messages
 * per receive). Pacing makes receives fuller without slowing a backlog down:
 *
 * - Active pollers: one at first. A full answer (as many messages as asked:
 *   there is a backlog) lets one more poller receive, up to `pollers`; an
 *   answer with fewer sends the last one that joined back to rest. So one
 *   poller long-polls at low and moderate rates, all of them under a backlog.
 * - Linger: after an answer that was not full but not empty either, the
 *   poller waits `lingerMs` before its next receive, so what arrives meanwhile
 *   comes in one receive instead of one each. A full answer never waits; an
 *   empty one long-polls again at once (the pollers' own pacing of early
 *   empty answers still applies).
 *
 * So a message waits at most about `lingerMs` longer for its receive, and only
 * at rates where receives come back partly full. `lingerMs` 0 turns pacing
 * off: every poller receives all the time, at once again (the behaviour before
 * #13, and still the default against AWS, where answers can come back partly
 * full with a backlog behind them).
 */

export class ReceivePacing {
  private active: number;
  /** Full answers since the last one that was not: two in a row mean a backlog. */
  private fullInARow = 0;
  private waiters: Array<() => void> = [];

  constructor(
    readonly pollers: number,
    readonly lingerMs: number,
    signal: AbortSignal,
  ) {
    this.active = lingerMs > 0 ? 1 : pollers;
    // One listener for all pollers: resting ones wake at stop and see the signal.
    signal.addEventListener('abort', () => this.wake(), { once: true });
  }

  /** Pollers allowed to receive now (1..pollers). */
  get activePollers(): number {
    return this.active;
  }

  /** Resolve once poller `index` (0-based) may receive, or `until()` holds (re-checked on every change). */
  async waitForTurn(index: number, until: () => boolean): Promise<void> {
    while (index >= this.active && !until()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** A receive for `asked` messages brought `got`: returns how long (ms) that poller waits before its next receive. */
  answered(got: number, asked: number): number {
    if (this.lingerMs <= 0) return 0;
    if (got >= asked) {
      this.fullInARow += 1;
      if (this.fullInARow >= 2 && this.active < this.pollers) {
        this.fullInARow = 0;
        this.active += 1;
        this.wake();
      }
      return 0;
    }
    this.fullInARow = 0;
    if (this.active > 1) this.active -= 1;
    return got > 0 ? this.lingerMs : 0;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
