/**
 * AWS errors are classified once, here, at the boundary: the rest of the code
 * sees SqsdemoError subclasses (`toSqsdemoError`, for a command's exit) or a
 * SqsErrorClass (`classifySqsError`, for a role deciding to retry, split,
 * answer 503 or give up). No other file looks at an AWS error's name or text.
 */
import { SqsdemoError, SqsRequestError, SqsUnavailableError, QueueMissingError, UsageError } from '../errors.js';
import { describeSqs, type SqsConfig } from '../config.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET',
]);
/** The endpoint's TLS certificate was refused (self-signed, private CA, expired, wrong name). */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const THROTTLING = new Set([
  'ThrottlingException', 'RequestThrottled', 'Throttling', 'ServiceUnavailable', 'InternalError', 'InternalFailure', 'KmsThrottled',
  'OverLimit', 'RequestLimitExceeded', 'SlowDown', 'TooManyRequestsException',
]);
const MISSING_QUEUE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'NonExistentQueue']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  Code?: string;
  cause?: unknown;
}

/** True when the endpoint's TLS certificate was refused: no SQS answer came, so it is a network error too. */
export function isTlsCertificateError(err: unknown): boolean {
  const e = err as AwsLikeError | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code && TLS_CODES.has(e.code)) return true;
  return e.cause !== undefined && e.cause !== err && isTlsCertificateError(e.cause);
}

/** True when the error came from the network rather than from an SQS answer. */
export function isNetworkError(err: unknown): boolean {
  const e = err as AwsLikeError | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.code && (NETWORK_CODES.has(e.code) || TLS_CODES.has(e.code))) return true;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return true;
  // AggregateError from happy-eyeballs connects carries the codes on its members.
  const errors = (e as { errors?: unknown[] }).errors;
  if (Array.isArray(errors) && errors.some(isNetworkError)) return true;
  return e.cause !== undefined && e.cause !== err && isNetworkError(e.cause);
}

/** True for errors worth retrying after a pause: network trouble, throttling, 5xx. */
export function isTransient(err: unknown): boolean {
  if (isNetworkError(err)) return true;
  const e = err as AwsLikeError | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.name && THROTTLING.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  return e.$fault === 'server' || (status !== undefined && status >= 500) || status === 429;
}

export function isQueueMissing(err: unknown): boolean {
  const e = err as AwsLikeError | undefined;
  return !!e && typeof e === 'object' && (MISSING_QUEUE.has(e.name ?? '') || MISSING_QUEUE.has(e.Code ?? ''));
}

/** The AWS error name (e.g. `InvalidMessageContents`), or undefined for non-AWS errors. */
export function awsErrorName(err: unknown): string | undefined {
  const e = err as AwsLikeError | undefined;
  if (!e || typeof e !== 'object' || !e.$metadata) return undefined;
  return e.name ?? e.Code;
}

/**
 * Convert any error from an SQS call into a SqsdemoError that says what went
 * wrong and what to do. `queueName` names the queue the call was about.
 */
