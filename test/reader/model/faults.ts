/**
 * The faults the SQS model injects, drawn per call from a seeded random
 * source, shaped as the SDK reports them (so the reader classifies them
 * through src/sqs/errors.ts as it would real ones).
 */
import { RequestThrottled, SQSServiceException, type BatchResultErrorEntry } from '@aws-sdk/client-sqs';
import type { RandomSource } from '../../../src/reader/random.js';

/** Probabilities (0-1) and sizes of the injected faults. */
export interface Faults {
  /** A receive answers only after up to `slowMs` extra (virtual) ms. */
  readonly slow: number;
  readonly slowMs: number;
  /** A call is refused: throttled. */
  readonly throttle: number;
  /** A call fails with a 500. */
  readonly serverError: number;
  /** The connection resets before the call reached SQS. */
  readonly resetBefore: number;
  /** The connection resets after SQS acted on the call: the effect happened, the answer is lost. */
  readonly resetAfter: number;
  /** A batch entry fails (InternalError) while the others succeed. */
  readonly entryFailure: number;
}

export const META = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 } as const;

export class FaultDraw {
  constructor(
    private readonly faults: Faults,
    private readonly random: RandomSource,
  ) {}

  /** A fault that stops the call before SQS acts on it, if one is drawn. */
  before(): unknown {
    if (this.chance(this.faults.throttle)) return new RequestThrottled({ message: 'Request is throttled.', $metadata: META });
    if (this.chance(this.faults.serverError)) {
      return new SQSServiceException({
        name: 'InternalError', $fault: 'server', $metadata: { ...META, httpStatusCode: 500 }, message: 'We encountered an internal error.',
      });
    }
    if (this.chance(this.faults.resetBefore)) return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    return undefined;
  }

  /** The connection drops after SQS acted: the answer is lost. */
  resetAfter(): unknown {
    return this.chance(this.faults.resetAfter) ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) : undefined;
  }

  /** Extra ms before a receive reaches SQS (0: not slow). */
  slowDelay(): number {
    return this.chance(this.faults.slow) ? Math.floor(this.random() * this.faults.slowMs) : 0;
  }

  /** A failed batch entry (transient, not the sender's fault), if one is drawn. */
  entryFailure(): Omit<BatchResultErrorEntry, 'Id'> | undefined {
    return this.chance(this.faults.entryFailure) ? { Code: 'InternalError', SenderFault: false, Message: 'We encountered an internal error.' } : undefined;
  }

  private chance(p: number): boolean {
    return p > 0 && this.random() < p;
  }
}
