/**
 * Settable queue attributes: defaults, validation and the wire form. Numbers
 * used on the hot path are kept parsed; the rest are kept as the strings given.
 */
import { invalidAttributeName, invalidAttributeValue, invalidParameterValue } from './errors.js';
import { describe, field } from './input.js';
import { checkJsonShape } from './json-shape.js';

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface QueueSettings {
  /** Seconds (0-900) every message is delayed unless SendMessage says otherwise. */
  delaySeconds: number;
  /** Bytes (1024-1048576): body plus message attributes. */
  maximumMessageSize: number;
  /** Seconds (60-1209600) a message is kept, counted from its first send. */
  messageRetentionPeriod: number;
  /** Seconds (0-20) a ReceiveMessage waits when the request has no WaitTimeSeconds. */
  receiveMessageWaitTimeSeconds: number;
  /** Seconds (0-43200) a received message stays invisible. */
  visibilityTimeout: number;
  redrivePolicy: RedrivePolicy | undefined;
  /** Set once, at creation, from the name (`.fifo`) and the FifoQueue attribute. */
  fifoQueue: boolean;
  /** FIFO: the body's SHA-256 is the deduplication id when a send gives none. */
  contentBasedDeduplication: boolean;
  /** FIFO: `queue` or `messageGroup` (deduplication ids are unique per group). */
  deduplicationScope: 'queue' | 'messageGroup';
  /** FIFO: `perQueue` or `perMessageGroupId` (stored and returned; no throughput quota is modelled). */
  fifoThroughputLimit: 'perQueue' | 'perMessageGroupId';
  /** Policy, RedriveAllowPolicy, KMS and SSE attributes: stored, returned, otherwise ignored. */
  readonly other: Map<string, string>;
}

export function defaultSettings(): QueueSettings {
  return {
    delaySeconds: 0,
    maximumMessageSize: 1_048_576,
    messageRetentionPeriod: 345_600,
    receiveMessageWaitTimeSeconds: 0,
    visibilityTimeout: 30,
    redrivePolicy: undefined,
    fifoQueue: false,
    contentBasedDeduplication: false,
    deduplicationScope: 'queue',
    fifoThroughputLimit: 'perQueue',
    other: new Map([['SqsManagedSseEnabled', 'true']]),
  };
}

// Maps, not object literals: an attribute named `constructor` must be unknown, not Object.
const NUMERIC = new Map<string, readonly [keyof QueueSettings, number, number]>([
  ['DelaySeconds', ['delaySeconds', 0, 900]],
  ['MaximumMessageSize', ['maximumMessageSize', 1024, 1_048_576]],
  ['MessageRetentionPeriod', ['messageRetentionPeriod', 60, 1_209_600]],
  ['ReceiveMessageWaitTimeSeconds', ['receiveMessageWaitTimeSeconds', 0, 20]],
  ['VisibilityTimeout', ['visibilityTimeout', 0, 43_200]],
]);
const OTHER = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']);
/** FIFO attributes that may be set (at creation or later) on a FIFO queue only, with their allowed values. */
const FIFO_SETTABLE = new Map<string, readonly [keyof QueueSettings, readonly string[]]>([
  ['ContentBasedDeduplication', ['contentBasedDeduplication', ['true', 'false']]],
  ['DeduplicationScope', ['deduplicationScope', ['queue', 'messageGroup']]],
  ['FifoThroughputLimit', ['fifoThroughputLimit', ['perQueue', 'perMessageGroupId']]],
]);

/** Wire name of each settings field (for CreateQueue's comparison with an existing queue). */
const WIRE_NAME = new Map<keyof QueueSettings, string>([
  ...[...NUMERIC].map(([wire, [key]]) => [key, wire] as const),
  ...[...FIFO_SETTABLE].map(([wire, [key]]) => [key, wire] as const),
  ['fifoQueue', 'FifoQueue'],
]);

/** What parseAttributes needs to know about the queue and its neighbours. */
export interface AttributeContext {
  /** The queue is (or is being created as) a FIFO queue. */
  readonly fifo: boolean;
  /** CreateQueue (FifoQueue may be given) rather than SetQueueAttributes (it may not). */
  readonly creating: boolean;
  /** Whether the queue with this ARN is FIFO; undefined when there is none (RedrivePolicy targets). */
  readonly queueKind: (arn: string) => 'fifo' | 'standard' | undefined;
}
export const READ_ONLY = [
  'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn',
] as const;

