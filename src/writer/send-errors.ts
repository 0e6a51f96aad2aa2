/** How the batcher treats a whole-call SendMessageBatch error (see batch-types.ts). */
import { isNetworkError, isQueueMissing, isTransient } from '../sqs/errors.js';
import type { SendErrorClass } from './batch-types.js';

/**
 * Client faults one entry can cause for the whole call (bad characters, a body longer than the
 * queue's limit after it changed, the batch's total size): splitting the batch finds that entry.
 * Other client faults (credentials, permissions, batch shape) are not the request's fault: 500.
 */
const ENTRY_FAULTS = /^(InvalidMessageContents|InvalidParameterValue(Exception)?|BatchRequestTooLong|InvalidAttributeValue|ValidationException|ValidationError)$/;

export function classifySendError(err: unknown): SendErrorClass {
  const name = (err as { name?: string } | undefined)?.name;
  if (name === 'AbortError' || name === 'SqsNotReady') return 'network';
  if (isQueueMissing(err)) return 'queue_missing';
  if (isNetworkError(err)) return 'network';
  if (isTransient(err)) return 'transient';
  const e = err as { name?: string; $fault?: string } | undefined;
  if (e?.$fault === 'client' && ENTRY_FAULTS.test(e.name ?? '')) return 'sender';
  return 'fatal';
}
