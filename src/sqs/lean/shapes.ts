/**
 * The JSON 1.0 shapes of the four hot calls, as the SDK's schemas in
 * @aws-sdk/client-sqs define them: request members in schema order (the SDK
 * serializes in that order), response members picked the same way. Scalar
 * members pass through as the SDK passes them (moto sends SenderFault as the
 * string "true"; the SDK hands that on); a list, map or structure member that
 * is not one, or a body that is not a JSON object, is a ResponseShapeError
 * (where the SDK would hand the role a value it then trips over).
 */
import type {
  BatchResultErrorEntry, ChangeMessageVisibilityBatchRequest, ChangeMessageVisibilityBatchResult, DeleteMessageBatchRequest,
  DeleteMessageBatchResult, Message, MessageAttributeValue, ReceiveMessageRequest, ReceiveMessageResult, SendMessageBatchRequest,
  SendMessageBatchResult,
} from '@aws-sdk/client-sqs';

/** A 2xx body that is not the shape SQS promised (truncated JSON, wrong types). */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
}

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------
// Requests: the input's known members, in the schema's order; undefined and null left out.

function put(out: Json, key: string, value: unknown): void {
  if (value !== undefined && value !== null) out[key] = value;
}

function attributeValue(v: MessageAttributeValue): Json {
  const out: Json = {};
  put(out, 'DataType', v.DataType);
  put(out, 'StringValue', v.StringValue);
  if (v.BinaryValue != null) out.BinaryValue = base64(v.BinaryValue);
  put(out, 'StringListValues', v.StringListValues);
  if (v.BinaryListValues != null) out.BinaryListValues = v.BinaryListValues.map(base64);
  return out;
}

function attributeMap(map: Record<string, MessageAttributeValue> | undefined): Json | undefined {
  if (map == null) return undefined;
  const out: Json = {};
  for (const key of Object.keys(map)) if (map[key] != null) out[key] = attributeValue(map[key]!);
  return out;
}

function base64(value: Uint8Array | string): string {
  return typeof value === 'string' ? Buffer.from(value, 'utf8').toString('base64') : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

/** The members `keys` of `source`, in that order; undefined and null left out. */
function pick(source: object, keys: readonly string[]): Json {
  const out: Json = {};
  for (const key of keys) put(out, key, (source as Json)[key]);
  return out;
}

/** A batch request: QueueUrl, then each entry's `entryKeys` (after `convert`, if given). */
function batchBody<E extends object>(input: { QueueUrl?: string; Entries?: E[] }, entryKeys: readonly string[], convert?: (entry: E) => object): string {
  const out: Json = {};
  put(out, 'QueueUrl', input.QueueUrl);
  if (input.Entries != null) out.Entries = input.Entries.map((e) => pick(convert ? convert(e) : e, entryKeys));
  return JSON.stringify(out);
}

const SEND_ENTRY = ['Id', 'MessageBody', 'DelaySeconds', 'MessageAttributes', 'MessageSystemAttributes', 'MessageDeduplicationId', 'MessageGroupId'] as const;
const RECEIVE = ['QueueUrl', 'AttributeNames', 'MessageSystemAttributeNames', 'MessageAttributeNames', 'MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds', 'ReceiveRequestAttemptId'] as const;

export function sendMessageBatchBody(input: SendMessageBatchRequest): string {
  return batchBody(input, SEND_ENTRY, (e) => (e.MessageAttributes == null && e.MessageSystemAttributes == null ? e : {
    ...e,
    MessageAttributes: attributeMap(e.MessageAttributes),
    MessageSystemAttributes: attributeMap(e.MessageSystemAttributes as Record<string, MessageAttributeValue> | undefined),
  }));
}

export function receiveMessageBody(input: ReceiveMessageRequest): string {
  return JSON.stringify(pick(input, RECEIVE));
}

export function deleteMessageBatchBody(input: DeleteMessageBatchRequest): string {
  return batchBody(input, ['Id', 'ReceiptHandle']);
}

export function changeMessageVisibilityBatchBody(input: ChangeMessageVisibilityBatchRequest): string {
  return batchBody(input, ['Id', 'ReceiptHandle', 'VisibilityTimeout']);
}

// ---------------------------------------------------------------------------
// Responses: only the schema's members, each checked for its type.

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ResponseShapeError(`${where}: expected an object`);
  return value as Json;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new ResponseShapeError(`${where}: expected a list`);
  return value;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ResponseShapeError(`${where}: expected a string`);
  return value;
}

