/**
 * The lean path for the hot calls: what the SDK's middleware stack does for
 * SendMessageBatch, ReceiveMessage, DeleteMessageBatch and
 * ChangeMessageVisibilityBatch, in straight-line code over the SDK client's
 * own configuration. Kept from the SDK: the credential chain (the client's
 * memoized provider), endpoint and region resolution, SigV4 (with the clock
 * skew correction), the retry strategy and its classification, the error
 * classes, the MD5 checks, the user agent. Not kept: the middleware stack
 * itself (middleware added to the client, SDK logging) for these four calls.
 */
import { randomUUID } from 'node:crypto';
import { AwsSdkSigV4Signer } from '@aws-sdk/core/httpAuthSchemes';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { HttpResponse } from '@smithy/core/protocols';
import type { RetryStrategyV2 } from '@smithy/types';
import { systemClock, type Clock } from '../../util/clock.js';
import { QueueUrlEndpoints, resolveEndpoint } from './endpoint.js';
import { asDeserializationError, responseMetadata, serviceError, toHttpResponse, type OperationSchema, type ResponseMetadata } from './errors.js';
import { HttpTransport, type Endpoint, type HttpAnswer } from './http.js';
import type { Operation } from './operations.js';
import { withRetries } from './retry.js';
import { SigV4Signer, type SigningCredentials } from './sigv4.js';
import { userAgentHeaders, type UserAgentHeaders } from './user-agent.js';

export interface LeanSqsOptions {
  readonly maxSockets: number;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Sleeps between retries (default the system clock). */
  readonly clock?: Pick<Clock, 'sleep'>;
}

/** Per-call options the SDK's request handler takes (the only ones the lean path accepts). */
export interface LeanCallOptions {
  readonly abortSignal?: AbortSignal;
  readonly requestTimeout?: number;
}

/** What an SDK command carries that the lean path reads. */
export interface LeanCommand {
  readonly input: object;
  readonly schema: OperationSchema;
}

interface Settled {
  readonly endpoints: QueueUrlEndpoints;
  readonly region: string;
  readonly strategy: RetryStrategyV2;
  readonly maxAttempts: number;
  readonly customEndpoint: boolean;
  readonly skewCorrection: boolean;
}

/** The parts of the SDK client's resolved config the lean path uses. */
interface ClientConfig {
  credentials(): Promise<SigningCredentials>;
  region(): Promise<string>;
  retryStrategy(): Promise<RetryStrategyV2>;
  maxAttempts(): Promise<number>;
  systemClockOffset?: number;
  isCustomEndpoint?: boolean;
  disableClockSkewCorrection?: () => Promise<boolean | undefined>;
  protocol: { deserializeResponse(operationSchema: unknown, context: unknown, response: HttpResponse): Promise<unknown> };
  logger?: { warn?: (message: string) => void; constructor?: { name?: string } };
}

interface Output {
  $metadata: ResponseMetadata;
}

const skewHandler = new AwsSdkSigV4Signer();

export class LeanSqs {
  private readonly transport: HttpTransport;
  private readonly signer = new SigV4Signer();
  private readonly clock: Pick<Clock, 'sleep'>;
  private settled: Promise<Settled> | undefined;
  private userAgent: { identity: object; headers: UserAgentHeaders } | undefined;

  constructor(private readonly client: SQSClient, options: LeanSqsOptions) {
    this.transport = new HttpTransport(options);
    this.clock = options.clock ?? systemClock;
  }

  private get config(): ClientConfig {
    return this.client.config as unknown as ClientConfig;
  }

  async send(operation: Operation, command: LeanCommand, options: LeanCallOptions | undefined): Promise<object> {
    const settled = await (this.settled ??= this.settle().catch((err: unknown) => {
      // Not kept: the next call asks again, as the SDK asks its providers on every call.
      this.settled = undefined;
      throw err;
    }));
    const config = this.config;
    const credentials = await config.credentials();
    const ua = this.userAgent?.identity === credentials ? this.userAgent.headers : await this.userAgentFor(credentials, settled);
    const input = command.input as { QueueUrl?: string };
    const body = operation.body(input as never);
    const endpoint = settled.endpoints.for(input.QueueUrl);
    const invocationId = randomUUID();
    const signal = options?.abortSignal;
    const output = await withRetries<Output>({
      strategy: settled.strategy,
      maxAttempts: settled.maxAttempts,
      scope: operation.longPoll ? ':longpoll' : '',
      signal,
      clock: this.clock,
      attempt: async (requestHeader) => {
        const headers: Record<string, string> = {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': operation.target,
          'x-amzn-query-mode': 'true',
          'content-length': String(Buffer.byteLength(body)),
          'x-amz-user-agent': ua['x-amz-user-agent'],
          'user-agent': ua['user-agent'],
          host: endpoint.host,
          'amz-sdk-invocation-id': invocationId,
          'amz-sdk-request': requestHeader,
        };
        const offset = config.systemClockOffset ?? 0;
        const sentAt = Date.now();
        this.signer.sign({
          method: 'POST', path: endpoint.path, headers, body, credentials, region: settled.region, service: 'sqs',
          date: settled.skewCorrection ? sentAt + offset : sentAt,
        });
        const answer = await this.transport.post(endpoint, headers, body, signal, options?.requestTimeout);
        const skew = { config, _preRequestSystemClockOffset: offset, _requestSentAt: sentAt, _skipClockSkewSampling: !settled.skewCorrection, _disableClockSkewCorrection: !settled.skewCorrection };
        if (answer.status >= 300) {
          const error = await serviceError(config.protocol, command.schema, config, answer).catch((e: unknown) => e);
          skewHandler.errorHandler(skew)(error as Error);
        }
        const date = answer.headers.date;
        if (date !== undefined && settled.skewCorrection) skewHandler.successHandler(new HttpResponse({ statusCode: answer.status, headers: { date } }), skew);
        return this.parse(operation, answer);
      },
    });
    operation.check?.(input as never, output as never);
    return output;
  }

  destroy(): void {
    this.transport.destroy();
  }

  private parse(operation: Operation, answer: HttpAnswer): Output {
    let output: Output;
    try {
      output = operation.parse(answer.body.toString('utf8')) as Output;
    } catch (err) {
      throw asDeserializationError(err, toHttpResponse(answer));
    }
    output.$metadata = responseMetadata(answer.status, answer.headers);
    return output;
  }

  /** What the SDK settles per call, settled once: the endpoint, region, retry strategy and attempts. */
  private async settle(): Promise<Settled> {
    const config = this.config;
    const logger = config.logger;
    const warn = logger?.warn && logger.constructor?.name !== 'NoOpLogger' ? logger.warn.bind(logger) : (m: string) => console.warn(m);
    const [base, region, strategy, maxAttempts, noSkew] = await Promise.all([
      resolveEndpoint(config, logger),
      config.region(),
      config.retryStrategy(),
      config.maxAttempts(),
      config.disableClockSkewCorrection?.(),
    ]);
    return { endpoints: new QueueUrlEndpoints(base, warn), region, strategy, maxAttempts, customEndpoint: config.isCustomEndpoint === true, skewCorrection: noSkew !== true };
  }

  private async userAgentFor(identity: object, settled: Settled): Promise<UserAgentHeaders> {
    const headers = await userAgentHeaders(this.config, identity, settled.customEndpoint);
    this.userAgent = { identity, headers };
    return headers;
  }
}

export type { Endpoint };
