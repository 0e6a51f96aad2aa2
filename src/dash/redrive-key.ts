/**
 * The `d` key: move the dead-letter queue's messages back to the main queue
 * (`sqsdemo redrive`'s core, on dash's own SQS client), one redrive at a time,
 * its progress and outcome in the footer. Quitting dash cancels it (`stop`).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SqsConfig } from '../config.js';
import { redrive, type RedriveEvent } from '../sqs/redrive.js';
import type { Clock } from '../util/clock.js';

export interface RedriveKeyDeps {
  /** dash's SQS client and config; undefined until setup ran. */
  readonly sqs: () => { readonly client: SQSClient; readonly config: SqsConfig } | undefined;
  /** Show one line in the footer. */
  readonly show: (line: string) => void;
  readonly clock: Clock;
}

export interface RedriveKey {
  /** The key press; resolves when this press's redrive is over (at once when none starts). */
  press(): Promise<void>;
  /** Cancel a running redrive and wait for it (dash is quitting). */
  stop(): Promise<void>;
}

export function createRedriveKey(deps: RedriveKeyDeps): RedriveKey {
  let running: { readonly abort: AbortController; readonly done: Promise<void> } | undefined;
  return {
    press() {
      if (running) {
        deps.show('redrive: one is already running');
        return Promise.resolve();
      }
      const sqs = deps.sqs();
      if (sqs === undefined) {
        deps.show('redrive: the queues are not set up yet');
        return Promise.resolve();
      }
      const abort = new AbortController();
      deps.show('redrive: starting...');
      const done = redrive({ config: sqs.config }, { client: sqs.client, clock: deps.clock, signal: abort.signal, onEvent: (e) => deps.show(progressLine(e)) }).then(
        (r) => deps.show(`redrive: ${r.status === 'completed' ? 'moved' : 'cancelled after'} ${r.moved} of ${r.toMove} back to ${sqs.config.queueName} (${r.method})`),
        (err: unknown) => deps.show(`redrive failed: ${(err as Error).message}`),
      ).finally(() => {
        running = undefined;
      });
      running = { abort, done };
      return done;
    },
    async stop() {
      const r = running;
      if (!r) return;
      r.abort.abort();
      await r.done;
    },
  };
}

function progressLine(e: RedriveEvent): string {
  switch (e.type) {
    case 'start':
      return `redrive: ${e.toMove} from ${e.from} (${e.method})`;
    case 'fallback':
      return 'redrive: no move tasks here; receiving, sending, deleting';
    case 'progress':
      return `redrive: moved ${e.moved}/${e.toMove}`;
  }
}
