/** The request-level checks every *Batch action makes before handling entries one by one. */
import {
  SqsApiError, batchEntryIdsNotDistinct, emptyBatchRequest, invalidBatchEntryId, tooManyEntriesInBatchRequest,
} from '../errors.js';
import { field, objectList, type Input } from '../input.js';

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

export interface BatchFailure {
  readonly Id: string;
  readonly SenderFault: boolean;
  readonly Code: string;
  readonly Message: string;
}

/** Validate Entries (present, at most 10, ids well formed and distinct) and return them. */
export function batchEntries(input: Input, entryName: string): Input[] {
  const entries = objectList(input, 'Entries');
  if (entries === undefined || entries.length === 0) throw emptyBatchRequest(entryName);
  if (entries.length > 10) throw tooManyEntriesInBatchRequest(entries.length);
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = field(entry, 'Id');
    if (typeof id !== 'string' || !ENTRY_ID.test(id)) throw invalidBatchEntryId();
    if (seen.has(id)) throw batchEntryIdsNotDistinct(id);
    seen.add(id);
  }
  return entries;
}

/** A per-entry failure in AWS's shape; unexpected errors propagate. */
export function entryFailure(id: string, err: unknown): BatchFailure {
  if (!(err instanceof SqsApiError)) throw err;
  return { Id: id, SenderFault: err.sender, Code: err.type, Message: err.message };
}
