/**
 * One config layer: flags > environment > defaults, validated once, frozen.
 *
 * Commander reads the flags and, through `Option.env()`, the SQSDEMO_* variables;
 * the parsers below validate each value as it is read (a bad one is a UsageError,
 * exit 2). `resolveSqsConfig` then settles where SQS is, including the standard
 * AWS variables the SDK itself understands.
 */
import { InvalidArgumentError } from 'commander';
import { UsageError } from './errors.js';

/** The local endpoint `sqsdemo sqs` listens on by default. */
export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:9324';
export const DEFAULT_QUEUE = 'q1_standard';
export const DEFAULT_DLQ = 'q1_standard_dlq';
/** Region used for non-AWS endpoints when none is configured (SigV4 needs one). */
export const DEFAULT_LOCAL_REGION = 'us-east-1';

export type Env = Readonly<Record<string, string | undefined>>;

/** Where SQS is and which queues to use. */
export interface SqsConfig {
  /** Endpoint URL; undefined means the SDK resolves it (real AWS, or AWS_ENDPOINT_URL_SQS). */
  readonly endpoint: string | undefined;
  /** True with `--aws`: the SDK's own credential, region and endpoint chain. */
  readonly aws: boolean;
  /** Region; undefined with `--aws` means the SDK's chain (AWS_REGION, profile). */
  readonly region: string | undefined;
  /** AWS shared-config profile (AWS_PROFILE), only with `--aws`. */
  readonly profile: string | undefined;
  readonly queueName: string;
  readonly dlqName: string;
}

/** The raw SQS options as commander hands them over (see commands/sqs-options.ts). */
export interface SqsFlags {
  readonly endpoint?: string;
  readonly aws?: boolean;
  readonly region?: string;
  readonly queue?: string;
  readonly dlq?: string;
}

export function resolveSqsConfig(flags: SqsFlags, env: Env): SqsConfig {
  if (flags.aws && flags.endpoint !== undefined) {
    throw new UsageError('--aws and --endpoint cannot be used together', 'use --aws for real AWS, --endpoint URL for anything else');
  }
  const queueName = flags.queue ?? DEFAULT_QUEUE;
  const dlqName = flags.dlq ?? `${queueName}_dlq`;
  if (queueName === dlqName) throw new UsageError(`--queue and --dlq must differ (both are "${queueName}")`);
  if (flags.aws) {
    return Object.freeze({
      endpoint: undefined,
      aws: true,
      region: flags.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
      profile: nonEmpty(env.AWS_PROFILE),
      queueName,
      dlqName,
    });
  }
  const endpoint = flags.endpoint ?? parseOptional(nonEmpty(env.AWS_ENDPOINT_URL_SQS), parseUrl, 'AWS_ENDPOINT_URL_SQS') ?? DEFAULT_LOCAL_ENDPOINT;
  return Object.freeze({
    endpoint,
    aws: false,
    region: flags.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULT_LOCAL_REGION,
    profile: undefined,
    queueName,
    dlqName,
  });
}

/** A short human description of where SQS is, for log lines and errors. */
export function describeSqs(config: SqsConfig): string {
  if (config.endpoint !== undefined) return config.endpoint;
  return `AWS SQS (${config.region ?? 'region from the AWS config'})`;
}

// ---------------------------------------------------------------------------
// Value parsers. Each throws commander's InvalidArgumentError, which the CLI
// reports as "option '--x <n>' argument 'y' is invalid. <reason>", exit 2.

export function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Allowed: a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

export function floatIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`Allowed: a number from ${min} to ${max}.`);
    }
    return n;
  };
}

/** Durations like `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds. Returns milliseconds. */
export function parseDuration(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('Allowed: a duration such as 500ms, 30s, 5m or 1h (a bare number means seconds).');
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(n * factor);
}

/** A duration (see parseDuration) from `minMs` to `maxMs` milliseconds. */
export function durationIn(minMs: number, maxMs: number): (value: string) => number {
  return (value) => {
    const ms = parseDuration(value);
    if (ms < minMs || ms > maxMs) throw new InvalidArgumentError(`Allowed: from ${formatMs(minMs)} to ${formatMs(maxMs)}.`);
    return ms;
  };
}

/** 500 -> "500ms", 90000 -> "90s", 3600000 -> "1h": for messages about durations. */
export function formatMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Allowed: an http:// or https:// URL, e.g. http://127.0.0.1:9324.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('Allowed: an http:// or https:// URL, e.g. http://127.0.0.1:9324.');
  }
  return value.replace(/\/+$/, '');
}

/** SQS queue names: 1-80 of A-Z a-z 0-9 _ - (standard queues). */
export function parseQueueName(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(value)) {
    throw new InvalidArgumentError('Allowed: 1 to 80 letters, digits, "_" or "-".');
  }
  return value;
}

export function parseHost(value: string): string {
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(value)) throw new InvalidArgumentError('Allowed: a host name or IP address, e.g. 127.0.0.1 or 0.0.0.0.');
  return value;
}

export const parsePort = intIn(0, 65535);

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseOptional<T>(value: string | undefined, parse: (v: string) => T, name: string): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (err) {
    throw new UsageError(`${name}="${value}" is invalid. ${(err as Error).message}`);
  }
}
