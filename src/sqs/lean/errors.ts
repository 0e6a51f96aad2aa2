/**
 * Errors of the lean path, made the SDK's way so src/sqs/errors.ts classifies
 * them unchanged. An SQS error answer (status >= 300) is deserialized by the
 * SDK's own protocol object (`client.config.protocol`, AWS JSON 1.0 in query
 * compatible mode): the same exception classes, `name`, `$fault`, `Code`,
 * `$metadata`, and for a body that is not JSON (moto's HTML 500) the same
 * SyntaxError with the "Deserialization error" hint. Errors are rare, so this
 * costs the hot path nothing.
 */
import { HttpResponse } from '@smithy/core/protocols';
import { operation } from '@smithy/core/schema';
import type { IncomingHttpHeaders } from 'node:http';
import type { HttpAnswer } from './http.js';

const HINT = 'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';

/** The operation schema tuple an SDK command carries (`command.schema`): [9, namespace, name, traits, input, output]. */
export type OperationSchema = readonly [number, string, string, unknown, unknown, unknown];

interface Protocol {
  deserializeResponse(operationSchema: unknown, context: unknown, response: HttpResponse): Promise<unknown>;
}

export interface ResponseMetadata {
  httpStatusCode: number;
  requestId: string | undefined;
  extendedRequestId: string | undefined;
  cfId: string | undefined;
  attempts?: number;
  totalRetryDelay?: number;
}

/** Node's headers as the SDK's handler hands them on (repeated headers joined with ","). */
export function sdkHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/** `$metadata` as the SDK's JSON protocol reads it from a response. */
export function responseMetadata(status: number, headers: IncomingHttpHeaders): ResponseMetadata {
  return {
    httpStatusCode: status,
    requestId: header(headers['x-amzn-requestid'] ?? headers['x-amzn-request-id'] ?? headers['x-amz-request-id']),
    extendedRequestId: header(headers['x-amz-id-2']),
    cfId: header(headers['x-amz-cf-id']),
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** The SDK's HttpResponse for an answer (errors, retry hints, clock skew read it). */
export function toHttpResponse(answer: HttpAnswer): HttpResponse {
  return new HttpResponse({ statusCode: answer.status, headers: sdkHeaders(answer.headers), body: new Uint8Array(answer.body) });
}

/** The error the SDK throws for this error answer (never returns). */
export async function serviceError(protocol: Protocol, schema: OperationSchema, config: object, answer: HttpAnswer): Promise<never> {
  const [, namespace, name, traits, input, output] = schema;
  const response = toHttpResponse(answer);
  try {
    await protocol.deserializeResponse(operation(namespace, name, traits as never, input as never, output as never), { ...config }, response);
  } catch (err) {
    throw asDeserializationError(err, response);
  }
  throw new Error(`SQS answered ${answer.status} and the SDK's protocol raised no error`);
}

/**
 * What the SDK's deserializer middleware does to an error: `$response` (hidden), and for an error
 * that is not a service error (no `$metadata`: a body that did not parse) the hint and `$metadata`.
 */
export function asDeserializationError(err: unknown, response: HttpResponse): Error {
  const error = (err instanceof Error ? err : new Error(String(err))) as Error & { $metadata?: unknown };
  Object.defineProperty(error, '$response', { value: response, enumerable: false, writable: false, configurable: false });
  if (!('$metadata' in error)) {
    try {
      error.message += `\n  ${HINT}`;
    } catch {
      // A frozen message stays as it is.
    }
    error.$metadata = responseMetadata(response.statusCode, response.headers);
  }
  return error;
}
