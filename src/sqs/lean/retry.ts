/**
 * The SDK's retry loop (@smithy/core retryMiddleware) around the lean path's
 * attempts, with the client's own strategy object (`client.config.retryStrategy()`):
 * the same token bucket, backoff and attempt limit, errors classified by the
 * SDK's own predicates (throttling / transient / server / client) with the
 * Retry-After hint, `$metadata.attempts` and `totalRetryDelay` set the same way.
 */
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, RetryToken, SdkError } from '@smithy/types';
import type { HttpResponse } from '@smithy/core/protocols';
import type { Clock } from '../../util/clock.js';
import { abortError } from './http.js';

export interface RetryMetadata {
  attempts?: number;
  totalRetryDelay?: number;
}

/** The SDK's getRetryErrorType. */
export function retryErrorType(error: SdkError): RetryErrorType {
  if (isThrottlingError(error)) return 'THROTTLING';
  if (isTransientError(error)) return 'TRANSIENT';
  if (isServerError(error)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

export function retryErrorInfo(error: SdkError): RetryErrorInfo {
  const info: RetryErrorInfo = { error, errorType: retryErrorType(error) };
  const hint = getRetryAfterHint((error as { $response?: HttpResponse }).$response);
  if (hint) info.retryAfterHint = hint;
  return info;
}

/** The SDK's race of a promise with the caller's signal (its AbortError on abort). */
async function race<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) throw abortError(signal);
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export interface RetryCall<T extends { $metadata: RetryMetadata }> {
  readonly strategy: RetryStrategyV2;
  readonly maxAttempts: number;
  /** "" or ":longpoll" (ReceiveMessage), as the SDK scopes its tokens. */
  readonly scope: string;
  readonly signal: AbortSignal | undefined;
  readonly clock: Pick<Clock, 'sleep'>;
  /** One attempt; `requestHeader` is the amz-sdk-request value for it. */
  attempt(requestHeader: string): Promise<T>;
}

export async function withRetries<T extends { $metadata: RetryMetadata }>(call: RetryCall<T>): Promise<T> {
  const { strategy, maxAttempts, signal } = call;
  let token: RetryToken = await race(strategy.acquireInitialRetryToken(call.scope), signal);
  let attempts = 0;
  let totalRetryDelay = 0;
  for (;;) {
    try {
      const output = await call.attempt(`attempt=${attempts + 1}; max=${maxAttempts}`);
      strategy.recordSuccess(token);
      output.$metadata.attempts = attempts + 1;
      output.$metadata.totalRetryDelay = totalRetryDelay;
      return output;
    } catch (e) {
      const error = asSdkError(e);
      try {
        if (signal?.aborted) throw error;
        token = await race(strategy.refreshRetryTokenForRetry(token, retryErrorInfo(error)), signal);
      } catch (refreshError) {
        if (refreshError !== error && signal?.aborted && (refreshError as Error | undefined)?.name === 'AbortError') throw refreshError;
        const metadata = ((error as { $metadata?: RetryMetadata }).$metadata ??= {});
        metadata.attempts = attempts + 1;
        metadata.totalRetryDelay = totalRetryDelay;
        throw error;
      }
      attempts = token.getRetryCount();
      const delay = token.getRetryDelay();
      totalRetryDelay += ((token as { $retryLog?: { acquisitionDelay?: number } }).$retryLog?.acquisitionDelay ?? 0) + delay;
      if (delay > 0) {
        await call.clock.sleep(delay, signal);
        if (signal?.aborted) throw abortError(signal);
      }
    }
  }
}

function asSdkError(error: unknown): SdkError {
  if (error instanceof Error) return error as SdkError;
  if (error instanceof Object) return Object.assign(new Error(), error) as SdkError;
  if (typeof error === 'string') return new Error(error) as SdkError;
  return new Error(`AWS SDK error wrapper for ${String(error)}`) as SdkError;
}
