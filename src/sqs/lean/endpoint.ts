/**
 * Where the lean path sends, resolved once by the SDK's own rules
 * (getEndpointFromInstructions: a custom endpoint, AWS_ENDPOINT_URL_SQS or the
 * shared config's endpoint_url, region, FIPS and dual-stack through the
 * client's endpointProvider), and the SDK's QueueUrl rule
 * (@aws-sdk/middleware-sdk-sqs): without a configured endpoint, a QueueUrl on
 * another origin is where the call goes.
 */
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Endpoint } from './http.js';

export function toEndpoint(url: URL): Endpoint {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the SQS endpoint ${url.href} is neither http nor https`);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { origin: url.origin, path, host: url.port === '' ? url.hostname : `${url.hostname}:${url.port}` };
}

export interface ResolvedEndpoint {
  readonly endpoint: Endpoint;
  readonly origin: string;
  /** True when the QueueUrl decides the origin (no endpoint configured, useQueueUrlAsEndpoint on). */
  readonly followQueueUrl: boolean;
}

interface EndpointConfig {
  readonly endpoint?: unknown;
  readonly useQueueUrlAsEndpoint?: boolean;
}

export async function resolveEndpoint(config: object, logger: object | undefined): Promise<ResolvedEndpoint> {
  const resolved = (await getEndpointFromInstructions({}, SendMessageBatchCommand as never, { ...config } as never, { logger } as never)) as { url: URL };
  const c = config as EndpointConfig;
  return { endpoint: toEndpoint(resolved.url), origin: resolved.url.origin, followQueueUrl: !c.endpoint && c.useQueueUrlAsEndpoint !== false };
}

/** Endpoints for QueueUrl origins other than the resolved one (the SDK warns on each; this warns once per origin). */
export class QueueUrlEndpoints {
  private readonly byOrigin = new Map<string, Endpoint>();

  constructor(private readonly base: ResolvedEndpoint, private readonly warn: (message: string) => void) {}

  for(queueUrl: string | undefined): Endpoint {
    const { base } = this;
    if (!base.followQueueUrl || queueUrl === undefined || queueUrl.startsWith(`${base.origin}/`)) return base.endpoint;
    let origin: string;
    try {
      origin = new URL(queueUrl).origin;
    } catch {
      return base.endpoint;
    }
    if (origin === base.origin || origin === 'null') return base.endpoint;
    let endpoint = this.byOrigin.get(origin);
    if (endpoint === undefined) {
      endpoint = toEndpoint(new URL(origin));
      this.byOrigin.set(origin, endpoint);
      this.warn(`QueueUrl=${queueUrl} differs from SQSClient resolved endpoint=${base.origin}/, using QueueUrl host as endpoint.\nSet [endpoint=string] or [useQueueUrlAsEndpoint=false] on the SQSClient.`);
    }
    return endpoint;
  }
}
