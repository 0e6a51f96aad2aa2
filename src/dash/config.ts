/**
 * What `sqsdemo dash` runs, settled once from the flags. The defaults give a
 * lively, steady first screen without saturating a 2-core machine: 200
 * requests/s in open loop, 100 ms tasks, about 1 failure in 11 (the original).
 */
import { CREDENTIALS_ENV, type Env, type SqsConfig } from '../config.js';
import type { MalformedKind } from '../load/config.js';
import { formatCredentials, type Credentials } from '../localsqs/sigv4.js';

export interface DashConfig {
  readonly sqs: SqsConfig;
  /** Start `sqsdemo sqs` on a free port (no --endpoint, --aws or AWS_ENDPOINT_URL_SQS given). */
  readonly startLocal: boolean;
  /** Draw with Ink (a terminal) or print plain summaries (pipes, CI, --no-tty). */
  readonly tty: boolean;
  /** Stop after this long (ms); undefined: until q / Ctrl-C. */
  readonly durationMs: number | undefined;
  /** Plain mode: a summary line this often (ms). */
  readonly summaryEveryMs: number;
  /** At stop: wait at most this long (ms) for work to empty the queue before stopping it. */
  readonly drainMs: number;

  // load
  /** Open-loop target rate, requests/s. */
  readonly rate: number;
  /** Load connections. */
  readonly concurrency: number;
  readonly bodyBytes: number;
  readonly batchSize: number;
  readonly malformedPerBatch: number;
  readonly malformedKinds: readonly MalformedKind[] | undefined;

  // work
  readonly workMs: number;
  readonly failRate: number;
  readonly workConcurrency: number | undefined;
  readonly pollers: number | undefined;
  /** ms; undefined: the queue's visibility timeout. */
  readonly retryDelayMs: number | undefined;
  readonly seed: number | undefined;
  /** work's --data-log: the CSV the `r` key draws (`sqsdemo report`). */
  readonly dataLog?: string;
  /** Keep the data log after dash ends (the user named it); otherwise it is a temp file, removed. */
  readonly keepDataLog?: boolean;
  /** The started endpoint keeps its queues here (`sqs --data-dir`); none: in memory. */
  readonly sqsDataDir?: string;
  /**
   * dash --credentials (only with startLocal): the started endpoint verifies SigV4 with these, and
   * the roles (and dash's own client, in `sqs.credentials`) sign with the first pair.
   */
  readonly endpointCredentials?: readonly Credentials[];

  /** load --groups on FIFO queues (dash --fifo): message groups the load spreads bodies over. */
  readonly groups?: number;

  // setup (queues dash creates when missing)
  readonly visibilityTimeout: number;
  readonly maxReceiveCount: number;
}

export const DASH_DEFAULTS = Object.freeze({
  rate: 200,
  /** Load connections: open only as the rate needs them; 128 keeps 5,000 req/s flowing while serve answers within ~25 ms. */
  concurrency: 128,
  bodyBytes: 100,
  batchSize: 24,
  malformedPerBatch: 1,
  workMs: 100,
  failRate: 0.09,
  /** Without a terminal dash must end by itself. */
  plainDurationMs: 10_000,
  summaryEveryMs: 2_000,
  drainMs: 5_000,
  /** dash --fifo: message groups of the load. */
  groups: 16,
});

/** Access events a second serve sends dash (the rest are counted, not sent). */
export const ACCESS_EVENTS_PER_SECOND = 50;

/** The rates `+` and `-` step through, requests/s. */
export const RATE_STEPS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000];

/** The next step above (`dir` 1) or below (-1) `rate`. */
export function stepRate(rate: number, dir: 1 | -1): number {
  if (dir > 0) return RATE_STEPS.find((r) => r > rate) ?? RATE_STEPS[RATE_STEPS.length - 1]!;
  return [...RATE_STEPS].reverse().find((r) => r < rate) ?? RATE_STEPS[0]!;
}

