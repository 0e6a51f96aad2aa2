/**
 * Typed errors. Core code throws these; only src/cli.ts turns them into a
 * message on stderr and an exit code. `hint` says what the user can do next.
 */

/** Process exit codes, one meaning each. */
export const ExitCode = {
  Ok: 0,
  /** The run finished but its check failed (e.g. `load` saw an unexpected status). */
  Failed: 1,
  /** Bad flags, values or input: the user can fix the command line. */
  Usage: 2,
  /** SQS (or another service) could not be reached or refused us. */
  Unavailable: 3,
  /** The queue does not exist: run `sqsdemo setup`. */
  MissingQueue: 4,
  /** A bug: an error nobody planned for. */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class SqsdemoError extends Error {
  override readonly name: string = 'SqsdemoError';
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A flag, environment variable or input value is not allowed. Exit 2. */
export class UsageError extends SqsdemoError {
  override readonly name = 'UsageError';
  constructor(message: string, hint?: string) {
    super(message, 'E_USAGE', ExitCode.Usage, hint);
  }
}

/** SQS could not be reached (connection refused, DNS, timeout) or has no credentials. Exit 3. */
export class SqsUnavailableError extends SqsdemoError {
  override readonly name = 'SqsUnavailableError';
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, 'E_SQS_UNAVAILABLE', ExitCode.Unavailable, hint, options);
  }
}

/** The queue named in the configuration does not exist. Exit 4. */
export class QueueMissingError extends SqsdemoError {
  override readonly name = 'QueueMissingError';
  constructor(readonly queueName: string, options?: { cause?: unknown }) {
    super(
      `queue "${queueName}" does not exist`,
      'E_QUEUE_MISSING',
      ExitCode.MissingQueue,
      'create it with `sqsdemo setup` (same --endpoint/--aws/--queue flags)',
      options,
    );
  }
}

/** SQS answered with an error we do not handle specially. Exit 1. */
export class SqsRequestError extends SqsdemoError {
  override readonly name = 'SqsRequestError';
  constructor(
    message: string,
    /** The AWS error name, e.g. `InvalidParameterValue`. */
    readonly awsCode: string,
    /** True when the caller's request was at fault (SDK `$fault === 'client'`). */
    readonly senderFault: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, 'E_SQS_REQUEST', ExitCode.Failed, undefined, options);
  }
}

/** A check the user asked for did not pass (e.g. `load` saw an unexpected status). Exit 1. */
export class CheckFailedError extends SqsdemoError {
  override readonly name = 'CheckFailedError';
  constructor(message: string, hint?: string) {
    super(message, 'E_CHECK_FAILED', ExitCode.Failed, hint);
  }
}
