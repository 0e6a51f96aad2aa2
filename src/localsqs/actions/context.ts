/** What every action handler gets: the store and the request's facts. */
import type { QueueStore } from '../store.js';
import type { Input } from '../input.js';

export interface ActionContext {
  readonly store: QueueStore;
  /** Base URL the client used (from its Host header), for queue URLs in responses. */
  readonly baseUrl: string;
  /** The caller's access key id (from SigV4), shown as the SenderId attribute. */
  readonly senderId: string;
  /** For long polls: called with a function that ends the wait (client gone, server closing). */
  readonly onCancel?: (cancel: () => void) => void;
}

/** A handler takes the JSON 1.0 input shape and returns the JSON 1.0 output shape. */
export type ActionHandler = (input: Input, ctx: ActionContext) => object | Promise<object>;
