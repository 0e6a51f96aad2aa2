/**
 * What the writer knows about its queue: whether SQS answers, the queue URL and
 * its MaximumMessageSize. A probe (GetQueueUrl when needed, GetQueueAttributes)
 * runs every `healthyIntervalMs` to refresh the size limit, and every
 * `unhealthyIntervalMs` while SQS is down, so the writer recovers by itself.
 * `/healthz` reads this state: no SQS call per health request.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { classifySqsError } from '../sqs/errors.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';

/**
 * SQS's default MaximumMessageSize (256 KiB), used until the queue says otherwise. Not the
 * largest: since 2025 a queue may take up to 1 MiB, and the probe reads the queue's own value.
 */
export const SQS_DEFAULT_MAX_MESSAGE_BYTES = 262_144;

export type ProbeOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'unreachable'; readonly error: unknown }
  | { readonly kind: 'missing'; readonly error: unknown }
  | { readonly kind: 'error'; readonly error: unknown };

export interface QueueStateOptions {
  readonly client: SQSClient;
  readonly queueName: string;
  /** A URL already resolved; otherwise the first probe asks GetQueueUrl. */
  readonly queueUrl?: string;
  /** Probe period while healthy (ms, default 10 000): refreshes MaximumMessageSize. */
  readonly healthyIntervalMs?: number;
  /** Probe period while SQS is down (ms, default 500): how fast the writer recovers. */
  readonly unhealthyIntervalMs?: number;
  /** Called when health flips; `reason` says why in a few words. */
  readonly onChange?: (healthy: boolean, reason: string) => void;
  readonly clock?: Clock;
}

export class QueueState {
  healthy = false;
  reason = 'not probed yet';
  queueUrl: string | undefined;
  maxMessageBytes = SQS_DEFAULT_MAX_MESSAGE_BYTES;
  private timer: Timer | undefined;
  private stopped = false;
  private probing: Promise<ProbeOutcome> | undefined;

  constructor(private readonly options: QueueStateOptions) {
    this.queueUrl = options.queueUrl;
  }

  /** Start the periodic probe (the first one after one interval; call `probe()` for one now). */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** A send failed for lack of SQS: flip to unhealthy and probe soon. */
  markUnavailable(reason: string): void {
    if (!this.healthy) return;
    this.set(false, reason);
    this.schedule();
  }

  /** Probe once now (concurrent callers share one probe). */
  probe(): Promise<ProbeOutcome> {
    this.probing ??= this.runProbe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async runProbe(): Promise<ProbeOutcome> {
    const { client, queueName } = this.options;
    try {
      this.queueUrl ??= (await client.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
      const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['MaximumMessageSize'] }));
      const max = Number(out.Attributes?.MaximumMessageSize);
      if (Number.isInteger(max) && max > 0) this.maxMessageBytes = max;
      this.set(true, 'answering');
      return { kind: 'ok' };
    } catch (error) {
      const cls = classifySqsError(error);
      if (cls === 'queue_missing') {
        this.set(false, `queue "${queueName}" does not exist (run \`sqsdemo setup\`)`);
        return { kind: 'missing', error };
      }
      if (cls === 'network' || cls === 'transient') {
        const e = error as { code?: string; name?: string };
        this.set(false, `cannot reach SQS (${e.code ?? e.name ?? 'network error'})`);
        return { kind: 'unreachable', error };
      }
      this.set(false, `SQS refused the probe (${(error as { name?: string }).name ?? 'error'})`);
      return { kind: 'error', error };
    }
  }

  private set(healthy: boolean, reason: string): void {
    const changed = healthy !== this.healthy || (!healthy && reason !== this.reason);
    this.healthy = healthy;
    this.reason = reason;
    if (changed) this.options.onChange?.(healthy, reason);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer?.cancel();
    const ms = this.healthy ? (this.options.healthyIntervalMs ?? 10_000) : (this.options.unhealthyIntervalMs ?? 500);
    // The writer's close() stops the probe (and so cancels this timer).
    this.timer = (this.options.clock ?? systemClock).setTimer(() => {
      this.timer = undefined;
      void this.probe().finally(() => this.schedule());
    }, ms);
  }
}
