/**
 * The writer's answers (see swagger.yml): `{"status":"Ok",...}` for 201 and
 * `{"status":"Error","message","code"}` for every error, never a stack trace.
 */
import type { ServerResponse } from 'node:http';

/** The original's text for every SQS-side failure (500 and 503). */
export const FAILED_TO_ENQUEUE = 'Failed to enqueue message';
/** Seconds a client should wait after a 503. */
export const RETRY_AFTER_S = 1;

export interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly sqsCode?: string;
}

export const ANSWERS = {
  invalidJson: { status: 400, code: 'invalid_json', message: 'request body is not valid JSON' },
  unsupportedType: { status: 415, code: 'unsupported_media_type', message: 'Content-Type must be application/json' },
  tooLarge: (maxBytes: number): ErrorAnswer => ({ status: 413, code: 'request_too_large', message: `request is larger than ${maxBytes} bytes` }),
  unavailable: { status: 503, code: 'sqs_unavailable', message: FAILED_TO_ENQUEUE },
  failed: { status: 500, code: 'enqueue_failed', message: FAILED_TO_ENQUEUE },
  notFound: { status: 404, code: 'not_found', message: 'no such path' },
  methodNotAllowed: { status: 405, code: 'method_not_allowed', message: 'method not allowed for this path' },
} as const satisfies Record<string, ErrorAnswer | ((n: number) => ErrorAnswer)>;

const JSON_TYPE = 'application/json';

export function errorJson(answer: ErrorAnswer): string {
  return JSON.stringify(
    answer.sqsCode === undefined
      ? { status: 'Error', message: answer.message, code: answer.code }
      : { status: 'Error', message: answer.message, code: answer.code, sqsCode: answer.sqsCode },
  );
}

/** The 201 body; MessageIds are UUID-like, so no escaping is needed beyond JSON.stringify's. */
export function acceptedJson(messageId: string): string {
  return '{"status":"Ok","message":"Message enqueued","id":' + JSON.stringify(messageId) + '}';
}

export interface WriteOptions {
  readonly contentType?: string;
  /** Close the connection after this answer (draining, or a body left unread). */
  readonly close?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
}

const NO_OPTIONS: WriteOptions = {};

export function write(res: ServerResponse, status: number, body: string, options: WriteOptions = NO_OPTIONS): void {
  const headers: Record<string, string | number> = { 'content-type': options.contentType ?? JSON_TYPE, 'content-length': Buffer.byteLength(body) };
  if (options.headers !== undefined) Object.assign(headers, options.headers);
  if (options.close === true) headers.connection = 'close';
  if (status === 503) headers['retry-after'] = RETRY_AFTER_S;
  res.writeHead(status, headers);
  res.end(body);
}
