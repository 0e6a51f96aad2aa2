/**
 * Typed errors. Core code throws these; only src/cli.ts turns them into a
 * message on stderr and an exit code. `hint` says what the user can do next.
 */

/**
 * Process exit codes, one meaning each, the same for every command. The README
 * and `sqsdemo --help` print EXIT_CODE_TABLE; test/cli/exit-codes.test.ts drives
 * one case per row through the executable.
 */
export const ExitCode = {
  Ok: 0,
  /** The run finished but its check failed (`load` saw an unexpected answer, `setup` found other attributes, `dash`'s balance). */
  Failed: 1,
  /** Bad flags, environment variables or input (including a missing AWS region): the user can fix the command line. */
  Usage: 2,
  /** SQS could not be reached, or refused our credentials or access. */
  Unavailable: 3,
  /** The queue does not exist: run `sqsdemo setup`. */
  MissingQueue: 4,
  /** Cannot listen: the port is taken or not allowed (`sqs`, `serve`, `work --metrics-port`). */
  CannotListen: 5,
  /** The writer (`load --url`) cannot be reached. */
  WriterUnavailable: 6,
  /** A bug: an error nobody planned for (sysexits' EX_SOFTWARE). */
  Internal: 70,
  /** A second Ctrl-C: stopped without draining (128 + SIGINT). */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The table as users read it (README, --help). */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.Ok, 'ok'],
  [ExitCode.Failed, 'a check failed (load saw a wrong answer, setup found other attributes, dash balance)'],
  [ExitCode.Usage, 'bad flags, environment or input (including no AWS region or credentials)'],
  [ExitCode.Unavailable, 'SQS unreachable, or it refused our credentials'],
  [ExitCode.MissingQueue, 'queue missing (run sqsdemo setup)'],
  [ExitCode.CannotListen, 'cannot listen: the port is taken or not allowed, or the --data-dir is held by another process'],
  [ExitCode.WriterUnavailable, 'load: the writer (--url) is unreachable'],
  [ExitCode.Internal, 'internal error (a bug: please report it)'],
  [ExitCode.Interrupted, 'a second Ctrl-C: stopped without draining'],
];

/** The codes a role may exit with that `dash` passes on as its own when that role fails. */
export function isTableCode(code: number | null): code is ExitCode {
  return code !== null && EXIT_CODE_TABLE.some(([c]) => c === code);
}

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

/** Cannot listen on the address asked for: the port is taken or not allowed. Exit 5. */
export class ListenError extends SqsdemoError {
  override readonly name = 'ListenError';
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, 'E_LISTEN', ExitCode.CannotListen, hint, options);
  }
}

/**
 * The one mapping of a listen() failure to an error, for every role that listens.
 * EADDRINUSE/EACCES: exit 5; an address that is not this machine's: exit 2 (bad --host).
 */
export function listenError(err: unknown, host: string, port: number, hintInUse = 'stop the other process or pick another --port (0 picks a free one)'): SqsdemoError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return new ListenError(`cannot listen on ${where}: the port is in use`, hintInUse, { cause: err });
  if (code === 'EACCES') return new ListenError(`cannot listen on ${where}: permission denied`, 'use a port above 1023', { cause: err });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new UsageError(`cannot listen on ${where}: no such local address`, 'use 127.0.0.1, 0.0.0.0 or an address of this machine');
  }
  return new ListenError(`cannot listen on ${where}: ${(err as Error)?.message ?? String(err)}`, undefined, { cause: err });
}

/** The writer `load` sends to cannot be reached. Exit 6. */
export class WriterUnavailableError extends SqsdemoError {
  override readonly name = 'WriterUnavailableError';
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, 'E_WRITER_UNAVAILABLE', ExitCode.WriterUnavailable, hint, options);
  }
}

/** A check the user asked for did not pass (e.g. `load` saw an unexpected status). Exit 1. */
export class CheckFailedError extends SqsdemoError {
  override readonly name = 'CheckFailedError';
  constructor(message: string, hint?: string) {
    super(message, 'E_CHECK_FAILED', ExitCode.Failed, hint);
  }
}
