/**
 * One config layer: flags > environment > defaults, validated once, frozen.
 *
 * The environment is read here and nowhere else, always from the `env` the
 * composition root hands over (process.env in the real CLI, whatever a test
 * passes in-process; commander's own `Option.env()`, which reads process.env
 * behind our back, is not used). Commander reads the flags; `applyEnvironment`
 * (a preAction hook in src/cli.ts) fills the options declared with `fromEnv`
 * from `env` where no flag was given; the parsers below validate each value as
 * it is read (a bad one is a UsageError, exit 2). `resolveSqsConfig` then
 * settles where SQS is, including the standard AWS variables the SDK knows.
 */
import { InvalidArgumentError, type Command, type Option } from 'commander';
import { UsageError } from './errors.js';

/** The local endpoint `sqsdemo sqs` listens on by default. */
export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:9324';
export const DEFAULT_QUEUE = 'q1_standard';
/** The main queue with --fifo and no --queue (its dead-letter queue: q1_fifo_dlq.fifo). */
export const DEFAULT_FIFO_QUEUE = 'q1_fifo.fifo';
/** `sqs --credentials` / `dash --credentials` from the environment: KEY:SECRET, several comma-separated. */
export const CREDENTIALS_ENV = 'SQSDEMO_CREDENTIALS';
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
  /** FIFO queues: the main queue's name ends in .fifo (--fifo or a .fifo --queue), and so does its DLQ's. */
  readonly fifo: boolean;
  /** True when nothing said where SQS is (no --endpoint, SQSDEMO_ENDPOINT, AWS_ENDPOINT_URL_SQS or --aws): the local default. */
  readonly endpointIsDefault: boolean;
  /**
   * Keys for a non-AWS endpoint: the environment's AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when
   * set, otherwise fixed local ones (local engines accept any signature). Undefined with --aws:
   * the SDK's own credential chain.
   */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string } | undefined;
  /**
   * How the hot calls (Send/Receive/DeleteMessageBatch, ChangeMessageVisibilityBatch) reach SQS:
   * `lean` (default) through src/sqs/lean, `sdk` through the SDK's middleware stack. Every other call uses the SDK.
   */
  readonly sqsClient: SqsClientKind;
}

export type SqsClientKind = 'lean' | 'sdk';
export const SQS_CLIENT_KINDS: readonly SqsClientKind[] = ['lean', 'sdk'];

/** The raw SQS options as commander hands them over (see commands/sqs-options.ts). */
export interface SqsFlags {
  readonly endpoint?: string;
  readonly aws?: boolean;
  readonly region?: string;
  readonly queue?: string;
  readonly dlq?: string;
  /** FIFO queues: --queue gets the .fifo suffix when it has none (default q1_fifo.fifo). */
  readonly fifo?: boolean;
  /** --sqs-client (default lean). */
  readonly sqsClient?: SqsClientKind;
}

/** The main and dead-letter queue names: a FIFO main queue (.fifo) needs a FIFO dead-letter queue. */
function queueNames(flags: SqsFlags): { queueName: string; dlqName: string; fifo: boolean } {
  let queueName = flags.queue ?? (flags.fifo ? DEFAULT_FIFO_QUEUE : DEFAULT_QUEUE);
  if (flags.fifo && !queueName.endsWith('.fifo')) queueName = `${queueName}.fifo`;
  const fifo = queueName.endsWith('.fifo');
  const dlqName = flags.dlq ?? (fifo ? `${queueName.slice(0, -'.fifo'.length)}_dlq.fifo` : `${queueName}_dlq`);
  if (queueName.length > 80) throw new UsageError(`the queue name "${queueName}" is longer than SQS's 80 characters`, 'use a shorter --queue name');
  if (fifo !== dlqName.endsWith('.fifo')) {
    throw new UsageError(
      `the main queue "${queueName}" and the dead-letter queue "${dlqName}" must both be FIFO (.fifo) or both standard`,
      fifo ? 'name the dead-letter queue NAME.fifo, or leave --dlq out' : 'leave .fifo out of --dlq, or use --fifo',
    );
  }
  return { queueName, dlqName, fifo };
}

/** Local engines accept any signature; these keys are used when the environment has none. */
const LOCAL_CREDENTIALS = Object.freeze({ accessKeyId: 'sqsdemo', secretAccessKey: 'sqsdemo' });