/** Parse and validate attributes against the queue's kind (see AttributeContext). Throws before changing anything. */
export function parseAttributes(attrs: ReadonlyMap<string, string>, ctx: AttributeContext): Partial<QueueSettings> & { other?: Map<string, string> } {
  const out: Partial<Record<keyof QueueSettings, unknown>> = {};
  const other = new Map<string, string>();
  for (const [name, value] of attrs) {
    const numeric = NUMERIC.get(name);
    if (numeric) {
      const [key, min, max] = numeric;
      const n = Number(value);
      if (value.trim() === '' || value.length > 32 || !Number.isInteger(n) || n < min || n > max) throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      out[key] = n;
    } else if (name === 'RedrivePolicy') {
      out.redrivePolicy = value === '' ? undefined : parseRedrive(value, ctx);
    } else if (OTHER.has(name)) {
      if (name === 'SqsManagedSseEnabled' && value !== 'true' && value !== 'false') throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      if (name === 'KmsDataKeyReusePeriodSeconds' && !(Number.isInteger(Number(value)) && Number(value) >= 60 && Number(value) <= 86_400)) {
        throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      }
      other.set(name, value);
    } else if (name === 'FifoQueue') {
      // Only at creation, and createQueue has already matched it against the name.
      if (!ctx.creating) throw invalidAttributeName(name);
      if (value !== (ctx.fifo ? 'true' : 'false')) throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      if (ctx.fifo) out.fifoQueue = true;
    } else if (FIFO_SETTABLE.has(name)) {
      if (!ctx.fifo) throw invalidAttributeName(name);
      const [key, allowed] = FIFO_SETTABLE.get(name)!;
      if (!allowed.includes(value)) throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      out[key] = key === 'contentBasedDeduplication' ? value === 'true' : value;
    } else {
      throw invalidAttributeName(describe(name));
    }
  }
  return { ...(out as Partial<QueueSettings>), ...(other.size > 0 ? { other } : {}) };
}

/**
 * AWS allows FifoThroughputLimit=perMessageGroupId only with DeduplicationScope=messageGroup;
 * checked on the settings as they would be after applying `parsed`.
 */
export function checkFifoCombination(current: QueueSettings, parsed: ReturnType<typeof parseAttributes>): void {
  const scope = parsed.deduplicationScope ?? current.deduplicationScope;
  const limit = parsed.fifoThroughputLimit ?? current.fifoThroughputLimit;
  if (limit === 'perMessageGroupId' && scope !== 'messageGroup') {
    throw invalidAttributeValue('Invalid value for the parameter FifoThroughputLimit. Reason: perMessageGroupId is allowed only when DeduplicationScope is messageGroup.');
  }
}

export function applySettings(settings: QueueSettings, parsed: ReturnType<typeof parseAttributes>): void {
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'other') for (const [k, v] of value as Map<string, string>) settings.other.set(k, v);
    else (settings as unknown as Record<string, unknown>)[key] = value;
  }
}

function parseRedrive(value: string, ctx: AttributeContext): RedrivePolicy {
  const bad = (reason: string) => invalidParameterValue(`Value ${describe(value)} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
  let json: unknown;
  try {
    checkJsonShape(value);
    json = JSON.parse(value);
  } catch {
    throw bad('Redrive policy is not a valid JSON map.');
  }
  const arn = field(json, 'deadLetterTargetArn');
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof arn !== 'string') {
    throw bad('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  }
  const raw = field(json, 'maxReceiveCount');
  if (raw === undefined) throw bad('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  // Only a number or a numeric string: Number() of a client object could throw.
  const count = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' && raw.length <= 32 ? Number(raw) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw bad('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  const kind = ctx.queueKind(arn);
  if (kind === undefined) throw bad('Dead letter target does not exist.');
  if ((kind === 'fifo') !== ctx.fifo) throw bad('Dead-letter queue must be same type of queue as the source.');
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
}

/** The settable attributes in their wire form (all strings). */
export function settingsToWire(s: QueueSettings): Record<string, string> {
  const out: Record<string, string> = {
    DelaySeconds: String(s.delaySeconds),
    MaximumMessageSize: String(s.maximumMessageSize),
    MessageRetentionPeriod: String(s.messageRetentionPeriod),
    ReceiveMessageWaitTimeSeconds: String(s.receiveMessageWaitTimeSeconds),
    VisibilityTimeout: String(s.visibilityTimeout),
  };
  if (s.redrivePolicy) out.RedrivePolicy = JSON.stringify(s.redrivePolicy);
  if (s.fifoQueue) {
    out.FifoQueue = 'true';
    out.ContentBasedDeduplication = String(s.contentBasedDeduplication);
    out.DeduplicationScope = s.deduplicationScope;
    out.FifoThroughputLimit = s.fifoThroughputLimit;
  }
  for (const [k, v] of s.other) out[k] = v;
  return out;
}

/** True when every given attribute equals the current value (CreateQueue's idempotency). */
export function sameSettings(current: QueueSettings, wanted: ReturnType<typeof parseAttributes>): string | undefined {
  const wire = settingsToWire(current);
  const probe = defaultSettings();
  probe.other.clear();
  probe.fifoQueue = current.fifoQueue;
  applySettings(probe, wanted);
  const wantedWire = settingsToWire(probe);
  for (const key of Object.keys(wanted)) {
    if (key === 'other') {
      for (const [k, v] of wanted.other!) if (wire[k] !== v) return k;
      continue;
    }
    const name = WIRE_NAME.get(key as keyof QueueSettings) ?? 'RedrivePolicy';
    if (wire[name] !== wantedWire[name]) return name;
  }
  return undefined;
}
