/**
 * --verify: did the messages the writer accepted (201 + MessageId) reach the
 * queue or the worker?
 *
 * 1. With a data log (the worker's --data-log CSV), every MessageId in its 6th
 *    column counts as received: the worker has seen it (pass or fail).
 * 2. The ids still unaccounted for are looked for in the main queue and the
 *    dead-letter queue by receiving with a visibility timeout longer than the
 *    whole check (so no message is seen twice), then handing every received
 *    message back at once (ChangeMessageVisibility 0).
 *
 * Limits: a running worker deletes messages and holds some invisible, so with
 * a worker use the data log. Each receive here counts toward the queue's
 * maxReceiveCount. A queue far larger than the run takes long to walk
 * (bounded by `timeoutMs`).
 */
import { readFile } from 'node:fs/promises';
import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UsageError } from '../errors.js';
import { toSqsdemoError } from '../sqs/errors.js';
import { resolveQueueUrls } from '../sqs/topology.js';
import type { VerifyConfig } from './config.js';
import { countOrderViolations } from './groups.js';

export interface VerifyResult {
  /** With checkOrder: per-group order of the passes in the data log. */
  readonly order?: ReturnType<typeof countOrderViolations>;
  readonly accepted: number;
  readonly received: number;
  readonly missing: number;
  readonly found: { readonly queue: number; readonly dlq: number; readonly dataLog: number };
  readonly missingSample: readonly string[];
}

/** Receive loops per queue. */
const PARALLEL = 4;
/** Empty long-poll receives in a row (per loop) after which a queue counts as walked. */
const EMPTY_IN_A_ROW = 2;

/** The 6th field of every record of an RFC 4180 CSV text (quoted fields may hold commas, "" and line breaks). */
export function sixthColumn(text: string): string[] {
  const out: string[] = [];
  let field = 0;
  let quoted = false;
  let value = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          if (field === 5) value += '"';
          i++;
        } else quoted = false;
      } else if (field === 5) value += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') field++;
    else if (c === '\n') {
      if (field >= 5) out.push(value);
      field = 0;
      value = '';
    } else if (c !== '\r' && field === 5) value += c;
  }
  if (field >= 5) out.push(value);
  return out;
}

/** The body (7th field) of every `pass` record (3rd field) of a data log, in file order (RFC 4180 quoting). */
export function passedBodies(text: string): string[] {
  const out: string[] = [];
  let fields: string[] = [];
  let value = '';
  let quoted = false;
  const endRecord = (): void => {
    fields.push(value);
    if (fields.length >= 7 && fields[2] === 'pass') out.push(fields[6]!);
    fields = [];
    value = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') value += c;
      else if (text[i + 1] === '"') {
        value += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(value);
      value = '';
    } else if (c === '\n') endRecord();
    else if (c !== '\r') value += c;
  }
  if (value !== '' || fields.length > 0) endRecord();
  return out;
}

export async function verifyAccepted(ids: readonly string[], config: VerifyConfig, client: SQSClient): Promise<VerifyResult> {
  const wanted = new Set(ids);
  const accepted = wanted.size;
  let dataLog = 0;
  let order: VerifyResult['order'];
  if (config.dataLog !== undefined) {
    let text: string;
    try {
      text = await readFile(config.dataLog, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --verify-data-log ${config.dataLog}: ${(err as Error).message}`, 'pass the file given to `sqsdemo work --data-log`');
    }
    for (const id of sixthColumn(text)) if (wanted.delete(id)) dataLog++;
    if (config.checkOrder) order = countOrderViolations(passedBodies(text));
  }
  let queue = 0;
  let dlq = 0;
  if (wanted.size > 0) {
    const urls = await resolveQueueUrls(client, config.sqs).catch((err: unknown) => {
      throw toSqsdemoError(err, config.sqs);
    });
    const deadline = Date.now() + config.timeoutMs;
    // Hidden longer than the check can last, so each message is received once.
    const hideSeconds = Math.min(43_200, Math.ceil(config.timeoutMs / 1000) + 60);
    const held: Array<{ url: string; handle: string }> = [];
    try {
      queue = await walk(client, urls.queueUrl, wanted, deadline, hideSeconds, held, config);
      if (wanted.size > 0) dlq = await walk(client, urls.dlqUrl, wanted, deadline, hideSeconds, held, config);
    } finally {
      await handBack(client, held);
    }
  }
  return {
    ...(order ? { order } : {}),
    accepted,
    received: accepted - wanted.size,
    missing: wanted.size,
    found: { queue, dlq, dataLog },
    missingSample: [...wanted].slice(0, 10),
  };
}

/** Receive from `url` until every wanted id was found, the queue looks empty, or the deadline. Returns ids found. */
async function walk(
  client: SQSClient, url: string, wanted: Set<string>, deadline: number, hideSeconds: number,
  held: Array<{ url: string; handle: string }>, config: VerifyConfig,
): Promise<number> {
  let found = 0;
  const loop = async (): Promise<void> => {
    let empty = 0;
    while (wanted.size > 0 && empty < EMPTY_IN_A_ROW && Date.now() < deadline) {
      const out = await client
        .send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: hideSeconds }))
        .catch((err: unknown) => {
          throw toSqsdemoError(err, config.sqs);
        });
      const messages = out.Messages ?? [];
      empty = messages.length === 0 ? empty + 1 : 0;
      for (const m of messages) {
        if (m.ReceiptHandle) held.push({ url, handle: m.ReceiptHandle });
        if (m.MessageId !== undefined && wanted.delete(m.MessageId)) found++;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, loop));
  return found;
}

/** Make every message we hid visible again at once (best effort: else it reappears after hideSeconds). */
async function handBack(client: SQSClient, held: ReadonlyArray<{ url: string; handle: string }>): Promise<void> {
  const calls: Array<Promise<unknown>> = [];
  for (let i = 0; i < held.length; i += 10) {
    const chunk = held.slice(i, i + 10);
    const byUrl = new Map<string, string[]>();
    for (const h of chunk) byUrl.set(h.url, [...(byUrl.get(h.url) ?? []), h.handle]);
    for (const [url, handles] of byUrl) {
      calls.push(
        client
          .send(new ChangeMessageVisibilityBatchCommand({
            QueueUrl: url,
            Entries: handles.map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 })),
          }))
          .catch(() => undefined),
      );
    }
  }
  await Promise.all(calls);
}