export function resolveSqsConfig(flags: SqsFlags, env: Env): SqsConfig {
  if (flags.aws && flags.endpoint !== undefined) {
    throw new UsageError('--aws and --endpoint cannot be used together', 'use --aws for real AWS, --endpoint URL for anything else');
  }
  if (flags.region !== undefined && !/^[a-z0-9-]{1,64}$/.test(flags.region)) {
    throw new UsageError(`--region "${flags.region}" is not a region name`, 'pass a region such as eu-west-1, or leave --region out');
  }
  const { queueName, dlqName, fifo } = queueNames(flags);
  if (dlqName.length > 80) {
    throw new UsageError(
      `the dead-letter queue name "${dlqName}" (--queue + "_dlq") is longer than SQS's 80 characters`,
      'use a --queue name of at most 76 characters, or name the dead-letter queue with --dlq',
    );
  }
  if (queueName === dlqName) throw new UsageError(`--queue and --dlq must differ (both are "${queueName}")`);
  if (flags.aws) {
    return Object.freeze({
      endpoint: undefined,
      aws: true,
      region: flags.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
      profile: nonEmpty(env.AWS_PROFILE),
      queueName,
      dlqName,
      fifo,
      endpointIsDefault: false,
      credentials: undefined,
      sqsClient: flags.sqsClient ?? 'lean',
    });
  }
  const fromEnvironment = parseOptional(nonEmpty(env.AWS_ENDPOINT_URL_SQS), parseUrl, 'AWS_ENDPOINT_URL_SQS');
  const endpoint = flags.endpoint ?? fromEnvironment ?? DEFAULT_LOCAL_ENDPOINT;
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return Object.freeze({
    endpoint,
    aws: false,
    region: flags.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULT_LOCAL_REGION,
    profile: undefined,
    queueName,
    dlqName,
    fifo,
    endpointIsDefault: flags.endpoint === undefined && fromEnvironment === undefined,
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? Object.freeze({ accessKeyId, secretAccessKey, ...(sessionToken !== undefined ? { sessionToken } : {}) })
        : LOCAL_CREDENTIALS,
    sqsClient: flags.sqsClient ?? 'lean',
  });
}

/** The test Ink uses (is-in-ci): CI or CONTINUOUS_INTEGRATION set, or any CI_* variable; CI=0/false is off. */
export function isCi(env: Env): boolean {
  if (env.CI === '0' || env.CI === 'false') return false;
  return env.CI !== undefined || env.CONTINUOUS_INTEGRATION !== undefined || Object.keys(env).some((k) => k.startsWith('CI_'));
}

// ---------------------------------------------------------------------------
// Options that may come from the environment (flags win).

const ENV_NAMES = new WeakMap<Option, string>();

/** Declare that `option` may be given by the environment variable `name`; `applyEnvironment` reads it. */
export function fromEnv<T extends Option>(option: T, name: string): T {
  ENV_NAMES.set(option, name);
  return option;
}

/** The environment variable `option` was declared with (for --help), if any. */
export function envNameOf(option: Option): string | undefined {
  return ENV_NAMES.get(option);
}

/**
 * Fill `command`'s options declared with `fromEnv` from `env`, where the
 * command line gave none: flags win over the environment, which wins over
 * defaults. A bad value is a UsageError naming the variable (exit 2).
 */
export function applyEnvironment(command: Command, env: Env): void {
  for (const option of command.options) {
    const name = ENV_NAMES.get(option);
    const raw = name === undefined ? undefined : env[name];
    if (name === undefined || raw === undefined) continue;
    const key = option.attributeName();
    const source = command.getOptionValueSource(key);
    if (source !== undefined && source !== 'default' && source !== 'implied') continue;
    let value: unknown;
    if (option.required || option.optional) {
      try {
        value = option.parseArg ? option.parseArg(raw, undefined) : raw;
      } catch (err) {
        throw new UsageError(`${name}="${raw}" is invalid. ${(err as Error).message}`, `fix or unset ${name}`);
      }
    } else {
      // A boolean flag: "", 0, false and no are off.
      value = !/^(0|false|no)?$/i.test(raw.trim());
    }
    command.setOptionValueWithSource(key, value, 'env');
  }
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
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(value) && !/^[A-Za-z0-9_-]{1,75}\.fifo$/.test(value)) {
    throw new InvalidArgumentError('Allowed: 1 to 80 letters, digits, "_" or "-" (a FIFO queue: the same ending in .fifo).');
  }
  return value;
}

export function parseHost(value: string): string {
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(value)) throw new InvalidArgumentError('Allowed: a host name or IP address, e.g. 127.0.0.1 or 0.0.0.0.');
  return value;
}

export const parsePort = intIn(0, 65535);

export function parseSqsClient(value: string): SqsClientKind {
  const kind = SQS_CLIENT_KINDS.find((k) => k === value.trim());
  if (kind === undefined) throw new InvalidArgumentError(`Allowed: ${SQS_CLIENT_KINDS.join(' or ')}.`);
  return kind;
}

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