export function toSqsdemoError(err: unknown, config: SqsConfig, queueName?: string): SqsdemoError {
  if (err instanceof SqsdemoError) return err;
  const e = (err ?? {}) as AwsLikeError;
  if (isQueueMissing(err)) return new QueueMissingError(queueName ?? config.queueName, { cause: err });
  // Missing configuration is the user's to fix (exit 2), even when finding that out touched the network.
  if (e.name === 'CredentialsProviderError') {
    return new UsageError(`no AWS credentials found: ${e.message ?? e.name}`, 'configure AWS credentials (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)');
  }
  if (typeof e.message === 'string' && /region is missing/i.test(e.message)) {
    return new UsageError('no AWS region configured', 'set AWS_REGION or pass --region');
  }
  if (isTlsCertificateError(err)) {
    return new SqsUnavailableError(
      `cannot reach SQS at ${describeSqs(config)}: its TLS certificate was refused (${e.message ?? e.code ?? 'certificate error'})`,
      'if the endpoint uses its own certificate authority, trust it with NODE_EXTRA_CA_CERTS=/path/to/ca.pem; otherwise check --endpoint / AWS_ENDPOINT_URL_SQS',
      { cause: err },
    );
  }
  if (isNetworkError(err)) {
    const hint = config.aws
      ? 'check the network and AWS_REGION / AWS_ENDPOINT_URL_SQS'
      : 'start the local endpoint with `sqsdemo sqs` (or `sqsdemo dash`), pass --endpoint URL, or use --aws for real AWS';
    return new SqsUnavailableError(`cannot reach SQS at ${describeSqs(config)} (${e.code ?? e.name ?? 'network error'})`, hint, { cause: err });
  }
  if (e.name === 'InvalidClientTokenId' || e.name === 'UnrecognizedClientException' || e.name === 'ExpiredToken' || e.name === 'ExpiredTokenException') {
    return new SqsUnavailableError(`SQS refused our credentials: ${e.message ?? e.name}`, 'configure AWS credentials (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)', { cause: err });
  }
  if (e.name === 'AccessDenied' || e.name === 'AccessDeniedException') {
    return new SqsUnavailableError(`SQS denied access: ${e.message ?? e.name}`, 'check the IAM permissions of your AWS identity', { cause: err });
  }
  const name = awsErrorName(err) ?? e.name ?? 'Error';
  return new SqsRequestError(`SQS error ${name}: ${e.message ?? String(err)}`, name, e.$fault === 'client', { cause: err });
}

/** What a role does about a failed SQS call. */
export type SqsErrorClass =
  /** SQS unreachable (or the call was aborted): fail fast; a probe finds out when it is back. */
  | 'network'
  /** Throttling or a server-side failure: retry with backoff. */
  | 'transient'
  /** The queue is gone: unavailable until `sqsdemo setup` recreates it. */
  | 'queue_missing'
  /** The request's content was at fault (one entry can spoil a batch): split the batch to find it. */
  | 'sender'
  /** Anything else (credentials, permissions, a malformed call): not retried. */
  | 'fatal';

/**
 * Client faults one entry can cause for a whole batch call (bad characters, a body longer than the
 * queue's limit after it changed, the batch's total size). Other client faults are not the entry's.
 */
const ENTRY_FAULTS = /^(InvalidMessageContents|InvalidParameterValue(Exception)?|BatchRequestTooLong|InvalidAttributeValue|ValidationException|ValidationError)$/;

export function classifySqsError(err: unknown): SqsErrorClass {
  const e = err as AwsLikeError | undefined;
  if (e?.name === 'AbortError') return 'network';
  if (isQueueMissing(err)) return 'queue_missing';
  if (isNetworkError(err)) return 'network';
  if (isTransient(err)) return 'transient';
  if (e?.$fault === 'client' && ENTRY_FAULTS.test(e.name ?? '')) return 'sender';
  return 'fatal';
}

const UNKNOWN_ACTION = new Set(['InvalidAction', 'UnknownOperationException', 'UnknownOperation', 'NotImplemented', 'NotImplementedException']);

/**
 * True when the engine does not have the action called (e.g. StartMessageMoveTask on
 * moto, which answers an HTML 500 page, or an emulator's InvalidAction/unknown operation),
 * as opposed to SQS refusing this call (UnsupportedOperation: a task is already running).
 */
export function isUnsupportedAction(err: unknown): boolean {
  const e = err as AwsLikeError | undefined;
  if (!e || typeof e !== 'object' || isNetworkError(err)) return false;
  if (UNKNOWN_ACTION.has(e.name ?? '') || UNKNOWN_ACTION.has(e.Code ?? '')) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === 501) return true;
  // A 5xx whose body is not an SQS error at all (the SDK could not deserialize it).
  return status !== undefined && status >= 500 && (e.name === 'SyntaxError' || /Deserialization error/i.test(e.message ?? ''));
}