/** The SQS flags every child gets (the endpoint's URL replaces the config's when dash started it). */
export function sqsArgs(config: DashConfig, endpoint: string | undefined): string[] {
  const args: string[] = [];
  if (config.sqs.aws) {
    args.push('--aws');
    if (config.sqs.region !== undefined) args.push('--region', config.sqs.region);
  } else {
    const url = endpoint ?? config.sqs.endpoint;
    if (url !== undefined) args.push('--endpoint', url);
    if (config.sqs.region !== undefined) args.push('--region', config.sqs.region);
  }
  args.push('--queue', config.sqs.queueName, '--dlq', config.sqs.dlqName, '--sqs-client', config.sqs.sqsClient);
  return args;
}

/** The flags of the endpoint dash starts (`sqsdemo sqs`). */
export function endpointArgs(config: DashConfig): string[] {
  const args = ['--host', '127.0.0.1', '--port', '0', '--json'];
  if (config.sqsDataDir !== undefined) args.push('--data-dir', config.sqsDataDir);
  return args;
}

/**
 * The environment of the endpoint dash starts: with --credentials, SQSDEMO_CREDENTIALS (the
 * environment, not argv, which ps shows to everyone); without, none, whatever dash inherited.
 */
export function endpointEnv(config: DashConfig, env: Env): Env {
  const { [CREDENTIALS_ENV]: _inherited, ...rest } = env;
  return config.endpointCredentials ? { ...rest, [CREDENTIALS_ENV]: formatCredentials(config.endpointCredentials) } : rest;
}

/** The roles' environment: with --credentials they sign with its first pair, not the keys dash inherited. */
export function roleEnv(config: DashConfig, env: Env): Env {
  const first = config.endpointCredentials?.[0];
  if (first === undefined) return env;
  const { AWS_SESSION_TOKEN: _token, AWS_PROFILE: _profile, ...rest } = env;
  return { ...rest, AWS_ACCESS_KEY_ID: first.accessKeyId, AWS_SECRET_ACCESS_KEY: first.secretAccessKey };
}

export function workArgs(config: DashConfig, sqs: readonly string[]): string[] {
  const args = [...sqs, '--json', '--work-ms', String(config.workMs), '--fail-rate', String(config.failRate)];
  if (config.workConcurrency !== undefined) args.push('--concurrency', String(config.workConcurrency));
  if (config.pollers !== undefined) args.push('--pollers', String(config.pollers));
  if (config.retryDelayMs !== undefined) args.push('--retry-delay', `${config.retryDelayMs}ms`);
  if (config.seed !== undefined) args.push('--seed', String(config.seed));
  if (config.dataLog !== undefined) args.push('--data-log', config.dataLog);
  return args;
}

export function serveArgs(sqs: readonly string[]): string[] {
  // The HTTP-log pane shows a few lines: at thousands of requests/s, one event per request would
  // cost serve and dash more than the requests. Counters (and so the balance) come from stats, exact.
  return [...sqs, '--host', '127.0.0.1', '--port', '0', '--json', '--access-log-max', String(ACCESS_EVENTS_PER_SECOND)];
}

export function loadArgs(config: DashConfig, serveUrl: string): string[] {
  const args = [
    '--url', `${serveUrl.replace(/\/+$/, '')}/api/message`, '--json', '--control', 'stdin',
    '--rate', String(config.rate), '--concurrency', String(config.concurrency),
    '--body-bytes', String(config.bodyBytes), '--batch-size', String(config.batchSize),
    '--malformed-per-batch', String(config.malformedPerBatch),
  ];
  if (config.malformedKinds !== undefined) args.push('--malformed-kinds', config.malformedKinds.join(','));
  if (config.seed !== undefined) args.push('--seed', String(config.seed));
  if (config.sqs.fifo) args.push('--groups', String(config.groups ?? DASH_DEFAULTS.groups));
  return args;
}
