/** What the lean-path specs compare between the two paths: outputs without volatile values, and errors as callers see them. */
import { classifySqsError, isNetworkError } from '../../../src/sqs/errors.js';

export const VOLATILE = new Set(['MessageId', 'ReceiptHandle', 'requestId', 'SequenceNumber', 'SentTimestamp', 'ApproximateFirstReceiveTimestamp', 'SenderId']);

/** The output with its volatile values replaced by their type. */
export function stable(value: unknown, key = ''): unknown {
  if (VOLATILE.has(key)) return `<${typeof value}>`;
  if (Array.isArray(value)) return value.map((v) => stable(v));
  if (value instanceof Uint8Array) return [...value];
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stable(v, k)]));
  }
  return value;
}

/** What src/sqs/errors.ts and a caller can see of an error. */
export function errorView(err: unknown): Record<string, unknown> {
  const e = err as Error & Record<string, unknown>;
  const $metadata = (e.$metadata ?? {}) as Record<string, unknown>;
  return {
    class: e.constructor.name, name: e.name, message: e.message, fault: e.$fault, code: e.Code, type: e.Type, error: stable(e.Error),
    status: $metadata.httpStatusCode, attempts: $metadata.attempts, totalRetryDelay: $metadata.totalRetryDelay, requestId: typeof $metadata.requestId,
    nodeCode: e.code, network: isNetworkError(err), class_: classifySqsError(err),
  };
}

