/** How the batcher treats a whole-call SendMessageBatch error (see batch-types.ts). */
import { classifySqsError } from '../sqs/errors.js';
import type { SendErrorClass } from './batch-types.js';
import { SqsNotReadyError } from './sqs-send.js';

/** AWS errors are classified in src/sqs/errors.ts; the writer adds only its own "no queue URL yet". */
export function classifySendError(err: unknown): SendErrorClass {
  return err instanceof SqsNotReadyError ? 'network' : classifySqsError(err);
}
