/**
 * The Query protocol (older boto3, AWS CLI v2.9, hand-made requests):
 * form-encoded `Action=...&QueueUrl=...` (POST body or GET query string), XML
 * answers, XML ErrorResponse. Flattened parameters (`Attribute.1.Name`,
 * `SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue`) are
 * turned into the JSON 1.0 input shape so both protocols share the handlers.
 */
import type { ServerResponse } from 'node:http';
import { invalidAction, missingParameter, serializationError, type SqsApiError } from './errors.js';
import type { Input } from './input.js';
import { REQUEST_SHAPE } from './limits.js';
import type { ParsedRequest } from './json-protocol.js';
import { xmlError, xmlResponse } from './xml.js';

const XML_CONTENT_TYPE = 'text/xml';

type Tree = { [key: string]: Tree | string };

/**
 * Parse form parameters (strictly decoded, see form.ts); `path` is the request
 * path (a queue URL's path names the queue). Names have at most
 * REQUEST_SHAPE.maxQueryKeySegments dotted parts, so the tree is shallow.
 */
export function parseQueryRequest(params: readonly (readonly [string, string])[], path: string, baseUrl: string): ParsedRequest {
  let action: string | undefined;
  for (const [k, v] of params) if (k === 'Action') action ??= v;
  if (action === undefined || action === '') throw missingParameter('Action');
  if (action.length > 64 || !/^[A-Za-z]+$/.test(action)) throw invalidAction(action.slice(0, 64));
  const tree: Tree = Object.create(null) as Tree;
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const parts = key.split('.', REQUEST_SHAPE.maxQueryKeySegments + 1);
    if (parts.length > REQUEST_SHAPE.maxQueryKeySegments) {
      throw serializationError(`Parameter names have at most ${REQUEST_SHAPE.maxQueryKeySegments} dotted parts.`);
    }
    let node = tree;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = node[parts[i]!];
      if (typeof next === 'object') node = next;
      else node = node[parts[i]!] = Object.create(null) as Tree;
    }
    node[parts[parts.length - 1]!] = value;
  }
  const input = normalize(tree, action) as Record<string, unknown>;
  if (input.QueueUrl === undefined && /^\/[^/]+\/[^/]+\/?$/.test(path)) input.QueueUrl = baseUrl + path;
  return { action, input };
}

/** Numbered children (`1`, `2`, ...) in index order. */
function items(node: Tree | string | undefined): (Tree | string)[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.keys(node)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => node[k]!);
}

function toMap(node: Tree | string | undefined, keyName: string, valueName: string, valueIsObject: boolean): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const item of items(node)) {
    if (typeof item === 'string') continue;
    const key = item[keyName];
    if (typeof key !== 'string') continue;
    const value = item[valueName];
    out[key] = valueIsObject ? (typeof value === 'object' ? { ...value } : {}) : value;
  }
  return out;
}

const LISTS = new Map([
  ['AttributeName', 'AttributeNames'],
  ['MessageAttributeName', 'MessageAttributeNames'],
  ['MessageSystemAttributeName', 'MessageSystemAttributeNames'],
  ['TagKey', 'TagKeys'],
]);
const ENTRY_LISTS = new Set(['SendMessageBatchRequestEntry', 'DeleteMessageBatchRequestEntry', 'ChangeMessageVisibilityBatchRequestEntry']);

function normalize(tree: Tree, action: string): Input {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, node] of Object.entries(tree)) {
    if (key === 'Attribute') out.Attributes = toMap(node, 'Name', 'Value', false);
    else if (key === 'MessageAttribute') out.MessageAttributes = toMap(node, 'Name', 'Value', true);
    else if (key === 'MessageSystemAttribute') out.MessageSystemAttributes = toMap(node, 'Name', 'Value', true);
    else if (key === 'Tag') out[action === 'CreateQueue' ? 'tags' : 'Tags'] = toMap(node, 'Key', 'Value', false);
    else if (LISTS.has(key)) out[LISTS.get(key)!] = items(node).filter((x) => typeof x === 'string');
    else if (ENTRY_LISTS.has(key)) out.Entries = items(node).map((e) => (typeof e === 'string' ? {} : normalize(e, action)));
    else out[key] = node;
  }
  return out;
}

export function writeXml(res: ServerResponse, action: string, output: object, requestId: string): void {
  const body = xmlResponse(action, output, requestId);
  res.writeHead(200, { 'content-type': XML_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId });
  res.end(body);
}

export function writeXmlError(res: ServerResponse, err: SqsApiError, requestId: string): void {
  const body = xmlError(err.sender ? 'Sender' : 'Receiver', err.queryCode, err.message, requestId);
  res.writeHead(err.status, { 'content-type': XML_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId });
  res.end(body);
}
