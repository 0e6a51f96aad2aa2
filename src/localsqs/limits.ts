/**
 * What one local endpoint holds and reads at most. The memory caps answer
 * AWS's `OverLimit`; the request caps refuse a request before any work that
 * grows with it, so no request holds the event loop for long.
 */
export interface EndpointLimits {
  /** Queues at once; CreateQueue beyond it is OverLimit. */
  readonly maxQueues: number;
  /** Tags per queue (AWS allows 50). */
  readonly maxTagsPerQueue: number;
  /**
   * Bytes held across every queue: each message's body and attributes plus
   * MESSAGE_OVERHEAD_BYTES of bookkeeping. A send beyond it is OverLimit.
   */
  readonly maxHeldBytes: number;
  /** Largest request body read; a larger one is answered 413 and its connection closed unread. */
  readonly maxRequestBytes: number;
  /** Open connections; more are refused by the kernel-level accept (server.maxConnections). */
  readonly maxConnections: number;
  /** A request's headers must arrive within this long (ms). */
  readonly headersTimeoutMs: number;
  /** A whole request (headers and body) must arrive within this long (ms). Long polls wait after it. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long (ms). */
  readonly keepAliveTimeoutMs: number;
}

/** Bookkeeping counted per message on top of its payload (object, ids, handle, heap slot). */
export const MESSAGE_OVERHEAD_BYTES = 512;

/** Tags per queue as AWS allows them. */
export const AWS_MAX_TAGS = 50;

export const DEFAULT_LIMITS: EndpointLimits = Object.freeze({
  maxQueues: 1_000,
  maxTagsPerQueue: AWS_MAX_TAGS,
  maxHeldBytes: 1024 * 1_048_576,
  // A 1 MiB batch, JSON-escaped or form-encoded, fits.
  maxRequestBytes: 8 * 1_048_576,
  maxConnections: 1_024,
  headersTimeoutMs: 10_000,
  // Large enough for an 8 MiB body on a slow link; long polls are not counted (they wait after the request arrived).
  requestTimeoutMs: 60_000,
  // Above the SDKs' idle-socket reuse window, so a client rarely reuses a socket the server is closing.
  keepAliveTimeoutMs: 65_000,
});

/**
 * Shape limits of one request, fixed: far above what any SQS request needs
 * (a 10-entry batch with 10 attributes each is about 400 values), far below
 * what would take the event loop more than a few milliseconds to parse.
 */
export const REQUEST_SHAPE = Object.freeze({
  /** JSON nesting (SQS requests nest 5 deep). */
  maxJsonDepth: 16,
  /** JSON values (members and elements, all levels). */
  maxJsonValues: 5_000,
  /** Query-protocol parameters. */
  maxQueryParams: 2_000,
  /** Dotted segments in one Query parameter name (SQS's deepest has 6). */
  maxQueryKeySegments: 8,
  /** Names in one list (AttributeNames, MessageAttributeNames, TagKeys). */
  maxListItems: 1_000,
});
