/**
 * The one place an SQSClient is built. Every role talks to SQS through it, over
 * HTTP, whether the endpoint is `sqsdemo sqs`, ElasticMQ, LocalStack or AWS.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SqsConfig } from '../config.js';

export interface SqsClientOptions {
  /** Keep-alive sockets to the endpoint; size it for the requests in flight (default 64). */
  readonly maxSockets?: number;
  /** SDK attempts per call, including the first (default 3). Roles that retry themselves pass 1. */
  readonly maxAttempts?: number;
  /** Abort a request after this long without an answer (ms, default 30 000; long polls add their wait). */
  readonly requestTimeoutMs?: number;
  /** Give up connecting after this long (ms, default 3 000). */
  readonly connectionTimeoutMs?: number;
  /**
   * Resolve the SDK middleware stack once per command type instead of on every call
   * (~15% of a hot path's CPU). Off by default: with it on, middleware added to the
   * stack after the first call (e.g. a test's call counter) is not picked up.
   */
  readonly cacheMiddleware?: boolean;
}

export function createSqsClient(config: SqsConfig, options: SqsClientOptions = {}): SQSClient {
  const maxSockets = options.maxSockets ?? 64;
  const requestHandler = new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
  });
  const common = { requestHandler, maxAttempts: options.maxAttempts ?? 3, cacheMiddleware: options.cacheMiddleware ?? false };
  if (config.aws) {
    // The SDK's own chains: credentials, region (AWS_REGION / profile), endpoint (AWS_ENDPOINT_URL_SQS).
    return new SQSClient({
      ...common,
      ...(config.region !== undefined ? { region: config.region } : {}),
      ...(config.profile !== undefined ? { profile: config.profile } : {}),
    });
  }
  return new SQSClient({
    ...common,
    endpoint: config.endpoint,
    region: config.region,
    // Settled in src/config.ts: the environment's keys when there are some, else fixed local ones.
    // A copy: the SDK annotates the credentials object it is given.
    ...(config.credentials !== undefined ? { credentials: { ...config.credentials } } : {}),
  });
}
