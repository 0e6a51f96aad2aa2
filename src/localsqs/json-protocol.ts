/**
 * AWS JSON 1.0, what SDK v3 sends: `X-Amz-Target: AmazonSQS.<Action>`, a JSON
 * body in the action's input shape, a JSON answer. Errors carry `__type`
 * (namespace#Name) and `message`, plus the Query-compatible code in the
 * `x-amzn-query-error` header, from which the SDK picks its typed exception.
 */
import type { ServerResponse } from 'node:http';
import { SqsApiError, invalidAction, serializationError } from './errors.js';
import type { Input } from './input.js';
import { checkJsonShape } from './json-shape.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';

export interface ParsedRequest {
  readonly action: string;
  readonly input: Input;
}

/** `body` is the request body, already decoded as strict UTF-8. */
export function parseJsonRequest(target: string, body: string): ParsedRequest {
  if (!target.startsWith(TARGET_PREFIX)) throw invalidAction(target);
  const action = target.slice(TARGET_PREFIX.length);
  if (body.length === 0) return { action, input: {} };
  checkJsonShape(body);
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw serializationError('Start of structure or map found where not expected, or the request body is not valid JSON.');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw serializationError('The request body must be a JSON object.');
  return { action, input: input as Input };
}

export function writeJson(res: ServerResponse, output: object, requestId: string): void {
  const body = JSON.stringify(output);
  res.writeHead(200, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

export function writeJsonError(res: ServerResponse, err: SqsApiError, requestId: string): void {
  const body = JSON.stringify({ __type: `${err.namespace}#${err.type}`, message: err.message });
  res.writeHead(err.status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    'x-amzn-query-error': `${err.queryCode};${err.sender ? 'Sender' : 'Receiver'}`,
  });
  res.end(body);
}