/** Copies scalar members `keys` of `from` that are present (not null) into `to`, as they are (the SDK's way). */
function strings(to: Json, from: Json, keys: readonly string[]): void {
  for (const key of keys) if (from[key] != null) to[key] = from[key];
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const map = object(value, where);
  const out: Json = {};
  for (const key of Object.keys(map)) if (map[key] != null) out[key] = map[key];
  return out as Record<string, string>;
}

function blob(value: unknown, where: string): Uint8Array {
  const text = string(value, where);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw new ResponseShapeError(`${where}: expected base64`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function parseAttributeValue(value: unknown, where: string): MessageAttributeValue {
  const v = object(value, where);
  const out: Json = {};
  strings(out, v, ['DataType', 'StringValue']);
  if (v.BinaryValue != null) out.BinaryValue = blob(v.BinaryValue, `${where}.BinaryValue`);
  if (v.StringListValues != null) out.StringListValues = list(v.StringListValues, `${where}.StringListValues`);
  if (v.BinaryListValues != null) out.BinaryListValues = list(v.BinaryListValues, `${where}.BinaryListValues`).map((s, i) => blob(s, `${where}.BinaryListValues[${i}]`));
  return out as unknown as MessageAttributeValue;
}

function failedEntries(value: unknown, where: string): BatchResultErrorEntry[] {
  return list(value, where).map((item, i) => {
    const at = `${where}[${i}]`;
    const f = object(item, at);
    const out: Json = {};
    strings(out, f, ['Id', 'SenderFault', 'Code', 'Message']);
    return out as unknown as BatchResultErrorEntry;
  });
}

function idEntries(value: unknown, where: string): Array<{ Id: string }> {
  return list(value, where).map((item, i) => {
    const out: Json = {};
    strings(out, object(item, `${where}[${i}]`), ['Id']);
    return out as { Id: string };
  });
}

function body(text: string): Json {
  if (text === '') return {};
  return object(JSON.parse(text), 'response');
}

export function parseSendMessageBatch(text: string): SendMessageBatchResult {
  const b = body(text);
  const out: Json = {};
  if (b.Successful != null) {
    out.Successful = list(b.Successful, 'Successful').map((item, i) => {
      const at = `Successful[${i}]`;
      const e: Json = {};
      strings(e, object(item, at), ['Id', 'MessageId', 'MD5OfMessageBody', 'MD5OfMessageAttributes', 'MD5OfMessageSystemAttributes', 'SequenceNumber']);
      return e;
    });
  }
  if (b.Failed != null) out.Failed = failedEntries(b.Failed, 'Failed');
  return out as unknown as SendMessageBatchResult;
}

export function parseReceiveMessage(text: string): ReceiveMessageResult {
  const b = body(text);
  const out: Json = {};
  if (b.Messages != null) {
    out.Messages = list(b.Messages, 'Messages').map((item, i) => {
      const at = `Messages[${i}]`;
      const m = object(item, at);
      const msg: Json = {};
      strings(msg, m, ['MessageId', 'ReceiptHandle', 'MD5OfBody', 'Body']);
      if (m.Attributes != null) msg.Attributes = stringMap(m.Attributes, `${at}.Attributes`);
      strings(msg, m, ['MD5OfMessageAttributes']);
      if (m.MessageAttributes != null) {
        const attrs = object(m.MessageAttributes, `${at}.MessageAttributes`);
        const parsed: Record<string, MessageAttributeValue> = {};
        for (const key of Object.keys(attrs)) if (attrs[key] != null) parsed[key] = parseAttributeValue(attrs[key], `${at}.MessageAttributes.${key}`);
        msg.MessageAttributes = parsed;
      }
      return msg as Message;
    });
  }
  return out as unknown as ReceiveMessageResult;
}

/** DeleteMessageBatch and ChangeMessageVisibilityBatch answer the same shape: Successful ids, Failed entries. */
function parseIdBatch(text: string): Json {
  const b = body(text);
  const out: Json = {};
  if (b.Successful != null) out.Successful = idEntries(b.Successful, 'Successful');
  if (b.Failed != null) out.Failed = failedEntries(b.Failed, 'Failed');
  return out;
}

export function parseDeleteMessageBatch(text: string): DeleteMessageBatchResult {
  return parseIdBatch(text) as unknown as DeleteMessageBatchResult;
}

export function parseChangeMessageVisibilityBatch(text: string): ChangeMessageVisibilityBatchResult {
  return parseIdBatch(text) as unknown as ChangeMessageVisibilityBatchResult;
}
