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
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
export const READ_ONLY = [
  'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn',
] as const;

/** Parse and validate attributes; `dlqExists` checks a RedrivePolicy target. Throws before changing anything. */
export function parseAttributes(attrs: ReadonlyMap<string, string>, dlqExists: (arn: string) => boolean): Partial<QueueSettings> & { other?: Map<string, string> } {
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
      out.redrivePolicy = value === '' ? undefined : parseRedrive(value, dlqExists);
    } else if (OTHER.has(name)) {
      if (name === 'SqsManagedSseEnabled' && value !== 'true' && value !== 'false') throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      if (name === 'KmsDataKeyReusePeriodSeconds' && !(Number.isInteger(Number(value)) && Number(value) >= 60 && Number(value) <= 86_400)) {
        throw invalidAttributeValue(`Invalid value for the parameter ${name}.`);
      }
      other.set(name, value);
    } else if (FIFO_ONLY.has(name)) {
      if (name === 'FifoQueue' && value === 'false') continue;
      throw invalidAttributeName(describe(name));
    } else {
      throw invalidAttributeName(describe(name));
    }
  }
  return { ...(out as Partial<QueueSettings>), ...(other.size > 0 ? { other } : {}) };
}

export function applySettings(settings: QueueSettings, parsed: ReturnType<typeof parseAttributes>): void {
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'other') for (const [k, v] of value as Map<string, string>) settings.other.set(k, v);
    else (settings as unknown as Record<string, unknown>)[key] = value;
  }
}

function parseRedrive(value: string, dlqExists: (arn: string) => boolean): RedrivePolicy {
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
  if (!dlqExists(arn)) throw bad('Dead letter target does not exist.');
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
  for (const [k, v] of s.other) out[k] = v;
  return out;
}

/** True when every given attribute equals the current value (CreateQueue's idempotency). */
export function sameSettings(current: QueueSettings, wanted: ReturnType<typeof parseAttributes>): string | undefined {
  const wire = settingsToWire(current);
  const probe = defaultSettings();
  probe.other.clear();
  applySettings(probe, wanted);
  const wantedWire = settingsToWire(probe);
  for (const key of Object.keys(wanted)) {
    if (key === 'other') {
      for (const [k, v] of wanted.other!) if (wire[k] !== v) return k;
      continue;
    }
    const name = [...NUMERIC].find(([, [k]]) => k === key)?.[0] ?? 'RedrivePolicy';
    if (wire[name] !== wantedWire[name]) return name;
  }
  return undefined;
}
