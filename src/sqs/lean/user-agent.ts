/**
 * The SDK's user-agent headers for the lean path's requests, computed by the
 * SDK's own user-agent middleware once per identity (credential features such
 * as CREDENTIALS_CODE go into its `m/` section), so SQS sees the same client.
 */
import { userAgentMiddleware } from '@aws-sdk/core/client';
import { HttpRequest } from '@smithy/core/protocols';

export interface UserAgentHeaders {
  readonly 'user-agent': string;
  readonly 'x-amz-user-agent': string;
}

type Middleware = (next: (args: unknown) => Promise<unknown>, context: object) => (args: unknown) => Promise<unknown>;

export async function userAgentHeaders(config: object, identity: object, customEndpoint: boolean): Promise<UserAgentHeaders> {
  const request = new HttpRequest({ method: 'POST', hostname: 'localhost', path: '/', headers: {} });
  const context = {
    __smithy_context: { features: customEndpoint ? { ENDPOINT_OVERRIDE: 'N' } : {}, selectedHttpAuthScheme: { identity } },
  };
  const middleware = (userAgentMiddleware as unknown as (options: object) => Middleware)(config);
  await middleware(async () => ({ output: {}, response: {} }), context)({ request, input: {} });
  return { 'user-agent': request.headers['user-agent'] ?? '', 'x-amz-user-agent': request.headers['x-amz-user-agent'] ?? '' };
}
